import { z } from 'zod';
import { SeatdeskError } from '@shared/errors';
import { isoDateTimeSchema } from '@shared/domain/ids';
import { defineRoute } from '../http/route';
import { runLifecycleAndPoke } from '../lifecycle/scheduler';

const count = z.int().min(0);

export const lifecycleRunSchema = z.object({
  ran: z.boolean().describe('Always true here: an operator run waits for a run in progress elsewhere'),
  asOf: isoDateTimeSchema,
  trialsEnded: count,
  cancellationsApplied: count,
  invoicesIssued: count,
  invoicesOverdue: count,
  remindersQueued: count,
});

/**
 * Runs the billing lifecycle now, or as of an earlier instant: what the background scheduler
 * does every few minutes (service/lifecycle/), for an operator catching up or checking.
 */
export const lifecycleRoutes = [
  defineRoute({
    method: 'POST',
    url: '/v1/operator/lifecycle/run',
    summary:
      'Run the billing lifecycle as of asOf (default now): trials that ended convert or are cancelled, scheduled cancellations take effect, ' +
      'invoices are issued for periods that closed, open invoices past due become overdue with a payment reminder. Idempotent.',
    tag: 'operator',
    auth: 'operator',
    body: z.strictObject({
      asOf: z.iso
        .datetime({ offset: true })
        .refine((value) => !Number.isNaN(Date.parse(value)), 'Not an instant.')
        .optional()
        .describe('Changes due at or before this instant are made; not later than now'),
    }),
    response: lifecycleRunSchema,
    handler: async ({ body, deps }) => {
      const now = deps.now();
      const asOf = body.asOf === undefined ? now : new Date(body.asOf);
      // A run in the future would end trials and cancel subscriptions before their date.
      if (Number.isNaN(asOf.getTime()) || asOf.getTime() > now.getTime()) {
        throw new SeatdeskError('VALIDATION', `asOf: a lifecycle run cannot be later than now (${now.toISOString()}).`, [{ path: 'asOf', message: 'Not later than now' }]);
      }
      const { changedOrgs: _changed, ...result } = await runLifecycleAndPoke(deps, { asOf, waitForLock: true });
      return result;
    },
  }),
];
