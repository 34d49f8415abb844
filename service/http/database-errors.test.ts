import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorBodySchema } from '@shared/errors';
import { startTestService, testDatabases, type TestService } from '../../test/support/service';
import { installErrorHandling } from './errors';

interface Case {
  name: string;
  /** A statement the database refuses, and the value it refuses (which the answer must not echo). */
  sql: string;
  params: unknown[];
  sqlstate: RegExp;
  status: 400 | 409;
  code: string;
  echo?: string;
}

/**
 * Database data errors (SQLSTATE class 22 and 23) that reach the service answer 400/409 in the
 * error shape, never 500 and never with the database's message (which quotes the input). The
 * errors are real ones: produced by running the statement on PGlite and on PostgreSQL, inside
 * a write transaction as a route would, then thrown from a route of an app with our handler.
 */
describe.each(testDatabases())('database data errors (%s)', (database) => {
  let test: TestService;
  let app: FastifyInstance;
  const thrown = new Map<string, unknown>();

  const cases: Case[] = [
    { name: 'a NUL character in text', sql: 'SELECT $1::text AS t', params: ['a\u0000b'], sqlstate: /^22021$/, status: 400, code: 'VALIDATION', echo: '\u0000' },
    { name: 'an impossible date (Feb 30)', sql: 'SELECT $1::timestamptz AS t', params: ['2026-02-30 00:00:00+00'], sqlstate: /^22008$/, status: 400, code: 'VALIDATION', echo: '2026-02-30' },
    { name: 'year 0', sql: 'SELECT $1::timestamptz AS t', params: ['0000-01-01 00:00:00+00'], sqlstate: /^22008$/, status: 400, code: 'VALIDATION', echo: '0000-01-01' },
    { name: 'a +23 h offset', sql: 'SELECT $1::timestamptz AS t', params: ['2026-01-01 00:00:00+23'], sqlstate: /^22009$/, status: 400, code: 'VALIDATION', echo: '+23' },
    { name: 'a date that is not one', sql: 'SELECT $1::timestamptz AS t', params: ['the day after tomorrow'], sqlstate: /^22007$/, status: 400, code: 'VALIDATION', echo: 'tomorrow' },
    { name: 'a number out of range', sql: 'SELECT $1::int AS n', params: ['99999999999'], sqlstate: /^22003$/, status: 400, code: 'VALIDATION', echo: '99999999999' },
    { name: 'text that is not a uuid', sql: 'SELECT $1::uuid AS u', params: ['not-a-uuid-at-all'], sqlstate: /^22P02$/, status: 400, code: 'VALIDATION', echo: 'not-a-uuid' },
    { name: 'a value too long for its column', sql: 'INSERT INTO h1_probe (id, name, short) VALUES (90, $1, $2)', params: ['x', 'far-too-long-for-four'], sqlstate: /^22001$/, status: 400, code: 'VALIDATION', echo: 'far-too-long' },
    { name: 'a duplicate key', sql: 'INSERT INTO h1_probe (id, name) VALUES ($1, $2)', params: [1, 'duplicate-name-value'], sqlstate: /^23505$/, status: 409, code: 'VERSION_CONFLICT', echo: 'duplicate-name-value' },
    { name: 'a duplicate email', sql: 'INSERT INTO h1_probe (id, name, email) VALUES ($1, $2, $3)', params: [91, 'y', 'taken@example.test'], sqlstate: /^23505$/, status: 409, code: 'DUPLICATE_EMAIL', echo: 'taken@example.test' },
    { name: 'a reference to a row that does not exist', sql: 'INSERT INTO h1_probe (id, name, parent) VALUES ($1, $2, $3)', params: [92, 'z', 4242], sqlstate: /^23503$/, status: 409, code: 'INVALID_TRANSITION', echo: '4242' },
    { name: 'a missing required value', sql: 'INSERT INTO h1_probe (id, name) VALUES ($1, $2)', params: [93, null], sqlstate: /^23502$/, status: 400, code: 'VALIDATION' },
    { name: 'a value its check refuses', sql: 'INSERT INTO h1_probe (id, name) VALUES ($1, $2)', params: [94, 'forbidden-by-check'], sqlstate: /^23514$/, status: 400, code: 'VALIDATION', echo: 'forbidden-by-check' },
  ];

  beforeAll(async () => {
    test = await startTestService({ database, seed: 'none' });
    await test.store.exec(`
      CREATE TABLE h1_probe (
        id integer PRIMARY KEY,
        name text NOT NULL CHECK (name <> 'forbidden-by-check'),
        email text UNIQUE,
        short varchar(4),
        parent integer REFERENCES h1_probe (id)
      );
      INSERT INTO h1_probe (id, name, email) VALUES (1, 'first', 'taken@example.test');
    `);
    for (const entry of cases) {
      try {
        await test.store.write((tx) => tx.query(entry.sql, entry.params));
      } catch (error) {
        thrown.set(entry.name, error);
      }
    }
    app = Fastify({ logger: false });
    installErrorHandling(app);
    app.get('/throw/:name', async (request) => {
      throw thrown.get((request.params as { name: string }).name);
    });
    await app.ready();
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await test?.close();
  });

  it.each(cases)('$name: the database refuses it with SQLSTATE $sqlstate', ({ name, sqlstate }) => {
    const error = thrown.get(name) as { code?: unknown } | undefined;
    expect(error, 'the statement must fail').toBeInstanceOf(Error);
    expect(String(error?.code)).toMatch(sqlstate);
  });

  it.each(cases)('$name: answers $status $code in the error shape, without the input', async ({ name, status, code, echo }) => {
    const response = await app.inject({ method: 'GET', url: `/throw/${encodeURIComponent(name)}` });
    expect(response.statusCode, response.body).toBe(status);
    const body = apiErrorBodySchema.strict().parse(response.json());
    expect(body.error.code).toBe(code);
    expect(body.error.message).not.toBe('');
    if (echo !== undefined) expect(response.body).not.toContain(JSON.stringify(echo).slice(1, -1));
    // Nothing of the database's own wording (table, column, constraint, value) reaches the client.
    expect(response.body).not.toMatch(/h1_probe|violates|invalid input|out of range for type|0x00/);
  });

  it('still answers 500 INTERNAL for a database error that is not about the data (a missing table)', async () => {
    try {
      await test.store.query('SELECT * FROM no_such_table_h1');
      throw new Error('the statement must fail');
    } catch (error) {
      expect((error as { code?: unknown }).code).toBe('42P01');
      thrown.set('missing table', error);
    }
    const response = await app.inject({ method: 'GET', url: `/throw/${encodeURIComponent('missing table')}` });
    expect(response.statusCode).toBe(500);
    expect(response.json().error.code).toBe('INTERNAL');
    expect(response.body).not.toContain('no_such_table_h1');
  });
});
