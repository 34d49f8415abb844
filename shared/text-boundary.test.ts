import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { COMMAND_NAMES, COMMANDS, type CommandInput, type CommandName } from './commands/catalogue';
import { validationErrorFromZod, type ValidationIssue } from './errors';
import { channelNames, findChannel } from './ipc/contract';
import { ipcContract } from './ipc/channels';
import { pullQuerySchema, pushRequestSchema } from './sync/protocol';
import { stringFieldsOf, withValueAt, type StringField } from './text-fields';
import { textProblemMessage } from './text';

/**
 * Every string field of every command and every IPC channel input, found by walking the schemas
 * (so a field added later is covered), refuses a NUL, an escape and a lone surrogate with the
 * field's path and the text rule's plain-words message.
 */

const ORG = '0b9b7c1e-6a53-4f8e-9a7e-2f7f0e6c1a01';
const USER = '5f2d7a3c-1b8e-4c4d-8f6a-9e0b1c2d3e4f';
const ROLE = '7d3e1f2a-9b8c-4d5e-8f6a-1b2c3d4e5f60';
const OTHER = '1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d';
const ADDRESS = { line1: 'Main 1', line2: 'Floor 2', city: 'Utrecht', postalCode: '3511 AB', region: 'Utrecht', country: 'NL' };

/** One good input per command, with every optional string field filled in. */
const COMMAND_EXAMPLES: { [N in CommandName]: CommandInput<N> } = {
  createUser: { orgId: ORG, id: USER, firstName: 'Ann', lastName: 'Smit', email: 'ann@x.example', roleIds: [ROLE] },
  updateUser: { orgId: ORG, userId: USER, version: 2, firstName: 'Ann', lastName: 'Smit', roleIds: [ROLE], permissions: ['users.view'] },
  activateUser: { orgId: ORG, userId: USER },
  deactivateUser: { orgId: ORG, userId: USER },
  removeUser: { orgId: ORG, userId: USER },
  inviteUsers: { orgId: ORG, emails: ['ann@x.example'], roleIds: [ROLE], ids: [USER] },
  resendInvitation: { orgId: ORG, userId: USER },
  createRole: { orgId: ORG, id: ROLE, name: 'Ops', description: 'Runs things.\nAnd more.', permissions: ['users.view'] },
  updateRole: { orgId: ORG, roleId: ROLE, version: 2, name: 'Ops', description: 'Runs things.', permissions: [] },
  deleteRole: { orgId: ORG, roleId: ROLE },
  installBuiltInRoles: { orgId: ORG },
  addBillingContact: { orgId: ORG, id: OTHER, email: 'pay@x.example', userId: USER, kinds: ['invoices'] },
  updateBillingContact: { orgId: ORG, contactId: OTHER, version: 2, email: 'pay@x.example', kinds: ['invoices'] },
  removeBillingContact: { orgId: ORG, contactId: OTHER },
  cancelSubscription: { orgId: ORG, subscriptionId: OTHER },
  reactivateSubscription: { orgId: ORG, subscriptionId: OTHER },
  changeSubscriptionQuantity: { orgId: ORG, subscriptionId: OTHER, quantity: 3 },
  changeSubscriptionPlan: { orgId: ORG, subscriptionId: OTHER, plan: 'Standard' },
  removeScheduledCancellation: { orgId: ORG, subscriptionId: OTHER },
  createOrg: {
    id: OTHER,
    parentId: ORG,
    kind: 'customer',
    name: 'Contoso',
    accountEmail: 'it@contoso.example',
    admin: { firstName: 'Al', lastName: 'Ice', email: 'al@contoso.example' },
  },
  updateOrg: {
    orgId: ORG,
    version: 2,
    name: 'Contoso',
    accountEmail: 'it@contoso.example',
    billingEmail: 'pay@contoso.example',
    vatNumber: 'NL123456789B01',
    billingAddress: ADDRESS,
    shippingAddress: ADDRESS,
    primaryContactUserId: USER,
  },
  setDefaultPaymentMethod: { orgId: ORG, paymentMethodId: OTHER },
  removePaymentMethod: { orgId: ORG, paymentMethodId: OTHER },
};

