import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clockSettingOf, ConfigError, readConfig, startupSummary } from '../config';
import { killAll, startService, type ChildService } from '../testing/child-service';
import { serviceClock } from './clock';

function configError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('serviceClock', () => {
  it('is the machine clock without a setting, runs on from a start, or stands still', () => {
    let real = Date.parse('2025-03-01T10:00:00Z');
    const realNow = () => real;
    const machine = serviceClock(null, realNow);
    const running = serviceClock({ start: new Date('2026-12-03T09:00:00Z'), mode: 'running' }, realNow);
    const fixed = serviceClock({ start: new Date('2026-12-03T09:00:00Z'), mode: 'fixed' }, realNow);
    expect(machine().toISOString()).toBe('2025-03-01T10:00:00.000Z');
    expect(running().toISOString()).toBe('2026-12-03T09:00:00.000Z');
    real += 90 * 60_000;
    expect(machine().toISOString()).toBe('2025-03-01T11:30:00.000Z');
    expect(running().toISOString()).toBe('2026-12-03T10:30:00.000Z');
    expect(fixed().toISOString()).toBe('2026-12-03T09:00:00.000Z');
  });
});

describe('the clock setting', () => {
  it('reads --now and SEATDESK_NOW (a day is its 00:00Z, an offset is honoured), the option first', () => {
    expect(clockSettingOf(readConfig(['--now', '2026-12-03'], {}))).toEqual({ start: new Date('2026-12-03T00:00:00Z'), mode: 'running' });
    expect(clockSettingOf(readConfig([], { SEATDESK_NOW: '2026-12-03T10:00:00+01:00', SEATDESK_CLOCK: 'fixed' }))).toEqual({
      start: new Date('2026-12-03T09:00:00Z'),
      mode: 'fixed',
    });
    expect(clockSettingOf(readConfig(['--now', '2027-01-01T00:00:00Z', '--clock', 'running'], { SEATDESK_NOW: '2026-12-03', SEATDESK_CLOCK: 'fixed' }))).toEqual({
      start: new Date('2027-01-01T00:00:00Z'),
      mode: 'running',
    });
    expect(clockSettingOf(readConfig([], {}))).toBeNull();
    // Fixed without a start: the moment the service started.
    expect(clockSettingOf(readConfig(['--clock', 'fixed'], {}), new Date('2026-12-03T14:00:00Z'))).toEqual({ start: new Date('2026-12-03T14:00:00Z'), mode: 'fixed' });
  });

  it('refuses a bad value with one sentence naming the setting', () => {
    expect(configError(() => readConfig(['--now', 'tomorrow'], {}))).toBe('--now: must be a date (2026-12-03) or an instant (2026-12-03T09:00:00Z)');
    expect(configError(() => readConfig(['--now', '2026-02-30'], {}))).toMatch(/^--now: /);
    expect(configError(() => readConfig([], { SEATDESK_NOW: '03/12/2026' }))).toBe('SEATDESK_NOW must be a date (2026-12-03) or an instant (2026-12-03T09:00:00Z)');
    expect(configError(() => readConfig([], { SEATDESK_CLOCK: 'stopped' }))).toBe('SEATDESK_CLOCK must be running or fixed');
    expect(configError(() => readConfig([], { SEATDESK_LIFECYCLE_INTERVAL_MS: '10' }))).toBe('SEATDESK_LIFECYCLE_INTERVAL_MS must be 0 (off) or from 1000 to 86400000 (a day)');
    expect(readConfig([], { SEATDESK_LIFECYCLE_INTERVAL_MS: '0' }).env.SEATDESK_LIFECYCLE_INTERVAL_MS).toBe(0);
  });

  it('is said on the start line when set', () => {
    const tokens = { secret: undefined, source: 'generated' } as const;
    expect(startupSummary(readConfig(['--now', '2026-12-03'], {}), tokens)).toMatch(/; the clock started at 2026-12-03T00:00:00.000Z and runs on$/);
    expect(startupSummary(readConfig([], {}), tokens)).not.toContain('clock');
  });
});

