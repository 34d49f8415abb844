import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, commandNameSchema, parseCommand } from '@shared/commands/catalogue';
import { errorCodeSchema } from '@shared/errors';
import { ipcContract, type SessionStatus } from '@shared/ipc/channels';
import { channelNames, findChannel, type IpcResult } from '@shared/ipc/contract';
import { createCore, type Core } from '../../electron/core/core';
import type { SecretStore } from '../../electron/core/secrets/secret-store';
import { DEMO_PASSWORD, startTestService, type TestService } from '../support/service';
import { idsOfOrg, orgIdByName } from './fuzz-fixture';
import {
  Deep,
  FUZZ_SEED,
  corrupt,
  exampleOf,
  fuzzRuns,
  getAt,
  hostileTopLevel,
  inputJsonSchema,
  materialize,
  pathsOf,
  preview,
  type ExampleContext,
  type JsonSchema,
} from './fuzz-values';

/**
 * Every IPC channel of the contract, through the real dispatcher of a core signed in against a
 * real service: hostile, malformed, oversized, deeply nested, wrong-typed and control-character
 * inputs, and valid-shaped inputs with one thing corrupted. The dispatcher never throws; every
 * refusal is a typed error (never INTERNAL, never a stack trace); input the channel's schema (or,
 * for commands.run, the command's schema) refuses is never accepted; and a refusal leaves the
 * cache, the outbox and the session as they were. FUZZ_RUNS and FUZZ_SEED as for the HTTP fuzzing.
 */

const RUNS = fuzzRuns(12);
/** Per route or channel: generous, since a full run (--runs 1000) sends a thousand cases to each. */
const TIMEOUT_MS = 300_000 + RUNS * 3_000;
const TARGET = 'Contoso Dental';
const CALLER = 'owner@northwind.example';
const CHANNELS = channelNames(ipcContract);

type Validity = 'malformed' | 'either';

interface IpcCase {
  how: string;
  input: unknown;
  validity: Validity;
}

interface Tally {
  cases: number;
  ok: number;
  refused: number;
  internal: number;
}

const tallies = new Map<string, Tally>();

function memorySecretStore(): SecretStore {
  const secrets = new Map<string, string>();
  return {
    get: (account) => Promise.resolve(secrets.get(account) ?? null),
    set: (account, secret) => Promise.resolve(void secrets.set(account, secret)),
    delete: (account) => Promise.resolve(secrets.delete(account)),
  };
}

function judge(name: string, input: unknown): Validity {
  const channel = findChannel(ipcContract, name)!;
  try {
    const parsed = channel.input.safeParse(materialize(input));
    if (!parsed.success) return 'malformed';
    // commands.run takes any args at the channel; the command's own schema is the one that counts.
    if (name === 'commands.run') {
      const { name: command, args } = parsed.data as { name: string; args?: unknown };
      const checked = commandNameSchema.safeParse(command);
      if (checked.success && !parseCommand(checked.data, args ?? {}).success) return 'malformed';
    }
  } catch {
    // A value so deep that checking it locally overflows: the core must still answer.
  }
  return 'either';
}

/** The same edges for every channel: not-an-object inputs, deep nesting, and each field made hostile. */
function fixedCases(name: string, valid: unknown, schema: JsonSchema): IpcCase[] {
  const cases: IpcCase[] = [];
  const whole = (how: string, input: unknown) => cases.push({ how, input, validity: judge(name, input) });
  whole('null', null);
  whole('a number', 42);
  whole('a string with a NUL', 'a\u0000b');
  whole('an array', [valid]);
  whole('an array nested 5,000 deep', new Deep(5000, 'array'));
  whole('an object nested 5,000 deep', new Deep(5000, 'object'));
  whole('a __proto__ member', Object.defineProperty({}, '__proto__', { value: { admin: true }, enumerable: true }));
  whole('the valid shape with an unknown field', valid !== null && typeof valid === 'object' && !Array.isArray(valid) ? { ...valid, zz: 1 } : { zz: 1 });
  for (const path of pathsOf(valid).filter((p) => p.length > 0)) {
    const original = getAt(valid, path);
    const label = path.join('.');
    const replace = (value: unknown): unknown => {
      const copy = structuredClone(valid) as Record<string | number, unknown>;
      let node = copy;
      for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
      node[path.at(-1)!] = value;
      return copy;
    };
    if (typeof original === 'string') {
      for (const bad of ['\u0000', '\u001b', '\ud800']) {
        whole(`${label} with U+${bad.charCodeAt(0).toString(16).padStart(4, '0')}`, replace(`${original.slice(0, 1)}${bad}${original.slice(1)}`));
      }
      const max = maxLengthAt(schema, path);
      whole(`${label} ${max === null ? '300,000' : max + 1} characters long`, replace('x'.repeat(max === null ? 300_000 : max + 1)));
    }
    if (Array.isArray(original) && original.length > 0) {
      const max = maxItemsAt(schema, path);
      if (max !== null) whole(`${label} with ${max + 1} items`, replace(Array.from({ length: max + 1 }, () => original[0])));
    }
  }
  return cases;
}

