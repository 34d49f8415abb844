import { expect, test, type Page } from '@playwright/test';
import { openScreen as openScreenIn, signedInForSpec, statusBar as statusBarOf, syncUntilNothingPending, type E2eEnvironment } from '../support/e2e-env';

// The Home screen against the real core and service: what needs attention, money and seats for the
// provider and everything below it; each heading's link opens the screen filtered the same way;
// offline it still answers from the copy.

test.describe.configure({ mode: 'serial', timeout: 120_000 });

let env: E2eEnvironment;
let page: Page;
let token: string;
let orgId: string;

signedInForSpec(
  (started) => ({ env, page } = started),
  async () => {
    const session = await env.service.signIn('owner@northwind.example');
    token = session.accessToken;
    orgId = session.user.orgId;
  },
);

const main = () => page.getByRole('main');
const attention = () => page.getByRole('region', { name: 'Needs attention' });
const row = (id: string) => attention().locator(`[data-attention="${id}"]`);
const shot = (name: string) => page.screenshot({ path: `test-results/screens/${name}.png` });
const openScreen = (name: string) => openScreenIn(page, name);

async function serviceList<T>(path: string): Promise<T[]> {
  const response = await env.service.call('GET', path, { token });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return (response.body as { items: T[] }).items;
}

/** The four looks the screens are checked in. */
async function screenshots(name: string) {
  for (const [width, height] of [
    [1440, 900],
    [1024, 768],
  ] as const) {
    for (const scheme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme: scheme });
      await page.locator('.main-column').evaluate((column) => column.scrollTo(0, 0));
      await shot(`${name}-${width}-${scheme}`);
      // Below the fold at 1024 px: money and seats, then the end of the list.
      await page.getByRole('region', { name: 'Seats' }).scrollIntoViewIfNeeded();
      await shot(`${name}-${width}-${scheme}-lower`);
    }
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.locator('.main-column').evaluate((column) => column.scrollTo(0, 0));
}

test('opens on Home, first in the navigation, with what needs attention, money and seats', async () => {
  await page.setViewportSize({ width: 1440, height: 900 });
  const links = page.getByRole('navigation', { name: 'Screens' }).getByRole('link');
  await expect(links.first()).toHaveText('Home');
  await expect(links.first()).toHaveAttribute('aria-current', 'page');
  await expect(main().getByRole('heading', { level: 1, name: 'Home', exact: true })).toBeVisible();
  await syncUntilNothingPending(page);

  await expect(attention()).toBeVisible();
  await expect(page.getByRole('region', { name: 'Money' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Seats' })).toBeVisible();
  await expect(main()).toContainText(/With the \d+ organizations below it/);

  // The counts are the service's own, for the provider and everything below it.
  const invoices = await serviceList<{ status: string; total: number; currency: string }>(`/v1/orgs/${orgId}/invoices?includeChildren=true`);
  const overdue = invoices.filter((invoice) => invoice.status === 'overdue');
  expect(overdue.length).toBeGreaterThan(0);
  await expect(row('overdue').getByRole('heading')).toHaveText(`${overdue.length} overdue ${overdue.length === 1 ? 'invoice' : 'invoices'}`);
  const subscriptions = await serviceList<{ status: string }>(`/v1/orgs/${orgId}/subscriptions?includeChildren=true`);
  const scheduled = subscriptions.filter((subscription) => subscription.status === 'cancel_scheduled').length;
  await expect(row('cancellations').getByRole('heading')).toHaveText(scheduled === 0 ? 'No scheduled cancellations' : `${scheduled} scheduled ${scheduled === 1 ? 'cancellation' : 'cancellations'}`);
  for (const id of ['trials', 'contracts', 'invitations', 'sync']) await expect(row(id).getByRole('heading')).toBeVisible();
  await expect(row('sync').getByRole('heading')).toHaveText('No sync issues');

  // Money per currency, never added across: the demo bills in EUR and GBP.
  const money = page.getByRole('region', { name: 'Money' });
  for (const currency of [...new Set(invoices.map((invoice) => invoice.currency))]) await expect(money.getByRole('columnheader', { name: currency })).toBeVisible();
  for (const label of [/^Monthly recurring revenue$/, /^Annual run rate$/, /^Outstanding/, /^Overdue$/, /^Next invoices/]) {
    await expect(money.getByRole('rowheader', { name: label })).toBeVisible();
  }
  await expect(page.getByRole('region', { name: 'Seats' })).toContainText('active seats now');
  // No raw ids or ISO instants anywhere on the screen.
  const text = await main().innerText();
  expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-/);
  expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}/);
  await screenshots('home');
});

