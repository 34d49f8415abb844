import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { clientMessageSchema, type ClientCommand, type ClientEnv, type ClientMessage } from './chaos-protocol';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT_DIR = join(ROOT, 'node_modules', '.cache', 'seatdesk-reliability');

let bundled: Promise<string> | null = null;

/**
 * chaos-client.ts and the sync engine's writer thread bundled once per run (as electron-vite
 * bundles the app; npm packages stay external): a client restarted after a SIGKILL then starts
 * in a fraction of a second instead of compiling TypeScript again.
 */
export function bundleChaosClient(): Promise<string> {
  bundled ??= (async () => {
    mkdirSync(OUT_DIR, { recursive: true });
    writeFileSync(join(OUT_DIR, 'package.json'), '{ "type": "module" }\n');
    await build({
      entryPoints: {
        'chaos-client': join(ROOT, 'test/reliability/chaos-client.ts'),
        // The engine starts its writer thread from ./apply-worker.js beside the bundle.
        'apply-worker': join(ROOT, 'electron/core/sync/apply-worker.ts'),
      },
      outdir: OUT_DIR,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      packages: 'external',
      sourcemap: 'inline',
      logLevel: 'warning',
      alias: { '@shared': join(ROOT, 'shared') },
    });
    return join(OUT_DIR, 'chaos-client.js');
  })();
  return bundled;
}

/** One run of a client process, from spawn to exit. */
export interface ClientProcess {
  readonly incarnation: number;
  readonly messages: readonly ClientMessage[];
  /** Resolves with the first message of this type (rejects if the process ends first). */
  waitFor<T extends ClientMessage['t']>(type: T, timeoutMs?: number): Promise<Extract<ClientMessage, { t: T }>>;
  send(command: ClientCommand): void;
  kill(): void;
  killed(): boolean;
  /** Resolves when the process has exited, with how. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
  /** The last lines of its stderr (the core's log), for a failure message. */
  stderrTail(): string;
}

export function startClientProcess(script: string, env: ClientEnv, onMessage: (message: ClientMessage) => void): ClientProcess {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [script], {
    cwd: ROOT,
    env: { ...process.env, ...Object.fromEntries(Object.entries(env).map(([key, value]) => [key, String(value)])) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const messages: ClientMessage[] = [];
  const waiters = new Set<{ type: string; resolve: (message: ClientMessage) => void; reject: (error: Error) => void }>();
  let stdout = '';
  let stderr = '';
  let killedByUs = false;
  let running = true;

  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (let end = stdout.indexOf('\n'); end >= 0; end = stdout.indexOf('\n')) {
      const line = stdout.slice(0, end);
      stdout = stdout.slice(end + 1);
      if (line.trim() === '') continue;
      let parsed: ClientMessage;
      try {
        parsed = clientMessageSchema.parse(JSON.parse(line));
      } catch {
        stderr += `[not a message] ${line}\n`;
        continue;
      }
      messages.push(parsed);
      onMessage(parsed);
      for (const waiter of [...waiters]) {
        if (waiter.type === parsed.t) {
          waiters.delete(waiter);
          waiter.resolve(parsed);
        }
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  // A killed client's stdin is a broken pipe: nothing to report.
  child.stdin.on('error', () => undefined);

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      running = false;
      for (const waiter of waiters) waiter.reject(new Error(`the client exited (${code ?? signal}) before saying ${waiter.type}`));
      waiters.clear();
      resolve({ code, signal });
    });
  });

  return {
    incarnation: Number(env.CHAOS_INCARNATION),
    messages,
    waitFor(type, timeoutMs = 120_000) {
      const seen = messages.find((message) => message.t === type);
      if (seen !== undefined) return Promise.resolve(seen as Extract<ClientMessage, { t: typeof type }>);
      if (!running) return Promise.reject(new Error(`the client has exited without saying ${type}`));
      return new Promise((resolve, reject) => {
        const waiter = {
          type,
          resolve: (message: ClientMessage) => {
            clearTimeout(timer);
            resolve(message as Extract<ClientMessage, { t: typeof type }>);
          },
          reject: (error: Error) => {
            clearTimeout(timer);
            reject(error);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no ${type} from the client within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    send(command) {
      if (running) child.stdin.write(`${command}\n`);
    },
    kill() {
      if (!running) return;
      killedByUs = true;
      child.kill('SIGKILL');
    },
    killed: () => killedByUs,
    exited,
    alive: () => running,
    stderrTail: () => stderr.split('\n').slice(-25).join('\n'),
  };
}
