import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// scripts/lint-security.mjs (npm run lint:security) against a deliberately insecure main process.
const ROOT = resolve(import.meta.dirname, '../../..');
const FIXTURE = 'test/fixtures/electronegativity';

async function acceptedFile(accepted: unknown[]): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'seatdesk-accepted-')), 'accepted.json');
  await writeFile(file, JSON.stringify({ accepted }));
  return file;
}

function lint(accepted: string) {
  return spawnSync(process.execPath, ['scripts/lint-security.mjs', '--source', FIXTURE, '--renderer', '', '--accepted', accepted], {
    cwd: ROOT,
    encoding: 'utf8',
  });
}

describe('npm run lint:security', () => {
  it('fails on an insecure BrowserWindow and names each finding', async () => {
    const result = lint(await acceptedFile([]));
    expect(result.status).toBe(1);
    for (const check of ['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'WEB_SECURITY_JS_CHECK', 'LIMIT_NAVIGATION_GLOBAL_CHECK']) {
      expect(result.stdout).toMatch(new RegExp(`FAIL\\s+\\w+\\s+${check} `));
    }
    expect(result.stdout).toContain('electronegativity/bad-window.js:8');
    expect(result.stderr).toMatch(/lint:security: \d+ problem\(s\)/);
  }, 60_000);

  it('lets an accepted finding through with its reason, and fails a stale acceptance', async () => {
    const reason = 'Accepted for this test only: the fixture is never shipped.';
    const result = lint(
      await acceptedFile([
        { check: 'CONTEXT_ISOLATION_JS_CHECK', file: 'electronegativity/bad-window.js', reason },
        { check: 'NODE_INTEGRATION_HTML_CHECK', file: 'electronegativity/gone.html', reason },
      ]),
    );
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/accepted\s+HIGH\s+CONTEXT_ISOLATION_JS_CHECK electronegativity\/bad-window.js/);
    expect(result.stdout).toContain(`reason: ${reason}`);
    expect(result.stdout).toContain('stale acceptance: NODE_INTEGRATION_HTML_CHECK in electronegativity/gone.html');
    expect(result.stdout).toMatch(/FAIL\s+MEDIUM\s+SANDBOX_JS_CHECK/);
  }, 60_000);

  it('refuses an acceptance without a written reason before scanning', async () => {
    const result = lint(await acceptedFile([{ check: 'SANDBOX_JS_CHECK', file: 'electronegativity/bad-window.js', reason: 'ok' }]));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('needs a written "reason"');
  });
});
