import { expect as baseExpect, test, type BrowserContext, type Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from '../support/axe';
import { signInAllowingOneReload, startE2eEnvironment, type E2eEnvironment, statusBar as statusBarOf } from '../support/e2e-env';

const SCREENS = ['Home', 'Users', 'Roles', 'Billing contacts', 'Subscriptions', 'Invoices', 'Account', 'Sync issues', 'Audit log'] as const;

let env: E2eEnvironment;
let context: BrowserContext;
let page: Page;

// The machine runs other suites at the same time: generous timeouts, no fixed sleeps.
test.describe.configure({ mode: 'serial', timeout: 120_000 });
const expect = baseExpect.configure({ timeout: 20_000 });

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  env = await startE2eEnvironment();
  // axe needs a page of a context made with browser.newContext().
  context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  page = await context.newPage();
});

test.afterAll(async () => {
  await context?.close();
  await env?.close();
});


const screensNav = () => page.getByRole('navigation', { name: 'Screens' });
const statusBar = () => statusBarOf(page);
const shot = (name: string) => page.screenshot({ path: `test-results/screens/${name}.png` });

async function goTo(name: string): Promise<void> {
  await screensNav().getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('main').getByRole('heading', { level: 1, name, exact: true })).toBeVisible();
}

test('the sign-in screen has no serious accessibility violations', async () => {
  await page.goto(env.host.launchUrl);
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'the sign-in screen');
  await shot('shell-sign-in');
});

test('signs in: the navigation names every screen, and each one opens and passes axe', async () => {
  await signInAllowingOneReload(page, env);
  const links = screensNav().getByRole('link');
  await expect(links).toHaveText([...SCREENS]);
  for (const name of SCREENS) {
    await goTo(name);
    await expect(screensNav().getByRole('link', { name, exact: true })).toHaveAttribute('aria-current', 'page');
    // Let the screen's data arrive before checking and photographing it.
    await expect(page.getByRole('main').locator('.loading')).toHaveCount(0);
    await expectNoSeriousA11yViolations(page, `the ${name} screen`);
    await shot(`shell-${name.toLowerCase().replace(/ /g, '-')}`);
  }
});

test('the status bar shows online, the last sync and the pending count', async () => {
  await goTo('Users');
  await expect(statusBar().getByText('Online', { exact: true })).toBeVisible();
  await expect(statusBar().getByText(/^Synced /)).toBeVisible();
  await expect(statusBar().getByText('0 pending changes')).toBeVisible();
  await expect(statusBar().getByRole('button', { name: 'Sync now' })).toBeEnabled();
  await shot('shell-status-bar');
});

test('the organization switcher searches the tree, picks a customer, and the screen shows it', async () => {
  await goTo('Users');
  const switcher = page.getByRole('button', { name: /^Organization: Northwind MSP/ });
  await expect(switcher).toBeVisible();
  await switcher.click();
  const panel = page.getByRole('dialog', { name: 'Switch organization' });
  await expect(panel).toBeVisible();
  // The whole tree: the provider, its resellers and customers.
  const options = panel.getByRole('option');
  await expect(options.filter({ hasText: 'Northwind MSP' })).toHaveAttribute('aria-selected', 'true');
  expect(await options.count()).toBeGreaterThan(3);
  await panel.getByRole('combobox', { name: 'Search organizations' }).fill('contoso');
  await expect(options).toHaveCount(1);
  await expect(options.first()).toContainText('Contoso Dental');
  await shot('shell-org-switcher-search');
  await options.first().click();
  await expect(panel).toBeHidden();
  await expect(page.getByRole('button', { name: /^Organization: Contoso Dental/ })).toBeVisible();
  await expect(page.locator('.screen-org-name')).toHaveText('Contoso Dental');
  await expect(page.getByRole('region', { name: 'Billed seats' })).toContainText('Contoso Dental');
  await shot('shell-org-contoso');
});

test('"include child organizations" widens a reseller\'s users to the organizations below it', async () => {
  await page.getByRole('button', { name: /^Organization: / }).click();
  const panel = page.getByRole('dialog', { name: 'Switch organization' });
  const search = panel.getByRole('combobox', { name: 'Search organizations' });
  await search.fill('Fabrikam');
  await search.press('Enter');
  await expect(page.locator('.screen-org-name')).toHaveText('Fabrikam IT Partners');
  const grid = page.getByRole('grid', { name: 'Users' });
  await expect(grid.getByRole('columnheader', { name: 'Organization' })).toHaveCount(0);
  const seats = page.getByRole('region', { name: 'Billed seats' });
  const alone = Number((await seats.locator('.seat-number').innerText()).replace(/\D/g, ''));

  const include = page.getByRole('checkbox', { name: /Include child organizations/ });
  await include.check();
  await expect(seats).toContainText('and the organizations below it');
  await expect(grid.getByRole('columnheader', { name: 'Organization' })).toBeVisible();
  await expect.poll(async () => Number((await seats.locator('.seat-number').innerText()).replace(/\D/g, ''))).toBeGreaterThan(alone);
  await shot('shell-include-children');
  await include.uncheck();
  await expect(seats).not.toContainText('and the organizations below it');
});

