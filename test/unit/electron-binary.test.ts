import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const SCRIPT = join(ROOT, 'scripts/with-electron.mjs');

function run(env: Record<string, string>) {
  return spawnSync(process.execPath, [SCRIPT, process.execPath, '-e', 'console.log("launched")'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
}

describe('commands that need the Electron binary', () => {
  it('refuse with one clear sentence when the binary is missing', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'no-electron-'));
    const result = run({ ELECTRON_OVERRIDE_DIST_PATH: empty });
    expect(result.status).toBe(1);
    expect(result.stdout).not.toContain('launched');
    expect(result.stderr).toContain('The Electron binary is not installed');
    expect(result.stderr).toContain('npm run start:browser');
  });

  it('run the command where the binary exists', async () => {
    const dist = await mkdtemp(join(tmpdir(), 'fake-electron-'));
    await writeFile(join(dist, 'electron'), '');
    const result = run({ ELECTRON_OVERRIDE_DIST_PATH: dist });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('launched');
  });
});
