/**
 * One Seatdesk install in a process of its own, for the chaos test (chaos.test.ts): the real core
 * (createCore: session manager, keychain, SQLite cache, sync engine, IPC dispatcher) talking to
 * the billing service through a fault proxy, making seeded random edits through the dispatcher
 * as the renderer would, until the harness kills it with SIGKILL or tells it to heal.
 *
 * Environment: see clientEnvSchema (chaos-protocol.ts). Stdout: one ClientMessage a line.
 * Stdin: HEAL (stop editing, sync until nothing is pending), PULL (pull once more), EXIT.
 * The harness bundles this file with esbuild (client-harness.ts): a restart then costs a Node
 * start, not a TypeScript compile.
 */
import { createInterface } from 'node:readline';
import { EMAIL_KINDS } from '@shared/domain/billing-contact';
import { PERMISSIONS } from '@shared/domain/permissions';
import type { IpcResult } from '@shared/ipc/contract';
import type { BillingContactRow, OrgNode, QueuedResult, RoleRow, SyncStatus, UserPage, UserRow } from '@shared/ipc/models';
import { createCore, type Core } from '../../electron/core/core';
import { keytarSecretStore, type SecretStore } from '../../electron/core/secrets/secret-store';
import { Prng } from '../../service/seed/prng';
import { clientEnvSchema, type ClientCommand, type ClientMessage } from './chaos-protocol';
import { fileSecretStore } from './file-secret-store';

const env = clientEnvSchema.parse(process.env);
const random = new Prng(`chaos:${env.CHAOS_SEED}`).fork(`client-${env.CHAOS_CLIENT}`).fork(`incarnation-${env.CHAOS_INCARNATION}`);
const protectedEmails = new Set(env.CHAOS_PROTECTED.split(',').map((email) => email.toLowerCase()));

function say(message: ClientMessage): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