function schemaAt(schema: JsonSchema, path: readonly (string | number)[]): JsonSchema | null {
  let node: JsonSchema | null = schema;
  for (const key of path) {
    if (node === null) return null;
    const branches = (node['anyOf'] ?? node['oneOf']) as JsonSchema[] | undefined;
    if (branches !== undefined) node = branches.find((b) => b['type'] === (typeof key === 'number' ? 'array' : 'object')) ?? null;
    if (node === null) return null;
    node = typeof key === 'number' ? ((node['items'] as JsonSchema | undefined) ?? null) : (((node['properties'] as Record<string, JsonSchema> | undefined) ?? {})[key] ?? null);
  }
  return node;
}

function maxLengthAt(schema: JsonSchema, path: readonly (string | number)[]): number | null {
  const max = schemaAt(schema, path)?.['maxLength'];
  return typeof max === 'number' && max <= 25_000_000 ? max : null;
}

function maxItemsAt(schema: JsonSchema, path: readonly (string | number)[]): number | null {
  const max = schemaAt(schema, path)?.['maxItems'];
  return typeof max === 'number' && max <= 100_000 ? max : null;
}

describe('fuzzing every IPC channel through the real dispatcher, generated from the contract', () => {
  let service: TestService;
  let core: Core;
  let dataDir: string;
  let cache: Database.Database;
  let ctx: ExampleContext;
  const logged: string[] = [];

  /** Everything in the offline cache but the moments of the last sync and the stored /v1/me answer. */
  function cacheDigest(): string {
    const tables = (cache.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'kv' ORDER BY name").all() as { name: string }[]).map((row) => row.name);
    const hash = createHash('sha256');
    for (const table of tables) {
      const rows = cache.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[];
      const lines = rows.map((row) => JSON.stringify({ ...row, ...(table === 'sync_state' ? { last_synced_at: null } : {}) })).sort();
      hash.update(`${table}\n${lines.join('\n')}\n`);
    }
    return hash.digest('hex');
  }

  const outboxCount = () => (cache.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;

  async function dispatch(name: string, input: unknown): Promise<IpcResult<unknown>> {
    return core.dispatcher.dispatch(name, input);
  }

  /** Pushes the outbox and pulls until it is empty. */
  async function settle(): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await dispatch('sync.now', undefined);
      if (outboxCount() === 0) break;
    }
    await dispatch('sync.now', undefined);
  }

  beforeAll(async () => {
    service = await startTestService();
    dataDir = mkdtempSync(join(tmpdir(), 'seatdesk-ipc-fuzz-'));
    core = await createCore({
      dataDir,
      defaultServiceUrl: service.url,
      appInfo: { name: 'Seatdesk', version: '0.0.0-test', host: 'test' },
      secretStore: memorySecretStore(),
      log: (message, error) => logged.push(`${message} ${error instanceof Error ? error.message : JSON.stringify(error ?? '')}`),
      locale: 'en-GB',
    });
    const signedIn = await dispatch('session.signIn', { serviceUrl: service.url, email: CALLER, password: DEMO_PASSWORD });
    expect(signedIn.ok, JSON.stringify(signedIn)).toBe(true);
    cache = new Database(core.session.current()!.databaseFile, { readonly: true, fileMustExist: true });
    await settle();
    const ids = await idsOfOrg(service.store, await orgIdByName(service.store, TARGET));
    const urls = [service.url, 'http://127.0.0.1:1'];
    ctx = {
      ids,
      urls,
      unknownField: (key, parent, inner) => {
        // commands.run's args are its command's args.
        const name = commandNameSchema.safeParse(parent['name']);
        return key === 'args' && name.success ? exampleOf(inputJsonSchema(COMMANDS[name.data].args), inner) : null;
      },
    };
  }, 180_000);

  afterAll(async () => {
    cache?.close();
    await core?.close();
    await service?.close();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
    const total = [...tallies.values()].reduce((sum, t) => ({ cases: sum.cases + t.cases, internal: sum.internal + t.internal }), { cases: 0, internal: 0 });
    console.log(
      [
        `IPC fuzzing, seed ${FUZZ_SEED}, ${RUNS} random cases per channel plus the fixed edges:`,
        `${'channel'.padEnd(28)} cases    ok refused internal`,
        ...[...tallies].map(([name, t]) => `${name.padEnd(28)} ${String(t.cases).padStart(5)} ${String(t.ok).padStart(5)} ${String(t.refused).padStart(7)} ${String(t.internal).padStart(8)}`),
        `total: ${total.cases} cases over ${tallies.size} channels, ${total.internal} INTERNAL errors or throws`,
      ].join('\n'),
    );
  });

  async function run(name: string, testCase: IpcCase): Promise<string | null> {
    const before = cacheDigest();
    const sessionBefore = JSON.stringify((await dispatch('session.status', undefined)) as IpcResult<SessionStatus>);
    let result: IpcResult<unknown>;
    try {
      result = await dispatch(name, materialize(testCase.input));
    } catch (error) {
      result = { ok: false, error: { code: 'INTERNAL', message: `threw: ${error instanceof Error ? error.message : String(error)}` } };
    }
    const counts = tallies.get(name) ?? { cases: 0, ok: 0, refused: 0, internal: 0 };
    tallies.set(name, counts);
    counts.cases += 1;
    let problem: string | null = null;
    if (result.ok) {
      counts.ok += 1;
      if (testCase.validity === 'malformed') problem = 'accepted input its schema refuses';
      // An accepted change is pushed and its echo pulled, so the next case starts from a quiet cache.
      if (cacheDigest() !== before) await settle();
    } else {
      const code = errorCodeSchema.safeParse(result.error.code);
      if (!code.success || result.error.code === 'INTERNAL') {
        counts.internal += 1;
        problem = `answered ${String(result.error.code)}`;
      } else {
        counts.refused += 1;
        if (typeof result.error.message !== 'string' || /\n\s+at |\/work\/|node_modules/.test(result.error.message)) problem = 'an error message with a stack trace or a path';
        else if (testCase.validity === 'malformed' && result.error.code !== 'VALIDATION' && name !== 'commands.run') problem = `refused malformed input with ${result.error.code}, not VALIDATION`;
        else if (cacheDigest() !== before) problem = 'refused, but the cache or the outbox changed';
        else if (JSON.stringify(await dispatch('session.status', undefined)) !== sessionBefore) problem = 'refused, but the session changed';
      }
    }
    if (problem === null) return null;
    return `${name} (${testCase.how}) ${preview(testCase.input)}\n  -> ${problem}: ${preview(result, 300)}`;
  }

  it('is signed in against the real service, with the whole scope in its cache', async () => {
    const status = await dispatch('session.status', undefined);
    expect(status).toMatchObject({ ok: true, value: { state: 'signed-in', email: CALLER } });
    const tree = (await dispatch('orgs.tree', undefined)) as IpcResult<{ name: string }[]>;
    expect(tree.ok && tree.value.some((org) => org.name === TARGET)).toBe(true);
  });

  it.each(CHANNELS)('%s', async (name) => {
    const channel = findChannel(ipcContract, name)!;
    const schema = inputJsonSchema(channel.input);
    const validShape = exampleOf(schema, ctx);
    // The fixed edges start from an input the channel accepts (real ids), so that each edge is the only thing wrong.
    const [valid] = fc.sample(exampleOf(schema, { ...ctx, realIdsOnly: true }), { seed: FUZZ_SEED, numRuns: 1 });
    const random = fc.sample(
      fc.oneof(
        { weight: 5, arbitrary: validShape.chain((base) => corrupt(base)).map((c): IpcCase => ({ how: c.how, input: c.value, validity: judge(name, c.value) })) },
        { weight: 2, arbitrary: hostileTopLevel.map((input): IpcCase => ({ how: 'hostile input', input, validity: judge(name, input) })) },
        { weight: 1, arbitrary: validShape.map((input): IpcCase => ({ how: 'valid shape', input, validity: judge(name, input) })) },
      ),
      { seed: FUZZ_SEED + CHANNELS.indexOf(name), numRuns: RUNS },
    );
    const cases = [...fixedCases(name, valid, schema), ...random];
    const failures: string[] = [];
    for (const testCase of cases) {
      const failure = await run(name, testCase);
      if (failure !== null) failures.push(failure);
    }
    expect(failures.length, `${failures.length} of ${cases.length} cases failed (replay: FUZZ_SEED=${FUZZ_SEED} FUZZ_RUNS=${RUNS} npm run test:reliability -- ipc-fuzz):\n${failures.slice(0, 25).join('\n')}`).toBe(0);
  }, TIMEOUT_MS);

  it('covers every channel of the contract and is still signed in as the same user', async () => {
    expect([...tallies.keys()].sort()).toEqual([...CHANNELS].sort());
    expect(await dispatch('session.status', undefined)).toMatchObject({ ok: true, value: { state: 'signed-in', email: CALLER } });
  });
});
