import { describe, expect, it } from 'vitest';
import { parseEmailList } from '@shared/email';
import { asClause, inviteSummary, leftOutOfInvite } from './invite-report';

describe('invite report', () => {
  it('names every entry left out and why, the dialog’s and the core’s', () => {
    const parsed = parseEmailList('ivy@x.example, bad@, ann@x.com, not-an-address; ivy@x.example; Ivy@X.example');
    expect(parsed.valid).toEqual(['ivy@x.example', 'ann@x.com']);
    const result = { skipped: [{ id: 'ann@x.com', reason: 'Already a user of this organization.' }] };
    expect(inviteSummary(parsed.valid, parsed, result)).toEqual({
      text: '1 person invited.',
      invited: 1,
      detail:
        '5 left out: bad@ (not a valid email address), not-an-address (not an email address), ivy@x.example (listed more than once), ' +
        'Ivy@x.example (listed more than once), ann@x.com (already a user of this organization).',
    });
  });

  it('says nothing more when everyone was invited', () => {
    const parsed = parseEmailList('ivy@x.example, ivo@x.example');
    expect(inviteSummary(parsed.valid, parsed, { skipped: [] })).toEqual({ text: '2 people invited.', invited: 2 });
  });

  it('keeps a reason’s words as a clause, and cuts a long entry', () => {
    expect(asClause('Already invited: resend the invitation instead.')).toBe('already invited: resend the invitation instead');
    expect(asClause('Email addresses cannot contain control characters.')).toBe('email addresses cannot contain control characters');
    expect(asClause('VAT numbers are checked.')).toBe('VAT numbers are checked');
    const [long] = leftOutOfInvite({ invalid: [{ input: 'x'.repeat(100), reason: 'Not an email address.' }], duplicates: [] }, []);
    expect(long!.entry).toHaveLength(60);
    expect(long!.entry.endsWith('…')).toBe(true);
  });
});
