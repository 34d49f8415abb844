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
  await expect(cells.nth(0)).toHaveText(/\d/); // when
  await expect(cells.nth(1)).toHaveText('owner@northwind.example'); // who
  await expect(cells.nth(2)).toHaveText(/create/i); // action
  await expect(cells.nth(3)).toContainText(OFFLINE_ROLE); // what
  await expect(offline.getByText(/^Offline/)).toBeVisible(); // origin

  const online = auditRow(ONLINE_ROLE);
  await expect(online).toHaveCount(1);
  await expect(online.getByRole('cell').nth(1)).toHaveText('owner@northwind.example');
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
  for (const row of await rows.all()) await expect(row.getByRole('cell').nth(3)).toContainText('Role');
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
  await page.screenshot({ path: 'test-results/screens/audit-export.png' });
});
