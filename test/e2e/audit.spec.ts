import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { signedInForSpec, type E2eEnvironment, openScreen as openScreenIn, syncUntilNothingPending as syncAllIn, statusBar as statusBarOf } from '../support/e2e-env';

// The audit log against the real core and service: who changed what and when, a change made
// offline marked as such, filters, and the CSV export.

test.describe.configure({ mode: 'serial', timeout: 90_000 });

let env: E2eEnvironment;
let page: Page;

const OFFLINE_ROLE = 'Audit Offline Role';
const ONLINE_ROLE = 'Audit Online Role';
const APP_ONLINE_ROLE = 'Audit In-App Online Role';


signedInForSpec((started) => ({ env, page } = started));

const openScreen = (name: string) => openScreenIn(page, name);

const statusBar = () => statusBarOf(page);

const syncUntilNothingPending = () => syncAllIn(page);

async function createRole(name: string) {
  await openScreen('Roles');
  await page.getByRole('button', { name: 'New role' }).click();
  const dialog = page.getByRole('dialog', { name: /New role in/ });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByRole('checkbox', { name: 'users.view' }).check();
  await dialog.getByRole('button', { name: 'Create role' }).click();
  await expect(dialog).toBeHidden();
}

function auditRow(text: string) {
  return page.locator('table.audit-table > tbody > tr').filter({ hasText: text });
}

