import { describe, expect, it } from 'vitest';
import { findTextProblem, text, textProblem } from './text';

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
});
