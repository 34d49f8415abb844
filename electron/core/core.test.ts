import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreEvent, IpcResult } from '@shared/ipc/contract';
import type { ExportedFile, OrgNode, QueuedResult, SyncStatus, UserPage } from '@shared/ipc/models';
import type { SessionStatus } from '@shared/ipc/channels';
import { DEMO_PASSWORD } from '../../test/support/service';
import { keychainForTests } from '../../test/support/keychain-available';
import { startRestartableService, type RestartableService } from '../../test/support/restartable-service';
import { createCore, type Core } from './core';
import { keytarSecretStore } from './secrets/secret-store';

// The whole core through its IPC dispatcher: the real session (real Secret Service), the real
// cache and sync engine, against the real billing service with demo data.
const hasSecretService = await keychainForTests('The core end-to-end tests');

describe.skipIf(!hasSecretService)('the desktop core, through its dispatcher', () => {
  let service: RestartableService;
  let dataDir: string;
  let core: Core;
  const payloads: string[] = [];
  const logged: string[] = [];
  const events: CoreEvent[] = [];
  const secretService = `Seatdesk-test-${randomUUID()}`;

  async function call<T>(name: string, input?: unknown): Promise<T> {
    const result = (await core.dispatcher.dispatch(name, input)) as IpcResult<T>;
    payloads.push(JSON.stringify(result));
    if (!result.ok) throw Object.assign(new Error(`${name}: ${result.error.code} ${result.error.message}`), { code: result.error.code });
    return result.value;
  }

  async function startCore(): Promise<Core> {
    const started = await createCore({
      dataDir,
      defaultServiceUrl: service.url,
      appInfo: { name: 'Seatdesk', version: '0.0.0-test', host: 'test' },
      secretStore: keytarSecretStore(secretService),
      log: (message, error) => logged.push(`${message} ${error instanceof Error ? `${error.message} ${error.stack ?? ''}` : JSON.stringify(error ?? '')}`),
      locale: 'en-GB',
    });
    started.events.subscribe((event) => {
      events.push(event);
      payloads.push(JSON.stringify(event));
    });
    return started;
  }

  async function orgByName(name: string): Promise<OrgNode> {
    const org = (await call<OrgNode[]>('orgs.tree')).find((o) => o.name === name);
    if (org === undefined) throw new Error(`no organization ${name}`);
    return org;
  }

  beforeAll(async () => {
    service = await startRestartableService();
    dataDir = mkdtempSync(join(tmpdir(), 'seatdesk-core-'));
    core = await startCore();
  }, 120_000);

  afterAll(async () => {
    await core?.close();
    await service?.close();
    // Leave nothing in the test keyring.
    const secrets = keytarSecretStore(secretService);
    const status = core?.session.current();
    if (status) await secrets.delete(`${new URL(service.url).origin} ${status.userId}`);
    // Undefined when beforeAll failed: its error is the one to read.
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  it('is signed out on a fresh install, pre-filled with the embedded service, and refuses reads', async () => {
    expect(await call<SessionStatus>('session.status')).toEqual({ state: 'signed-out', defaultServiceUrl: service.url });
    expect((await call<SyncStatus>('sync.status')).state).toBe('signed-out');
    await expect(call('orgs.tree')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('refuses a wrong password with a typed error and stays signed out', async () => {
    await expect(call('session.signIn', { serviceUrl: service.url, email: 'owner@northwind.example', password: 'wrong password' })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    expect((await call<SessionStatus>('session.status')).state).toBe('signed-out');
  });

  it('signs in, bootstraps the whole scope and answers every read like the service', async () => {
    const status = await call<SessionStatus>('session.signIn', { serviceUrl: service.url, email: 'owner@northwind.example', password: DEMO_PASSWORD });
    expect(status).toMatchObject({ state: 'signed-in', email: 'owner@northwind.example' });
    const synced = await call<SyncStatus>('sync.now');
    expect(synced).toMatchObject({ state: 'online', pendingCount: 0 });
    expect(synced.lastSyncedAt).not.toBeNull();
    expect(events.some((e) => e.type === 'sync.status' && e.status.progress?.phase === 'bootstrap')).toBe(true);

    const token = (await service.signIn('owner@northwind.example')).accessToken;
    const serviceOrgs = (await service.call('GET', '/v1/orgs', { token })).body.items as { id: string }[];
    const tree = await call<OrgNode[]>('orgs.tree');
    expect(tree.map((o) => o.id).sort()).toEqual(serviceOrgs.map((o) => o.id).sort());
    expect(tree.every((o) => o.permissions.includes('users.manage'))).toBe(true);

    for (const org of tree) {
      const users = await call<UserPage>('users.list', { orgId: org.id, limit: 1000 });
      const remote = (await service.call('GET', `/v1/orgs/${org.id}/users`, { token })).body as { items: { id: string; version: number }[]; activeCount: number };
      expect(users.activeCount).toBe(remote.activeCount);
      expect(users.items.map((u) => `${u.id}@${u.version}`).sort()).toEqual(remote.items.map((u) => `${u.id}@${u.version}`).sort());
      const roles = await call<{ id: string }[]>('roles.list', { orgId: org.id });
      expect(roles.length).toBe(((await service.call('GET', `/v1/orgs/${org.id}/roles`, { token })).body.items as unknown[]).length);
      const contacts = await call<unknown[]>('billingContacts.list', { orgId: org.id });
      expect(contacts.length).toBe(((await service.call('GET', `/v1/orgs/${org.id}/billing-contacts`, { token })).body.items as unknown[]).length);
      const invoices = await call<{ id: string }[]>('invoices.list', { orgId: org.id });
      expect(invoices.map((i) => i.id).sort()).toEqual(((await service.call('GET', `/v1/orgs/${org.id}/invoices`, { token })).body.items as { id: string }[]).map((i) => i.id).sort());
      expect(await call('account.get', { orgId: org.id })).toMatchObject({ id: org.id, name: org.name });
      await call('paymentMethods.list', { orgId: org.id });
    }
    const provider = tree.find((o) => o.parentId === null)!;
    const subscriptions = await call<{ id: string }[]>('subscriptions.list', { orgId: provider.id, includeChildren: true });
    const remoteSubscriptions = (await service.call('GET', `/v1/orgs/${provider.id}/subscriptions?includeChildren=true`, { token })).body.items as { id: string }[];
    expect(subscriptions.map((s) => s.id).sort()).toEqual(remoteSubscriptions.map((s) => s.id).sort());
    expect((await call<unknown[]>('invoices.spend', { orgId: provider.id, includeChildren: true })).length).toBe(12);
    expect(await call('invoices.projected', { orgId: provider.id })).toMatchObject({ orgId: provider.id });
    const remoteAudit = (await service.call('GET', `/v1/orgs/${provider.id}/audit`, { token })).body.items as unknown[];
    expect((await call<{ total: number }>('audit.list', { orgId: provider.id })).total).toBe(remoteAudit.length);
  });

  it('queues a command optimistically, marks it pending, and pushes it exactly once', async () => {
    const org = await orgByName('Northwind MSP');
    const [user] = (await call<UserPage>('users.list', { orgId: org.id, q: 'readonly' })).items;
    expect(user).toBeDefined();
    const seen = events.length;
    const queued = await call<QueuedResult>('commands.run', { name: 'updateUser', args: { orgId: org.id, userId: user!.id, version: user!.version, firstName: 'Renamed' } });
    expect(queued.mutationIds).toHaveLength(1);
    const local = await call<{ firstName: string; pending: boolean }>('users.get', { userId: user!.id });
    expect(local).toMatchObject({ firstName: 'Renamed', pending: true });
    // The counter counted it as it was queued (the push that follows may already have sent it).
    const counted = events.slice(seen).flatMap((e) => (e.type === 'sync.status' ? [e.status.pendingCount] : []));
    expect(counted).toContain(1);

    expect((await call<SyncStatus>('sync.now')).pendingCount).toBe(0);
    expect(await call('users.get', { userId: user!.id })).toMatchObject({ firstName: 'Renamed', pending: false, version: user!.version + 1 });
    const token = (await service.signIn('owner@northwind.example')).accessToken;
    expect((await service.call('GET', `/v1/orgs/${org.id}/users/${user!.id}`, { token })).body).toMatchObject({ firstName: 'Renamed', version: user!.version + 1 });
    // Its audit event came back with the pull: made online, through this client's queue.
    const audit = await call<{ items: { entityId: string; action: string; origin: { kind: string } }[] }>('audit.list', { orgId: org.id });
    expect(audit.items.find((e) => e.entityId === user!.id && e.action === 'updateUser')).toMatchObject({ origin: { kind: 'online', mutationId: queued.mutationIds[0] } });
  });

  it('refuses bad command input with VALIDATION and queues nothing', async () => {
    const before = (await call<SyncStatus>('sync.status')).pendingCount;
    await expect(call('commands.run', { name: 'updateUser', args: { orgId: 'nope' } })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(call('commands.run', { name: 'noSuchCommand', args: {} })).rejects.toMatchObject({ code: 'VALIDATION' });
    expect((await call<SyncStatus>('sync.status')).pendingCount).toBe(before);
  });

  it('runs bulk actions as single actions, offering the Administrator step, and imports a CSV only on confirmation', async () => {
    const org = (await call<OrgNode[]>('orgs.tree')).find((o) => o.kind === 'customer')!;
    const users = (await call<UserPage>('users.list', { orgId: org.id, limit: 1000 })).items;
    const roles = await call<{ id: string; builtInKey: string | null; name: string }[]>('roles.list', { orgId: org.id });
    const admin = roles.find((r) => r.builtInKey === 'administrator')!;
    const member = roles.find((r) => r.builtInKey === 'member')!;
    const admins = users.filter((u) => u.status === 'active' && u.roleIds.includes(admin.id));
    const plain = users.filter((u) => u.status === 'active' && !u.roleIds.includes(admin.id) && !u.roleIds.includes(roles.find((r) => r.builtInKey === 'owner')!.id));
    expect(admins.length).toBeGreaterThan(0);

    const refused = await call<QueuedResult>('bulk.deactivate', { userIds: [admins[0]!.id], removeAdminRole: false });
    expect(refused.mutationIds).toHaveLength(0);
    expect(refused.skipped[0]?.reason).toMatch(/Administrator|Owner/);

    if (plain.length > 0) {
      const setRoles = await call<QueuedResult>('bulk.setRoles', { userIds: plain.map((u) => u.id), roleIds: [member.id], mode: 'add' });
      expect(setRoles.mutationIds.length + setRoles.skipped.length).toBeGreaterThan(0);
    }

    const csv = 'first_name,last_name,email,roles,active\nAda,Lovelace,ada.import@example.com,Member,yes\nBad,,not-an-email,,yes\n';
    const preview = await call<{ previewId: string; validCount: number; invalidCount: number; rows: { errors: unknown[] }[] }>('importExport.previewUsers', { orgId: org.id, csv });
    expect(preview).toMatchObject({ validCount: 1, invalidCount: 1 });
    expect((await call<UserPage>('users.list', { orgId: org.id, q: 'ada.import' })).total).toBe(0);
    const imported = await call<QueuedResult>('importExport.confirmUsers', { previewId: preview.previewId });
    expect(imported.mutationIds).toHaveLength(1);
    expect((await call<UserPage>('users.list', { orgId: org.id, q: 'ada.import' })).items[0]).toMatchObject({ pending: true, status: 'active' });
    await expect(call('importExport.confirmUsers', { previewId: preview.previewId })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    await call('sync.now');
    expect((await call<SyncStatus>('sync.status')).pendingCount).toBe(0);
    expect((await call<UserPage>('users.list', { orgId: org.id, q: 'ada.import' })).items[0]).toMatchObject({ pending: false });
  });

  it('reports the second command of a refused pair as part of the refusal, not as a conflict', async () => {
    const org = await orgByName('Adventure Works Legal');
    const roles = await call<{ id: string; builtInKey: string | null }[]>('roles.list', { orgId: org.id });
    const adminRoles = new Set(roles.filter((r) => r.builtInKey === 'administrator' || r.builtInKey === 'owner').map((r) => r.id));
    const admins = (await call<UserPage>('users.list', { orgId: org.id, status: 'active', limit: 1000 })).items.filter((u) => u.roleIds.some((id) => adminRoles.has(id)));
    expect(admins).toHaveLength(1);
    // The app refuses up front what its copy shows, so the refusal must come from what it cannot
    // know: the copy sees a second administrator whom the service has since lost (a raw write pokes nobody).
    const administrator = roles.find((r) => r.builtInKey === 'administrator')!.id;
    const [helper] = await service.store.query<{ id: string; role_ids: string[] }>(
      "SELECT id, role_ids FROM users WHERE org_id = $1 AND status = 'active' AND id <> $2 ORDER BY email LIMIT 1",
      [org.id, admins[0]!.id],
    );
    await service.store.query('UPDATE users SET role_ids = array_append(role_ids, $2::uuid), version = version + 1 WHERE id = $1', [helper!.id, administrator]);
    await call('sync.now');
    await service.store.query('UPDATE users SET role_ids = $2::uuid[], version = version + 1 WHERE id = $1', [helper!.id, helper!.role_ids]);
    const queued = await call<QueuedResult>('bulk.deactivate', { userIds: [admins[0]!.id], removeAdminRole: true });
    expect(queued.mutationIds).toHaveLength(2);
    await call('sync.now');
    const issues = (await call<{ mutationId: number; kind: string; code: string | null; message: string }[]>('syncIssues.list', { includeResolved: false })).filter((i) =>
      queued.mutationIds.includes(i.mutationId),
    );
    expect(issues.map((i) => [i.kind, i.code])).toEqual([
      ['rejected', 'LAST_ADMIN'],
      ['rejected', 'LAST_ADMIN'],
    ]);
    expect(issues[1]!.message).toContain('depended on the change before it');
    expect(await call('users.get', { userId: admins[0]!.id })).toMatchObject({ status: 'active', pending: false });
  });

  it('exports users and invoices as CSV and an invoice as PDF, from the cache', async () => {
    const provider = (await call<OrgNode[]>('orgs.tree')).find((o) => o.parentId === null)!;
    const usersFile = await call<ExportedFile>('importExport.usersCsv', { orgId: provider.id, includeChildren: true });
    const userCount = (await call<UserPage>('users.list', { orgId: provider.id, includeChildren: true })).total;
    expect(usersFile.content.trim().split(/\r?\n/)).toHaveLength(userCount + 1);
    const invoices = await call<{ id: string; number: string }[]>('invoices.list', { orgId: provider.id, includeChildren: true });
    const invoicesFile = await call<ExportedFile>('importExport.invoicesCsv', { orgId: provider.id, includeChildren: true });
    expect(invoicesFile.content).toContain(invoices[0]!.number);
    const pdf = await call<ExportedFile>('importExport.invoicePdf', { invoiceId: invoices[0]!.id });
    expect(pdf.encoding).toBe('base64');
    expect(Buffer.from(pdf.content, 'base64').subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('keeps working offline: reads answer, edits queue, and everything is pushed once when the service is back', async () => {
    const org = await orgByName('Northwind MSP');
    await service.stop();
    try {
      const page = await call<UserPage>('users.list', { orgId: org.id, q: 'billing@northwind' });
      expect(page.items.length).toBe(1);
      expect((await call<unknown[]>('invoices.list', { orgId: org.id, includeChildren: true })).length).toBeGreaterThan(0);
      const target = page.items.find((u) => u.status === 'active' && u.email.startsWith('billing@'))!;
      await call('commands.run', { name: 'updateUser', args: { orgId: target.orgId, userId: target.id, version: target.version, lastName: 'Offline' } });
      const status = await call<SyncStatus>('sync.now').catch(() => call<SyncStatus>('sync.status'));
      expect(status.state).toBe('offline');
      expect(status.pendingCount).toBeGreaterThan(0);
      expect(await call('users.get', { userId: target.id })).toMatchObject({ lastName: 'Offline', pending: true });
    } finally {
      await service.start();
    }
    const back = await call<SyncStatus>('sync.now');
    expect(back).toMatchObject({ state: 'online', pendingCount: 0 });
    const token = (await service.signIn('owner@northwind.example')).accessToken;
    const users = (await service.call('GET', `/v1/orgs/${org.id}/users?q=billing@`, { token })).body.items as { lastName: string }[];
    expect(users.map((u) => u.lastName)).toContain('Offline');
    const applied = await service.store.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_events WHERE action = 'updateUser' AND after->>'lastName' = 'Offline'");
    expect(applied[0]?.n).toBe(1);
  });

  it('survives a restart signed in, and signing out keeps the offline copy for the next sign-in', async () => {
    await core.close();
    core = await startCore();
    expect(await call<SessionStatus>('session.status')).toMatchObject({ state: 'signed-in', email: 'owner@northwind.example' });
    const before = (await call<OrgNode[]>('orgs.tree')).length;
    expect(before).toBeGreaterThan(0);

    const accountFiles = () => readdirSync(join(dataDir, 'accounts')).filter((f) => f.endsWith('.sqlite'));
    expect(accountFiles()).toHaveLength(1);
    expect((await call<SessionStatus>('session.signOut')).state).toBe('signed-out');
    await expect(call('orgs.tree')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(accountFiles()).toHaveLength(1);
    await call('session.signIn', { serviceUrl: service.url, email: 'owner@northwind.example', password: DEMO_PASSWORD });
    expect((await call<OrgNode[]>('orgs.tree')).length).toBe(before);
  });

  it('never lets a refresh token reach the cache files, the log or an IPC payload', async () => {
    const current = core.session.current()!;
    const secret = await keytarSecretStore(secretService).get(`${new URL(service.url).origin} ${current.userId}`);
    expect(secret).toBeTruthy();
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else files.push(path);
      }
    };
    walk(dataDir);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(readFileSync(file).includes(Buffer.from(secret!)), file).toBe(false);
    for (const line of [...logged, ...payloads]) expect(line.includes(secret!)).toBe(false);
  });
});
