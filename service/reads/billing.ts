import { z } from 'zod';
import { billingContactSchema } from '@shared/domain/billing-contact';
import { uuidSchema } from '@shared/domain/ids';
import { invoiceSchema } from '@shared/domain/invoice';
import { paymentMethodSchema } from '@shared/domain/payment-method';
import { roleSchema } from '@shared/domain/role';
import { subscriptionSchema } from '@shared/domain/subscription';
import { authorize } from '../auth/actor';
import { actorKeyColumn, actorKeyParams, confirmActor } from '../auth/kept-actors';
import { toBillingContact, toInvoice, toPaymentMethod, toRole, toSubscription, type Row } from '../db/rows';
import { JsonText, defineRoute } from '../http/route';
import { wireItemsSql } from '../db/stored-wire';
import { notFound } from '../commands/context';
import { subtreeCte } from './subtree';

const orgParams = z.strictObject({ orgId: uuidSchema });

/** Query strings are text: "true" includes every organization below this one. */
const includeChildrenQuery = z.strictObject({
  includeChildren: z.enum(['true', 'false']).optional().describe("true: also the child organizations' items, each with orgName"),
});

/** An invoice in a list that may include child organizations: the owning company's name is added there. */
export const invoiceListItemSchema = invoiceSchema.safeExtend({ orgName: z.string().optional() });


/** The invoices of $1, newest period first, as wire JSON, with the actor's key from $2 and $3 (built once). */
const INVOICES_STATEMENT = `SELECT ${actorKeyColumn(2)}, ${wireItemsSql('invoices t WHERE t.org_id = $1', 't.period_end DESC, t.number DESC')} AS items`;

/** The invoices of $1 and every organization below it, each with its organization's name and the actor's key from $2 and $3. */
const SUBTREE_INVOICES_STATEMENT = `${subtreeCte('$1')}
   SELECT i.*, o.name AS org_name, ${actorKeyColumn(2)} FROM invoices i JOIN subtree t ON t.id = i.org_id JOIN orgs o ON o.id = i.org_id
   ORDER BY i.period_end DESC, i.org_id <> $1, o.name, i.number DESC`;

export const billingReadRoutes = [
  defineRoute({
    method: 'GET',
    url: '/v1/orgs/:orgId/roles',
    summary: 'Roles of an organization, built-in and custom',
    tag: 'role',
    auth: 'bearer',
    params: orgParams,
    response: z.object({ items: z.array(roleSchema) }),
    errors: ['NOT_FOUND', 'FORBIDDEN'],
    handler: async ({ params, actor, deps }) => {
      authorize(actor, params.orgId, 'users.view');
      const rows = await deps.store.query<Row>('SELECT * FROM roles WHERE org_id = $1 ORDER BY built_in DESC, name_key, id', [params.orgId]);
      return { items: rows.map(toRole) };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/orgs/:orgId/billing-contacts',
    summary: 'Billing contacts and the kinds of email each receives',
    tag: 'billing_contact',
    auth: 'bearer',
    params: orgParams,
    response: z.object({ items: z.array(billingContactSchema) }),
    errors: ['NOT_FOUND', 'FORBIDDEN'],
    handler: async ({ params, actor, deps }) => {
      authorize(actor, params.orgId, 'billing.view');
      const rows = await deps.store.query<Row>('SELECT * FROM billing_contacts WHERE org_id = $1 ORDER BY lower(email), id', [params.orgId]);
      return { items: rows.map(toBillingContact) };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/orgs/:orgId/subscriptions',
    summary: "Subscriptions; with includeChildren=true also every child organization's, each with orgName",
    tag: 'subscription',
    auth: 'bearer',
    params: orgParams,
    query: includeChildrenQuery,
    response: z.object({ items: z.array(subscriptionSchema) }),
    errors: ['NOT_FOUND', 'FORBIDDEN'],
    handler: async ({ params, query, actor, deps }) => {
      authorize(actor, params.orgId, 'subscriptions.view');
      if (query.includeChildren !== 'true') {
        const rows = await deps.store.query<Row>('SELECT * FROM subscriptions WHERE org_id = $1 ORDER BY product, plan, created_at, id', [params.orgId]);
        return { items: rows.map(toSubscription) };
      }
      const rows = await deps.store.query<Row>(
        `${subtreeCte('$1')}
         SELECT s.*, o.name AS org_name FROM subscriptions s JOIN subtree t ON t.id = s.org_id JOIN orgs o ON o.id = s.org_id
         ORDER BY s.org_id <> $1, o.name, s.org_id, s.product, s.plan, s.created_at, s.id`,
        [params.orgId],
      );
      return { items: rows.map(toSubscription) };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/orgs/:orgId/invoices',
    summary: "Billing history, newest period first, with lines; with includeChildren=true also every child organization's, each with orgName",
    tag: 'invoice',
    auth: 'bearer',
    params: orgParams,
    query: includeChildrenQuery,
    response: z.object({ items: z.array(invoiceListItemSchema) }),
    errors: ['NOT_FOUND', 'FORBIDDEN'],
    confirmsActor: true,
    handler: async ({ params, query, actor, deps }) => {
      authorize(actor, params.orgId, 'billing.view');
      if (query.includeChildren !== 'true') {
        const [row] = await deps.store.queryPrepared<{ items: string; actor_key: string }>(INVOICES_STATEMENT, [params.orgId, ...actorKeyParams(actor)]);
        confirmActor(actor, row!.actor_key);
        return new JsonText(['{"items":[', row!.items, ']}']);
      }
      const rows = await deps.store.query<Row>(SUBTREE_INVOICES_STATEMENT, [params.orgId, ...actorKeyParams(actor)]);
      // With no rows there is no key to confirm: the kept actor's answer is then decided again afresh.
      if (rows.length > 0) confirmActor(actor, rows[0]!['actor_key']);
      return { items: rows.map((row) => ({ ...toInvoice(row), orgName: String(row['org_name']) })) };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/orgs/:orgId/invoices/:invoiceId',
    summary: 'One invoice with its lines',
    tag: 'invoice',
    auth: 'bearer',
    params: z.strictObject({ orgId: uuidSchema, invoiceId: uuidSchema }),
    response: invoiceSchema,
    errors: ['NOT_FOUND', 'FORBIDDEN'],
    handler: async ({ params, actor, deps }) => {
      authorize(actor, params.orgId, 'billing.view');
      const [row] = await deps.store.query<Row>('SELECT * FROM invoices WHERE id = $1 AND org_id = $2', [params.invoiceId, params.orgId]);
      if (row === undefined) throw notFound('invoice');
      return toInvoice(row);
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/orgs/:orgId/payment-methods',
    summary: 'Payment methods (brand, last 4 and expiry only), the default first',
    tag: 'payment_method',
    auth: 'bearer',
    params: orgParams,
    response: z.object({ items: z.array(paymentMethodSchema) }),
    errors: ['NOT_FOUND', 'FORBIDDEN'],
    handler: async ({ params, actor, deps }) => {
      authorize(actor, params.orgId, 'billing.view');
      const rows = await deps.store.query<Row>('SELECT * FROM payment_methods WHERE org_id = $1 ORDER BY is_default DESC, created_at, id', [params.orgId]);
      return { items: rows.map(toPaymentMethod) };
    },
  }),
];