const LIST = { orgId: ORG, includeChildren: true };

/** One good input per channel (undefined for those that take none). */
const CHANNEL_EXAMPLES: Record<string, unknown> = {
  'app.version': undefined,
  'session.status': undefined,
  'session.signIn': { serviceUrl: 'https://billing.example', email: 'ann@x.example', password: 'correct horse' },
  'session.signOut': undefined,
  'sync.status': undefined,
  'sync.now': undefined,
  'orgs.tree': undefined,
  'home.summary': { orgId: ORG },
  'users.list': { ...LIST, status: 'active', roleId: ROLE, q: 'ann' },
  'users.get': { userId: USER },
  'users.billingViewers': { orgId: ORG },
  'roles.list': { orgId: ORG },
  'billingContacts.list': { orgId: ORG },
  'subscriptions.list': LIST,
  'invoices.list': { ...LIST, status: 'open', from: '2026-01-01', to: '2026-02-01' },
  'invoices.get': { invoiceId: OTHER },
  'invoices.spend': LIST,
  'invoices.projected': { orgId: ORG },
  'account.get': { orgId: ORG },
  'paymentMethods.list': { orgId: ORG },
  'audit.list': { ...LIST, entity: 'user', q: 'ann', from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z', actorEmail: 'ann@x.example', entityId: USER },
  'audit.actors': LIST,
  'commands.run': { name: 'createUser', args: COMMAND_EXAMPLES.createUser },
  'bulk.setRoles': { userIds: [USER], roleIds: [ROLE], mode: 'add' },
  'bulk.activate': { userIds: [USER] },
  'bulk.deactivate': { userIds: [USER], removeAdminRole: true },
  'bulk.remove': { userIds: [USER] },
  'bulk.invite': { orgId: ORG, emails: ['ann@x.example'], roleIds: [ROLE] },
  'importExport.previewUsers': { orgId: ORG, csv: 'first_name,last_name,email\nAnn,Smit,ann@x.example\n' },
  'importExport.confirmUsers': { previewId: OTHER },
  'importExport.usersCsv': { ...LIST, q: 'ann' },
  'importExport.invoicesCsv': { ...LIST, from: '2026-01-01' },
  'importExport.invoicePdf': { invoiceId: OTHER },
  'importExport.auditCsv': { ...LIST, entity: 'user', q: 'ann', from: '2026-01-01T00:00:00.000Z', actorEmail: 'ann@x.example', entityId: USER },
  'pendingChanges.list': { limit: 50 },
  'pendingChanges.discard': { mutationIds: [1] },
  'syncIssues.list': { includeResolved: true },
  'syncIssues.resolve': { issueId: 3, resolution: 'keep_mine' },
};

/**
 * String inputs deliberately not refused whole. The users CSV is multi-line by nature and its
 * cells are checked row by row in electron/core/csv, so one bad cell refuses one row, not the file.
 */
const EXEMPT: Record<string, string[]> = { 'importExport.previewUsers': ['csv'] };

const BAD = [
  { name: 'a NUL', value: 'Ann\u0000Smit', problem: 'control' },
  { name: 'an escape', value: 'Ann\u001b[31mSmit', problem: 'control' },
  { name: 'a lone surrogate', value: 'Ann\ud800Smit', problem: 'surrogate' },
] as const;

const RULE_MESSAGE = {
  control: /^(?!Text )[A-Z][A-Za-z ]* cannot contain control characters\.$/,
  surrogate: /^(?!Text )[A-Z][A-Za-z ]* cannot contain broken characters \(a lone UTF-16 surrogate\)\.$/,
} as const;

interface Case {
  input: string;
  schema: z.ZodType;
  example: unknown;
  field: StringField;
}

function casesOf(input: string, schema: z.ZodType, example: unknown): Case[] {
  return stringFieldsOf(schema).map((field) => ({ input, schema, example, field }));
}

const commandCases = COMMAND_NAMES.flatMap((name) => casesOf(name, COMMANDS[name].args, COMMAND_EXAMPLES[name]));
const channelCases = channelNames(ipcContract)
  .flatMap((name) => casesOf(name, findChannel(ipcContract, name)!.input, CHANNEL_EXAMPLES[name]))
  .filter((c) => !(EXEMPT[c.input] ?? []).includes(c.field.path.join('.')));
const protocolCases = [
  ...casesOf('sync push', pushRequestSchema, { clientId: USER, schemaVersion: 1, mutations: [{ id: 1, name: 'removeUser', args: {}, batchId: OTHER }] }),
  ...casesOf('sync pull', pullQuerySchema, { clientId: USER, cursor: '4' }),
];

/** The VALIDATION error's issues at the field, as the core and the service report them. */
function issuesAt(c: Case, value: string): ValidationIssue[] | 'accepted' {
  const parsed = c.schema.safeParse(withValueAt(c.example, c.field.path, value));
  if (parsed.success) return 'accepted';
  const details = validationErrorFromZod(parsed.error).details as ValidationIssue[];
  return details.filter((issue) => issue.path === c.field.path.join('.'));
}

function expectRefusedWithRuleMessage(c: Case) {
  for (const bad of BAD) {
    const issues = issuesAt(c, bad.value);
    const label = `${c.input} ${c.field.path.join('.')} with ${bad.name}`;
    expect(issues, label).not.toBe('accepted');
    expect(issues, label).not.toHaveLength(0);
    if (issues === 'accepted') continue;
    // A format string (uuid, date) is refused by its format; free text by the rule, alone.
    if (c.field.kind === 'text') for (const issue of issues) expect(issue.message, label).toMatch(RULE_MESSAGE[bad.problem]);
  }
}

describe('the text rule at every boundary', () => {
  it('has a good example for every command and channel, and every example passes', () => {
    expect(Object.keys(COMMAND_EXAMPLES).sort()).toEqual([...COMMAND_NAMES].sort());
    expect(Object.keys(CHANNEL_EXAMPLES).sort()).toEqual([...channelNames(ipcContract)].sort());
    for (const name of COMMAND_NAMES) expect(COMMANDS[name].args.safeParse(COMMAND_EXAMPLES[name]).error, name).toBeUndefined();
    for (const name of channelNames(ipcContract)) {
      expect(findChannel(ipcContract, name)!.input.safeParse(CHANNEL_EXAMPLES[name]).error, name).toBeUndefined();
    }
  });

  it('finds the free-text fields it is meant to cover', () => {
    const paths = (cases: Case[], input: string) => cases.filter((c) => c.input === input && c.field.kind === 'text').map((c) => c.field.path.join('.'));
    expect(paths(commandCases, 'createUser')).toEqual(['firstName', 'lastName', 'email']);
    expect(paths(commandCases, 'updateOrg')).toEqual(
      expect.arrayContaining(['name', 'accountEmail', 'billingEmail', 'vatNumber', 'billingAddress.line1', 'shippingAddress.country']),
    );
    expect(paths(commandCases, 'inviteUsers')).toEqual(['emails.0']);
    expect(paths(channelCases, 'session.signIn')).toEqual(['serviceUrl', 'email', 'password']);
    expect(paths(channelCases, 'users.list')).toEqual(['q']);
    expect(paths(channelCases, 'bulk.invite')).toEqual(['emails.0']);
    expect(commandCases.filter((c) => c.field.kind === 'text').length).toBeGreaterThanOrEqual(25);
  });

  it.each(commandCases.map((c) => [`${c.input} ${c.field.path.join('.')}`, c] as const))('command %s refuses control characters and lone surrogates', (_, c) => {
    expectRefusedWithRuleMessage(c);
  });

  it.each(channelCases.map((c) => [`${c.input} ${c.field.path.join('.')}`, c] as const))('channel %s refuses control characters and lone surrogates', (_, c) => {
    expectRefusedWithRuleMessage(c);
  });

  it.each(protocolCases.map((c) => [`${c.input} ${c.field.path.join('.')}`, c] as const))('%s refuses control characters and lone surrogates', (_, c) => {
    expectRefusedWithRuleMessage(c);
  });

  it('says which field, in plain words, for the fields people type', () => {
    const at = (input: string, path: string, value: string) => {
      const c = [...commandCases, ...channelCases].find((k) => k.input === input && k.field.path.join('.') === path)!;
      const issues = issuesAt(c, value);
      return issues === 'accepted' ? 'accepted' : issues.map((issue) => issue.message);
    };
    expect(at('createUser', 'firstName', 'Ann\u0007')).toEqual([textProblemMessage('Names', 'control')]);
    expect(at('createUser', 'email', 'ann\u0000@x.example')).toEqual(['Email addresses cannot contain control characters.']);
    expect(at('createRole', 'name', 'Ops\u0000')).toEqual(['Role names cannot contain control characters.']);
    expect(at('createRole', 'description', 'Runs\u0000')).toEqual(['Descriptions cannot contain control characters.']);
    expect(at('updateOrg', 'vatNumber', 'NL123\u0000456789B01')).toEqual(['VAT numbers cannot contain control characters.']);
    expect(at('updateOrg', 'billingAddress.city', 'Utrecht\u001b')).toEqual(['Cities cannot contain control characters.']);
    expect(at('session.signIn', 'password', 'pass\u0000word')).toEqual(['Passwords cannot contain control characters.']);
    expect(at('session.signIn', 'serviceUrl', 'https://bill\ting.example')).toEqual(['Service addresses cannot contain control characters.']);
    expect(at('users.list', 'q', 'a\u0000b')).toEqual(['Searches cannot contain control characters.']);
  });

  it('keeps multi-line text where the field is multi-line, and trims where the field trims', () => {
    const role = COMMANDS.createRole.args.parse({ ...COMMAND_EXAMPLES.createRole, name: ' Ops\t', description: 'Line one\r\nLine two\tend' });
    expect(role.name).toBe('Ops');
    expect(role.description).toBe('Line one\r\nLine two\tend');
    expect(COMMANDS.createRole.args.safeParse({ ...COMMAND_EXAMPLES.createRole, name: 'Ops\nteam' }).success).toBe(false);
    expect(COMMANDS.createUser.args.parse({ ...COMMAND_EXAMPLES.createUser, firstName: '\tAnn\n' }).firstName).toBe('Ann');
    // A password is kept as typed: a trailing tab is not dropped, it is refused.
    expect(findChannel(ipcContract, 'session.signIn')!.input.safeParse({ ...(CHANNEL_EXAMPLES['session.signIn'] as object), password: 'secret\t' }).success).toBe(false);
  });

  it('leaves the CSV file to the row-by-row check, and only it', () => {
    const previewUsers = findChannel(ipcContract, 'importExport.previewUsers')!.input;
    expect(stringFieldsOf(previewUsers).map((field) => field.path.join('.'))).toContain('csv');
    expect(previewUsers.safeParse({ orgId: ORG, csv: 'first_name,last_name,email\nA\u0000n,Smit,ann@x.example\n' }).success).toBe(true);
    for (const [input, paths] of Object.entries(EXEMPT)) {
      const found = stringFieldsOf(findChannel(ipcContract, input)!.input).map((field) => field.path.join('.'));
      for (const path of paths) expect(found, `${input} ${path}`).toContain(path);
    }
  });
});