test('a deactivation shows under Seats as a change since the last invoice, named by organization', async () => {
  const contoso = (await serviceList<{ id: string; name: string }>('/v1/orgs')).find((org) => org.name === 'Contoso Dental')!;
  const users = await serviceList<{ id: string; status: string; email: string }>(`/v1/orgs/${contoso.id}/users?status=active`);
  const someone = users.find((user) => !user.email.startsWith('admin@'))!;
  const response = await env.service.call('POST', `/v1/orgs/${contoso.id}/users/${someone.id}/deactivate`, { token, body: {} });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  await statusBarOf(page).getByRole('button', { name: 'Sync now' }).click();
  const seats = page.getByRole('region', { name: 'Seats' });
  const change = seats.getByRole('row').filter({ hasText: 'Contoso Dental' });
  await expect(change).toBeVisible({ timeout: 30_000 });
  await expect(change.getByRole('cell').last()).toHaveText('\u22121');
  await expect(seats).toContainText('\u22121 since');
  await seats.scrollIntoViewIfNeeded();
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await shot(`home-seat-change-${scheme}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.locator('.main-column').evaluate((column) => column.scrollTo(0, 0));
});

test('"Show overdue invoices" opens Invoices filtered to overdue, over everything below the provider', async () => {
  const count = Number((await row('overdue').getByRole('heading').innerText()).replace(/\D/g, ''));
  await row('overdue').getByRole('link', { name: 'Show overdue invoices' }).click();
  await expect(main().getByRole('heading', { level: 1, name: 'Invoices', exact: true })).toBeVisible();
  await expect(main().getByRole('combobox', { name: 'Status' })).toHaveValue('overdue');
  await expect(page.getByRole('checkbox', { name: /Include child organizations/ })).toBeChecked();
  const rows = main().locator('table.nowrap-cells > tbody > tr');
  await expect(rows).toHaveCount(count);
  for (const invoiceRow of await rows.all()) await expect(invoiceRow).toContainText('Overdue');
  expect(page.url()).toContain('#/invoices?status=overdue');
  await shot('home-link-invoices-overdue');
});

test('the trials and contracts links open Subscriptions filtered the same way, removable', async () => {
  await openScreen('Home');
  const trials = row('trials');
  const heading = await trials.getByRole('heading').innerText();
  const count = /^No /.test(heading) ? 0 : Number(heading.replace(/\D.*$/, ''));
  if (count > 0) {
    await trials.getByRole('link', { name: 'Show these trials' }).click();
    await expect(main().getByRole('heading', { level: 1, name: 'Subscriptions', exact: true })).toBeVisible();
    await expect(page.getByText('Trials ending within 14 days')).toBeVisible();
    const rows = main().locator('table.subscriptions-table > tbody > tr');
    await expect(rows).toHaveCount(count);
    for (const subscriptionRow of await rows.all()) await expect(subscriptionRow).toContainText('Trial');
    await shot('home-link-subscriptions-trials');
    await page.getByRole('button', { name: 'Remove filter: Trials ending within 14 days' }).click();
    await expect(rows.nth(count)).toBeVisible();
    await openScreen('Home');
  }
  const contracts = row('contracts');
  const ninety = contracts.getByRole('link', { name: /in 90 days/ });
  const within = Number((await ninety.innerText()).replace(/ in 90 days$/, '').replace(/\D/g, ''));
  await ninety.click();
  await expect(page.getByText('Contracts ending or renewing within 90 days')).toBeVisible();
  const rows = main().locator('table.subscriptions-table > tbody > tr');
  if (within === 0) await expect(main().getByText('No subscription matches these filters')).toBeVisible();
  else await expect(rows).toHaveCount(within);
});

test('"Show pending users" opens Users filtered to pending', async () => {
  await openScreen('Home');
  const invitations = row('invitations');
  const link = invitations.getByRole('link', { name: 'Show pending users' });
  // The demo data always has an invitation older than a week (service/seed/dataset.test.ts).
  await expect(link).toBeVisible();
  await link.click();
  await expect(main().getByRole('heading', { level: 1, name: 'Users', exact: true })).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Status' })).toHaveValue('pending');
  await expect(page.getByRole('grid', { name: 'Users' }).locator('.grid-body [role="row"]').first()).toBeVisible();
  await shot('home-link-users-pending');
});

test('offline, Home still answers from the copy on this computer', async () => {
  await openScreen('Home');
  const before = await row('overdue').getByRole('heading').innerText();
  env.link.cut();
  try {
    await statusBarOf(page).getByRole('button', { name: 'Sync now' }).click();
    await expect(statusBarOf(page).getByText('Offline', { exact: true })).toBeVisible({ timeout: 30_000 });
    await page.reload();
    await expect(main().getByRole('heading', { level: 1, name: 'Home', exact: true })).toBeVisible({ timeout: 60_000 });
    await expect(row('overdue').getByRole('heading')).toHaveText(before);
    await expect(page.getByRole('region', { name: 'Money' })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Seats' })).toBeVisible();
    await screenshots('home-offline');
  } finally {
    env.link.restore();
  }
});
