import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseServiceListeningLine } from '@shared/service-banner';

export interface EmbeddedService {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts the bundled billing service (out/service/index.mjs) under this Node with demo data in
 * dataDir (PGlite; seeded only on first run), and resolves once it prints its address.
 */
export async function startEmbeddedService(options: { bundle: string; dataDir: string; timeoutMs?: number }): Promise<EmbeddedService> {
  if (!existsSync(options.bundle)) {
    throw new Error(`The billing service is not built (${options.bundle} is missing). Run \`npm run build\` first.`);
  }
  const child = spawn(process.execPath, [options.bundle, '--port', '0', '--data', options.dataDir, '--seed', 'demo'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn' },
  });
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr.push(chunk.toString('utf8'));
    if (stderr.length > 50) stderr.shift();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('The embedded billing service did not start within its time limit.')), options.timeoutMs ?? 120_000);
    const lines = createInterface({ input: child.stdout! });
    function fail(error: Error): void {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    }
    lines.on('line', (line) => {
      const found = parseServiceListeningLine(line);
      if (found !== null) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.once('exit', (code) => fail(new Error(`The embedded billing service exited (code ${String(code)}): ${stderr.join('').trim().slice(-2000)}`)));
  });
  return { url, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
