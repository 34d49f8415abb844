import fc from 'fast-check';
import { z } from 'zod';

/**
 * Values for fuzzing the service's routes and the core's IPC channels: hostile values of every
 * kind, valid-shaped values derived from a route's or channel's zod schema (through its JSON
 * Schema), and those same values with one field corrupted.
 */

const positiveInt = (value: string | undefined): number | null => {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isInteger(n) && n >= 0 ? n : null;
};

/** The seed of every fuzz run; FUZZ_SEED (or the suite's SEATDESK_RELIABILITY_SEED) replays another. */
export const FUZZ_SEED = positiveInt(process.env['FUZZ_SEED']) ?? positiveInt(process.env['SEATDESK_RELIABILITY_SEED']) ?? 122_026;

/** Random cases per route or channel: a CI-sized default, FUZZ_RUNS (or the suite's --runs) for a longer run. */
export function fuzzRuns(ciDefault: number): number {
  const runs = positiveInt(process.env['FUZZ_RUNS']) ?? positiveInt(process.env['SEATDESK_RELIABILITY_RUNS']);
  return runs !== null && runs > 0 ? runs : ciDefault;
}

export type JsonSchema = Record<string, unknown>;

/** A zod schema's accepted input as JSON Schema (defaults optional); unrepresentable parts accept anything. */
export function inputJsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return json;
}

/**
 * Stands for a value nested `depth` levels deep. HTTP bodies write it as text (JSON.stringify
 * itself would overflow first); IPC inputs build it as a real value with materialize().
 */
export class Deep {
  constructor(
    readonly depth: number,
    readonly kind: 'array' | 'object',
  ) {}
  text(): string {
    return this.kind === 'array' ? '['.repeat(this.depth) + ']'.repeat(this.depth) : '{"a":'.repeat(this.depth) + '1' + '}'.repeat(this.depth);
  }
  value(): unknown {
    let value: unknown = this.kind === 'array' ? [] : 1;
    for (let i = 0; i < this.depth; i += 1) value = this.kind === 'array' ? [value] : { a: value };
    return value;
  }
}

/** Characters the text rule refuses (and a few it allows that often break naive code). */
export const CONTROL_CHARACTERS = ['\u0000', '\u001b', '\u0007', '\u0008', '\u000b', '\u007f', '\r', '\ud800', '\udfff', '\udbff'] as const;
const ODD_BUT_ALLOWED = ['\u2028', '\ufeff', '\u200b', '\u202e', 'é', '𝔘', '👩‍💻', '\t', '\n'] as const;

const word = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), minLength: 1, maxLength: 12 });
const controlChar = fc.constantFrom(...CONTROL_CHARACTERS);
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));

/** A string carrying at least one character the text rule refuses, somewhere in ordinary text. */
export const controlString: fc.Arbitrary<string> = fc
  .tuple(word, fc.oneof(controlChar, loneSurrogate), word, fc.constantFrom('prefix', 'middle', 'suffix', 'alone'))
  .map(([a, bad, b, where]) => (where === 'prefix' ? bad + a : where === 'suffix' ? a + bad : where === 'alone' ? bad : a + bad + b));

/** Strings a careless handler might choke on. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: controlString },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '   ', '\t', 'null', 'undefined', 'true', '0', '-1', 'NaN', '1e400', '[]', '{}', '__proto__', 'constructor') },
  { weight: 1, arbitrary: fc.constantFrom("' OR 1=1 --", '%', '%00', '\\', '\\u0000', '${x}', '../../etc/passwd', '<script>alert(1)</script>', '%E0%A4%A') },
  { weight: 1, arbitrary: fc.tuple(word, fc.constantFrom(...ODD_BUT_ALLOWED)).map(([a, c]) => a + c + a) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('a', '\u0000', 'é', '\ud800'), fc.integer({ min: 201, max: 300_000 })).map(([c, n]) => c.repeat(n)) },
);

const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -0, -1, 1.5, 2 ** 31, 2 ** 53, 2 ** 64, -(2 ** 63), 1e308, -1e308, Number.MIN_VALUE),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const oddKey: fc.Arbitrary<string> = fc.oneof(word, fc.constantFrom('__proto__', 'constructor', 'prototype', '', ' ', 'toString', 'hasOwnProperty'), controlString);

/** Any JSON value, shaped to hurt: odd keys, odd strings, odd numbers, a little nesting. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(oddKey, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A whole body or input that is plainly not what anything expects. */
export const hostileTopLevel: fc.Arbitrary<unknown> = fc.oneof(
  hostileValue,
  fc.integer({ min: 1_000, max: 12_000 }).chain((depth) => fc.constantFrom(new Deep(depth, 'array'), new Deep(depth, 'object'))),
  fc.array(fc.integer(), { minLength: 1, maxLength: 5 }),
);

