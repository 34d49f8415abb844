/**
 * How the embedded billing service is started: its arguments and the environment it gets. The
 * Electron shell and the browser host both go through here (launcher.ts), so the two cannot drift.
 */

/** Any free port, loopback only (the service's default host), data in the app's folder, demo seed. */
export function embeddedServiceArgs(dataDir: string): string[] {
  return ['--port', '0', '--data', dataDir, '--seed', 'demo'];
}

/**
 * What a Node process needs to run on each platform (Windows cannot open a socket or find its
 * temporary folder without SystemRoot and TEMP), and the locale. Anything else in the parent's
 * environment stays behind: DATABASE_URL would point the demo service (and its demo seed) at
 * someone's real database, SMTP_URL and SEATDESK_* would change where it sends mail or open its
 * operator routes, and NODE_OPTIONS, NODE_PATH, PG*, LD_PRELOAD and the like change how it starts.
 */
const PASSED_THROUGH = new Set([
  'PATH',
  'HOME',
  'TMPDIR',
  'TMP',
  'TEMP',
  'USERPROFILE',
  'APPDATA',
  'LOCALAPPDATA',
  'SYSTEMROOT',
  'SYSTEMDRIVE',
  'WINDIR',
  'LANG',
  'LANGUAGE',
  'TZ',
]);
const LOCALE_CATEGORY = /^LC_[A-Z]+$/;

/** The environment the service child gets: an allow-list of the parent's, and quiet logs. */
export function embeddedServiceEnv(parent: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    // Windows spells some of these its own way (Path, SystemRoot); names are case-insensitive there.
    const upper = name.toUpperCase();
    if (value !== undefined && (PASSED_THROUGH.has(upper) || LOCALE_CATEGORY.test(upper))) env[name] = value;
  }
  env['LOG_LEVEL'] = 'warn';
  return env;
}
