import { z } from 'zod';
import { trimmedText } from './text';

/**
 * Email addresses are stored as typed (local part kept, since a few mail servers honour its
 * case) with the domain lower-cased, and compared case-insensitively as a whole: one
 * organization cannot have both Ann@x.com and ann@x.com.
 */

export function normalizeEmail(email: string): string {
  const trimmed = email.trim();
  const at = trimmed.lastIndexOf('@');
  return at < 0 ? trimmed : trimmed.slice(0, at) + trimmed.slice(at).toLowerCase();
}

/** The key for uniqueness checks and lookups. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

export function sameEmail(a: string, b: string): boolean {
  return emailKey(a) === emailKey(b);
}

export const MAX_EMAIL_LENGTH = 254;

/** The text rule first, so an address with a control character is told so, not "not a valid email". */
export const emailSchema = trimmedText('Email addresses').pipe(
    z
      .email('Enter a valid email address, such as name@example.com.')
      .max(MAX_EMAIL_LENGTH, `An email address has at most ${MAX_EMAIL_LENGTH} characters.`)
      .overwrite(normalizeEmail),
  );

export interface EmailListResult {
  /** Normalised, first occurrence of each address, in the pasted order. */
  valid: string[];
  invalid: { input: string; reason: string }[];
  /** Later occurrences of an address already in `valid` (compared case-insensitively). */
  duplicates: string[];
}

/** Splits on separators outside quotes and angle brackets, so `"Lee, Ann" <ann@x.com>` stays one entry. */
function splitEntries(pasted: string): string[] {
  const entries: string[] = [];
  let current = '';
  let inQuote = false;
  let inAngle = false;
  for (const ch of pasted) {
    if (ch === '"' && !inAngle) inQuote = !inQuote;
    else if (ch === '<' && !inQuote) inAngle = true;
    else if (ch === '>' && !inQuote) inAngle = false;
    if (!inQuote && !inAngle && /[,;\s]/.test(ch)) {
      entries.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  entries.push(current);
  return entries.filter((entry) => entry !== '');
}

/**
 * Reads a pasted list for the invite dialog: addresses separated by commas, semicolons,
 * spaces or new lines, optionally as `Name <address>` (as mail clients copy them).
 * Words that only make up a display name are dropped with the name; a word that neither
 * is an address nor precedes a bracketed one is reported as invalid.
 */
export function parseEmailList(pasted: string): EmailListResult {
  // In pasted order: addresses to check, or leftover words reported as they are.
  const items: { text: string; address: boolean }[] = [];
  let nameWords: string[] = [];
  const flushName = () => {
    if (nameWords.length > 0) items.push({ text: nameWords.join(' '), address: false });
    nameWords = [];
  };

  for (const entry of splitEntries(pasted)) {
    const angle = /<([^>]*)>?/.exec(entry);
    if (angle !== null) {
      nameWords = []; // they were the display name of this address
      items.push({ text: (angle[1] ?? '').trim(), address: true });
    } else if (entry.includes('@') && !entry.startsWith('"')) {
      flushName();
      items.push({ text: entry.replace(/^mailto:/i, ''), address: true });
    } else {
      nameWords.push(entry);
    }
  }
  flushName();

  const result: EmailListResult = { valid: [], invalid: [], duplicates: [] };
  const seen = new Set<string>();
  for (const item of items) {
    const parsed = item.address ? emailSchema.safeParse(item.text) : undefined;
    if (parsed === undefined) {
      result.invalid.push({ input: item.text, reason: 'Not an email address.' });
    } else if (!parsed.success) {
      result.invalid.push({ input: item.text, reason: parsed.error.issues[0]?.message ?? 'Not an email address.' });
    } else if (seen.has(emailKey(parsed.data))) {
      result.duplicates.push(parsed.data);
    } else {
      seen.add(emailKey(parsed.data));
      result.valid.push(parsed.data);
    }
  }
  return result;
}
