import { describe, expect, it } from 'vitest';
import type { OrgNode, SyncStatus } from '@shared/ipc/models';
import { orgRows } from './org-tree';
import { modifierLabel, shortcutFor } from './shortcuts';
import { ERROR_CODES } from '@shared/errors';
import { lastSyncSentence, pendingEntries } from './pending-summary';
import { summarizeSync, syncNowFeedback } from './sync-summary';

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe('shortcuts', () => {
  it('focuses search with Ctrl+K, Cmd+K, and "/" when not typing', () => {
    expect(shortcutFor(key('k', { ctrlKey: true }), false)).toBe('focus-search');
    expect(shortcutFor(key('K', { metaKey: true }), true)).toBe('focus-search');
    expect(shortcutFor(key('/'), false)).toBe('focus-search');
    expect(shortcutFor(key('/'), true)).toBeNull();
  });

  it('syncs with Ctrl+Shift+S or Cmd+Shift+S, and ignores other keys', () => {
    expect(shortcutFor(key('S', { ctrlKey: true, shiftKey: true }), true)).toBe('sync-now');
    expect(shortcutFor(key('s', { metaKey: true, shiftKey: true }), false)).toBe('sync-now');
    expect(shortcutFor(key('s', { ctrlKey: true }), false)).toBeNull();
    expect(shortcutFor(key('k', { ctrlKey: true, altKey: true }), false)).toBeNull();
    expect(shortcutFor(key('a'), false)).toBeNull();
  });

  it('writes the modifier as the platform does', () => {
    expect(modifierLabel('MacIntel')).toBe('⌘');
    expect(modifierLabel('Win32')).toBe('Ctrl+');
  });
});

const org = (id: string, name: string, parentId: string | null, kind: OrgNode['kind'] = 'customer'): OrgNode => ({ id, name, parentId, kind, permissions: [], activeUsers: 0, pending: false });

describe('organization switcher rows', () => {
  const orgs = [
    org('c2', 'Zeta Dental', 'r1'),
    org('p', 'Northwind', null, 'provider'),
    org('r1', 'Bluewave', 'p', 'reseller'),
    org('c1', 'Åland Logistics', 'r1'),
    org('c3', 'Contoso', 'p'),
  ];

  it('lists the tree depth first, siblings by name', () => {
    expect(orgRows(orgs, '').map((row) => `${'-'.repeat(row.depth)}${row.org.name}`)).toEqual([
      'Northwind',
      '-Bluewave',
      '--Åland Logistics',
      '--Zeta Dental',
      '-Contoso',
    ]);
  });

  it('finds organizations by every typed word, ignoring case and accents, with their path', () => {
    const rows = orgRows(orgs, 'aland LOG');
    expect(rows.map((row) => row.org.id)).toEqual(['c1']);
    expect(rows[0]?.path).toEqual(['Northwind', 'Bluewave']);
    expect(orgRows(orgs, 'nothing')).toEqual([]);
  });

  it('treats an organization whose parent is out of scope as a root', () => {
    expect(orgRows([org('x', 'Orphan', 'gone')], '').map((row) => row.depth)).toEqual([0]);
  });
});

const status = (patch: Partial<SyncStatus>): SyncStatus => ({ state: 'online', lastSyncedAt: null, pendingCount: 0, issueCount: 0, progress: null, lastError: null, ...patch });

describe('status bar summary', () => {
  it('names the state, offline included, without calling it an error', () => {
    expect(summarizeSync(status({ state: 'online' })).label).toBe('Online');
    expect(summarizeSync(status({ state: 'offline', lastError: 'ECONNREFUSED' })).label).toBe('Offline');
    expect(summarizeSync(status({ state: 'syncing' })).label).toBe('Syncing…');
  });

  it('describes bootstrap and push progress', () => {
    const bootstrap = summarizeSync(status({ state: 'bootstrapping', progress: { phase: 'bootstrap', done: 1200, total: 4800 } }), (n) => n.toLocaleString('en'));
    expect(bootstrap.progress).toEqual({ fraction: 0.25, done: 1200, total: 4800, label: 'Downloading your data: 1,200 of 4,800' });
    expect(summarizeSync(status({ state: 'syncing', progress: { phase: 'push', done: 600, total: 500 } })).progress?.fraction).toBe(1);
    expect(summarizeSync(status({ progress: { phase: 'push', done: 0, total: 0 } })).progress).toBeNull();
  });
});

describe('what "Sync now" says', () => {
  it('says why nothing happened when offline, and what is kept', () => {
    const offline = status({ state: 'offline', lastError: ERROR_CODES.OFFLINE.summary, pendingCount: 3 });
    expect(syncNowFeedback(offline)).toEqual({ text: ERROR_CODES.OFFLINE.summary, detail: 'Nothing was sent: 3 pending changes are kept on this computer.' });
    expect(syncNowFeedback(status({ state: 'offline', lastError: null }))).toEqual({ text: ERROR_CODES.OFFLINE.summary });
  });

  it('is quiet after a sync that worked, and tells why the queue waits when a push failed', () => {
    expect(syncNowFeedback(status({ state: 'online' }))).toBeNull();
    expect(syncNowFeedback(status({ state: 'online', lastError: 'The queue waits.' }))).toEqual({ text: 'The queue waits.' });
    expect(syncNowFeedback(status({ state: 'signed-out', lastError: 'x' }))).toBeNull();
  });
});

describe('the pending-changes panel', () => {
  const change = (mutationId: number, batchId: string | null = null) => ({
    mutationId,
    commandName: 'updateUser' as const,
    what: `Edit user (u${mutationId}@x.example)`,
    orgId: 'o1',
    orgName: 'Contoso',
    queuedAt: '2026-11-02T09:00:00.000Z',
    batchId,
    queuedOffline: true,
    sending: false,
  });

  it('groups a bulk action where its first change is, with its full count', () => {
    const entries = pendingEntries({ items: [change(1), change(2, 'b'), change(3), change(4, 'b')], batches: [{ batchId: 'b', count: 600 }] });
    expect(entries.map((entry) => (entry.kind === 'change' ? entry.change.mutationId : `${entry.batchId}:${entry.count}:${entry.changes.length}`))).toEqual([1, 'b:600:2', 3]);
  });

  it('says how the last sync ended', () => {
    const at = () => '09:00';
    expect(lastSyncSentence(null, at)).toBe('No sync has ended since Seatdesk started.');
    expect(lastSyncSentence({ at: 'x', result: 'synced', sent: 3, refused: 1, message: null }, at)).toBe('Last sync 09:00: 3 changes sent, 1 not applied (see Sync issues).');
    expect(lastSyncSentence({ at: 'x', result: 'synced', sent: 0, refused: 0, message: null }, at)).toBe('Last sync 09:00: nothing to send.');
    expect(lastSyncSentence({ at: 'x', result: 'failed', sent: 0, refused: 0, message: ERROR_CODES.OFFLINE.summary }, at)).toBe(`Last sync 09:00 failed. ${ERROR_CODES.OFFLINE.summary}`);
  });
});
