import { expect as baseExpect, test, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { signInAllowingOneReload, startE2eEnvironment, type E2eEnvironment, statusBar as statusBarOf } from '../support/e2e-env';

/**
 * The headline flow: the app keeps working without the service. The link between the app's core
 * and the service is cut while the service keeps running; changes made meanwhile are queued, shown
 * as pending, and reach the service once the link is back.
 */

interface ServiceUser {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  status: 'active' | 'pending' | 'deactivated';
}

let env: E2eEnvironment;
let context: BrowserContext;
let page: Page;
let orgId: string;
let token: string;
const chosen: string[] = [];
/** The one of `chosen` whose queued deactivation is discarded in the pending-changes panel. */
let discarded = '';

// The machine runs other suites at the same time: generous timeouts, no fixed sleeps.
test.describe.configure({ mode: 'serial', timeout: 120_000 });
const expect = baseExpect.configure({ timeout: 20_000 });

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  env = await startE2eEnvironment();
  context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  page = await context.newPage();
});

test.afterAll(async () => {
  await context?.close();
  await env?.close();
});


const statusBar = () => statusBarOf(page);
const nav = () => page.getByRole('navigation', { name: 'Screens' });
const grid = () => page.getByRole('grid', { name: 'Users' });
const shot = (name: string) => page.screenshot({ path: `test-results/screens/${name}.png` });
const rowOf = (name: string): Locator => grid().getByRole('row').filter({ has: page.getByRole('checkbox', { name: `Select ${name}`, exact: true }) });

async function serviceUsers(): Promise<ServiceUser[]> {
  const response = await env.service.call('GET', `/v1/orgs/${orgId}/users`, { token });
  expect(response.status).toBe(200);
  return (response.body as { items: ServiceUser[] }).items;
}

async function goTo(name: string): Promise<void> {
  await nav().getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('main').getByRole('heading', { level: 1, name, exact: true })).toBeVisible();
}

test('signed in and online, nothing pending', async () => {
  await signInAllowingOneReload(page, env);
  // A second client of the same service, to check what it holds.
  const session = await env.service.signIn('owner@northwind.example');
  orgId = session.user.orgId;
  token = session.accessToken;
  // The Users screen, whichever screen the app opens on.
  await goTo('Users');
  await expect(statusBar().getByText('Online', { exact: true })).toBeVisible();
  await expect(statusBar().getByText('0 pending changes')).toBeVisible();
  await expect(grid().getByRole('row').nth(1)).toBeVisible();
  await shot('offline-0-online');
});

