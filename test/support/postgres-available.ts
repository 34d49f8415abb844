import { testDatabaseUrl } from '../../service/testing/postgres';

/**
 * For a suite that needs a PostgreSQL server: true when TEST_DATABASE_URL names one; otherwise it
 * prints why the suite is skipped (`describe.skipIf(!postgresForTests('…'))`). .ci/run sets the
 * variable whenever a server answers on 127.0.0.1:5432, and says so when none does.
 */
export function postgresForTests(what: string): boolean {
  if (testDatabaseUrl() !== undefined) return true;
  console.warn(`Skipping "${what}": it needs a PostgreSQL server, and TEST_DATABASE_URL is not set (for example postgres://postgres@127.0.0.1:5432/postgres).`);
  return false;
}
