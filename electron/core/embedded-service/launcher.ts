import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseServiceListeningLine } from '@shared/service-banner';
import { embeddedServiceArgs, embeddedServiceEnv } from './environment';

/**
 * The embedded billing service: the bundled service (out/service/index.mjs) run as a child on
 * loopback, with PGlite in the app's data folder and the demo data seeded on first run. The
 * desktop side cannot import service/ (layer rule), so it starts the bundle: the Electron shell as
 * a utility process (the RunAsNode fuse is off), the browser host under its own Node
 * (`forkUnderNode`). Both come through `startEmbeddedService`, with the same arguments and the
 * same environment rules (environment.ts).
 */
export interface ServiceProcess {
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  once(event: 'exit', listener: (code: number | null) => void): unknown;
  /** Electron's utilityProcess takes no signal; a child process is killed with SIGKILL when it hangs. */
  kill(signal?: NodeJS.Signals): boolean;
  /** Electron's utilityProcess: asked to shut down first, since a kill on Windows skips its handlers. */
  postMessage?(message: unknown): void;
}

export type ForkService = (modulePath: string, args: string[], env: Record<string, string>) => ServiceProcess;

/** Runs the bundle under this process's Node binary: for Node hosts only (under Electron, execPath is the app). */
export const forkUnderNode: ForkService = (modulePath, args, env) =>
  spawn(process.execPath, [modulePath, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });

export interface EmbeddedService {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Resolves with the exit code when the service exits, for whatever reason. */
  exited: Promise<number | null>;
  /** Asks the service to stop (it closes PGlite cleanly on SIGTERM) and waits for it. */
  stop(): Promise<void>;
}

export interface EmbeddedServiceOptions {
  /** The service bundle (out/service/index.mjs). */
  modulePath: string;
  dataDir: string;
  fork: ForkService;
  /** The parent's environment, filtered by embeddedServiceEnv; process.env by default. */
  env?: NodeJS.ProcessEnv;
  log?: (message: string) => void;
  /** How long start-up (PGlite, migrations, first-run seed) may take. */
  readyTimeoutMs?: number;
  stopTimeoutMs?: number;
}

/**
 * The service's URL from its "listening" line (the shared banner service/main.ts prints), or
 * null for any other line, a non-loopback address or a port outside 1-65535.
 */
export function parseListeningLine(line: string): string | null {
  const url = parseServiceListeningLine(line);
  if (url === null) return null;
  const port = Number(/:(\d+)$/.exec(url)?.[1]);
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? url : null;
}

/** Waits (briefly) for a stream to end, so the last lines a dying process wrote are read. */
function drained(stream: NodeJS.ReadableStream | null, capMs: number): Promise<void> {
  if (stream === null) return Promise.resolve();
  if ('readableEnded' in stream && (stream.readableEnded === true || ('destroyed' in stream && stream.destroyed === true))) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, capMs);
    stream.once('close', () => {
      clearTimeout(timer);
      // readline emits the last line on the stream's end, one tick later.
      setImmediate(resolve);
    });
  });
}

/** Waits for `promise` at most `ms`; 'timeout' when it did not settle in time. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  try {
    return await Promise.race([promise, gaveUp]);
  } finally {
    clearTimeout(timer);
  }
}

export function startEmbeddedService(options: EmbeddedServiceOptions): Promise<EmbeddedService> {
  if (!existsSync(options.modulePath)) {
    return Promise.reject(new Error(`The billing service is not built (${options.modulePath} is missing). Run \`npm run build\` first.`));
  }
  const log = options.log ?? (() => {});
  const child = options.fork(options.modulePath, embeddedServiceArgs(options.dataDir), embeddedServiceEnv(options.env ?? process.env));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let stderrTail = '';
  if (child.stderr !== null) {
    createInterface({ input: child.stderr }).on('line', (line) => {
      stderrTail = (stderrTail + '\n' + line).slice(-2000);
      log(`billing service: ${line}`);
    });
  }

  let stopped: Promise<void> | null = null;
  const stop = () => {
    stopped ??= (async () => {
      if (child.postMessage !== undefined) {
        child.postMessage('shutdown');
        if ((await within(exited, 5_000)) !== 'timeout') return;
      }
      child.kill('SIGTERM');
      if ((await within(exited, options.stopTimeoutMs ?? 10_000)) !== 'timeout') return;
      log('billing service: did not stop in time; killed');
      child.kill('SIGKILL');
      await within(exited, 5_000);
    })();
    return stopped;
  };

  return new Promise<EmbeddedService>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      child.kill('SIGKILL');
      reject(new Error('The embedded billing service did not start in time.'));
    }, options.readyTimeoutMs ?? 120_000);
    if (child.stdout === null) {
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error('The embedded billing service was started without a stdout pipe.'));
      return;
    }
    createInterface({ input: child.stdout }).on('line', (line) => {
      const url = settled ? null : parseListeningLine(line);
      if (url === null) {
        log(`billing service: ${line}`);
        return;
      }
      settled = true;
      clearTimeout(timer);
      resolve({ url, exited, stop });
    });
    void exited.then(async (code) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      await drained(child.stderr, 1000);
      reject(new Error(`The embedded billing service exited (code ${code}) before it was ready.${stderrTail === '' ? '' : ` Last output:${stderrTail}`}`));
    });
  });
}
