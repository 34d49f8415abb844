import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';

/**
 * The main process's log: a file rotated by size (a few kept), every entry redacted before
 * it is written, so no token or password ever lands on disk
 * (DESIGN.md, "Secrets"). Writes are synchronous: the log must survive a crash right after.
 */
export interface Log {
  info(message: string): void;
  warn(message: string, error?: unknown): void;
  error(message: string, error?: unknown): void;
  /** The file being written now (shown in the crash dialog and the Help menu). */
  readonly file: string;
}

export interface RotatingLogOptions {
  dir: string;
  /** File name without extension; rotated copies are `<name>.1.log`, `<name>.2.log`, ... */
  name?: string;
  maxBytes?: number;
  /** How many files to keep, the current one included. */
  maxFiles?: number;
  now?: () => Date;
  /** Also echo to the console (development). */
  echo?: boolean;
}

const REDACTED = '[redacted]';
const SECRET_FIELDS = 'refreshToken|accessToken|refresh_token|access_token|idToken|password|newPassword|currentPassword|token|secret|apiKey|authorization|cookie';

const REDACTIONS: readonly [RegExp, string][] = [
  // Authorization headers and anything else written as "Bearer <token>".
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  // JSON fields: "refreshToken": "..." (escaped quotes inside the value included).
  [new RegExp(`("(?:${SECRET_FIELDS})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi'), `$1"${REDACTED}"`],
  // util.inspect and JS-ish output: refreshToken: 'abc' / password=abc / token=abc&...
  [new RegExp(`\\b((?:${SECRET_FIELDS})\\s*[:=]\\s*)'(?:[^'\\\\]|\\\\.)*'`, 'gi'), `$1'${REDACTED}'`],
  [new RegExp(`\\b((?:${SECRET_FIELDS})=)[^\\s&#"']+`, 'gi'), `$1${REDACTED}`],
  // The billing service's access tokens (sd1.<payload>.<signature>) and JWTs.
  [/\bsd1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, REDACTED],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*)?/g, REDACTED],
];

/**
 * A run of 40+ base64url characters with both letters and digits looks like a secret (a
 * refresh token is 43): redact it. UUIDs (36) and ordinary words stay readable.
 */
const TOKEN_SHAPE = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{40,}={0,2}(?![A-Za-z0-9_-])/g;

/** Removes tokens, passwords and anything shaped like a secret from a log line. */
export function redact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of REDACTIONS) out = out.replace(pattern, replacement);
  return out.replace(TOKEN_SHAPE, (match) => (/[0-9]/.test(match) && /[A-Za-z]/.test(match) ? REDACTED : match));
}

/** An error as log text: message and stack (stacks are fine in the log, never in the renderer). */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const stack = error.stack ?? `${error.name}: ${error.message}`;
    const cause = error.cause === undefined ? '' : `\nCaused by: ${describeError(error.cause)}`;
    return stack + cause;
  }
  return inspect(error, { depth: 4, breakLength: Infinity });
}

/** One log entry as written: time, level, message, then the error indented. */
export function formatEntry(at: Date, level: 'info' | 'warn' | 'error', message: string, error?: unknown): string {
  const head = `${at.toISOString()} [${level}] ${message}`;
  const body = error === undefined ? '' : '\n' + describeError(error).replace(/^/gm, '    ');
  return redact(head + body) + '\n';
}

export function createRotatingLog(options: RotatingLogOptions): Log {
  const name = options.name ?? 'main';
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const maxFiles = Math.max(1, options.maxFiles ?? 5);
  const now = options.now ?? (() => new Date());
  const file = join(options.dir, `${name}.log`);
  const rotated = (n: number) => join(options.dir, `${name}.${n}.log`);
  mkdirSync(options.dir, { recursive: true });

  const rotateIfFull = (incoming: number) => {
    const size = existsSync(file) ? statSync(file).size : 0;
    if (size === 0 || size + incoming <= maxBytes) return;
    if (maxFiles === 1) {
      rmSync(file, { force: true });
      return;
    }
    rmSync(rotated(maxFiles - 1), { force: true });
    for (let n = maxFiles - 2; n >= 1; n--) if (existsSync(rotated(n))) renameSync(rotated(n), rotated(n + 1));
    renameSync(file, rotated(1));
  };

  const write = (level: 'info' | 'warn' | 'error', message: string, error?: unknown) => {
    const entry = formatEntry(now(), level, message, error);
    if (options.echo) (level === 'info' ? console.log : console.error)(entry.trimEnd());
    try {
      rotateIfFull(Buffer.byteLength(entry));
      appendFileSync(file, entry, { mode: 0o600 });
    } catch (writeError) {
      // A full disk must not take the app down with it; the console still gets the entry.
      console.error('Seatdesk could not write its log:', writeError instanceof Error ? writeError.message : writeError);
    }
  };

  return {
    file,
    info: (message) => write('info', message),
    warn: (message, error) => write('warn', message, error),
    error: (message, error) => write('error', message, error),
  };
}