test('Ctrl+K and "/" focus the screen\'s search field', async () => {
  await goTo('Users');
  const search = page.getByRole('searchbox', { name: 'Search users' });
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await expect(search).not.toBeFocused();
  await page.keyboard.press('Control+k');
  await expect(search).toBeFocused();
  await page.getByRole('main').getByRole('heading', { level: 1 }).click();
  await expect(search).not.toBeFocused();
  await page.keyboard.press('/');
  await expect(search).toBeFocused();
  // "/" typed in the field is a character, not the shortcut.
  await page.keyboard.type('a/');
  await expect(search).toHaveValue('a/');
  await search.fill('');
  await shot('shell-search-focused');
});

async function switchOrg(name: string): Promise<void> {
  await page.getByRole('button', { name: /^Organization: / }).click();
  const panel = page.getByRole('dialog', { name: 'Switch organization' });
  await panel.getByRole('combobox', { name: 'Search organizations' }).fill(name);
  await panel.getByRole('option').filter({ hasText: name }).first().click();
  await expect(page.getByRole('button', { name: new RegExp(`^Organization: ${name}`) })).toBeVisible();
}

const toasts = () => page.locator('.toasts');

test('a change\'s confirmation waits for the service: shown once it is applied', async () => {
  await switchOrg('Northwind MSP');
  await goTo('Users');
  await page.getByRole('main').locator('[data-search]').fill('emma.hoffmann');
  const row = page.getByRole('grid', { name: 'Users' }).getByRole('row').filter({ hasText: 'emma.hoffmann@northwind.example' });
  const active = row.getByRole('switch');
  await expect(active).toHaveAttribute('aria-checked', 'true');
  // A member: the one deactivate channel, without a dialog.
  await active.click();
  const confirmation = toasts().getByRole('status').locator('.toast').filter({ hasText: 'Emma Hoffmann was deactivated.' });
  await expect(confirmation).toBeVisible();
  // Once the service has answered, nothing says it is still on its way.
  await expect(confirmation).not.toContainText('Saved; sending');
  await expect(confirmation).not.toContainText('Saved on this computer');
  const session = await env.service.signIn('owner@northwind.example');
  await expect
    .poll(async () => {
      const users = await env.service.call('GET', `/v1/orgs/${session.user.orgId}/users?q=emma.hoffmann`, { token: session.accessToken });
      return (users.body as { items: { status: string }[] }).items[0]?.status;
    })
    .toBe('deactivated');
  await shot('shell-toast-applied');
  await active.click();
  await expect(toasts().getByText('Emma Hoffmann was activated.')).toBeVisible();
  await expect(active).toHaveAttribute('aria-checked', 'true');
});

test('a change the service refuses when the app is back online says why, with a link to the sync issue', async () => {
  const session = await env.service.signIn('owner@northwind.example');
  const listed = await env.service.call('GET', `/v1/orgs/${session.user.orgId}/subscriptions?includeChildren=true`, { token: session.accessToken });
  const subscription = (listed.body as { items: { id: string; orgId: string; orgName: string; product: string; status: string; contractEnd: string | null; trialEnd: string | null; licenseKey: string }[] }).items.find(
    (item) => item.status === 'active' && item.contractEnd === null && item.trialEnd === null,
  )!;
  expect(subscription).toBeDefined();
  await switchOrg(subscription.orgName);
  await goTo('Subscriptions');

  env.link.cut('refuse');
  await statusBar().getByRole('button', { name: 'Sync now' }).click();
  await expect(statusBar().getByText('Offline', { exact: true })).toBeVisible({ timeout: 30_000 });
  // Meanwhile someone else cancels it.
  const cancelled = await env.service.call('POST', `/v1/orgs/${subscription.orgId}/subscriptions/${subscription.id}/cancel`, { token: session.accessToken });
  expect(cancelled.status).toBe(200);

  const row = page.getByRole('table').locator('tbody tr').filter({ hasText: subscription.licenseKey });
  await row.getByRole('button', { name: `Actions for ${subscription.product} (${subscription.orgName})` }).click();
  await page.getByRole('menuitem', { name: 'Cancel subscription…' }).click();
  await page.getByRole('alertdialog', { name: `Cancel ${subscription.product}?` }).getByRole('button', { name: 'Cancel now' }).click();
  await expect(toasts().getByText('Saved on this computer: it is sent when Seatdesk is back online.').first()).toBeVisible();

  env.link.restore();
  // Back within seconds (the event stream reconnects); the refusal comes with its reason.
  const refusal = toasts().getByRole('alert').locator('.toast').filter({ hasText: `Cancel subscription (${subscription.product}) was not applied.` });
  await expect(refusal).toBeVisible({ timeout: 30_000 });
  await expect(statusBar().getByText('Online', { exact: true })).toBeVisible();
  await expect(statusBar().getByRole('button', { name: '1 sync issue' })).toBeVisible();
  await shot('shell-toast-refused');
  await refusal.getByRole('button', { name: 'Open in Sync issues' }).click();
  await expect(page.getByRole('main').getByRole('heading', { level: 1, name: 'Sync issues', exact: true })).toBeVisible();
  await expect(page.getByRole('main').getByRole('article').filter({ hasText: subscription.product }).first()).toBeVisible();
  await shot('shell-toast-refused-issue');
});

test('the "signed in as" menu signs out, back to the sign-in screen', async () => {
  const menuButton = page.getByRole('button', { name: 'Signed in as owner@northwind.example' });
  await menuButton.click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByLabel('Password')).toBeVisible();
  await expect(screensNav()).toHaveCount(0);
  await shot('shell-signed-out');
});
