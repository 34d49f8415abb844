import type { FastifyInstance } from 'fastify';
import { SeatdeskError } from '@shared/errors';
import { textProblem, textProblemMessage } from '@shared/text';

/** How deep a JSON body may nest (the body itself is level 1); the API's own bodies need 5. */
export const MAX_JSON_DEPTH = 64;
/** The longest object key a body may hold: a field name, not data (and a refusal names it). */
export const MAX_KEY_LENGTH = 100;

/** What a request with a JSON content type and no bytes parses to; registration decides what it means. */
export const EMPTY_BODY: unique symbol = Symbol('empty JSON body');

const refuse = (message: string, path = '') => new SeatdeskError('VALIDATION', message, [{ path, message }]);

/**
 * The one JSON body parser. It measures the nesting on the text before parsing (one pass, no
 * recursion: 4,000 levels of push args overflowed the stack of the recursive code after it), then
 * parses, then refuses keys that are not field names: `__proto__` and `constructor.prototype`
 * (prototype poisoning, as Fastify's own parser refuses), control characters, and overlong keys.
 * Errors are ours and never quote the body.
 */
export function parseJsonBody(text: string): unknown {
  if (text === '') return EMPTY_BODY;
  if (nestingExceeds(text, MAX_JSON_DEPTH)) throw refuse(`The JSON body is nested more than ${MAX_JSON_DEPTH} levels deep.`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw refuse('The request body is not valid JSON.');
  }
  checkKeys(value);
  return value;
}

/** Whether brackets outside strings nest deeper than `limit`; the text need not be valid JSON. */
export function nestingExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth -= 1;
    }
  }
  return false;
}

/** Walks the parsed value with a stack (its depth is bounded above, its breadth is not). */
function checkKeys(root: unknown): void {
  const stack: { value: unknown; path: string }[] = [{ value: root, path: '' }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { value, path } = next;
    if (value === null || typeof value !== 'object') continue;
    const isArray = Array.isArray(value);
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key];
      if (!isArray) {
        if (key.length > MAX_KEY_LENGTH) throw refuse(`A field name in the body is longer than ${MAX_KEY_LENGTH} characters.`, path);
        const problem = textProblem(key, 'line');
        if (problem !== null) throw refuse(textProblemMessage('Field names', problem), path);
        if (key === '__proto__' || (key === 'constructor' && item !== null && typeof item === 'object' && Object.hasOwn(item, 'prototype'))) {
          throw refuse(`A field named ${key === '__proto__' ? '__proto__' : 'constructor.prototype'} is not allowed.`, path);
        }
      }
      if (item !== null && typeof item === 'object') stack.push({ value: item, path: path === '' ? key : `${path}.${key}` });
    }
  }
}

/**
 * JSON only: the JSON parser above replaces Fastify's, and Fastify's text/plain parser goes (it
 * would hand a JSON body sent as text to the handlers as a string). Any other type answers 415.
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}
