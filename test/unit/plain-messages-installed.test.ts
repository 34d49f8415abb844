import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { plainMessage } from '@shared/errors';

const ROOT = resolve(import.meta.dirname, '../..');
const INSTALL = "import '@shared/install-plain-messages';";

/**
 * Every process answers in plain words: the service's app, the core and the renderer's entry
 * import shared/install-plain-messages before anything else. (The service's own test checks
 * its answers; service/http/plain-messages.test.ts.)
 */
describe('the plain-words error map is installed by every entry point', () => {
  it('the core installs it when loaded', async () => {
    expect(z.config().customError).toBeUndefined();
    await import('../../electron/core/core');
    expect(z.config().customError).toBe(plainMessage);
    expect(z.string().max(100).safeParse('x'.repeat(101)).error?.issues[0]?.message).toBe('This value can be at most 100 characters.');
  });

  it.each(['service/app.ts', 'electron/core/core.ts', 'renderer/src/main.tsx'])('%s imports it first', (file) => {
    const imports = readFileSync(resolve(ROOT, file), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('import '));
    expect(imports[0]).toBe(INSTALL);
  });
});
