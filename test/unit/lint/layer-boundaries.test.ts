import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const FIXTURES = resolve(ROOT, 'test/fixtures/lint');

/** Lints fixture files with the project's real ESLint config, treating the fixture folder as the repository root. */
async function lint(relative: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: ROOT,
    overrideConfigFile: resolve(ROOT, 'eslint.config.js'),
    ignore: false,
    overrideConfig: { rules: { 'seatdesk/layer-boundaries': ['error', { root: FIXTURES }] } },
  });
  const [result] = await eslint.lintFiles([resolve(FIXTURES, relative)]);
  return (result?.messages ?? []).filter((m) => m.ruleId === 'seatdesk/layer-boundaries').map((m) => m.message);
}

describe('the layer-boundaries lint rule', () => {
  it.each([
    ['shared/imports-node.ts', "Layer 'shared' may not import Node built-in modules ('node:fs')"],
    ['shared/imports-renderer.ts', "Layer 'shared' may not import the 'renderer' layer"],
    ['electron/core/imports-electron.ts', "Layer 'core' may not import 'electron'"],
    ['renderer/imports-core.ts', "Layer 'renderer' may not import the 'core' layer"],
    ['renderer/imports-fs.ts', "Layer 'renderer' may not import Node built-in modules ('fs')"],
    ['service/imports-core.ts', "Layer 'service' may not import the 'core' layer"],
    ['electron/main/imports-test.ts', "Layer 'main' may not import the 'test' layer"],
    ['electron/preload/imports-node.ts', "Layer 'preload' may not import Node built-in modules"],
  ])('refuses %s', async (file, expected) => {
    const messages = await lint(file);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(expected);
  });

  it.each(['shared/good.ts', 'renderer/good.ts', 'electron/core/good.ts', 'service/uses-test-support.test.ts'])('accepts %s', async (file) => {
    expect(await lint(file)).toEqual([]);
  });
});
