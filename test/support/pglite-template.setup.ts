import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGLITE_TEMPLATE_ENV, dumpFreshPglite } from '../../service/testing/pglite';

/**
 * Vitest global setup: initialises one empty PGlite cluster for the whole run and leaves its dump
 * where openTestPglite (service/testing/pglite.ts) finds it, in every worker (they inherit the
 * environment). Each test database then loads it instead of running initdb again.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const folder = await mkdtemp(join(tmpdir(), 'seatdesk-pglite-template-'));
  const path = join(folder, 'fresh.tar');
  await writeFile(path, Buffer.from(await (await dumpFreshPglite()).arrayBuffer()));
  const previous = process.env[PGLITE_TEMPLATE_ENV];
  process.env[PGLITE_TEMPLATE_ENV] = path;
  return async () => {
    if (process.env[PGLITE_TEMPLATE_ENV] === path) {
      if (previous === undefined) delete process.env[PGLITE_TEMPLATE_ENV];
      else process.env[PGLITE_TEMPLATE_ENV] = previous;
    }
    await rm(folder, { recursive: true, force: true });
  };
}
