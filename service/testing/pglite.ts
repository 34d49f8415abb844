import { readFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { pgliteStore, type Store } from '../db/store';

/**
 * Where the test run's PGlite template lies (a dump of a freshly initialised, empty cluster),
 * written once per run by test/support/pglite-template.setup.ts.
 */
export const PGLITE_TEMPLATE_ENV = 'SEATDESK_TEST_PGLITE_TEMPLATE';

/**
 * PGlite.create() runs initdb each time: about 1.5 s of CPU per database, 3.5 s for a process's
 * first. Loading the dump of a freshly initialised cluster gives the same empty cluster in about
 * 0.4 s (0.7 s for a process's first).
 */
export async function dumpFreshPglite(): Promise<Blob> {
  const db = await PGlite.create();
  try {
    return await db.dumpDataDir('none');
  } finally {
    await db.close();
  }
}

let template: Promise<Blob> | undefined;

/** The run's template when there is one, else one made by this process (once). */
function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const path = process.env[PGLITE_TEMPLATE_ENV];
    return path === undefined || path === '' ? dumpFreshPglite() : new Blob([await readFile(path)]);
  })().catch((error: unknown) => {
    template = undefined;
    throw error;
  });
  return template;
}

/** A new, empty in-memory PGlite database, as openPglite() opens one (not migrated), started from the template. */
export async function openTestPglite(): Promise<Store> {
  return pgliteStore(await PGlite.create({ loadDataDir: await pgliteTemplate() }));
}
