import { COMMANDS, parseCommand, targetOrgOf, type CommandArgs } from '@shared/commands/catalogue';
import type { AuditOrigin } from '@shared/domain/audit';
import type { BillingContact } from '@shared/domain/billing-contact';
import type { Mutation } from '@shared/sync/protocol';
import { authorize, type Actor } from '../auth/actor';
import { addBillingContactsAtOnce, addableAtOnce, contactAdded, contactKeys } from '../commands/billing-contacts';
import { recordAudit, type AuditRow } from '../commands/context';
import type { Sql } from '../db/store';

/**
 * Set-based forms of sync mutations. A push applies its mutations one statement each; a run of
 * mutations that one statement can apply as well (so far: new billing contacts) is applied at
 * once, in an optimistic chunk only (push.ts): when any of them would be refused, the chunk runs
 * again one mutation at a time, where each gets its own outcome. So the outcomes, rows and audit
 * events are those of applying the run in order, in fewer round trips.
 */

/** Fewer than this are applied one at a time: a statement of their own saves nothing. */
export const SMALLEST_RUN = 2;

/**
 * The addBillingContact mutations from `start` that one statement can apply: consecutive ids after
 * `lastMutationId`, each valid, permitted for the actor (as runCommand checks) and addable at once,
 * none colliding with another of the run (contactKeys). Their parsed arguments, in order.
 */
export function addContactsRun(mutations: readonly Mutation[], start: number, lastMutationId: number, actor: Actor): CommandArgs<'addBillingContact'>[] {
  const run: CommandArgs<'addBillingContact'>[] = [];
  const keys = new Set<string>();
  for (let index = start; index < mutations.length; index += 1) {
    const mutation = mutations[index]!;
    if (mutation.name !== 'addBillingContact' || mutation.id !== lastMutationId + 1 + run.length) break;
    const parsed = parseCommand(mutation.name, mutation.args);
    if (!parsed.success || parsed.command.name !== 'addBillingContact') break;
    const args = parsed.command.args;
    if (!addableAtOnce(args)) break;
    try {
      authorize(actor, targetOrgOf(parsed.command), COMMANDS.addBillingContact.permission);
    } catch {
      break;
    }
    const own = contactKeys(args);
    if (own.some((key) => keys.has(key))) break;
    for (const key of own) keys.add(key);
    run.push(args);
  }
  return run;
}

/**
 * Adds the run's contacts in one statement and queues each one's audit event with its mutation's
 * origin. Null when any of them was not added (an id or address taken): the caller then applies
 * the chunk one mutation at a time.
 */
export async function addContactsAtOnce(
  tx: Sql,
  actor: Actor,
  now: Date,
  pendingAudit: AuditRow[],
  run: readonly { args: CommandArgs<'addBillingContact'>; origin: AuditOrigin }[],
): Promise<BillingContact[] | null> {
  const changedOrgs = new Set<string>();
  const contacts = await addBillingContactsAtOnce({ tx, actor, now, origin: run[0]!.origin, changedOrgs, pendingAudit }, run.map((item) => item.args));
  if (contacts.length < run.length) return null;
  for (const [index, contact] of contacts.entries()) {
    await recordAudit({ tx, actor, now, origin: run[index]!.origin, changedOrgs, pendingAudit }, contactAdded(contact));
  }
  return contacts;
}