function secretStore(): SecretStore {
  const [kind, ...rest] = env.CHAOS_SECRETS.split(':');
  const where = rest.join(':');
  return kind === 'keytar' ? keytarSecretStore(where) : fileSecretStore(where);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const core: Core = await createCore({
  dataDir: env.CHAOS_DATA_DIR,
  defaultServiceUrl: env.CHAOS_SERVICE_URL,
  appInfo: { name: 'Seatdesk', version: '0.0.0-chaos', host: 'test' },
  secretStore: secretStore(),
  // The core's own log goes to stderr; the harness shows its tail when a seed fails. A sync that
  // failed for a reason retrying cannot fix, or a renumbered queue (ids the service never saw
  // are gone), is a fault of its own.
  log: (message, error) => {
    const detail = error instanceof Error ? error.message : JSON.stringify(error ?? '');
    process.stderr.write(`${message} ${detail}\n`);
    if (message.startsWith('sync error:') || message.includes('Renumbered the queued commands')) say({ t: 'fault', message: `the core logged: ${message} ${detail}` });
  },
  locale: 'en-GB',
});

async function call<T>(name: string, input?: unknown): Promise<IpcResult<T>> {
  return (await core.dispatcher.dispatch(name, input)) as IpcResult<T>;
}

async function read<T>(name: string, input?: unknown): Promise<T | null> {
  const result = await call<T>(name, input);
  return result.ok ? result.value : null;
}

// Signed in on purpose (by this process) or not: a sign-out nobody asked for is what the test counts.
let signingIn = false;
let expectSignedIn = core.session.status().state === 'signed-in';
say({ t: 'started', session: core.session.status().state === 'signed-in' ? 'signed-in' : 'signed-out' });

core.events.subscribe((event) => {
  if (event.type !== 'session.changed' || signingIn) return;
  if (expectSignedIn && core.session.status().state === 'signed-out') {
    expectSignedIn = false;
    say({ t: 'signed-out', reason: 'the core signed out while running' });
  }
});

/** Signs in through the dispatcher, retrying what the proxy breaks (a lost login answer only costs a new session). */
async function signIn(): Promise<void> {
  signingIn = true;
  try {
    for (let attempt = 0; ; attempt += 1) {
      const result = await call('session.signIn', { serviceUrl: env.CHAOS_SERVICE_URL, email: env.CHAOS_EMAIL, password: env.CHAOS_PASSWORD });
      if (result.ok) break;
      if (!['OFFLINE', 'INTERNAL', 'RATE_LIMITED'].includes(result.error.code) || attempt > 200) {
        say({ t: 'fault', message: `sign-in failed: ${result.error.code} ${result.error.message}` });
        process.exit(2);
      }
      await sleep(100 + random.int(0, 200));
    }
  } finally {
    signingIn = false;
  }
  expectSignedIn = true;
  say({ t: 'signed-in' });
}

if (!expectSignedIn) await signIn();

// --- the world as this client's cache shows it ---------------------------------------------

interface World {
  orgs: OrgNode[];
  org: OrgNode;
  /** Users of `org`, not protected. */
  users: UserRow[];
  /** Users of every organization in scope, not protected (for bulk edits across organizations). */
  everyone: UserRow[];
  roles: RoleRow[];
  contacts: BillingContactRow[];
}

async function look(): Promise<World | null> {
  const orgs = await read<OrgNode[]>('orgs.tree');
  if (orgs === null || orgs.length === 0) return null;
  const manageable = orgs.filter((org) => org.permissions.includes('users.manage'));
  if (manageable.length === 0) return null;
  const org = random.pick(manageable);
  const root = orgs.find((candidate) => !orgs.some((other) => other.id === candidate.parentId)) ?? org;
  const mine = (page: UserPage | null) => (page?.items ?? []).filter((user) => !protectedEmails.has(user.email.toLowerCase()));
  const users = mine(await read<UserPage>('users.list', { orgId: org.id, limit: 1000 }));
  const everyone = mine(await read<UserPage>('users.list', { orgId: root.id, includeChildren: true, limit: 1000 }));
  const roles = (await read<RoleRow[]>('roles.list', { orgId: org.id })) ?? [];
  const contacts = (await read<BillingContactRow[]>('billingContacts.list', { orgId: org.id })) ?? [];
  return { orgs, org, users, everyone, roles, contacts };
}

// --- the edits -----------------------------------------------------------------------------

type Edit = { action: string; channel: string; input: unknown } | null;

const step = { n: 0 };
const tag = () => `s${env.CHAOS_SEED}c${env.CHAOS_CLIENT}i${env.CHAOS_INCARNATION}n${step.n}`;
const adminRole = (role: RoleRow) => role.builtInKey === 'owner' || role.builtInKey === 'administrator';
const someOf = <T>(items: readonly T[], min: number, max: number) => random.sample(items, random.int(min, Math.max(min, Math.min(max, items.length))));
const command = (action: string, name: string, args: unknown): Edit => ({ action, channel: 'commands.run', input: { name, args } });

/** Legal most of the time; the illegal ones must be refused (here or by the service), never lost or a 500. */
const EDITS: readonly (readonly [string, number, (w: World) => Edit])[] = [
  ['rename', 18, (w) => {
    const user = w.users.length === 0 ? null : random.pick(w.users);
    if (user === null) return null;
    // Now and then against an older version: a conflict, not a loss.
    const version = random.chance(0.1) && user.version > 1 ? user.version - 1 : user.version;
    return command('rename', 'updateUser', { orgId: user.orgId, userId: user.id, version, lastName: `Chaos ${tag()}` });
  }],
  ['rename-control-character', 3, (w) => {
    const user = w.users.length === 0 ? null : random.pick(w.users);
    if (user === null) return null;
    const bad = random.pick(['\u0000', '\u0007', '\u001b', '\ud800']);
    return command('rename-control-character', 'updateUser', { orgId: user.orgId, userId: user.id, version: user.version, firstName: `Bad${bad}Name` });
  }],
  ['create-user', 12, (w) => {
    const duplicate = random.chance(0.15) && w.users.length > 0;
    const email = duplicate ? random.pick(w.users).email.toUpperCase() : `chaos.${tag()}@example.com`;
    const member = w.roles.find((role) => role.builtInKey === 'member');
    return command(duplicate ? 'create-user-duplicate-email' : 'create-user', 'createUser', {
      orgId: w.org.id,
      id: random.uuid(),
      firstName: 'Chaos',
      lastName: tag(),
      email,
      roleIds: member !== undefined && random.chance(0.5) ? [member.id] : [],
      active: random.chance(0.8),
    });
  }],
  ['deactivate', 8, (w) => {
    const active = w.users.filter((user) => user.status === 'active');
    if (active.length === 0) return null;
    const user = random.pick(active);
    return command('deactivate', 'deactivateUser', { orgId: user.orgId, userId: user.id });
  }],
  ['activate', 6, (w) => {
    const deactivated = w.users.filter((user) => user.status === 'deactivated');
    // Activating an active user is an illegal transition: refused, never applied.
    const user = deactivated.length > 0 && random.chance(0.85) ? random.pick(deactivated) : w.users.length > 0 ? random.pick(w.users) : null;
    if (user === null) return null;
    return command('activate', 'activateUser', { orgId: user.orgId, userId: user.id });
  }],
  ['set-roles', 8, (w) => {
    const user = w.users.length === 0 ? null : random.pick(w.users);
    if (user === null) return null;
    // May take the Administrator role from an organization's last administrator: LAST_ADMIN.
    const roleIds = someOf(w.roles, 0, 2).map((role) => role.id);
    return command('set-roles', 'updateUser', { orgId: user.orgId, userId: user.id, version: user.version, roleIds });
  }],
  ['bulk-set-roles', 5, (w) => {
    if (w.roles.length === 0 || w.everyone.length === 0) return null;
    const userIds = someOf(w.everyone, 2, 8).map((user) => user.id);
    const roleIds = someOf(w.roles, 1, 2).map((role) => role.id);
    return { action: 'bulk-set-roles', channel: 'bulk.setRoles', input: { userIds, roleIds, mode: random.pick(['replace', 'add', 'remove']) } };
  }],
  ['bulk-deactivate', 4, (w) => {
    const active = w.everyone.filter((user) => user.status === 'active');
    if (active.length === 0) return null;
    return { action: 'bulk-deactivate', channel: 'bulk.deactivate', input: { userIds: someOf(active, 1, 6).map((user) => user.id), removeAdminRole: random.chance(0.5) } };
  }],
  ['bulk-activate', 4, (w) => {
    const deactivated = w.everyone.filter((user) => user.status === 'deactivated');
    if (deactivated.length === 0) return null;
    return { action: 'bulk-activate', channel: 'bulk.activate', input: { userIds: someOf(deactivated, 1, 6).map((user) => user.id) } };
  }],
  ['create-role', 5, (w) => {
    const duplicate = random.chance(0.15) && w.roles.length > 0;
    return command(duplicate ? 'create-role-duplicate-name' : 'create-role', 'createRole', {
      orgId: w.org.id,
      id: random.uuid(),
      name: duplicate ? random.pick(w.roles).name : `Chaos ${tag()}`,
      description: 'Made by the chaos test',
      permissions: someOf(PERMISSIONS, 0, 4),
    });
  }],
  ['update-role', 5, (w) => {
    const custom = w.roles.filter((role) => !role.builtIn);
    if (random.chance(0.1)) {
      // Taking users.manage from the Administrator role would leave no administrator: LAST_ADMIN.
      const admin = w.roles.find(adminRole);
      if (admin !== undefined) {
        return command('update-role-admin', 'updateRole', { orgId: admin.orgId, roleId: admin.id, version: admin.version, permissions: admin.permissions.filter((p) => p !== 'users.manage') });
      }
    }
    if (custom.length === 0) return null;
    const role = random.pick(custom);
    return command('update-role', 'updateRole', { orgId: role.orgId, roleId: role.id, version: role.version, permissions: someOf(PERMISSIONS, 0, 5), description: `Edited ${tag()}` });
  }],
  ['delete-role', 3, (w) => {
    // Built-in roles are never deleted; a role in use is refused with ROLE_IN_USE.
    const candidates = random.chance(0.15) ? w.roles.filter((role) => role.builtIn) : w.roles.filter((role) => !role.builtIn);
    if (candidates.length === 0) return null;
    const role = random.pick(candidates);
    return command('delete-role', 'deleteRole', { orgId: role.orgId, roleId: role.id });
  }],
  ['add-contact', 5, (w) => {
    const empty = random.chance(0.1);
    return command(empty ? 'add-contact-no-kinds' : 'add-contact', 'addBillingContact', {
      orgId: w.org.id,
      id: random.uuid(),
      email: `billing.${tag()}@example.com`,
      kinds: empty ? [] : someOf(EMAIL_KINDS, 1, 4),
    });
  }],
  ['update-contact', 4, (w) => {
    if (w.contacts.length === 0) return null;
    const contact = random.pick(w.contacts);
    return command('update-contact', 'updateBillingContact', { orgId: contact.orgId, contactId: contact.id, version: contact.version, kinds: someOf(EMAIL_KINDS, 1, 4) });
  }],
  ['remove-contact', 3, (w) => {
    if (w.contacts.length === 0) return null;
    const contact = random.pick(w.contacts);
    return command('remove-contact', 'removeBillingContact', { orgId: contact.orgId, contactId: contact.id });
  }],
  ['install-built-in-roles', 1, (w) => {
    // Legal once, in the organization without built-in roles; refused everywhere else.
    const legacy = w.orgs.find((org) => org.name === 'Blue Yonder Logistics' && org.permissions.includes('roles.manage'));
    return command('install-built-in-roles', 'installBuiltInRoles', { orgId: (legacy ?? w.org).id });
  }],
];

let healing = false;

async function edit(): Promise<void> {
  if (random.chance(0.08)) {
    await call('sync.now');
    return;
  }
  const world = await look();
  if (world === null) return;
  const [, , make] = random.weighted(EDITS.map((entry) => [entry, entry[1]] as const));
  const planned = make(world);
  if (planned === null) return;
  const offline = (await read<SyncStatus>('sync.status'))?.state === 'offline';
  const result = await call<QueuedResult>(planned.channel, planned.input);
  if (result.ok) {
    say({ t: 'queued', action: planned.action, ids: result.value.mutationIds, offline });
  } else if (result.error.code === 'INTERNAL') {
    say({ t: 'fault', message: `${planned.action}: IPC INTERNAL ${result.error.message}` });
  } else {
    say({ t: 'refused', action: planned.action, code: result.error.code, message: result.error.message });
  }
}

/** After HEAL: sync until nothing is pending and the last sync reached the service. */
async function settle(): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (core.session.status().state === 'signed-out') await signIn();
    const status = await read<SyncStatus>('sync.now');
    if (status !== null && status.state === 'online' && status.pendingCount === 0) {
      say({ t: 'settled', pendingCount: status.pendingCount, issueCount: status.issueCount });
      return;
    }
    if (Date.now() > deadline) {
      say({ t: 'fault', message: `healing never settled: ${JSON.stringify(status)}` });
      return;
    }
    await sleep(100);
  }
}

const commands: ClientCommand[] = [];
let wake: (() => void) | null = null;
createInterface({ input: process.stdin }).on('line', (line) => {
  const word = line.trim() as ClientCommand;
  if (word === 'HEAL') healing = true;
  commands.push(word);
  wake?.();
});
const nextCommand = async (): Promise<ClientCommand> => {
  while (commands.length === 0) await new Promise<void>((resolve) => (wake = resolve));
  return commands.shift()!;
};

for (step.n = 0; step.n < env.CHAOS_STEPS && !healing; step.n += 1) {
  if (core.session.status().state === 'signed-out') await signIn();
  await edit();
  await sleep(random.int(50, 350));
}
say({ t: 'idle' });

for (;;) {
  const word = await nextCommand();
  if (word === 'HEAL') await settle();
  else if (word === 'PULL') {
    await call('sync.now');
    say({ t: 'pulled', session: core.session.status().state === 'signed-in' ? 'signed-in' : 'signed-out' });
  } else if (word === 'EXIT') {
    await core.close();
    say({ t: 'done' });
    process.exit(0);
  }
}
