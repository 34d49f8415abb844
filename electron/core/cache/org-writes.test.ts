import { describe, expect, it } from 'vitest';
import { OrgWrites } from './org-writes';

describe('OrgWrites', () => {
  it('names the organizations written after a stamp, and every one after a clear', () => {
    const writes = new OrgWrites();
    const start = writes.stamp;
    expect(writes.since(start)).toEqual(new Set());
    writes.note('a');
    const afterA = writes.stamp;
    writes.note('b');
    writes.note('a');
    expect(writes.since(start)).toEqual(new Set(['a', 'b']));
    expect(writes.since(afterA)).toEqual(new Set(['a', 'b']));
    expect(writes.since(writes.stamp)).toEqual(new Set());
    const beforeClear = writes.stamp;
    writes.noteAll();
    writes.note('c');
    expect(writes.since(beforeClear)).toBe('all');
    expect(writes.since(start)).toBe('all');
    const afterClear = writes.stamp;
    writes.note('d');
    expect(writes.since(afterClear)).toEqual(new Set(['d']));
  });
});