export interface ExampleContext {
  /** Real ids for a field or parameter of this name (orgId, userId, ...), if the fixture has any. */
  ids(key: string): readonly string[];
  /** A value the fixture knows a field must have to get anywhere (a push's schemaVersion), if any. */
  known?(key: string): unknown;
  /** Only the fixture's ids for uuid fields that have some (a base for the fixed cases must reach the handler). */
  realIdsOnly?: boolean;
  /** Service addresses for url fields: only loopback ones, so a case never reaches out. */
  urls: readonly string[];
  /** An example for a field with no schema of its own (a command's args inside a push), or null. */
  unknownField?(key: string, parent: Record<string, unknown>, ctx: ExampleContext): fc.Arbitrary<unknown> | null;
}

const DAY = 24 * 60 * 60 * 1000;
const isoDay = (offsetDays: number) => new Date(Date.UTC(2026, 0, 15) + offsetDays * DAY).toISOString().slice(0, 10);
const emailArb = fc.tuple(word, word).map(([local, domain]) => `${local}.fuzz@${domain}.example`);
const uuidArb = fc.uuid({ version: 4 });

function stringExample(schema: JsonSchema, key: string, ctx: ExampleContext): fc.Arbitrary<string> {
  const format = schema['format'];
  const lower = key.toLowerCase();
  if (format === 'uuid') {
    const ids = ctx.ids(key);
    if (ids.length === 0) return uuidArb;
    return ctx.realIdsOnly === true ? fc.constantFrom(...ids) : fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...ids) }, { weight: 1, arbitrary: uuidArb });
  }
  // Dates stay near today: an operator billing run up to the year 9999 is a valid, very long request.
  if (format === 'date') return fc.integer({ min: -400, max: 60 }).map(isoDay);
  if (format === 'date-time') return fc.integer({ min: -400, max: 60 }).map((d) => `${isoDay(d)}T12:00:00Z`);
  if (lower.includes('email')) return emailArb;
  if (lower.endsWith('url')) return fc.constantFrom(...ctx.urls);
  if (typeof schema['pattern'] === 'string') return fc.stringMatching(new RegExp(schema['pattern'])).filter((s) => s.length <= 200);
  const min = typeof schema['minLength'] === 'number' ? schema['minLength'] : 0;
  const max = Math.max(min, Math.min(typeof schema['maxLength'] === 'number' ? schema['maxLength'] : 40, min + 30));
  return fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ0123456789-'), minLength: min, maxLength: max }).map((s) => {
    // Trimmed text fields refuse leading and trailing blanks.
    const trimmed = s.trim();
    return trimmed.length >= min ? trimmed : 'x'.repeat(min);
  });
}

/**
 * Values valid for a JSON Schema as zod's toJSONSchema writes them (the subset it uses), with
 * ids from the fixture so that a request reaches past "not found" into the handler.
 */
