import type { AuditEvent } from '@shared/domain/audit';
import type { AuditActor } from '@shared/ipc/models';
import { formatAmount, formatCount, formatDate, formatDateTime, humanizeName } from '../../format/format';

/** Pure helpers of the audit screen (tested). */

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function localMidnight(day: string, plusDays = 0): Date | null {
  const match = DAY.exec(day);
  if (match === null) return null;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + plusDays);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * The instants [from, to) of the local calendar days a person picked (YYYY-MM-DD, as date inputs
 * give them): from the start of the first day to the start of the day after the last, in their
 * own time zone, sent in UTC. An empty or unreadable day leaves that side open.
 */
export function localDayRange(fromDay: string, toDay: string): { from?: string; to?: string } {
  const from = localMidnight(fromDay);
  const to = localMidnight(toDay, 1);
  return { ...(from === null ? {} : { from: from.toISOString() }), ...(to === null ? {} : { to: to.toISOString() }) };
}

/** Whether the last day comes before the first: the range is empty, and the screen says so. */
export function isBackwards(fromDay: string, toDay: string): boolean {
  return DAY.test(fromDay) && DAY.test(toDay) && toDay < fromDay;
}

export interface AuditGroup {
  key: string;
  events: AuditEvent[];
}

function madeTogether(a: AuditEvent, b: AuditEvent): boolean {
  if (a.actorEmail !== b.actorEmail || a.action !== b.action || a.entity !== b.entity || a.orgId !== b.orgId) return false;
  const batchOf = (event: AuditEvent) => (event.origin.kind === 'scheduler' ? null : (event.origin.batchId ?? null));
  const batch = batchOf(a);
  // One bulk edit shares a batch; one request (an invitation of several people) shares its instant.
  return batch !== null ? batch === batchOf(b) : batchOf(b) === null && a.at === b.at;
}

/**
 * Consecutive events of one action by one person in one organization made together are one line
 * ("Invited 3 people to Wingtip Toys"); its details list each of them.
 */
export function groupEvents(events: readonly AuditEvent[]): AuditGroup[] {
  const groups: AuditGroup[] = [];
  for (const event of events) {
    const last = groups.at(-1);
    if (last !== undefined && madeTogether(last.events[0]!, event)) last.events.push(event);
    else groups.push({ key: event.id, events: [event] });
  }
  return groups;
}

/** Who made a change, for people: their name (email beside it), or the service itself. */
export function actorOf(event: Pick<AuditEvent, 'actorUserId' | 'actorEmail'>, names: ReadonlyMap<string, string>): { name: string; detail: string | null } {
  if (event.actorUserId === null) return { name: 'Seatdesk (automatic)', detail: null };
  const name = names.get(event.actorEmail.toLowerCase());
  return name === undefined ? { name: event.actorEmail, detail: null } : { name, detail: event.actorEmail };
}

/** The "Who" filter's choices: people by name in the user's language order, the service's own last. */
export function actorChoices(actors: readonly AuditActor[], locale?: string): { value: string; label: string }[] {
  const collator = new Intl.Collator(locale, { sensitivity: 'base' });
  // The service's own addresses (billing-run@seatdesk, lifecycle@seatdesk) have no dot in their domain.
  const system = (actor: AuditActor) => (actor.name === null && !(actor.email.split('@')[1] ?? '').includes('.') ? 1 : 0);
  const label = (actor: AuditActor) =>
    system(actor) === 1 ? `Seatdesk (automatic): ${humanizeName(actor.email.split('@')[0] ?? actor.email).toLowerCase()}` : actor.name === null ? actor.email : `${actor.name} (${actor.email})`;
  return [...actors]
    .sort((a, b) => system(a) - system(b) || collator.compare(label(a), label(b)))
    .map((actor) => ({ value: actor.email, label: `${label(actor)} · ${formatCount(actor.changes)}` }));
}

/** Amount fields of entities, in minor units of the row's currency. */
const MONEY_FIELDS = new Set(['unitPrice', 'subtotal', 'tax', 'total', 'amount']);

export interface ValueContext {
  /** The row the value sits in (its currency, for amounts). */
  row: Readonly<Record<string, unknown>> | null;
  /** A name for an id the screen knows (a role, a user, an organization). */
  nameOf(id: string): string | undefined;
}

/**
 * A value of the details table as a person reads it: names for ids, local times for instants,
 * amounts in their currency, lists joined; never a raw id or ISO time.
 */
export function auditValue(field: string, value: unknown, context: ValueContext): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'number') {
    const currency = context.row?.['currency'];
    if (MONEY_FIELDS.has(field) && typeof currency === 'string') return formatAmount(value, currency);
    if (field === 'taxRate') return `${formatCount(value / 100)} %`;
    return formatCount(value);
  }
  if (typeof value === 'string') {
    if (UUID.test(value)) return context.nameOf(value) ?? 'Not in your offline copy';
    if (INSTANT.test(value)) return formatDateTime(value);
    if (DAY.test(value)) return formatDate(value);
    return /^[a-z]+(_[a-z]+)*$/.test(value) ? humanizeName(value) : value;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return 'None';
    // Invoice lines and the like: their descriptions say what they are.
    return value.map((item) => (item !== null && typeof item === 'object' && 'description' in item ? String(item.description) : auditValue(field, item, context))).join(', ');
  }
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== null && item !== '')
      .map(([key, item]) => auditValue(key, item, context))
      .join(', ');
  }
  return String(value);
}