test('lists a change queued offline in the app and ones made online (in the app, and by another client), with who, what, when and origin', async () => {
  // Another client changes the service directly (REST): its origin is "online".
  const session = await env.service.signIn('owner@northwind.example');
  const created = await env.service.call('POST', `/v1/orgs/${session.user.orgId}/roles`, {
    token: session.accessToken,
    body: { name: ONLINE_ROLE, description: '', permissions: ['users.view'] },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);

  env.link.cut();
  await createRole(OFFLINE_ROLE);
  await expect(statusBar()).toContainText('1 pending change');
  env.link.restore();
  await syncUntilNothingPending();
  // Made in the app while online: it goes through the same queue, and is labelled online.
  await createRole(APP_ONLINE_ROLE);
  await syncUntilNothingPending();

  await openScreen('Audit log');
  const offline = auditRow(OFFLINE_ROLE);
  await expect(offline).toHaveCount(1, { timeout: 30_000 });
  const cells = offline.getByRole('cell');
  // When: a local time in the user's locale, never the raw ISO instant.
  await expect(cells.nth(0)).toHaveText(/\d/);
  await expect(cells.nth(0)).not.toHaveText(/\d{4}-\d{2}-\d{2}T/);
  await expect(cells.nth(1)).toContainText('owner@northwind.example'); // who, under their name
  await expect(cells.nth(2)).toHaveText(`Created the role ${OFFLINE_ROLE} in Northwind MSP`); // what happened, in words
  await expect(offline.getByText(/^Offline/)).toBeVisible(); // origin

  const online = auditRow(ONLINE_ROLE);
  await expect(online).toHaveCount(1);
  await expect(online.getByRole('cell').nth(1)).toContainText('owner@northwind.example');
  await expect(online.getByText('Online', { exact: true })).toBeVisible();
  const appOnline = auditRow(APP_ONLINE_ROLE);
  await expect(appOnline).toHaveCount(1);
  await expect(appOnline.getByText('Online', { exact: true })).toBeVisible();
  await expect(appOnline.getByText(/^Offline/)).toHaveCount(0);

  await offline.getByRole('button', { name: 'Details' }).click();
  await expect(page.locator('tr.detail-row')).toContainText(OFFLINE_ROLE);
  await page.screenshot({ path: 'test-results/screens/audit-offline-origin.png' });
  await offline.getByRole('button', { name: 'Hide' }).click();
});

test('filters by text and by kind of item', async () => {
  const search = page.getByPlaceholder('Search by person or action');
  await search.fill(OFFLINE_ROLE);
  await expect(auditRow(OFFLINE_ROLE)).toHaveCount(1);
  await expect(auditRow(ONLINE_ROLE)).toHaveCount(0);
  await page.screenshot({ path: 'test-results/screens/audit-filter-text.png' });
  await search.fill('');

  const what = page.getByLabel('What');
  await what.selectOption({ label: 'Users' });
  await expect(auditRow(OFFLINE_ROLE)).toHaveCount(0);
  await what.selectOption({ label: 'Roles' });
  await expect(auditRow(OFFLINE_ROLE)).toHaveCount(1);
  await expect(auditRow(ONLINE_ROLE)).toHaveCount(1);
  const rows = page.locator('table.audit-table > tbody > tr');
  for (const row of await rows.all()) await expect(row.getByRole('cell').nth(2)).toContainText('role');
  await page.screenshot({ path: 'test-results/screens/audit-filter-roles.png' });
});

test('exports the filtered audit log as CSV', async () => {
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const csv = readFileSync((await download.path())!, 'utf8');
  const lines = csv.trim().split(/\r?\n/);
  expect(lines.length).toBeGreaterThan(2);
  expect(csv).toContain(OFFLINE_ROLE);
  expect(csv).toContain(ONLINE_ROLE);
  expect(csv).toContain('owner@northwind.example');
  // Each change in words, as on the screen.
  expect(lines[0]).toContain('description');
  expect(csv).toContain(`Created the role ${OFFLINE_ROLE} in Northwind MSP`);
  await page.screenshot({ path: 'test-results/screens/audit-export.png' });
  await page.getByLabel('What').selectOption({ label: 'Everything' });
});

/** Today as the date input takes it (the browser's local day). */
async function localDay(offsetDays = 0): Promise<string> {
  return page.evaluate((days) => {
    const date = new Date();
    date.setDate(date.getDate() + days);
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  }, offsetDays);
}

test('filters by date range, in local days', async () => {
  const from = page.getByLabel('From');
  const to = page.getByLabel('To');
  await from.fill(await localDay());
  await to.fill(await localDay());
  await expect(auditRow(OFFLINE_ROLE)).toHaveCount(1);
  await expect(auditRow(ONLINE_ROLE)).toHaveCount(1);
  await page.screenshot({ path: 'test-results/screens/audit-filter-today.png' });
  // Nothing was changed yesterday, nor will be tomorrow.
  await from.fill('');
  await to.fill(await localDay(-1));
  await expect(page.getByText('No change matches these filters')).toBeVisible();
  await to.fill('');
  await from.fill(await localDay(1));
  await expect(page.getByText('No change matches these filters')).toBeVisible();
  // A range that ends before it starts says so.
  await to.fill(await localDay());
  await expect(page.getByRole('main').getByRole('alert')).toHaveText('The last day is before the first: choose a To date on or after the From date.');
  await page.screenshot({ path: 'test-results/screens/audit-filter-backwards.png' });
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(auditRow(OFFLINE_ROLE)).toHaveCount(1);
});

test('filters by who made the change', async () => {
  // A change by someone else: Contoso Dental's administrator renames one of their users.
  const admin = await env.service.signIn('admin@contoso-dental.example');
  const users = (await env.service.call('GET', `/v1/orgs/${admin.user.orgId}/users?status=active`, { token: admin.accessToken })).body as {
    items: { id: string; version: number; email: string; firstName: string }[];
  };
  const renamed = users.items.find((user) => !user.email.startsWith('admin@'))!;
  const patched = await env.service.call('PATCH', `/v1/orgs/${admin.user.orgId}/users/${renamed.id}`, {
    token: admin.accessToken,
    body: { version: renamed.version, firstName: 'Auditeda' },
  });
  expect(patched.status, JSON.stringify(patched.body)).toBe(200);
  await syncUntilNothingPending();
  // Their change is in Contoso Dental, below the provider.
  const include = page.getByRole('checkbox', { name: /Include child organizations/ });
  await include.check();
  const who = page.getByLabel('Who');
  await expect(who.locator('option', { hasText: 'admin@contoso-dental.example' })).toHaveCount(1, { timeout: 30_000 });
  const adminOption = (await who.locator('option', { hasText: 'admin@contoso-dental.example' }).textContent())!;
  await who.selectOption({ label: adminOption });
  const rows = page.locator('table.audit-table > tbody > tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('admin@contoso-dental.example');
  await expect(rows.first()).toContainText(/^.*Renamed .* to Auditeda /);
  await expect(rows.first()).toContainText('Contoso Dental');
  await page.screenshot({ path: 'test-results/screens/audit-filter-who.png' });
  const ownerOption = (await who.locator('option', { hasText: 'owner@northwind.example' }).textContent())!;
  await who.selectOption({ label: ownerOption });
  await expect(auditRow('Auditeda')).toHaveCount(0);
  await expect(auditRow(OFFLINE_ROLE)).toHaveCount(1);
  await who.selectOption({ label: 'Everyone' });
  await include.uncheck();
});

test("a user's History in their panel opens the audit log at their changes, in words", async () => {
  // Deactivated by another client, so the user has history.
  const session = await env.service.signIn('owner@northwind.example');
  const users = (await env.service.call('GET', `/v1/orgs/${session.user.orgId}/users?status=active`, { token: session.accessToken })).body as {
    items: { id: string; email: string; firstName: string; lastName: string }[];
  };
  const target = users.items.find((user) => !user.email.startsWith('owner@') && !user.email.startsWith('admin@'))!;
  const name = `${target.firstName} ${target.lastName}`;
  const deactivated = await env.service.call('POST', `/v1/orgs/${session.user.orgId}/users/${target.id}/deactivate`, { token: session.accessToken, body: {} });
  expect(deactivated.status, JSON.stringify(deactivated.body)).toBe(200);
  await syncUntilNothingPending();

  await openScreen('Users');
  await page.getByPlaceholder('Search by name or email').fill(target.email);
  await page.getByRole('grid', { name: 'Users' }).locator('.grid-body [role="row"]').filter({ hasText: target.email }).click();
  const side = page.locator('.side-panel');
  await expect(side.getByRole('heading', { name })).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/audit-user-panel-history-link.png' });
  await side.getByRole('link', { name: 'History' }).click();

  await expect(page.getByRole('main').getByRole('heading', { level: 1, name: 'Audit log', exact: true })).toBeVisible();
  await expect(page.getByText(`History of ${name}`)).toBeVisible();
  const rows = page.locator('table.audit-table > tbody > tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.first().getByRole('cell').nth(2)).toHaveText(`Deactivated ${name}`);
  const text = await page.getByRole('main').innerText();
  expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-/);
  expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}/);
  await rows.first().getByRole('button', { name: 'Details' }).click();
  await expect(page.locator('tr.detail-row')).toContainText('Deactivated');
  for (const [width, height] of [
    [1440, 900],
    [1024, 768],
  ] as const) {
    for (const scheme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: `test-results/screens/audit-user-history-${width}-${scheme}.png` });
    }
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });
  // Removing the filter shows every change again.
  await page.getByRole('button', { name: `Remove filter: History of ${name}` }).click();
  await expect(auditRow(OFFLINE_ROLE)).toHaveCount(1);
  for (const scheme of ['light', 'dark'] as const) {
    for (const [width, height] of [
      [1440, 900],
      [1024, 768],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: `test-results/screens/audit-log-${width}-${scheme}.png` });
    }
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });
});
