import { createInterface } from 'node:readline';
import { parseServiceListeningLine } from '@shared/service-banner';

/**
 * The embedded billing service: the bundled service (out/service/index.mjs) run as an
 * Electron utility process on loopback, with PGlite in the app's data folder and the demo
 * data seeded on first run. The main process cannot import service/ (layer rule), and the
 * RunAsNode fuse is off, so it is started as a child (utilityProcess.fork in the app; the
 * `fork` function is injected so tests run the real service under Node).
 */
export interface ServiceProcess {
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  once(event: 'exit', listener: (code: number | null) => void): unknown;
  kill(): boolean;
  /** Electron's utilityProcess: asked to shut down first, since a kill on Windows skips its handlers. */
  postMessage?(message: unknown): void;
}

export type ForkService = (modulePath: string, args: string[], env: Record<string, string>) => ServiceProcess;

export interface EmbeddedService {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Resolves with the exit code when the service exits, for whatever reason. */
  exited: Promise<number | null>;
  /** Asks the service to stop (it closes PGlite cleanly on SIGTERM) and waits for it. */
  stop(): Promise<void>;
}

export interface EmbeddedServiceOptions {
  modulePath: string;
  dataDir: string;
  fork: ForkService;
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

/** Any free port, loopback only (the service's default host), data in the app's folder, demo seed. */
export function embeddedServiceArgs(dataDir: string): string[] {
  return ['--port', '0', '--data', dataDir, '--seed', 'demo'];
}

/**
 * The environment the child gets: the parent's, minus anything that would point the embedded
 * service elsewhere (DATABASE_URL, SMTP_URL), open its operator routes, or change how a Node
 * process starts (NODE_OPTIONS).
 */
export function embeddedServiceEnv(parent: NodeJS.ProcessEnv): Record<string, string> {
  const dropped = /^(DATABASE_URL|SMTP_URL|SEATDESK_.*|NODE_OPTIONS|NODE_PATH|ELECTRON_RUN_AS_NODE|LOG_LEVEL)$/;
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value !== undefined && !dropped.test(name)) env[name] = value;
  }
  env['LOG_LEVEL'] = 'warn';
  return env;
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

export function startEmbeddedService(options: EmbeddedServiceOptions): Promise<EmbeddedService> {
  const log = options.log ?? (() => {});
  const args = embeddedServiceArgs(options.dataDir);
  const child = options.fork(options.modulePath, args, embeddedServiceEnv(options.env ?? process.env));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let stderrTail = '';
  if (child.stderr !== null) {
    createInterface({ input: child.stderr }).on('line', (line) => {
      stderrTail = (stderrTail + '\n' + line).slice(-2000);
      log(`billing service: ${line}`);
    });
  }

  const stop = async () => {
    if (child.postMessage !== undefined) {
      child.postMessage('shutdown');
      let grace: NodeJS.Timeout | undefined;
      const asked = await Promise.race([exited.then(() => 'exited' as const), new Promise<'waiting'>((resolve) => (grace = setTimeout(() => resolve('waiting'), 5_000)))]);
      clearTimeout(grace);
      if (asked === 'exited') return;
    }
    child.kill();
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), options.stopTimeoutMs ?? 10_000)));
    const result = await Promise.race([exited, gaveUp]);
    clearTimeout(timer);
    if (result === 'timeout') log('billing service: did not stop in time');
  };

  return new Promise<EmbeddedService>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      child.kill();
      reject(new Error('The embedded billing service did not start in time.'));
    }, options.readyTimeoutMs ?? 120_000);
    if (child.stdout === null) {
      settled = true;
      clearTimeout(timer);
      child.kill();
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
