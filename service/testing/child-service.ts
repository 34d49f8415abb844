import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseServiceListeningLine } from '@shared/service-banner';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** `npm run service -- ...` in a child process, the way an operator starts it (without npm's wrapper). */
export interface ChildService {
  child: ChildProcess;
  url: string;
  /** Every line printed on stdout so far. */
  stdout: string[];
  stderr(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
  exited: Promise<number | null>;
}

export function spawnService(args: string[], env: Record<string, string | undefined> = {}): { child: ChildProcess; stdout: string[]; stderr: () => string; exited: Promise<number | null> } {
  const merged: NodeJS.ProcessEnv = { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.node.json', LOG_LEVEL: 'warn', ...env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete merged[key];
  const child = spawn(process.execPath, ['--import', 'tsx', 'service/main.ts', ...args], { cwd: ROOT, env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: string[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => stdout.push(line));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, stdout, stderr: () => stderr, exited };
}

/** Starts the service and resolves once it prints its listening line; rejects if it exits first. */
export async function startService(args: string[], env: Record<string, string | undefined> = {}): Promise<ChildService> {
  const started = spawnService(args, env);
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setInterval(() => {
      for (const line of started.stdout) {
        const url = parseServiceListeningLine(line);
        if (url !== null) {
          clearInterval(timer);
          resolveUrl(url);
          return;
        }
      }
    }, 20);
    void started.exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`service exited with ${code}: ${started.stderr()}`));
    });
  });
  return {
    ...started,
    url,
    async stop() {
      if (started.child.exitCode === null && started.child.signalCode === null) started.child.kill('SIGTERM');
      return started.exited;
    },
  };
}

export function killAll(children: readonly { child: ChildProcess }[]): void {
  for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
