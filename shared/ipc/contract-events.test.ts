import { describe, expect, it } from 'vitest';
import { ipcContract } from './channels';
import { coreEventSchema, findChannel } from './contract';

const ORG = '00000000-0000-4000-8000-000000000001';
const USER = '00000000-0000-4000-8000-000000000002';

describe('core events are checked against their exact shapes as they cross into the page', () => {
  it('data.changed names a synced entity or the sync issues, and an organization id or null', () => {
    expect(coreEventSchema.safeParse({ type: 'data.changed', entity: 'user', orgId: ORG }).success).toBe(true);
    expect(coreEventSchema.safeParse({ type: 'data.changed', entity: 'sync_issue', orgId: null }).success).toBe(true);
    expect(coreEventSchema.safeParse({ type: 'data.changed', entity: 'users', orgId: ORG }).success).toBe(false);
    expect(coreEventSchema.safeParse({ type: 'data.changed', entity: 'user', orgId: 'Contoso' }).success).toBe(false);
  });

  it('sync.status carries a whole SyncStatus, not any object', () => {
    const status = { state: 'online', lastSyncedAt: '2026-11-02T09:00:00.000Z', pendingCount: 2, issueCount: 0, progress: null, lastError: null };
    expect(coreEventSchema.safeParse({ type: 'sync.status', status }).success).toBe(true);
    expect(coreEventSchema.safeParse({ type: 'sync.status', status: { state: 'online' } }).success).toBe(false);
    expect(coreEventSchema.safeParse({ type: 'sync.status', status: { ...status, state: 'asleep' } }).success).toBe(false);
    expect(coreEventSchema.safeParse({ type: 'sync.status', status: { ...status, pendingCount: -1 } }).success).toBe(false);
  });

  it('sync.settled names each refusal with its issue, code and command', () => {
    const refusal = { issueId: 4, mutationId: 9, batchId: null, kind: 'rejected', code: 'LAST_ADMIN', commandName: 'updateUser', message: 'Edit user (x) was not applied.' };
    expect(coreEventSchema.safeParse({ type: 'sync.settled', through: 9, refused: [refusal] }).success).toBe(true);
    expect(coreEventSchema.safeParse({ type: 'sync.settled', through: 9, refused: [{ ...refusal, code: 'NOPE' }] }).success).toBe(false);
    expect(coreEventSchema.safeParse({ type: 'sync.settled', through: 9, refused: [{ ...refusal, commandName: 'dropTables' }] }).success).toBe(false);
  });
});

describe('one deactivate channel', () => {
  it('commands.run does not take deactivateUser: bulk.deactivate does, for one user or many, whatever their roles', () => {
    const run = findChannel(ipcContract, 'commands.run')!.input;
    const refused = run.safeParse({ name: 'deactivateUser', args: { orgId: ORG, userId: USER } });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toBe('Deactivate users through bulk.deactivate, for one user or many.');
    expect(run.safeParse({ name: 'activateUser', args: { orgId: ORG, userId: USER } }).success).toBe(true);
    const deactivate = findChannel(ipcContract, 'bulk.deactivate')!.input;
    expect(deactivate.parse({ userIds: [USER] })).toEqual({ userIds: [USER], removeAdminRole: false });
    expect(deactivate.parse({ userIds: [USER], removeAdminRole: true })).toEqual({ userIds: [USER], removeAdminRole: true });
  });
});