export function exampleOf(schema: JsonSchema, ctx: ExampleContext, key = ''): fc.Arbitrary<unknown> {
  const known = ctx.known?.(key);
  if (known !== undefined) return fc.constant(known);
  if (Array.isArray(schema['anyOf']) || Array.isArray(schema['oneOf'])) {
    const branches = (schema['anyOf'] ?? schema['oneOf']) as JsonSchema[];
    return fc.oneof(...branches.map((branch) => exampleOf(branch, ctx, key)));
  }
  if (Array.isArray(schema['enum'])) return fc.constantFrom(...(schema['enum'] as unknown[]));
  if ('const' in schema) return fc.constant(schema['const']);
  const type = schema['type'];
  if (Array.isArray(type)) return fc.oneof(...(type as string[]).map((t) => exampleOf({ ...schema, type: t }, ctx, key)));
  switch (type) {
    case 'string':
      return stringExample(schema, key, ctx);
    case 'integer': {
      const min = typeof schema['minimum'] === 'number' ? schema['minimum'] : -1000;
      const max = typeof schema['maximum'] === 'number' ? Math.min(schema['maximum'], min + 1000) : min + 1000;
      return fc.integer({ min, max });
    }
    case 'number':
      return fc.double({ min: -1000, max: 1000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const items = (schema['items'] as JsonSchema | undefined) ?? {};
      const minLength = typeof schema['minItems'] === 'number' ? schema['minItems'] : 0;
      const maxLength = Math.min(typeof schema['maxItems'] === 'number' ? schema['maxItems'] : 3, minLength + 3);
      const itemKey = key.endsWith('s') ? key.slice(0, -1) : key;
      return fc.array(exampleOf(items, ctx, itemKey), { minLength, maxLength });
    }
    case 'object': {
      const properties = (schema['properties'] as Record<string, JsonSchema> | undefined) ?? {};
      const required = new Set((schema['required'] as string[] | undefined) ?? []);
      const shape = Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, exampleOf(property, ctx, name)]));
      return fc.record(shape, { requiredKeys: Object.keys(properties).filter((name) => required.has(name)) }).chain((value) => {
        const extras = Object.keys(value).filter((name) => Object.keys(properties[name] ?? {}).length === 0);
        const unknownField = ctx.unknownField;
        if (unknownField === undefined || extras.length === 0) return fc.constant(value as unknown);
        const filled = extras.map((name) => unknownField(name, value as Record<string, unknown>, ctx) ?? fc.constant(value[name]));
        return fc.tuple(...filled).map((values) => ({ ...value, ...Object.fromEntries(extras.map((name, i) => [name, values[i]])) }) as unknown);
      });
    }
    default:
      // {}: anything goes (z.unknown()): a small JSON value.
      return fc.oneof(fc.constant({}), fc.jsonValue({ maxDepth: 2 }));
  }
}

export type Path = readonly (string | number)[];

/** Every position in a JSON value: the value itself, each object member, each array item. */
export function pathsOf(value: unknown, path: Path = []): Path[] {
  const here: Path[] = [path];
  if (Array.isArray(value)) return here.concat(...value.map((item, index) => pathsOf(item, [...path, index])));
  if (value !== null && typeof value === 'object' && !(value instanceof Deep)) {
    return here.concat(...Object.entries(value).map(([key, item]) => pathsOf(item, [...path, key])));
  }
  return here;
}

export function getAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, key) => (node === null || typeof node !== 'object' ? undefined : (node as Record<string | number, unknown>)[key]), value);
}

const REMOVE = Symbol('remove');

function setAt(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    if (rest.length === 0 && replacement === REMOVE) copy.splice(head as number, 1);
    else copy[head as number] = setAt(copy[head as number], rest, replacement);
    return copy;
  }
  const copy = { ...(value as Record<string, unknown>) };
  if (rest.length === 0 && replacement === REMOVE) delete copy[head as string];
  // defineProperty: a key named __proto__ stays a plain member instead of replacing the prototype.
  else Object.defineProperty(copy, head as string, { value: setAt(copy[head as string], rest, replacement), enumerable: true, writable: true, configurable: true });
  return copy;
}

export interface Corruption {
  value: unknown;
  /** Where and how, for the report: "firstName: control characters". */
  how: string;
}