test('with the link cut the status bar says Offline, calmly, not as an error', async () => {
  // Refused, as with no network: the app knows that nothing it tries to send arrives.
  env.link.cut('refuse');
  // The next contact with the service finds it unreachable; "Sync now" makes that contact now.
  await statusBar().getByRole('button', { name: 'Sync now' }).click();
  await expect(statusBar().getByText('Offline', { exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(statusBar().getByText('Changes are kept and sent when you are back online.')).toBeVisible();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByRole('alertdialog')).toHaveCount(0);
  await expect(page.getByRole('alert').filter({ hasText: /\S/ })).toHaveCount(0);
  // "Sync now" did nothing it could: it says why.
  await expect(page.getByRole('status').getByText('Seatdesk cannot reach the billing service. Your changes are kept and sent when you are back online.')).toBeVisible();
  await shot('offline-1-status');
});

test('offline, users and invoices still render from the offline copy', async () => {
  await goTo('Invoices');
  const invoices = page.getByRole('table', { name: 'Invoices' });
  await expect(invoices).toBeVisible();
  expect(await invoices.getByRole('row').count()).toBeGreaterThan(1);
  await shot('offline-2-invoices');

  await goTo('Users');
  await expect(grid().getByRole('row').nth(1)).toBeVisible();
  expect(await grid().getByRole('row').count()).toBeGreaterThan(3);
  await expect(page.getByRole('region', { name: 'Billed seats' })).toContainText('active');
  await expect(statusBar().getByText('Offline', { exact: true })).toBeVisible();
  await shot('offline-3-users');
});

test('offline, a bulk deactivation of two users is queued: pending count and rows marked pending', async () => {
  // Two active users without Owner or Administrator (those would be left alone by a plain deactivation).
  const before = await serviceUsers();
  const rows = await grid()
    .getByRole('row')
    .evaluateAll((elements) =>
      elements.map((row) => ({
        name: (row.querySelector('input[type="checkbox"]')?.getAttribute('aria-label') ?? '').replace(/^Select /, ''),
        roles: row.querySelectorAll('[role="gridcell"]')[3]?.textContent ?? '',
        active: row.querySelector('[role="switch"]')?.getAttribute('aria-checked') === 'true',
      })),
    );
  for (const row of rows) {
    if (chosen.length === 2) break;
    const unique = before.filter((u) => `${u.firstName} ${u.lastName}` === row.name).length === 1;
    if (row.active && unique && !/Owner|Administrator/.test(row.roles)) chosen.push(row.name);
  }
  expect(chosen).toHaveLength(2);

  for (const name of chosen) await rowOf(name).getByRole('checkbox').click();
  const bulk = page.getByRole('region', { name: 'Bulk actions' });
  await expect(bulk).toContainText('2 users selected');
  await bulk.getByRole('button', { name: 'Deactivate…' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Deactivate 2 users?' });
  await expect(confirm).toBeVisible();
  await shot('offline-4-confirm');
  await confirm.getByRole('button', { name: 'Deactivate', exact: true }).click();
  await expect(confirm).toBeHidden();
  // The confirmation says where the change is while offline.
  await expect(page.getByRole('status').getByText('Saved on this computer: it is sent when Seatdesk is back online.')).toBeVisible();

  const pending = statusBar().getByText(/^\d+ pending changes?$/);
  await expect(pending).not.toHaveText('0 pending changes');
  const pendingCount = Number((await pending.innerText()).replace(/\D/g, ''));
  expect(pendingCount).toBeGreaterThan(0);
  for (const name of chosen) {
    await expect(rowOf(name).getByTitle('Changed here; not synced yet')).toBeVisible();
    await expect(rowOf(name).getByRole('switch')).toHaveAttribute('aria-checked', 'false');
  }
  await expect(statusBar().getByText('Offline', { exact: true })).toBeVisible();
  await shot('offline-5-pending');

  // The service, reachable for other clients, has not seen the change.
  const stillActive = await serviceUsers();
  for (const name of chosen) expect(stillActive.find((u) => `${u.firstName} ${u.lastName}` === name)?.status).toBe('active');
});

test('the pending counter opens the queued changes (what, where, when, batch): one discarded, the rest kept', async () => {
  const counter = statusBar().getByRole('button', { name: /^\d+ pending changes?$/ });
  const before = Number((await counter.innerText()).replace(/\D/g, ''));
  expect(before).toBeGreaterThanOrEqual(2);
  await counter.click();
  const panel = page.getByRole('dialog', { name: /^Pending changes/ });
  await expect(panel).toBeVisible();
  await expect(panel.getByRole('heading', { name: `Pending changes (${before})` })).toBeFocused();
  await expect(counter).toHaveAttribute('aria-expanded', 'true');
  const org = await env.service.call('GET', `/v1/orgs/${orgId}`, { token });
  await expect(panel).toContainText('Bulk action: 2 changes');
  await expect(panel.getByText((org.body as { name: string }).name).first()).toBeVisible();
  await expect(panel).toContainText(/Last sync .* failed\. Seatdesk cannot reach the billing service/);
  await expect(panel.getByRole('button', { name: 'Discard all 2' })).toBeEnabled();
  await shot('offline-5b-pending-panel');

  discarded = chosen[0]!;
  const email = (await serviceUsers()).find((u) => `${u.firstName} ${u.lastName}` === discarded)!.email;
  await panel.getByRole('button', { name: `Discard Deactivate user (${email})` }).click();
  await expect(page.getByRole('status').getByText(`Discarded: Deactivate user (${email}).`)).toBeVisible();
  await expect(counter).toHaveText(`${before - 1} pending change${before - 1 === 1 ? '' : 's'}`);
  await expect(panel).toContainText('Bulk action: 1 change');
  // Gone as if never made: active again, not pending; the other stays queued.
  await expect(rowOf(discarded).getByRole('switch')).toHaveAttribute('aria-checked', 'true');
  await expect(rowOf(discarded).getByTitle('Changed here; not synced yet')).toHaveCount(0);
  await expect(rowOf(chosen[1]!).getByRole('switch')).toHaveAttribute('aria-checked', 'false');
  await shot('offline-5c-discarded');

  // Keyboard: Escape closes it and gives the focus back to the counter.
  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
  await expect(counter).toBeFocused();
  await expect(counter).toHaveAttribute('aria-expanded', 'false');
  await page.keyboard.press('Enter');
  await expect(panel).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
});

test('back online the queued change is sent: pending 0, the service has it', async () => {
  env.link.restore();
  // The core retries with backoff; "Sync now" does not wait for the next attempt.
  await expect(async () => {
    const syncNow = statusBar().getByRole('button', { name: 'Sync now' });
    if (await syncNow.isEnabled()) await syncNow.click();
    await expect(statusBar().getByText('0 pending changes')).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 60_000 });
  await expect(statusBar().getByText('Online', { exact: true })).toBeVisible();
  const sent = chosen.filter((name) => name !== discarded);
  for (const name of sent) {
    await expect(rowOf(name).getByTitle('Changed here; not synced yet')).toHaveCount(0);
    await expect(rowOf(name).getByRole('switch')).toHaveAttribute('aria-checked', 'false');
  }
  const after = await serviceUsers();
  for (const name of sent) expect(after.find((u) => `${u.firstName} ${u.lastName}` === name)?.status).toBe('deactivated');
  // The discarded change never reached the service.
  expect(after.find((u) => `${u.firstName} ${u.lastName}` === discarded)?.status).toBe('active');
  await expect(statusBar().getByRole('button', { name: '0 sync issues' })).toBeVisible();
  await shot('offline-6-synced');
});
