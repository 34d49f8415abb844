import type { z } from 'zod';

/**
 * Every string an input schema accepts, found by walking the schema: for the tests (and fuzzers)
 * that prove each one is under the text rule, generated from the schemas so a string field added
 * later is covered without anyone listing it.
 */

export interface StringField {
  /** Where the string sits in the input; an array's element is at index 0. */
  path: (string | number)[];
  /**
   * 'text': free text, which must carry the text rule (and its plain-words message).
   * 'format': a format string (uuid, ISO date, email or URL format) whose own check already
   * allows no control character or surrogate; refused with the format's message.
   */
  kind: 'text' | 'format';
}

interface Def {
  type: string;
  format?: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  options?: readonly z.ZodType[];
  items?: readonly z.ZodType[];
  valueType?: z.ZodType;
  getter?: () => z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Wrappers whose value is their inner schema's value. */
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

export function stringFieldsOf(schema: z.ZodType, path: (string | number)[] = [], seen = new Set<z.ZodType>()): StringField[] {
  if (seen.has(schema)) return []; // a recursive (lazy) schema: its strings are found once
  const def = defOf(schema);
  if (def.type === 'string') return [{ path, kind: def.format === undefined ? 'text' : 'format' }];
  const inner = new Set(seen).add(schema);
  if (WRAPPERS.has(def.type) && def.innerType !== undefined) return stringFieldsOf(def.innerType, path, inner);
  // A pipe is sent as its input side (a trimmed string piped into an email check).
  if (def.type === 'pipe' && def.in !== undefined) return stringFieldsOf(def.in, path, inner);
  if (def.type === 'lazy' && def.getter !== undefined) return stringFieldsOf(def.getter(), path, inner);
  if (def.type === 'object' && def.shape !== undefined) {
    return Object.entries(def.shape).flatMap(([key, field]) => stringFieldsOf(field, [...path, key], inner));
  }
  if (def.type === 'array' && def.element !== undefined) return stringFieldsOf(def.element, [...path, 0], inner);
  if (def.type === 'tuple' && def.items !== undefined) return def.items.flatMap((item, index) => stringFieldsOf(item, [...path, index], inner));
  if (def.type === 'record' && def.valueType !== undefined) return stringFieldsOf(def.valueType, [...path, 'key'], inner);
  if (def.type === 'union' && def.options !== undefined) {
    const found = def.options.flatMap((option) => stringFieldsOf(option, path, inner));
    return found.filter((field, index) => found.findIndex((other) => other.path.join('.') === field.path.join('.')) === index);
  }
  // enum, literal, number, boolean, unknown, void: no free text of their own.
  return [];
}

/** A copy of `value` with `replacement` at `path`, creating objects and arrays on the way. */
export function withValueAt(value: unknown, path: readonly (string | number)[], replacement: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return replacement;
  if (typeof head === 'number') {
    const array = Array.isArray(value) ? [...(value as unknown[])] : [];
    array[head] = withValueAt(array[head], rest, replacement);
    return array;
  }
  const object = value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...(value as Record<string, unknown>) } : {};
  object[head] = withValueAt(object[head], rest, replacement);
  return object;
}
