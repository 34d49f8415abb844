import { humanizeName } from '../../format/format';

/**
 * A readable field-by-field comparison of a sync issue's base (the confirmed row before my
 * change), mine (my queued change: the command's args or my optimistic row) and theirs (the
 * service's current row). Pure and tested.
 */

export interface DiffRow {
  field: string;
  label: string;
  base: unknown;
  mine: unknown;
  theirs: unknown;
  mineChanged: boolean;
  theirsChanged: boolean;
  /** Both sides changed the field, differently. */
  conflict: boolean;
}

/** Field names people read better than the humanized key. */
const FIELD_LABELS: Readonly<Record<string, string>> = {
  roleIds: 'Roles',
  userId: 'User',
  lastActiveAt: 'Last active',
  primaryContactUserId: 'Primary billing contact',
  vatNumber: 'VAT number',
  kinds: 'Emails received',
  isDefault: 'Default',
  last4: 'Last 4 digits',
};

export function fieldLabel(field: string): string {
  return FIELD_LABELS[field] ?? humanizeName(field);
}

/** Bookkeeping fields that say nothing to a person comparing two versions. */
const IGNORED = new Set(['id', 'orgId', 'version', 'createdAt', 'updatedAt']);

function record(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** Structural equality for JSON values (key order ignored). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return (a ?? null) === (b ?? null);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => sameValue(item, b[index]));
  }
  const ra = record(a);
  const rb = record(b);
  if (ra === null || rb === null) return false;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  return [...keys].every((key) => sameValue(ra[key], rb[key]));
}

/** The core records mine as `{ args, row }` (the command and the row it made); the row is what to compare. */
function mineRow(mine: unknown): unknown {
  const wrapped = record(mine);
  if (wrapped !== null && 'args' in wrapped && 'row' in wrapped) return record(wrapped['row']) !== null ? wrapped['row'] : wrapped['args'];
  return mine;
}

export function fieldDiff(base: unknown, mine: unknown, theirs: unknown, options: { all?: boolean } = {}): DiffRow[] {
  const b = record(base) ?? {};
  const m = record(mineRow(mine)) ?? {};
  const t = record(theirs) ?? {};
  const rowKnown = (key: string) => key in b || key in t;
  // A key only mine has (a command's userId, contactId ...) is addressing, not a field, unless
  // neither row exists to compare against (a create).
  const anyRow = record(base) !== null || record(theirs) !== null;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(t), ...Object.keys(m)])].filter(
    (key) => !IGNORED.has(key) && (!anyRow || rowKnown(key)),
  );
  const rows = keys.map((field): DiffRow => {
    const baseValue = b[field] ?? null;
    const mineValue = field in m ? (m[field] ?? null) : baseValue;
    const theirsValue = record(theirs) === null ? null : (t[field] ?? null);
    const mineChanged = !sameValue(mineValue, baseValue);
    const theirsChanged = record(theirs) !== null && !sameValue(theirsValue, baseValue);
    return {
      field,
      label: fieldLabel(field),
      base: baseValue,
      mine: mineValue,
      theirs: theirsValue,
      mineChanged,
      theirsChanged,
      conflict: mineChanged && theirsChanged && !sameValue(mineValue, theirsValue),
    };
  });
  return options.all === true ? rows : rows.filter((row) => row.mineChanged || row.theirsChanged);
}

/** One value in a cell: lists joined, addresses on one line, nothing as a dash. */
export function formatDiffValue(value: unknown, nameOf: (id: string) => string | undefined = () => undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  // Enum values (active, cancel_scheduled) read as words; ids as the names the caller knows.
  if (typeof value === 'string') return nameOf(value) ?? (/^[a-z]+(_[a-z]+)*$/.test(value) ? humanizeName(value) : value);
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'None' : value.map((item) => formatDiffValue(item, nameOf)).join(', ');
  const rec = record(value);
  if (rec === null) return String(value);
  return Object.values(rec)
    .filter((item) => item !== null && item !== '')
    .map((item) => formatDiffValue(item, nameOf))
    .join(', ');
}

/** What the issue is about, for its title: a person's name, an email, a role or product name, an invoice number. */
export function subjectOf(...rows: unknown[]): string | null {
  for (const row of rows) {
    const r = record(row);
    if (r === null) continue;
    if (typeof r['firstName'] === 'string' && typeof r['lastName'] === 'string') return `${r['firstName']} ${r['lastName']}`;
    for (const key of ['name', 'email', 'product', 'number']) if (typeof r[key] === 'string' && r[key] !== '') return r[key];
  }
  return null;
}
