import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { findTextProblem, text, textProblem, textRule, trimmedText, withTextProblemsReplaced } from './text';
import { stringFieldsOf, withValueAt } from './text-fields';

describe('the text rule', () => {
  it('refuses NUL, other C0 controls, DEL and lone surrogates on one line', () => {
    for (const bad of ['a\u0000b', 'tab\there', 'new\nline', 'cr\r', 'esc\u001b[0m', 'del\u007f', 'half \ud83d', 'other \ude00 half']) {
      expect(textProblem(bad), JSON.stringify(bad)).not.toBeNull();
    }
    expect(textProblem('half \ud83d')).toBe('surrogate');
    expect(textProblem('a\u0000b')).toBe('control');
  });

  it('keeps ordinary text, accents, emoji and right-to-left scripts', () => {
    for (const good of ['Núñez', 'Zoë O’Brien', '李小龍', 'شركة', 'Team 🚀 ops', '']) expect(textProblem(good), good).toBeNull();
  });

  it('allows tab, newline and CRLF only in multi-line text', () => {
    expect(textProblem('line one\r\nline two\tend', 'multiline')).toBeNull();
    expect(textProblem('line one\rline two', 'multiline')).toBe('control');
    expect(textProblem('nul\u0000', 'multiline')).toBe('control');
  });

  it('replaces what it refuses, for text that must be kept rather than refused', () => {
    expect(withTextProblemsReplaced('Unrecognized key: "a\u0000b\u001b", \ud83d half, \ud83d\ude00 whole')).toBe(
      'Unrecognized key: "a\ufffdb\ufffd", \ufffd half, \ud83d\ude00 whole',
    );
    expect(withTextProblemsReplaced('two\r\nlines\tand\rcr')).toBe('two\r\nlines\tand\ufffdcr');
    expect(withTextProblemsReplaced('tab\there', 'line', '?')).toBe('tab?here');
    for (const value of ['a\u0000', '\udc00x', 'ok']) expect(textProblem(withTextProblemsReplaced(value))).toBeNull();
  });

  it('gives a field error in plain words through zod', () => {
    const result = text('Names').trim().min(1).max(100).safeParse('Ann\u0000');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('Names cannot contain control characters.');
    expect(text('Names').trim().parse('  Ann ')).toBe('Ann');
  });

  it('finds the first bad string or key anywhere in a JSON value, with its path', () => {
    expect(findTextProblem({ a: [{ b: 'ok' }, { c: 'x\u0000' }] })).toEqual({ path: 'a.1.c', problem: 'control' });
    expect(findTextProblem({ ['k\u0001']: 1 })).toEqual({ path: 'k\u0001', problem: 'control' });
    expect(findTextProblem({ note: 'two\nlines' })).toBeNull();
    expect(findTextProblem([1, true, null, 'fine'])).toBeNull();
  });

  it('trims first where the field trims, so a pasted tab or line end at either end is dropped', () => {
    expect(trimmedText('Names').min(1).parse('\tAnn\r\n')).toBe('Ann');
    expect(trimmedText('Names').safeParse('An\tn').error?.issues.map((issue) => issue.message)).toEqual(['Names cannot contain control characters.']);
    expect(text('Passwords').safeParse('secret\t').success).toBe(false);
  });

  it('gives one message for a refused value: the checks after the rule do not run', () => {
    const issues = text('Names').min(5).max(6).regex(/^[a-z]+$/).safeParse('\u0000').error?.issues ?? [];
    expect(issues.map((issue) => issue.message)).toEqual(['Names cannot contain control characters.']);
    const normalised = z.string().overwrite((value) => value.toUpperCase()).superRefine(textRule('Codes')).regex(/^[A-Z]+$/, 'Letters only.');
    expect(normalised.safeParse('ab\u001b').error?.issues.map((issue) => issue.message)).toEqual(['Codes cannot contain control characters.']);
    expect(text('Names').safeParse('\ud83d').error?.issues[0]?.message).toBe('Names cannot contain broken characters (a lone UTF-16 surrogate).');
  });

  it('finds every string field of a schema, free text apart from format strings', () => {
    const schema = z.strictObject({
      id: z.uuid(),
      name: trimmedText('Names').optional(),
      tags: z.array(text('Tags')).nullable(),
      email: trimmedText('Email addresses').pipe(z.email()),
      nested: z.object({ note: text('Notes', 'multiline').default('') }),
      kind: z.enum(['a', 'b']),
      count: z.number(),
    });
    expect(stringFieldsOf(schema)).toEqual([
      { path: ['id'], kind: 'format' },
      { path: ['name'], kind: 'text' },
      { path: ['tags', 0], kind: 'text' },
      { path: ['email'], kind: 'text' },
      { path: ['nested', 'note'], kind: 'text' },
    ]);
    expect(withValueAt({ a: 1, tags: ['x', 'y'] }, ['tags', 0], 'z')).toEqual({ a: 1, tags: ['z', 'y'] });
    expect(withValueAt(undefined, ['b', 'c'], 1)).toEqual({ b: { c: 1 } });
  });
});