/** A replacement of another type than the original, or of the same type with hostile content. */
function replacementFor(original: unknown): fc.Arbitrary<{ value: unknown; how: string }> {
  const wrongType = fc
    .constantFrom<unknown>(0, -1, 1.5, 1e308, true, false, null, '', 'x', [], [1, 2, 3], {}, { a: 1 })
    .filter((candidate) => typeof candidate !== typeof original || Array.isArray(candidate) !== Array.isArray(original))
    .map((value) => ({ value, how: `wrong type (${JSON.stringify(value)})` }));
  const options: fc.Arbitrary<{ value: unknown; how: string }>[] = [
    wrongType,
    hostileValue.map((value) => ({ value, how: 'hostile value' })),
    fc.integer({ min: 1_000, max: 12_000 }).map((depth) => ({ value: new Deep(depth, 'array'), how: `nested ${depth} deep` })),
  ];
  if (typeof original === 'string') {
    options.push(
      fc.tuple(fc.oneof(controlChar, loneSurrogate), fc.constantFrom('prefix', 'middle', 'suffix')).map(([bad, where]) => {
        const half = Math.floor(original.length / 2);
        const value = where === 'prefix' ? bad + original : where === 'suffix' ? original + bad : original.slice(0, half) + bad + original.slice(half);
        return { value, how: `control character U+${bad.charCodeAt(0).toString(16).padStart(4, '0')} (${where})` };
      }),
      fc.integer({ min: 300, max: 400_000 }).map((n) => ({ value: original + 'x'.repeat(n), how: `${n} characters longer` })),
      fc.constantFrom('', '   ').map((value) => ({ value, how: `blank (${JSON.stringify(value)})` })),
    );
  }
  if (typeof original === 'number') {
    options.push(fc.constantFrom(-1, 0, 2 ** 53, 2 ** 64, 1e308, 0.5).map((value) => ({ value, how: `number ${value}` })));
  }
  return fc.oneof(...options);
}

/** The value with exactly one thing wrong: a field replaced, removed, or an unknown field added. */
export function corrupt(base: unknown): fc.Arbitrary<Corruption> {
  const paths = pathsOf(base);
  return fc.nat({ max: paths.length - 1 }).chain((index) => {
    const path = paths[index]!;
    const label = path.length === 0 ? '(whole value)' : path.join('.');
    const original = getAt(base, path);
    const container = getAt(base, path.slice(0, -1));
    const edits: fc.Arbitrary<Corruption>[] = [replacementFor(original).map(({ value, how }) => ({ value: setAt(base, path, value), how: `${label}: ${how}` }))];
    if (path.length > 0 && container !== null && typeof container === 'object' && !Array.isArray(container)) {
      edits.push(fc.constant({ value: setAt(base, path, REMOVE), how: `${label}: removed` }));
    }
    if (original !== null && typeof original === 'object' && !Array.isArray(original)) {
      edits.push(
        fc.tuple(oddKey, hostileValue).map(([key, extra]) => ({
          value: setAt(base, path, { ...(original as Record<string, unknown>), [key]: extra }),
          how: `${label}: unknown field ${JSON.stringify(key).slice(0, 40)}`,
        })),
      );
    }
    return fc.oneof(...edits);
  });
}

/** JSON text of a value, writing each Deep as its nested text. */
export function jsonText(value: unknown): string {
  const deep: Deep[] = [];
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (item instanceof Deep) {
      deep.push(item);
      return `@@deep:${deep.length - 1}@@`;
    }
    return item;
  });
  return (text ?? 'null').replace(/"@@deep:(\d+)@@"/g, (_match, index: string) => deep[Number(index)]!.text());
}

/** The same value with each Deep built for real (for IPC, where values are not text). */
export function materialize(value: unknown): unknown {
  if (value instanceof Deep) return value.value();
  if (Array.isArray(value)) return value.map(materialize);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, materialize(item)]));
  return value;
}

/** A short, printable form of a value for a failure report. */
export function preview(value: unknown, max = 160): string {
  const text = value === undefined ? 'undefined' : jsonText(value);
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}
