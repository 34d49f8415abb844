import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { COMMANDS, commandNameSchema } from '@shared/commands/catalogue';
import { SCHEMA_VERSION } from '@shared/sync/protocol';
import { apiErrorBodySchema, type ErrorCode } from '@shared/errors';
import { API_ROUTES } from '../../service/routes';
import type { RouteDef } from '../../service/http/route';
import { buildOpenApiDocument, errorCodesOf, openApiPath, requestBodySchemaOf } from '../../service/openapi/document';
import { openApiRoute } from '../../service/openapi/route';
import { DEMO_NOW } from '../support/commands';
import { OPERATOR_TOKEN, startTestService, type TestService } from '../support/service';
import { idsOfOrg, mintAccessToken, orgIdByName, userIdByEmail } from './fuzz-fixture';
import { changedTables, digestTables, encodeComponent, queryString, send, type RawAnswer, type RawRequest } from './fuzz-http';
import {
  Deep,
  FUZZ_SEED,
  corrupt,
  exampleOf,
  fuzzRuns,
  hostileString,
  hostileTopLevel,
  inputJsonSchema,
  jsonText,
  materialize,
  preview,
  type ExampleContext,
} from './fuzz-values';

/**
 * Every route of the service, generated from its table (API_ROUTES and the OpenAPI route): hostile,
 * malformed, oversized, deeply nested, wrong-typed and control-character params, queries and bodies,
 * and valid-shaped requests with one thing corrupted, all from an authorised caller. Every answer
 * is the route's documented success or a typed 4xx in the error shape (never a 5xx, never a lost
 * connection), a malformed request is never accepted, and a refused one changes no table.
 * FUZZ_RUNS sets the random cases per route (default CI-sized), FUZZ_SEED replays another seed.
 */

const RUNS = fuzzRuns(12);
/** Per route or channel: generous, since a full run (--runs 1000) sends a thousand cases to each. */
const TIMEOUT_MS = 300_000 + RUNS * 3_000;
/** The organization the valid-shaped requests aim at: a customer, so its own admin is never the caller. */
const TARGET = 'Contoso Dental';
const CALLER = 'owner@northwind.example';

const ROUTES: readonly RouteDef[] = [...API_ROUTES, openApiRoute(API_ROUTES)];
const routeName = (route: RouteDef) => `${route.method} ${route.url}`;

type Validity = 'malformed' | 'valid' | 'either';

interface HttpCase {
  /** What the generator did, for the report. */
  how: string;
  params: Record<string, string>;
  /** Encoded pairs; a query schema's parse decides validity on `decodedQuery`. */
  query: [string, string, 'raw'?][];
  body?: { text: string; contentType: string | null; value?: unknown; raw?: boolean };
  validity: Validity;
}

interface Tally {
  cases: number;
  ok: number;
  refused: number;
  serverErrors: number;
  dropped: number;
}

const tallies = new Map<string, Tally>();
const undocumented: string[] = [];

function tally(route: RouteDef): Tally {
  let entry = tallies.get(routeName(route));
  if (entry === undefined) {
    entry = { cases: 0, ok: 0, refused: 0, serverErrors: 0, dropped: 0 };
    tallies.set(routeName(route), entry);
  }
  return entry;
}

function paramNames(route: RouteDef): string[] {
  return [...route.url.matchAll(/:(\w+)/g)].map((match) => match[1]!);
}

function worst(...validities: Validity[]): Validity {
  if (validities.includes('malformed')) return 'malformed';
  return validities.includes('either') ? 'either' : 'valid';
}

/** Whether the service may accept these decoded values, judged by the route's own schema. */
function judge(schema: z.ZodType | undefined, value: unknown): Validity {
  if (schema === undefined) return 'either';
  try {
    return schema.safeParse(materialize(value)).success ? 'valid' : 'malformed';
  } catch {
    return 'either';
  }
}

const hasLoneSurrogate = (value: string) => /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value);

function paramsValidity(route: RouteDef, params: Record<string, unknown>): Validity {
  if (paramNames(route).length === 0) return 'valid';
  // A lone surrogate cannot be written in UTF-8: the path does not decode, so nothing can accept it.
  if (Object.values(params).some((value) => typeof value !== 'string' || hasLoneSurrogate(value) || value === '')) return 'malformed';
  return route.params === undefined ? 'either' : route.params.safeParse(params).success ? 'valid' : 'malformed';
}

