/**
 * The Content-Security-Policy the main process puts on every page it serves. The renderer
 * needs nothing but its own bundle: no inline script, no eval, no network of its own (the
 * core makes every HTTP call), no frames, no plugins.
 */
export interface CspOptions {
  /**
   * electron-vite's dev server origin (http://localhost:5173) in development: Vite injects an
   * inline React Refresh preamble and talks to its HMR WebSocket, so the dev policy allows
   * those two things and nothing more. Never set in a packaged app.
   */
  devServerOrigin?: string | null;
}

export function contentSecurityPolicy(options: CspOptions = {}): string {
  const dev = options.devServerOrigin ?? null;
  const directives: Record<string, string[]> = {
    'default-src': ["'none'"],
    'script-src': dev === null ? ["'self'"] : ["'self'", "'unsafe-inline'"],
    'style-src': dev === null ? ["'self'"] : ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'"],
    'connect-src': dev === null ? ["'self'"] : ["'self'", dev.replace(/^http/, 'ws')],
    'media-src': ["'none'"],
    'object-src': ["'none'"],
    'frame-src': ["'none'"],
    'child-src': ["'none'"],
    'worker-src': ["'none'"],
    'manifest-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

/** Parses a policy into directive → sources, for tests and the security lint. */
export function parseCsp(policy: string): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name !== undefined && name !== '' && !result.has(name.toLowerCase())) result.set(name.toLowerCase(), values);
  }
  return result;
}
