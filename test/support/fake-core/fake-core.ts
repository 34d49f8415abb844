import { randomUUID } from 'node:crypto';
import { COMMANDS, type Command, type CommandName } from '@shared/commands/catalogue';
import type { AuditEvent } from '@shared/domain/audit';
import type { EntityName } from '@shared/domain/entities';
import { BUILT_IN_ROLES, effectivePermissions, type Permission } from '@shared/domain/permissions';
import { isAdminRole, type Role } from '@shared/domain/role';
import { cancellationOutcome, statusBeforeCancellation, type Subscription } from '@shared/domain/subscription';
import type { User } from '@shared/domain/user';
import { emailKey } from '@shared/email';
import { SeatdeskError, validationErrorFromZod } from '@shared/errors';
import type { SeatdeskHandlers, SessionStatus } from '@shared/ipc/channels';
import type { CoreEvent } from '@shared/ipc/contract';
import type {
  AuditPage,
  InvoiceSummary,
  OrgNode,
  ProjectedInvoice,
  QueuedResult,
  SpendMonth,
  SyncIssue,
  SyncStatus,
  UserPage,
  UserRow,
} from '@shared/ipc/models';
import { money, taxOf } from '@shared/money';
import { planActivate, planDeactivate, planInvite, planRemove, planSetRoles } from '../../../electron/core/bulk/plan';
import { auditCsv, invoicesCsv, usersCsv } from '../../../electron/core/csv/exports';
import { previewUsersImport, toCsvImportPreview } from '../../../electron/core/csv/users-import';
import { invoicePdf } from '../../../electron/core/pdf/invoice-pdf';
import { buildDataset, type FakeData } from './dataset';

/**
 * An in-memory stand-in for electron/core behind the IPC contract, for developing the renderer
 * (DEVELOPMENT ONLY; the test of record runs against the real core). Commands apply at once with
 * `pending` set, like the real core's optimistic view; a simulated sync confirms them a moment
 * later when online, checks a few service rules (ADMIN_ROLE_ASSIGNED, LAST_ADMIN, ROLE_IN_USE)
 * and turns refusals into sync issues. Offline is a switch (setOffline).
 */

export interface FakeCoreOptions {
  now?: Date;
  extraUsers?: number;
  /** Start signed in as this email (skips the sign-in screen). */
  signedInAs?: string;
  /** How long the simulated first download takes after signing in. */
  bootstrapMs?: number;
  /** Delay before queued changes are "confirmed" when online. */
  syncDelayMs?: number;
  defaultServiceUrl?: string;
}

export interface FakeContext {
  appInfo: { name: string; version: string; host: 'electron' | 'browser-host' | 'test' };
}

type Touched = { entity: EntityName; id: string; orgId: string };

interface Pending {
  mutationId: number;
  command: Command;
  batchId: string | null;
  offline: boolean;
  touched: Touched[];
  /** Each touched row as it was before this command (undefined: it did not exist). */
  before: Map<string, unknown>;
}

export interface FakeCore {
  handlers: SeatdeskHandlers<FakeContext>;
  data: FakeData;
  subscribe(listener: (event: CoreEvent) => void): () => void;
  setOffline(offline: boolean): void;
  status(): SyncStatus;
}

const DEMO_PASSWORD = 'seatdesk-demo';