function queryValidity(route: RouteDef, pairs: readonly (readonly [string, string, 'raw'?])[]): Validity {
  if (pairs.length === 0) return route.query === undefined ? 'valid' : judge(route.query, {});
  // Routes without a query schema may ignore unknown parameters; lone surrogates do not decode.
  if (route.query === undefined || pairs.some(([key, value]) => hasLoneSurrogate(key) || hasLoneSurrogate(value) || key === '')) return 'either';
  const decoded: Record<string, string | string[]> = {};
  for (const [key, value] of pairs) {
    const existing = decoded[key];
    decoded[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return judge(route.query, decoded);
}

function bodyValidity(route: RouteDef, value: unknown): Validity {
  const schema = requestBodySchemaOf(route);
  if (schema === undefined) {
    // A route without a body refuses one; an empty object is the same as none.
    return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Deep) && Object.keys(value).length === 0 ? 'either' : 'malformed';
  }
  return judge(schema, value);
}

function asParam(value: unknown): string {
  return typeof value === 'string' ? value : jsonText(value);
}

function asPairs(query: unknown): [string, string][] {
  if (query === null || typeof query !== 'object' || Array.isArray(query) || query instanceof Deep) return [['query', jsonText(query)]];
  return Object.entries(query).flatMap(([key, value]): [string, string][] =>
    value === undefined ? [] : Array.isArray(value) ? value.map((item): [string, string] => [key, asParam(item)]) : [[key, asParam(value)]],
  );
}

/** Pairs as a query object (a repeated key holds a list); keys like "constructor" stay plain members. */
function groupPairs(pairs: readonly (readonly [string, string])[]): Record<string, string[]> {
  const grouped = new Map<string, string[]>();
  for (const [key, value] of pairs) grouped.set(key, [...(grouped.get(key) ?? []), value]);
  return Object.fromEntries(grouped);
}

/** Consecutive mutation ids from 1, so a valid-shaped push from a fresh client reaches its commands. */
function numberMutations(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || !Array.isArray((body as { mutations?: unknown }).mutations)) return body;
  const mutations = (body as { mutations: unknown[] }).mutations.map((mutation, index) =>
    mutation !== null && typeof mutation === 'object' && !Array.isArray(mutation) ? { ...mutation, id: index + 1 } : mutation,
  );
  return { ...body, mutations };
}