describe('a demo service living on 3 December 2026', () => {
  const children: ChildService[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    await killAll(children.splice(0));
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  async function as(url: string, email: string) {
    const login = await fetch(`${url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'seatdesk-demo' }) });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test-only; every use asserts the shape
    return async (path: string): Promise<any> => {
      const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${accessToken}` } });
      expect(response.status, path).toBe(200);
      return response.json();
    };
  }

  it('seeds around its day, and after a restart two weeks later the lifecycle has moved everything on', { timeout: 180_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seatdesk-clock-'));
    dirs.push(dir);
    const first = await startService(['--port', '0', '--data', dir, '--seed', 'demo', '--now', '2026-12-03T09:00:00Z']);
    children.push(first);
    let get = await as(first.url, 'owner@northwind.example');
    const orgs: { items: { id: string; name: string }[] } = await get('/v1/orgs');
    const idOf = (name: string) => orgs.items.find((org) => org.name === name)!.id;
    const northwind = idOf('Northwind MSP');
    let invoices: { items: { orgId: string; periodEnd: string; status: string }[] } = await get(`/v1/orgs/${northwind}/invoices?includeChildren=true`);
    const november = invoices.items.filter((invoice) => invoice.periodEnd === '2026-11-30');
    expect(november).toHaveLength(orgs.items.length);
    expect(new Set(november.map((invoice) => invoice.status))).toEqual(new Set(['open']));
    expect(invoices.items.filter((invoice) => invoice.status === 'overdue')).toEqual([expect.objectContaining({ orgId: idOf('Lucerne Publishing'), periodEnd: '2026-10-31' })]);
    let subscriptions: { items: { orgId: string; status: string; trialEnd: string | null; cancelAt: string | null; product: string }[] } = await get(
      `/v1/orgs/${northwind}/subscriptions?includeChildren=true`,
    );
    const trial = subscriptions.items.find((s) => s.status === 'trial')!;
    expect(trial).toMatchObject({ orgId: idOf('Contoso Dental'), trialEnd: '2026-12-09T00:00:00.000Z' });
    const alpine = subscriptions.items.find((s) => s.orgId === idOf('Alpine Ski House') && s.status === 'cancel_scheduled')!;
    expect(alpine.cancelAt).toBe('2026-12-13T00:00:00.000Z');
    expect(await first.stop()).toBe(0);

    // Two and a half weeks later: the trial converted, the cancellation took effect, November fell due.
    const later = await startService(['--port', '0', '--data', dir, '--now', '2026-12-20T09:00:00Z']);
    children.push(later);
    get = await as(later.url, 'owner@northwind.example');
    for (const started = Date.now(); ; ) {
      subscriptions = await get(`/v1/orgs/${northwind}/subscriptions?includeChildren=true`);
      invoices = await get(`/v1/orgs/${northwind}/invoices?includeChildren=true`);
      if (invoices.items.filter((invoice) => invoice.status === 'overdue').length > 1 || Date.now() - started > 30_000) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(subscriptions.items.filter((s) => s.status === 'trial')).toEqual([]);
    expect(subscriptions.items.find((s) => s.orgId === trial.orgId && s.product === trial.product)?.status).toBe('active');
    expect(subscriptions.items.find((s) => s.orgId === alpine.orgId && s.product === alpine.product)?.status).toBe('cancelled');
    expect(invoices.items.filter((invoice) => invoice.periodEnd === '2026-11-30').every((invoice) => invoice.status === 'overdue')).toBe(true);
    const audit: { items: { action: string; origin: { kind: string } }[] } = await (await as(later.url, 'admin@contoso-dental.example'))(`/v1/orgs/${trial.orgId}/audit`);
    expect(audit.items.filter((event) => event.origin.kind === 'scheduler').map((event) => event.action).sort()).toEqual(['endTrial', 'markInvoiceOverdue']);
    expect(await later.stop()).toBe(0);
  });
});
