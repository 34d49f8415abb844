import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

export interface RunningHost {
  launchUrl: string;
  origin: string;
  process: ChildProcess;
  stop(): Promise<number | null>;
}

const ROOT = resolve(import.meta.dirname, '../..');

/** Starts `electron/browser-host` as `npm run start:browser` does (renderer already built). */
export async function startHostProcess(args: string[] = []): Promise<RunningHost> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/browser-host/index.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.node.json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  const launchUrl = await new Promise<string>((resolveUrl, reject) => {
    lines.on('line', (line) => {
      const match = /^Seatdesk browser host: (http:\/\/127\.0\.0\.1:\d+\/#token=\S+)$/.exec(line);
      if (match?.[1]) resolveUrl(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`browser host exited with ${code}: ${stderr}`)));
  });
  return {
    launchUrl,
    origin: new URL(launchUrl).origin,
    process: child,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}