function caseArbitraries(route: RouteDef, ctx: ExampleContext): { validShape: fc.Arbitrary<HttpCase>; any: fc.Arbitrary<HttpCase> } {
  const names = paramNames(route);
  const bodySchema = route.method === 'GET' ? undefined : requestBodySchemaOf(route);
  const paramsArb = route.params === undefined ? fc.constant({}) : exampleOf(inputJsonSchema(route.params), ctx);
  const queryArb = route.query === undefined ? fc.constant({}) : exampleOf(inputJsonSchema(route.query), ctx);
  const bodyArb = bodySchema === undefined ? fc.constant(undefined) : exampleOf(inputJsonSchema(bodySchema), ctx).map(numberMutations);
  const base = fc.record({ params: paramsArb, query: queryArb, body: bodyArb });

  const build = (how: string, params: unknown, query: unknown, body: unknown, forceBody = false): HttpCase => {
    // Params replaced as a whole (by a number, an array...) put that value in every segment.
    const isRecord = params !== null && typeof params === 'object' && !Array.isArray(params) && !(params instanceof Deep);
    const paramValues = (isRecord ? params : Object.fromEntries(names.map((name) => [name, params]))) as Record<string, unknown>;
    const stringParams = Object.fromEntries(names.map((name) => [name, Object.hasOwn(paramValues, name) ? asParam(paramValues[name]) : '']));
    const pairs = asPairs(query ?? {});
    const sendsBody = route.method !== 'GET' && (body !== undefined || forceBody);
    return {
      how,
      params: Object.fromEntries(Object.entries(stringParams).map(([name, value]) => [name, encodeComponent(value)])),
      query: pairs,
      ...(sendsBody ? { body: { text: jsonText(body ?? null), contentType: 'application/json', value: body ?? null } } : {}),
      validity: worst(paramsValidity(route, stringParams), queryValidity(route, pairs), sendsBody ? bodyValidity(route, body ?? null) : 'valid'),
    };
  };

  const arms: { weight: number; arbitrary: fc.Arbitrary<HttpCase> }[] = [];
  if (bodySchema !== undefined) {
    arms.push({
      weight: 5,
      arbitrary: base.chain((b) => corrupt(b.body).map((c) => build(`body ${c.how}`, b.params, b.query, c.value, true))),
    });
  }
  if (route.method !== 'GET') {
    arms.push({ weight: 2, arbitrary: fc.tuple(base, hostileTopLevel).map(([b, body]) => build('hostile body', b.params, b.query, body, true)) });
  }
  if (names.length > 0) {
    arms.push({
      weight: 2,
      arbitrary: base.chain((b) => corrupt(b.params).map((c) => build(`params ${c.how}`, c.value, b.query, b.body))),
    });
  }
  if (route.query !== undefined) {
    arms.push({
      weight: 2,
      arbitrary: base.chain((b) => corrupt(b.query).map((c) => build(`query ${c.how}`, b.params, c.value, b.body))),
    });
  }
  arms.push({
    weight: 1,
    arbitrary: fc
      .tuple(base, fc.array(fc.tuple(fc.oneof(hostileString, fc.constantFrom('status', 'q', 'cursor', 'limit', 'clientId', 'includeChildren')), hostileString), { minLength: 1, maxLength: 3 }))
      .map(([b, extra]) => build('hostile query', b.params, groupPairs([...asPairs(b.query), ...extra]), b.body)),
  });
  const validShape = base.map((b) => build('valid shape', b.params, b.query, b.body));
  if (bodySchema !== undefined || route.params !== undefined || route.query !== undefined) {
    // The valid shape itself, as a control: it must be answered too (success or a typed refusal).
    arms.push({ weight: 1, arbitrary: validShape });
  }
  return { validShape, any: fc.oneof(...arms) };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The same edges for every route, whatever the seed: the inputs issue 12 saw answer 500 or Fastify's shape. */
function fixedCases(route: RouteDef, valid: HttpCase): HttpCase[] {
  // The valid shape itself, as a control: it is answered too (its success, or a typed refusal such as a version conflict).
  const cases: HttpCase[] = [{ ...valid, how: 'valid shape (control)' }];
  const names = paramNames(route);
  const withBody = (how: string, text: string, contentType: string | null, validity: Validity): HttpCase => ({
    ...valid,
    how,
    body: { text, contentType, raw: true },
    validity,
  });
  if (route.method !== 'GET') {
    cases.push(
      withBody('malformed JSON', '{"a": ', 'application/json', 'malformed'),
      // No bytes with a JSON content type is no body: refused where the route reads one.
      withBody('empty body declared as JSON', '', 'application/json', requestBodySchemaOf(route) === undefined ? 'either' : 'malformed'),
      withBody('JSON sent as text/plain', '{}', 'text/plain', 'malformed'),
      withBody('a form body', 'a=1&b=2', 'application/x-www-form-urlencoded', 'malformed'),
      withBody('body over 1 MiB', `{"a":"${'x'.repeat(1024 * 1024 + 10)}"}`, 'application/json', 'malformed'),
      withBody('body nested 5,000 deep', new Deep(5000, 'array').text(), 'application/json', 'malformed'),
      withBody('object nested 5,000 deep', new Deep(5000, 'object').text(), 'application/json', bodyValidity(route, new Deep(5000, 'object'))),
      withBody('a JSON array', '[1,2,3]', 'application/json', 'malformed'),
      withBody('number 1e999', '1e999', 'application/json', 'malformed'),
      withBody('__proto__ member', '{"__proto__": {"admin": true}}', 'application/json', 'malformed'),
      withBody('NUL in an unknown field', '{"zz\\u0000": "a\\u0000b"}', 'application/json', 'malformed'),
    );
    if (valid.body?.value !== undefined && valid.body.value !== null && typeof valid.body.value === 'object' && !Array.isArray(valid.body.value)) {
      for (const [key, value] of Object.entries(valid.body.value)) {
        if (typeof value !== 'string') continue;
        for (const bad of ['\u0000', '\u001b', '\ud800']) {
          const body = { ...valid.body.value, [key]: `${value.slice(0, 1)}${bad}${value.slice(1)}` };
          cases.push({ ...valid, how: `body ${key} with U+${bad.charCodeAt(0).toString(16).padStart(4, '0')}`, body: { text: jsonText(body), contentType: 'application/json', value: body }, validity: bodyValidity(route, body) });
        }
      }
    }
  }
  for (const name of names) {
    const param = (how: string, raw: string): HttpCase => ({ ...valid, how, params: { ...valid.params, [name]: raw }, validity: 'malformed' });
    cases.push(
      param(`${name} badly encoded`, '%E0%A4%A'),
      param(`${name} with a NUL`, `${valid.params[name]}%00`),
      param(`${name} a lone surrogate`, encodeComponent('\ud800')),
      param(`${name} 10 KB long`, 'a'.repeat(10_000)),
      param(`${name} not a uuid`, 'not-a-uuid'),
    );
  }
  const queryKeys = route.query === undefined ? [] : Object.keys((inputJsonSchema(route.query)['properties'] as Record<string, unknown> | undefined) ?? {});
  if (route.query !== undefined) cases.push({ ...valid, how: 'unknown query parameter', query: [...valid.query, ['zz', '1']], validity: 'malformed' });
  for (const key of queryKeys) {
    const rest = valid.query.filter(([k]) => k !== key);
    const withValue = (how: string, value: string, raw?: 'raw'): HttpCase => {
      const pairs: [string, string, 'raw'?][] = [...rest, raw === undefined ? [key, value] : [key, value, raw]];
      return { ...valid, how, query: pairs, validity: raw === 'raw' ? 'either' : queryValidity(route, pairs) };
    };
    cases.push(
      withValue(`query ${key} with a NUL`, 'a\u0000b'),
      withValue(`query ${key} with ESC`, 'a\u001bb'),
      withValue(`query ${key} badly encoded`, '%E0%A4%A', 'raw'),
      { ...valid, how: `query ${key} twice`, query: [...rest, [key, 'a'], [key, 'b']], validity: queryValidity(route, [...rest, [key, 'a'], [key, 'b']]) },
    );
    if (key === 'cursor') {
      // Positions with impossible dates: Feb 30, year 0, a +23 h offset, a date past 9999.
      for (const at of ['2026-02-30 10:00:00+00', '0000-01-01 00:00:00+00', '2026-01-01 10:00:00+23', '99999-01-01 00:00:00+00', '2026-13-01 00:00:00+00']) {
        cases.push(withValue(`query cursor at ${at}`, b64([at, 1])));
      }
      cases.push(withValue('query cursor with a huge seq', b64(['2026-01-01 10:00:00+00', 2 ** 70])));
    }
  }
  cases.push({ ...valid, how: 'a 20 KB query string', query: [...valid.query, ['zz', 'q'.repeat(20_000)]], validity: route.query === undefined ? 'either' : 'malformed' });
  return cases;
}

function pathOf(route: RouteDef, testCase: HttpCase): string {
  return route.url.replace(/:(\w+)/g, (_match, name: string) => testCase.params[name] ?? '') + queryString(testCase.query);
}

/** What went wrong with one answer, or null when it is what the properties allow. */
function problemWith(route: RouteDef, testCase: HttpCase, answer: RawAnswer): string | null {
  if (answer.dropped !== undefined) return `no answer: ${answer.dropped}`;
  if (answer.status >= 500) return `answered ${answer.status}`;
  if (answer.status >= 400) {
    const parsed = apiErrorBodySchema.safeParse(answer.json);
    if (!parsed.success) return `answered ${answer.status} outside the error shape`;
    if (parsed.data.error.code === 'INTERNAL') return `answered ${answer.status} INTERNAL`;
    if (parsed.data.error.message.length > 2000) return `an error message of ${parsed.data.error.message.length} characters (echoes input?)`;
    return null;
  }
  if (testCase.validity === 'malformed') return `accepted a malformed request with ${answer.status}`;
  const success = route.status ?? 200;
  if (answer.status !== success) return `answered ${answer.status}, not its success status ${success}`;
  if (route.response !== undefined && !route.response.safeParse(answer.json).success) return 'a success body that departs from its response schema';
  return null;
}

const DOCUMENT = buildOpenApiDocument(ROUTES) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };

/** A status or error code the published document does not list for this route. */
function undocumentedAnswer(route: RouteDef, answer: RawAnswer): string | null {
  if (answer.dropped !== undefined || answer.status < 400) return null;
  const statuses = Object.keys(DOCUMENT.paths[openApiPath(route.url)]?.[route.method.toLowerCase()]?.responses ?? {});
  const codes = new Set<ErrorCode>(errorCodesOf(route));
  // A mangled path meets no route at all: its 404 is the service's, not this route's.
  if (paramNames(route).length > 0) codes.add('NOT_FOUND');
  const code = apiErrorBodySchema.safeParse(answer.json).data?.error.code;
  if (code === undefined || !codes.has(code) || !statuses.includes(String(answer.status))) return `${answer.status} ${code ?? '(no code)'}`;
  return null;
}

describe('fuzzing every HTTP route, generated from the route table', () => {
  let test: TestService;
  let ctx: ExampleContext;
  let callerId: string;
  let digest: Record<string, string>;
  const serviceErrors: { reqId?: string; err?: { type?: string; message?: string; stack?: string } }[] = [];

  /** The service's log line for a 500's reference: what a reader of the report needs to route it. */
  function causeOf(answer: RawAnswer): string | null {
    const reference = (answer.json as { error?: { details?: { reference?: unknown } } } | undefined)?.error?.details?.reference;
    const entry = serviceErrors.find((line) => line.reqId !== undefined && line.reqId === reference) ?? (reference === undefined ? serviceErrors.at(-1) : undefined);
    const stack = entry?.err?.stack?.split('\n').slice(0, 4).join(' | ');
    return entry === undefined ? null : `  log: ${stack ?? `${entry.err?.type}: ${entry.err?.message}`}`;
  }

  beforeAll(async () => {
    test = await startTestService({
      now: DEMO_NOW,
      // Error lines only, kept so that a 500 in the report comes with its cause.
      logStream: {
        write: (line) => {
          const entry = JSON.parse(line) as { level?: number; reqId?: string; err?: { type?: string; message?: string; stack?: string } };
          if ((entry.level ?? 0) >= 50) serviceErrors.push(entry);
        },
      },
    });
    const target = await orgIdByName(test.store, TARGET);
    callerId = await userIdByEmail(test.store, CALLER);
    const ids = await idsOfOrg(test.store, target);
    ctx = {
      ids,
      urls: [test.url],
      // Any other schema version is refused before a push's mutations are read.
      known: (key) => (key === 'schemaVersion' ? SCHEMA_VERSION : undefined),
      unknownField: (key, parent, inner) => {
        // A pushed mutation's args are its command's args.
        const name = commandNameSchema.safeParse(parent['name']);
        return key === 'args' && name.success ? exampleOf(inputJsonSchema(COMMANDS[name.data].args), inner) : null;
      },
    };
    digest = await digestTables(test.store);
  }, 120_000);

  afterAll(async () => {
    await test?.close();
    const rows = [...tallies].map(([name, t]) => `${name.padEnd(80)} ${String(t.cases).padStart(5)} ${String(t.ok).padStart(5)} ${String(t.refused).padStart(5)} ${String(t.serverErrors).padStart(5)} ${String(t.dropped).padStart(5)}`);
    const total = [...tallies.values()].reduce((sum, t) => ({ cases: sum.cases + t.cases, serverErrors: sum.serverErrors + t.serverErrors, dropped: sum.dropped + t.dropped }), { cases: 0, serverErrors: 0, dropped: 0 });
    console.log(
      [
        `HTTP fuzzing, seed ${FUZZ_SEED}, ${RUNS} random cases per route plus the fixed edges:`,
        `${'route'.padEnd(80)} cases   2xx   4xx   5xx  lost`,
        ...rows,
        `total: ${total.cases} cases over ${tallies.size} routes, ${total.serverErrors} answers of 500 or more, ${total.dropped} lost connections`,
        ...(undocumented.length === 0 ? [] : [`answers the OpenAPI document does not list (${undocumented.length}):`, ...undocumented.slice(0, 40)]),
      ].join('\n'),
    );
  });

  async function run(route: RouteDef, testCase: HttpCase): Promise<string | null> {
    const headers: Record<string, string> = {};
    if (route.auth === 'bearer') headers['authorization'] = `Bearer ${await mintAccessToken(test.service, callerId, DEMO_NOW)}`;
    if (route.auth === 'operator') headers['authorization'] = `Bearer ${OPERATOR_TOKEN}`;
    if (testCase.body?.contentType) headers['content-type'] = testCase.body.contentType;
    const raw: RawRequest = { method: route.method, path: pathOf(route, testCase), headers, ...(testCase.body === undefined ? {} : { body: testCase.body.text }) };
    const answer = await send(test.url, raw);
    const counts = tally(route);
    counts.cases += 1;
    if (answer.dropped !== undefined) counts.dropped += 1;
    else if (answer.status >= 500) counts.serverErrors += 1;
    else if (answer.status >= 400) counts.refused += 1;
    else counts.ok += 1;

    const documented = undocumentedAnswer(route, answer);
    if (documented !== null) undocumented.push(`${routeName(route)}: ${documented} for ${testCase.how}`);

    let problem = problemWith(route, testCase, answer);
    const after = await digestTables(test.store);
    const changed = changedTables(digest, after);
    const outcomes = (answer.json as { outcomes?: { status?: string }[] } | undefined)?.outcomes;
    const appliedNothing = answer.status < 300 && Array.isArray(outcomes) && !outcomes.some((outcome) => outcome.status === 'applied');
    if (problem === null && (answer.status >= 400 || appliedNothing) && changed.length > 0) {
      problem = `answered ${answer.status}${appliedNothing ? ' (nothing applied)' : ''} but changed ${changed.join(', ')}`;
    }
    digest = after;
    if (problem === null) return null;
    return [
      `${route.method} ${preview(raw.path, 200)} (${testCase.how})`,
      testCase.body === undefined ? null : `  body: ${preview(testCase.body.text, 200)}`,
      `  -> ${problem}: ${answer.status} ${preview(answer.text, 300)}`,
      answer.status >= 500 ? causeOf(answer) : null,
    ]
      .filter((line) => line !== null)
      .join('\n');
  }

  it.each(ROUTES.map((route) => [routeName(route), route] as const))('%s', async (_name, route) => {
    const arbitraries = caseArbitraries(route, ctx);
    // The fixed edges start from a request the route accepts (real ids), so that each edge is the only thing wrong.
    const candidates = fc.sample(caseArbitraries(route, { ...ctx, realIdsOnly: true }).validShape, { seed: FUZZ_SEED, numRuns: 30 });
    const valid = candidates.find((c) => c.validity === 'valid') ?? candidates[0];
    const random = fc.sample(arbitraries.any, { seed: FUZZ_SEED + ROUTES.indexOf(route), numRuns: RUNS });
    const cases = [...fixedCases(route, valid!), ...random];
    const failures: string[] = [];
    for (const testCase of cases) {
      const failure = await run(route, testCase);
      if (failure !== null) failures.push(failure);
    }
    expect(cases.length).toBeGreaterThan(0);
    expect(failures.length, `${failures.length} of ${cases.length} cases failed (replay: FUZZ_SEED=${FUZZ_SEED} FUZZ_RUNS=${RUNS} npm run test:reliability -- http-fuzz):\n${failures.slice(0, 25).join('\n')}`).toBe(0);
  }, TIMEOUT_MS);

  it('covers every route of the table', () => {
    expect([...tallies.keys()].sort()).toEqual(ROUTES.map(routeName).sort());
  });

  it('every answer is one the published OpenAPI document lists for its route', () => {
    expect(undocumented.length, undocumented.slice(0, 40).join('\n')).toBe(0);
  });
});