export function createFakeCore(options: FakeCoreOptions = {}): FakeCore {
  const now = () => options.now ?? new Date();
  const data = buildDataset({ now: now(), ...(options.extraUsers === undefined ? {} : { extraUsers: options.extraUsers }) });
  const listeners = new Set<(event: CoreEvent) => void>();
  const emit = (event: CoreEvent) => listeners.forEach((listener) => listener(event));
  const pendingKeys = new Set<string>();
  let queue: Pending[] = [];
  let nextMutationId = 100;
  let offline = false;
  let signedIn: { email: string; userId: string; orgId: string } | null = null;
  let state: SyncStatus['state'] = 'signed-out';
  let progress: SyncStatus['progress'] = null;
  let lastSyncedAt: string | null = null;
  let syncTimer: NodeJS.Timeout | null = null;
  let dataVersion = 0;
  const previews = new Map<string, { orgId: string; commands: Command[] }>();
  const serviceUrl = options.defaultServiceUrl ?? 'https://billing.northwind.example';

  const key = (entity: string, id: string) => `${entity}:${id}`;
  const iso = () => now().toISOString();

  // ---------- scope and permissions of the signed-in user ----------
  const childrenOf = (orgId: string) => [...data.organizations.values()].filter((org) => org.parentId === orgId).map((org) => org.id);
  const below = (orgId: string): string[] => {
    const out: string[] = [];
    const visit = (id: string) => childrenOf(id).forEach((child) => (out.push(child), visit(child)));
    visit(orgId);
    return out;
  };
  const scopeIds = (orgId: string, includeChildren: boolean) => (includeChildren ? [orgId, ...below(orgId)] : [orgId]);
  const myPermissions = (): Permission[] => {
    if (signedIn === null) return [];
    const user = data.users.get(signedIn.userId);
    if (user === undefined) return [];
    const roles = user.roleIds.flatMap((id) => (data.roles.has(id) ? [data.roles.get(id)!] : []));
    return effectivePermissions(roles, user.permissions);
  };
  const visibleOrgIds = (): string[] => (signedIn === null || state === 'bootstrapping' ? [] : [signedIn.orgId, ...below(signedIn.orgId)]);
  const assertVisible = (orgId: string) => {
    if (!visibleOrgIds().includes(orgId)) throw new SeatdeskError('NOT_FOUND');
  };

  // ---------- status ----------
  const unresolved = () => data.issues.filter((issue) => issue.resolvedAt === null).length;
  const status = (): SyncStatus => ({
    state: signedIn === null ? 'signed-out' : offline && state !== 'bootstrapping' ? 'offline' : state,
    lastSyncedAt,
    pendingCount: queue.length,
    issueCount: unresolved(),
    progress,
    lastError: offline ? 'Seatdesk could not reach billing.northwind.example: the connection was refused.' : null,
  });
  const emitStatus = () => emit({ type: 'sync.status', status: status() });
  const changed = (entity: string, orgId: string | null) => {
    dataVersion += 1;
    emit({ type: 'data.changed', entity, orgId });
  };

  // ---------- local mutators (the optimistic view) ----------
  type Tables = { [E in EntityName]: Map<string, { id: string; orgId: string; version: number; updatedAt: string }> };
  const tables: Tables = {
    organization: data.organizations,
    user: data.users,
    role: data.roles,
    billing_contact: data.contacts,
    subscription: data.subscriptions,
    invoice: data.invoices,
    payment_method: data.paymentMethods,
  };
  function get<T>(entity: EntityName, id: string, what: string): T {
    const row = tables[entity].get(id);
    if (row === undefined) throw new SeatdeskError('NOT_FOUND', `This ${what} does not exist in your offline copy, or is not in an organization you can manage.`);
    return row as unknown as T;
  }

  function apply(command: Command, touch: (entity: EntityName, id: string, orgId: string) => void): string | null {
    const stamp = <T extends { version: number; updatedAt: string }>(row: T, patch: Partial<T>): T => ({ ...row, ...patch, version: row.version + 1, updatedAt: iso() });
    const base = (orgId: string, id: string) => ({ id, orgId, version: 1, createdAt: iso(), updatedAt: iso() });
    const setUser = (user: User) => (touch('user', user.id, user.orgId), data.users.set(user.id, user));
    const emailTaken = (orgId: string, email: string, except: string | null = null) =>
      [...data.users.values()].some((user) => user.orgId === orgId && user.id !== except && emailKey(user.email) === emailKey(email));
    const subscriptionStep = (orgId: string, subscriptionId: string, allowed: Subscription['status'][], next: (s: Subscription) => Partial<Subscription>) => {
      const sub = get<Subscription>('subscription', subscriptionId, 'subscription');
      if (!allowed.includes(sub.status)) throw new SeatdeskError('INVALID_TRANSITION', `${sub.product} (${sub.plan}) is ${sub.status.replace('_', ' ')}; that is not possible now.`);
      touch('subscription', sub.id, orgId);
      data.subscriptions.set(sub.id, stamp(sub, next(sub)));
    };
    switch (command.name) {
      case 'createUser': {
        const a = command.args;
        if (emailTaken(a.orgId, a.email)) throw new SeatdeskError('DUPLICATE_EMAIL', `${a.email} already has an account in this organization.`);
        const id = a.id ?? randomUUID();
        setUser({ ...base(a.orgId, id), firstName: a.firstName, lastName: a.lastName, email: a.email, status: a.active ? 'active' : 'deactivated', roleIds: a.roleIds, permissions: a.permissions, lastActiveAt: null });
        return id;
      }
      case 'updateUser': {
        const a = command.args;
        const user = get<User>('user', a.userId, 'user');
        setUser(
          stamp(user, {
            ...(a.firstName === undefined ? {} : { firstName: a.firstName }),
            ...(a.lastName === undefined ? {} : { lastName: a.lastName }),
            ...(a.roleIds === undefined ? {} : { roleIds: a.roleIds }),
            ...(a.permissions === undefined ? {} : { permissions: a.permissions }),
          }),
        );
        return user.id;
      }
      case 'activateUser':
      case 'deactivateUser': {
        const user = get<User>('user', command.args.userId, 'user');
        setUser(stamp(user, { status: command.name === 'activateUser' ? 'active' : 'deactivated' }));
        return user.id;
      }
      case 'removeUser': {
        const user = get<User>('user', command.args.userId, 'user');
        touch('user', user.id, user.orgId);
        data.users.delete(user.id);
        for (const contact of data.contacts.values()) if (contact.userId === user.id) data.contacts.set(contact.id, { ...contact, userId: null });
        return user.id;
      }
      case 'inviteUsers': {
        const a = command.args;
        a.emails.forEach((email, index) => {
          if (emailTaken(a.orgId, email)) throw new SeatdeskError('DUPLICATE_EMAIL', `${email} already has an account in this organization.`);
          const local = email.slice(0, email.lastIndexOf('@'));
          const [first = local, ...rest] = local.split(/[._+-]+/).map((word) => word.charAt(0).toUpperCase() + word.slice(1));
          setUser({ ...base(a.orgId, a.ids?.[index] ?? randomUUID()), firstName: first, lastName: rest.join(' ') || '(invited)', email, status: 'pending', roleIds: a.roleIds, permissions: [], lastActiveAt: null });
        });
        return null;
      }
      case 'resendInvitation':
        get<User>('user', command.args.userId, 'user');
        return command.args.userId;
      case 'createRole': {
        const a = command.args;
        if ([...data.roles.values()].some((role) => role.orgId === a.orgId && role.name.toLowerCase() === a.name.toLowerCase())) {
          throw new SeatdeskError('VALIDATION', `A role named ${a.name} already exists in this organization.`, [{ path: 'name', message: 'A role with this name already exists' }]);
        }
        const id = a.id ?? randomUUID();
        touch('role', id, a.orgId);
        data.roles.set(id, { ...base(a.orgId, id), name: a.name, description: a.description, permissions: a.permissions, builtIn: false, builtInKey: null });
        return id;
      }
      case 'updateRole': {
        const a = command.args;
        const role = get<Role>('role', a.roleId, 'role');
        if (a.name !== undefined && [...data.roles.values()].some((r) => r.orgId === a.orgId && r.id !== role.id && r.name.toLowerCase() === a.name!.toLowerCase())) {
          throw new SeatdeskError('VALIDATION', `A role named ${a.name} already exists in this organization.`, [{ path: 'name', message: 'A role with this name already exists' }]);
        }
        touch('role', role.id, role.orgId);
        data.roles.set(
          role.id,
          stamp(role, {
            ...(a.name === undefined ? {} : { name: a.name }),
            ...(a.description === undefined ? {} : { description: a.description }),
            ...(a.permissions === undefined ? {} : { permissions: a.permissions }),
          }),
        );
        return role.id;
      }
      case 'deleteRole': {
        const role = get<Role>('role', command.args.roleId, 'role');
        if (role.builtIn) throw new SeatdeskError('INVALID_TRANSITION', `${role.name} is a built-in role; built-in roles cannot be deleted.`);
        touch('role', role.id, role.orgId);
        data.roles.delete(role.id);
        return role.id;
      }
      case 'installBuiltInRoles': {
        const orgId = command.args.orgId;
        for (const spec of BUILT_IN_ROLES) {
          const id = randomUUID();
          touch('role', id, orgId);
          data.roles.set(id, { ...base(orgId, id), name: spec.name, description: spec.description, permissions: [...spec.permissions], builtIn: true, builtInKey: spec.key });
        }
        return null;
      }
      case 'addBillingContact': {
        const a = command.args;
        const id = a.id ?? randomUUID();
        touch('billing_contact', id, a.orgId);
        data.contacts.set(id, { ...base(a.orgId, id), email: a.email, userId: a.userId, kinds: a.kinds });
        return id;
      }
      case 'updateBillingContact': {
        const a = command.args;
        const contact = get<FakeData['contacts'] extends Map<string, infer C> ? C : never>('billing_contact', a.contactId, 'billing contact');
        touch('billing_contact', contact.id, contact.orgId);
        data.contacts.set(contact.id, stamp(contact, { ...(a.email === undefined ? {} : { email: a.email }), ...(a.kinds === undefined ? {} : { kinds: a.kinds }) }));
        return contact.id;
      }
      case 'removeBillingContact': {
        const contact = get<{ id: string; orgId: string }>('billing_contact', command.args.contactId, 'billing contact');
        touch('billing_contact', contact.id, contact.orgId);
        data.contacts.delete(contact.id);
        return contact.id;
      }
      case 'cancelSubscription':
        subscriptionStep(command.args.orgId, command.args.subscriptionId, ['trial', 'active'], (sub) => {
          const outcome = cancellationOutcome(sub, iso());
          return outcome.status === 'cancelled' ? { status: 'cancelled' } : { status: 'cancel_scheduled', cancelAt: outcome.cancelAt };
        });
        return command.args.subscriptionId;
      case 'removeScheduledCancellation':
        subscriptionStep(command.args.orgId, command.args.subscriptionId, ['cancel_scheduled'], (sub) => ({ status: statusBeforeCancellation(sub, iso()), cancelAt: null }));
        return command.args.subscriptionId;
      case 'reactivateSubscription':
        subscriptionStep(command.args.orgId, command.args.subscriptionId, ['cancelled'], () => ({ status: 'active', cancelAt: null, environmentId: `env-${randomUUID().slice(0, 8)}` }));
        return command.args.subscriptionId;
      case 'updateOrg': {
        const a = command.args;
        const org = get<FakeData['organizations'] extends Map<string, infer O> ? O : never>('organization', a.orgId, 'organization');
        const { orgId: _orgId, version: _version, ...patch } = a;
        touch('organization', org.id, org.id);
        data.organizations.set(org.id, stamp(org, Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined))));
        return org.id;
      }
      case 'setDefaultPaymentMethod': {
        const target = get<{ id: string }>('payment_method', command.args.paymentMethodId, 'payment method');
        for (const method of data.paymentMethods.values()) {
          if (method.orgId !== command.args.orgId) continue;
          const isDefault = method.id === target.id;
          if (method.isDefault !== isDefault) {
            touch('payment_method', method.id, method.orgId);
            data.paymentMethods.set(method.id, stamp(method, { isDefault }));
          }
        }
        return target.id;
      }
      case 'removePaymentMethod': {
        const method = get<{ id: string; orgId: string }>('payment_method', command.args.paymentMethodId, 'payment method');
        touch('payment_method', method.id, method.orgId);
        data.paymentMethods.delete(method.id);
        return method.id;
      }
      case 'createOrg':
        throw new SeatdeskError('FORBIDDEN', 'The fake core does not create organizations.');
    }
  }

  /** Queues commands as one batch: applied now, confirmed by the next simulated sync. */
  function queueCommands(commands: Command[], skipped: QueuedResult['skipped'] = []): QueuedResult {
    if (signedIn === null) throw new SeatdeskError('UNAUTHENTICATED');
    const batchId = commands.length > 1 ? randomUUID() : null;
    const ids: number[] = [];
    let entityId: string | null = null;
    const touchedAll: Touched[] = [];
    for (const command of commands) {
      assertVisible(command.name === 'createOrg' ? command.args.parentId : command.args.orgId);
      const before = new Map<string, unknown>();
      const touched: Touched[] = [];
      const touch = (entity: EntityName, id: string, orgId: string) => {
        const k = key(entity, id);
        if (!before.has(k)) before.set(k, structuredClone(tables[entity].get(id)));
        touched.push({ entity, id, orgId });
      };
      entityId = apply(command, touch) ?? entityId;
      const mutationId = nextMutationId++;
      ids.push(mutationId);
      queue.push({ mutationId, command, batchId, offline, touched, before });
      for (const t of touched) pendingKeys.add(key(t.entity, t.id));
      touchedAll.push(...touched);
    }
    for (const t of new Set(touchedAll.map((t) => `${t.entity}|${t.orgId}`))) {
      const [entity, orgId] = t.split('|') as [string, string];
      changed(entity, orgId);
    }
    emitStatus();
    scheduleSync();
    return { batchId, mutationIds: ids, entityId: commands.length === 1 ? entityId : null, skipped };
  }

  // ---------- simulated sync ----------
  const activeAdmins = (orgId: string) =>
    [...data.users.values()].filter(
      (user) => user.orgId === orgId && user.status === 'active' && user.roleIds.some((id) => { const role = data.roles.get(id); return role !== undefined && isAdminRole(role); }),
    ).length;
  const hasBuiltIn = (orgId: string) => [...data.roles.values()].some((role) => role.orgId === orgId && role.builtIn);

  function refusal(op: Pending): { code: SyncIssue['code']; message: string } | null {
    const command = op.command;
    const beforeUser = op.before.get(key('user', (command.args as { userId?: string }).userId ?? '')) as User | undefined;
    if (command.name === 'deactivateUser' && beforeUser !== undefined) {
      const current = data.users.get(beforeUser.id);
      const admin = current?.roleIds.some((id) => { const role = data.roles.get(id); return role !== undefined && isAdminRole(role); });
      if (admin === true) return { code: 'ADMIN_ROLE_ASSIGNED', message: `${beforeUser.firstName} ${beforeUser.lastName} holds the Administrator role. Remove the role before deactivating the user.` };
    }
    if (['deactivateUser', 'removeUser', 'updateUser'].includes(command.name) && beforeUser !== undefined && hasBuiltIn(beforeUser.orgId) && activeAdmins(beforeUser.orgId) === 0) {
      const org = data.organizations.get(beforeUser.orgId)?.name ?? 'this organization';
      return { code: 'LAST_ADMIN', message: `${beforeUser.firstName} ${beforeUser.lastName} is the last active Administrator of ${org}. Give another active user that role first.` };
    }
    if (command.name === 'deleteRole') {
      const roleId = command.args.roleId;
      if ([...data.users.values()].some((user) => user.roleIds.includes(roleId))) return { code: 'ROLE_IN_USE', message: 'This role is still assigned to users. Unassign it from everyone before deleting it.' };
    }
    return null;
  }

  function scheduleSync() {
    if (offline || signedIn === null || syncTimer !== null || queue.length === 0) return;
    state = 'syncing';
    if (queue.length > 20) progress = { phase: 'push', done: 0, total: queue.length };
    emitStatus();
    const step = () => {
      if (progress !== null && progress.done < progress.total) {
        progress = { ...progress, done: Math.min(progress.total, progress.done + Math.ceil(progress.total / 6)) };
        emitStatus();
        syncTimer = setTimeout(step, 250);
        return;
      }
      syncTimer = null;
      confirmQueue();
    };
    syncTimer = setTimeout(step, options.syncDelayMs ?? 1200);
  }

  function confirmQueue() {
    const ops = queue;
    queue = [];
    pendingKeys.clear();
    const touchedOrgs = new Set<string>();
    for (const op of ops) {
      const refused = refusal(op);
      for (const t of op.touched) touchedOrgs.add(`${t.entity}|${t.orgId}`);
      if (refused !== null) {
        // Undo what the command did in the view, as a pull would restore the confirmed rows.
        for (const [k, row] of op.before) {
          const [entity, id] = k.split(':') as [EntityName, string];
          if (row === undefined) tables[entity].delete(id);
          else tables[entity].set(id, row as never);
        }
        const target = op.touched[0];
        const theirs = target === undefined ? null : (tables[target.entity].get(target.id) ?? null);
        data.issues.push({
          id: data.issues.length + 1,
          mutationId: op.mutationId,
          kind: 'rejected',
          commandName: op.command.name,
          args: op.command.args,
          entity: target?.entity ?? 'user',
          entityId: target?.id ?? null,
          orgId: target?.orgId ?? signedIn?.orgId ?? '',
          code: refused.code,
          message: refused.message,
          base: target === undefined ? null : (op.before.get(key(target.entity, target.id)) ?? null),
          mine: op.command.args,
          theirs,
          createdAt: iso(),
          resolvedAt: null,
          resolution: null,
        });
        changed('sync_issue', null);
        continue;
      }
      const target = op.touched[0];
      if (target !== undefined && signedIn !== null) {
        const after = tables[target.entity].get(target.id) ?? null;
        data.audit.unshift({
          id: randomUUID(),
          orgId: target.orgId,
          actorUserId: signedIn.userId,
          actorEmail: signedIn.email,
          entity: target.entity,
          entityId: target.id,
          action: op.command.name,
          before: op.before.get(key(target.entity, target.id)) ?? null,
          after,
          at: iso(),
          origin: op.offline ? { kind: 'offline', clientId: '00000000-0000-4000-8000-000000000001', batchId: op.batchId, mutationId: op.mutationId } : { kind: 'online' },
        } as AuditEvent);
      }
    }
    state = 'online';
    progress = null;
    lastSyncedAt = iso();
    for (const t of touchedOrgs) {
      const [entity, orgId] = t.split('|') as [string, string];
      changed(entity, orgId);
    }
    changed('audit_event', null);
    emitStatus();
  }

  function startBootstrap() {
    state = 'bootstrapping';
    const total = 2400;
    progress = { phase: 'bootstrap', done: 0, total };
    emitStatus();
    const steps = 8;
    let step = 0;
    const tick = () => {
      step += 1;
      progress = { phase: 'bootstrap', done: Math.min(total, Math.round((total * step) / steps)), total };
      if (step >= steps) {
        state = 'online';
        progress = null;
        lastSyncedAt = iso();
        emitStatus();
        changed('organization', null);
        return;
      }
      emitStatus();
      setTimeout(tick, (options.bootstrapMs ?? 1600) / steps);
    };
    setTimeout(tick, (options.bootstrapMs ?? 1600) / steps);
  }

  function signInAs(email: string): SessionStatus {
    const user = [...data.users.values()].find((candidate) => emailKey(candidate.email) === emailKey(email) && candidate.status === 'active');
    if (user === undefined) throw new SeatdeskError('UNAUTHENTICATED', 'The email or password is not right.');
    signedIn = { email: user.email, userId: user.id, orgId: user.orgId };
    return { state: 'signed-in', serviceUrl, userId: user.id, email: user.email };
  }
  if (options.signedInAs !== undefined) {
    signInAs(options.signedInAs);
    state = 'online';
    lastSyncedAt = new Date(now().getTime() - 4 * 60_000).toISOString();
  }

  // ---------- reads ----------
  const orgName = (orgId: string) => data.organizations.get(orgId)?.name ?? '';
  const userRow = (user: User): UserRow => ({ ...user, orgName: orgName(user.orgId), pending: pendingKeys.has(key('user', user.id)) });
  const listCache = new Map<string, { version: number; rows: User[] }>();

  const usersList: SeatdeskHandlers<FakeContext>['users']['list'] = (q) => {
    assertVisible(q.orgId);
    const cacheKey = JSON.stringify({ ...q, offset: 0, limit: 0 });
    let cached = listCache.get(cacheKey);
    if (cached === undefined || cached.version !== dataVersion) {
      const orgs = new Set(scopeIds(q.orgId, q.includeChildren));
      const words = (q.q ?? '').toLowerCase().split(/\s+/).filter((word) => word !== '');
      const rows = [...data.users.values()].filter(
        (user) =>
          orgs.has(user.orgId) &&
          (q.status === undefined || user.status === q.status) &&
          (q.roleId === undefined || user.roleIds.includes(q.roleId)) &&
          words.every((word) => `${user.firstName} ${user.lastName} ${user.email}`.toLowerCase().includes(word)),
      );
      const name = (user: User) => `${user.lastName} ${user.firstName} ${user.email}`.toLowerCase();
      const compare: Record<typeof q.sort, (a: User, b: User) => number> = {
        name: (a, b) => name(a).localeCompare(name(b)),
        email: (a, b) => a.email.toLowerCase().localeCompare(b.email.toLowerCase()),
        status: (a, b) => a.status.localeCompare(b.status) || name(a).localeCompare(name(b)),
        lastActiveAt: (a, b) => (a.lastActiveAt ?? '').localeCompare(b.lastActiveAt ?? ''),
        organization: (a, b) => orgName(a.orgId).localeCompare(orgName(b.orgId)) || name(a).localeCompare(name(b)),
      };
      rows.sort(compare[q.sort]);
      if (q.direction === 'desc') rows.reverse();
      cached = { version: dataVersion, rows };
      listCache.set(cacheKey, cached);
    }
    const orgs = new Set(scopeIds(q.orgId, q.includeChildren));
    const page: UserPage = {
      items: cached.rows.slice(q.offset, q.offset + q.limit).map(userRow),
      total: cached.rows.length,
      activeCount: [...data.users.values()].filter((user) => orgs.has(user.orgId) && user.status === 'active').length,
    };
    return page;
  };

  const invoiceSummaries = (q: { orgId: string; includeChildren: boolean; status?: string | undefined; from?: string | undefined; to?: string | undefined }): InvoiceSummary[] => {
    assertVisible(q.orgId);
    const orgs = new Set(scopeIds(q.orgId, q.includeChildren));
    return [...data.invoices.values()]
      .filter((invoice) => orgs.has(invoice.orgId) && (q.status === undefined || invoice.status === q.status) && (q.from === undefined || invoice.periodStart >= q.from) && (q.to === undefined || invoice.periodStart < q.to))
      .sort((a, b) => b.periodStart.localeCompare(a.periodStart) || orgName(a.orgId).localeCompare(orgName(b.orgId)))
      .map(({ lines: _lines, version: _v, createdAt: _c, updatedAt: _u, ...invoice }) => ({ ...invoice, orgName: orgName(invoice.orgId) }));
  };

  const roleNames = () => new Map([...data.roles.values()].map((role) => [role.id, role.name]));

  const handlers: SeatdeskHandlers<FakeContext> = {
    app: { version: (_input, ctx) => ctx.appInfo },
    session: {
      status: () => (signedIn === null ? { state: 'signed-out', defaultServiceUrl: serviceUrl } : { state: 'signed-in', serviceUrl, userId: signedIn.userId, email: signedIn.email }),
      signIn: async (input) => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        if (new URL(input.serviceUrl).hostname.startsWith('offline')) throw new SeatdeskError('OFFLINE');
        if (input.password !== DEMO_PASSWORD) throw new SeatdeskError('UNAUTHENTICATED', 'The email or password is not right.');
        const session = signInAs(input.email);
        startBootstrap();
        setTimeout(() => emit({ type: 'session.changed' }), 0);
        return session;
      },
      signOut: () => {
        signedIn = null;
        state = 'signed-out';
        setTimeout(() => emit({ type: 'session.changed' }), 0);
        emitStatus();
        return { state: 'signed-out', defaultServiceUrl: serviceUrl };
      },
    },
    sync: {
      status: () => status(),
      now: () => {
        if (!offline) {
          if (queue.length > 0) scheduleSync();
          else lastSyncedAt = iso();
        }
        emitStatus();
        return status();
      },
    },
    orgs: {
      tree: (): OrgNode[] => {
        const permissions = myPermissions();
        const ids = visibleOrgIds();
        const nodes: OrgNode[] = [];
        const visit = (id: string) => {
          const org = data.organizations.get(id)!;
          nodes.push({
            id,
            name: org.name,
            kind: org.kind,
            parentId: id === signedIn?.orgId ? null : org.parentId,
            permissions,
            activeUsers: [...data.users.values()].filter((user) => user.orgId === id && user.status === 'active').length,
          });
          childrenOf(id)
            .filter((child) => ids.includes(child))
            .sort((a, b) => orgName(a).localeCompare(orgName(b)))
            .forEach(visit);
        };
        if (signedIn !== null && ids.length > 0) visit(signedIn.orgId);
        return nodes;
      },
    },
    users: {
      list: usersList,
      get: ({ userId }) => {
        const user = data.users.get(userId);
        return user === undefined ? null : userRow(user);
      },
      billingViewers: ({ orgId }) =>
        [...data.users.values()]
          .filter((user) => user.orgId === orgId && user.status === 'active')
          .filter((user) => effectivePermissions(user.roleIds.flatMap((id) => (data.roles.has(id) ? [data.roles.get(id)!] : [])), user.permissions).includes('billing.view'))
          .sort((a, b) => a.lastName.localeCompare(b.lastName)),
    },
    roles: {
      list: ({ orgId }) => {
        assertVisible(orgId);
        return [...data.roles.values()]
          .filter((role) => role.orgId === orgId)
          .map((role) => ({ ...role, memberCount: [...data.users.values()].filter((user) => user.roleIds.includes(role.id)).length, pending: pendingKeys.has(key('role', role.id)) }))
          .sort((a, b) => a.name.localeCompare(b.name));
      },
    },
    billingContacts: {
      list: ({ orgId }) => [...data.contacts.values()].filter((contact) => contact.orgId === orgId).map((contact) => ({ ...contact, pending: pendingKeys.has(key('billing_contact', contact.id)) })),
    },
    subscriptions: {
      list: (scope) => {
        assertVisible(scope.orgId);
        const orgs = new Set(scopeIds(scope.orgId, scope.includeChildren));
        return [...data.subscriptions.values()]
          .filter((sub) => orgs.has(sub.orgId))
          .sort((a, b) => orgName(a.orgId).localeCompare(orgName(b.orgId)) || a.product.localeCompare(b.product))
          .map((sub) => ({ ...sub, orgName: orgName(sub.orgId), pending: pendingKeys.has(key('subscription', sub.id)) }));
      },
    },
    invoices: {
      list: (q) => invoiceSummaries(q),
      get: ({ invoiceId }) => {
        const invoice = data.invoices.get(invoiceId);
        return invoice === undefined ? null : { ...invoice, orgName: orgName(invoice.orgId) };
      },
      spend: (scope): SpendMonth[] => {
        assertVisible(scope.orgId);
        const orgs = new Set(scopeIds(scope.orgId, scope.includeChildren));
        const months: SpendMonth[] = [];
        const today = now();
        for (let offset = -12; offset <= -1; offset += 1) {
          const month = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + offset, 1)).toISOString().slice(0, 7);
          const invoices = [...data.invoices.values()].filter((invoice) => orgs.has(invoice.orgId) && invoice.periodStart.startsWith(month) && invoice.status !== 'void');
          const totals = new Map<string, number>();
          let seats = 0;
          for (const invoice of invoices) {
            totals.set(invoice.currency, (totals.get(invoice.currency) ?? 0) + invoice.total);
            seats += Math.max(0, ...invoice.lines.filter((line) => data.subscriptions.get(line.subscriptionId ?? '')?.basis === 'per_active_user').map((line) => line.quantity));
          }
          months.push({ month, totals: [...totals].map(([currency, amount]) => money(amount, currency)), activeSeats: seats });
        }
        return months;
      },
      projected: ({ orgId }): ProjectedInvoice => {
        assertVisible(orgId);
        const today = now();
        const start = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1));
        const end = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 1, 0));
        const activeSeats = [...data.users.values()].filter((user) => user.orgId === orgId && user.status === 'active').length;
        const subs = [...data.subscriptions.values()].filter((sub) => sub.orgId === orgId && (sub.status === 'active' || sub.status === 'cancel_scheduled') && sub.interval === 'monthly');
        const lines = subs.map((sub) => {
          const quantity = sub.basis === 'per_active_user' ? activeSeats : sub.quantity;
          return { subscriptionId: sub.id, description: `${sub.product} — ${sub.plan} plan, ${quantity} ${sub.basis === 'per_active_user' ? 'active users' : 'seats'}`, quantity, unitPrice: sub.unitPrice, amount: quantity * sub.unitPrice, currency: sub.currency };
        });
        const rate = data.organizations.get(orgId)?.taxRate ?? 0;
        const currencies = [...new Set(lines.map((line) => line.currency))];
        const totals = currencies.map((currency) => {
          const subtotal = lines.filter((line) => line.currency === currency).reduce((sum, line) => sum + line.amount, 0);
          const tax = taxOf(money(subtotal, currency), rate).amount;
          return { currency, subtotal, tax, total: subtotal + tax };
        });
        return { orgId, periodStart: start.toISOString().slice(0, 10), periodEnd: end.toISOString().slice(0, 10), lines, totals, activeSeats };
      },
    },
    account: {
      get: ({ orgId }) => {
        const org = data.organizations.get(orgId);
        if (org === undefined) return null;
        const primary = org.primaryContactUserId === null ? null : (data.users.get(org.primaryContactUserId)?.email ?? null);
        return { ...org, pending: pendingKeys.has(key('organization', org.id)), primaryContactEmail: primary };
      },
    },
    paymentMethods: {
      list: ({ orgId }) => [...data.paymentMethods.values()].filter((method) => method.orgId === orgId).map((method) => ({ ...method, pending: pendingKeys.has(key('payment_method', method.id)) })),
    },
    audit: {
      list: (q): AuditPage => {
        assertVisible(q.orgId);
        const orgs = new Set(scopeIds(q.orgId, q.includeChildren));
        const text = (q.q ?? '').toLowerCase();
        const rows = data.audit
          .filter((event) => orgs.has(event.orgId) && (q.entity === undefined || event.entity === q.entity) && (text === '' || event.actorEmail.toLowerCase().includes(text) || event.action.toLowerCase().includes(text)))
          .sort((a, b) => b.at.localeCompare(a.at));
        return { items: rows.slice(q.offset, q.offset + q.limit), total: rows.length };
      },
    },
    commands: {
      run: ({ name, args }) => {
        const parsed = COMMANDS[name as CommandName].args.safeParse(args ?? {});
        if (!parsed.success) throw validationErrorFromZod(parsed.error);
        const permission = COMMANDS[name as CommandName].permission;
        if (!myPermissions().includes(permission)) throw new SeatdeskError('FORBIDDEN');
        return queueCommands([{ name, args: parsed.data } as Command]);
      },
    },
    bulk: {
      setRoles: (args) => {
        const plan = planSetRoles([...data.users.values()], [...data.roles.values()], args);
        return queueCommands(plan.commands, plan.skipped);
      },
      activate: (args) => {
        const plan = planActivate([...data.users.values()], args);
        return queueCommands(plan.commands, plan.skipped);
      },
      deactivate: (args) => {
        const plan = planDeactivate([...data.users.values()], [...data.roles.values()], args);
        return queueCommands(plan.commands, plan.skipped);
      },
      remove: (args) => {
        const plan = planRemove([...data.users.values()], args);
        return queueCommands(plan.commands, plan.skipped);
      },
      invite: (args) => {
        const plan = planInvite(args, { orgUsers: [...data.users.values()].filter((user) => user.orgId === args.orgId), roles: [...data.roles.values()] });
        return queueCommands(plan.commands, plan.skipped);
      },
    },
    importExport: {
      previewUsers: ({ orgId, csv }) => {
        const plan = previewUsersImport(csv, {
          orgId,
          roles: [...data.roles.values()],
          existingEmails: [...data.users.values()].filter((user) => user.orgId === orgId).map((user) => user.email),
        });
        const previewId = randomUUID();
        previews.set(previewId, { orgId, commands: plan.commands });
        return toCsvImportPreview(plan, previewId);
      },
      confirmUsers: ({ previewId }) => {
        const preview = previews.get(previewId);
        if (preview === undefined) throw new SeatdeskError('NOT_FOUND', 'This import preview has expired. Choose the file again.');
        previews.delete(previewId);
        return queueCommands(preview.commands);
      },
      usersCsv: (q) => {
        const rows = usersList({ ...q, offset: 0, limit: 1_000_000 }, { appInfo: { name: '', version: '', host: 'test' } }) as UserPage;
        return usersCsv(rows.items, roleNames(), { scopeName: orgName(q.orgId) });
      },
      invoicesCsv: (q) => invoicesCsv(invoiceSummaries(q), { scopeName: orgName(q.orgId) }),
      invoicePdf: async ({ invoiceId }) => {
        const invoice = data.invoices.get(invoiceId);
        if (invoice === undefined) throw new SeatdeskError('NOT_FOUND');
        const org = data.organizations.get(invoice.orgId)!;
        return invoicePdf({ ...invoice, orgName: org.name }, org, { locale: 'en-GB' });
      },
      auditCsv: (q) => {
        const orgs = new Set(scopeIds(q.orgId, q.includeChildren));
        return auditCsv(
          data.audit.filter((event) => orgs.has(event.orgId)),
          { scopeName: orgName(q.orgId), orgNames: new Map([...data.organizations.values()].map((org) => [org.id, org.name])) },
        );
      },
    },
    syncIssues: {
      list: ({ includeResolved }) => data.issues.filter((issue) => includeResolved || issue.resolvedAt === null).sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
      resolve: ({ issueId, resolution }) => {
        const issue = data.issues.find((candidate) => candidate.id === issueId);
        if (issue === undefined) throw new SeatdeskError('NOT_FOUND');
        if (issue.resolvedAt !== null) throw new SeatdeskError('INVALID_TRANSITION', 'This issue is already resolved.');
        if (resolution === 'take_theirs' && issue.theirs !== null && issue.entityId !== null) {
          tables[issue.entity as EntityName]?.set(issue.entityId, structuredClone(issue.theirs) as never);
        } else if (resolution === 'keep_mine' && issue.kind === 'conflict' && issue.entityId !== null) {
          const current = tables[issue.entity as EntityName]?.get(issue.entityId);
          const args = { ...(issue.args as Record<string, unknown>), version: current?.version ?? 1 };
          const parsed = COMMANDS[issue.commandName].args.safeParse(args);
          if (parsed.success) queueCommands([{ name: issue.commandName, args: parsed.data } as Command]);
        }
        issue.resolvedAt = iso();
        issue.resolution = resolution;
        changed('sync_issue', null);
        changed(issue.entity, issue.orgId);
        emitStatus();
        return issue;
      },
    },
  };

  return {
    handlers,
    data,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setOffline(value) {
      offline = value;
      if (!value) scheduleSync();
      emitStatus();
    },
    status,
  };
}

