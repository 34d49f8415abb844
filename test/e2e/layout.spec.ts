import { expect, test, type Locator, type Page } from '@playwright/test';
import { openScreen, signedInForSpec, type E2eEnvironment } from '../support/e2e-env';
import { box, intersects, type Box } from '../support/e2e-boxes';

// Layout at the two window sizes people use (1024x768, 1440x900), light and dark: the users
// table beside the open panel, the subscriptions and invoices tables, the account. Each
// screenshot is written to SCREENSHOT_DIR (test-results/screens by default) to be looked at;
// the facts that matter are asserted with bounding boxes.

// Not serial: one size's failure must not hide the other screenshots (a failed test restarts the
// worker, which signs in afresh).
test.describe.configure({ timeout: 120_000 });

let env: E2eEnvironment;
let page: Page;

const LONG_FIRST = 'Maximiliana Alexandrina';
const LONG_LAST = 'Wilhelmina von Hohenzollern-Sigmaringen-Lichtenberg';
// Accents on the first letter: binary or NOCASE order put these after "Wagner".
const ACCENTED = [
  { email: 'mia.byrne@northwind.example', firstName: 'Inés', lastName: 'Ñúñez' },
  { email: 'jan.andersen@northwind.example', firstName: 'Jan', lastName: 'Ávila' },
] as const;

interface ServiceUser {
  id: string;
  email: string;
  version: number;
}

signedInForSpec(
  (started) => ({ env, page } = started),
  async () => {
    // A name too long for the panel's header, and one with accents for the sort order.
    const session = await env.service.signIn('owner@northwind.example');
    const list = await env.service.call('GET', `/v1/orgs/${session.user.orgId}/users`, { token: session.accessToken });
    const users = (list.body as { items: ServiceUser[] }).items;
    const rename = async (email: string, names: { firstName: string; lastName: string }) => {
      const user = users.find((u) => u.email === email)!;
      const response = await env.service.call('PATCH', `/v1/orgs/${session.user.orgId}/users/${user.id}`, {
        token: session.accessToken,
        body: { version: user.version, ...names },
      });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
    };
    await rename('kevin.girard@northwind.example', { firstName: LONG_FIRST, lastName: LONG_LAST });
    for (const { email, ...names } of ACCENTED) await rename(email, names);
  },
);

const SIZES = [
  { width: 1024, height: 768 },
  { width: 1440, height: 900 },
] as const;
const SCHEMES = ['light', 'dark'] as const;

const shot = (name: string) => page.screenshot({ path: `${process.env['SCREENSHOT_DIR'] ?? 'test-results/screens'}/layout-${name}.png` });

/** Inside the window, allowing half a pixel of rounding. */
function expectInViewport(found: Box, size: { width: number; height: number }, what: string): void {
  expect(found.x, `${what} starts inside the window`).toBeGreaterThanOrEqual(-0.5);
  expect(found.x + found.width, `${what} ends inside the window`).toBeLessThanOrEqual(size.width + 0.5);
}
/** The element shows all of its text, or cuts it with an ellipsis and holds it whole in its title. */
async function showsAllText(locator: Locator): Promise<boolean> {
  return locator.evaluate((el) => {
    const whole = el.scrollWidth <= el.clientWidth + 1 && el.scrollHeight <= el.clientHeight + 1;
    return whole || el.getAttribute('title') === el.textContent;
  });
}

const grid = () => page.getByRole('grid', { name: 'Users' });
const panel = () => page.locator('.side-panel');

for (const size of SIZES) {
  for (const scheme of SCHEMES) {
    const at = `${size.width}x${size.height}-${scheme}`;

    test(`users with the panel open keep every column (${at})`, async () => {
      await page.setViewportSize(size);
      await page.emulateMedia({ colorScheme: scheme });
      await openScreen(page, 'Users');
      await page.getByRole('searchbox', { name: 'Search users' }).fill('');
      await grid().locator('.grid-body [role="row"]', { hasText: LONG_LAST }).click();
      await expect(panel().getByRole('heading', { level: 2 })).toContainText(LONG_LAST);

      // Every column is still there beside the panel, each at least its minimum width.
      for (const name of ['Name', 'Email', 'Roles', 'Active', 'Last active']) {
        const header = grid().getByRole('columnheader', { name, exact: true });
        await expect(header).toBeAttached();
        expect((await box(header)).width, `${name} column width`).toBeGreaterThanOrEqual(64);
      }
      // The long name is not cut off in the panel's header.
      const title = panel().getByRole('heading', { level: 2 });
      expect(await showsAllText(title)).toBe(true);
      expect(intersects(await box(title), await box(panel().getByRole('button', { name: 'Close panel' })))).toBe(false);
      const panelBox = await box(panel());
      expectInViewport(panelBox, size, 'the panel');
      if (size.width >= 1440) {
        // Wide enough: the whole table shows beside the panel, no sideways scrolling.
        for (const name of ['Roles', 'Active', 'Last active']) {
          const header = await box(grid().getByRole('columnheader', { name, exact: true }));
          expect(header.x + header.width, `${name} ends before the panel`).toBeLessThanOrEqual(panelBox.x);
        }
      } else {
        // Narrow: the table scrolls sideways to its last column.
        const last = grid().getByRole('columnheader', { name: 'Last active', exact: true });
        await last.scrollIntoViewIfNeeded();
        const header = await box(last);
        expect(header.x + header.width).toBeLessThanOrEqual(panelBox.x + 0.5);
        await grid().evaluate((el) => el.scrollTo({ left: 0 }));
      }
      await shot(`users-panel-${at}`);

      // Saving shows a toast that never covers the panel's Save button.
      const firstName = panel().getByLabel('First name');
      const other = (await firstName.inputValue()) === LONG_FIRST ? 'Maximiliane Alexandrina' : LONG_FIRST;
      await firstName.fill(other);
      const save = panel().getByRole('button', { name: 'Save changes' });
      await save.click();
      await expect(page.locator('.toast').first()).toBeVisible();
      const saveBox = await box(save);
      for (const toast of await page.locator('.toast').all()) expect(intersects(saveBox, await box(toast)), 'a toast over the Save button').toBe(false);
      await shot(`users-panel-toast-${at}`);
      await panel().getByRole('button', { name: 'Close panel' }).click();
    });

    test(`users table without the panel shows the Active column whole (${at})`, async () => {
      await page.setViewportSize(size);
      await page.emulateMedia({ colorScheme: scheme });
      await openScreen(page, 'Users');
      const active = grid().getByRole('columnheader', { name: 'Active', exact: true });
      expectInViewport(await box(active), size, 'the Active column');
      const gridBox = await box(grid());
      const activeBox = await box(active);
      expect(activeBox.x + activeBox.width).toBeLessThanOrEqual(gridBox.x + gridBox.width + 0.5);
      const first = grid().locator('.grid-body [role="row"]').first().getByRole('switch');
      if ((await first.count()) > 0) expectInViewport(await box(first), size, 'an Active switch');
      // Dates in the Last active column are whole, not cut at the column's edge.
      for (const cell of await grid().locator('.grid-body [role="row"] [role="gridcell"]:last-child').all()) expect(await showsAllText(cell)).toBe(true);
      await shot(`users-${at}`);
    });

    test(`subscriptions: row actions inside the window (${at})`, async () => {
      await page.setViewportSize(size);
      await page.emulateMedia({ colorScheme: scheme });
      await openScreen(page, 'Subscriptions');
      const include = page.getByRole('checkbox', { name: /Include child organizations/ });
      if (!(await include.isChecked())) await include.check();
      const table = page.locator('table.subscriptions-table');
      await expect(table.locator('tbody tr').first()).toBeVisible();
      const actions = table.locator('tbody tr').first().locator('td.row-actions');
      const actionsBox = await box(actions);
      expectInViewport(actionsBox, size, 'the row actions');
      for (const button of await actions.getByRole('button').all()) expectInViewport(await box(button), size, 'a row action');
      await shot(`subscriptions-${at}`);
      await include.uncheck();
    });

    test(`invoices: labelled month filters, no empty date mask (${at})`, async () => {
      await page.setViewportSize(size);
      await page.emulateMedia({ colorScheme: scheme });
      await openScreen(page, 'Invoices');
      const filters = page.getByRole('search', { name: 'Filter invoices' });
      for (const label of ['From month', 'To month']) {
        const control = filters.getByRole('combobox', { name: label, exact: true });
        await expect(control).toBeVisible();
        // A list of months, not Chromium's "--------- ----" mask of an empty month input.
        expect(await control.evaluate((el) => el.tagName)).toBe('SELECT');
        await expect(control.locator('option:checked')).toHaveText('Any month');
      }
      expectInViewport(await box(filters), size, 'the invoice filters');
      // Every column of the list shows, the totals too.
      const total = page.getByRole('columnheader', { name: 'Total' });
      expectInViewport(await box(total), size, 'the Total column');
      expect(await showsAllText(page.locator('table.invoices-table tbody tr').first().locator('td').last())).toBe(true);
      await shot(`invoices-${at}`);
    });

    test(`account: card brands properly cased (${at})`, async () => {
      await page.setViewportSize(size);
      await page.emulateMedia({ colorScheme: scheme });
      await openScreen(page, 'Account');
      const methods = page.getByRole('region', { name: 'Payment methods' }).or(page.locator('section[aria-labelledby="payment-methods-title"]'));
      await methods.getByText(/^Visa ending in \d{4}/).scrollIntoViewIfNeeded();
      await expect(methods.getByText(/^Visa ending in \d{4}/)).toBeVisible();
      await expect(methods.getByText(/^visa ending/)).toHaveCount(0);
      await shot(`account-${at}`);
    });
  }
}

test('names sort by the user’s locale: Ñúñez with the N names, Ávila with the A names', async () => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await openScreen(page, 'Users');
  await page.getByRole('searchbox', { name: 'Search users' }).fill('');
  const rows = grid().locator('.grid-body [role="row"]');
  await expect(rows.filter({ hasText: 'Ávila' })).toHaveCount(1);
  // The rows' last names in the order shown: each row's email looked up in the service's list.
  const session = await env.service.signIn('owner@northwind.example');
  const list = await env.service.call('GET', `/v1/orgs/${session.user.orgId}/users`, { token: session.accessToken });
  const lastNameOf = new Map((list.body as { items: { email: string; lastName: string }[] }).items.map((u) => [u.email, u.lastName]));
  const emails = await rows.locator('[role="gridcell"]:nth-child(3)').allTextContents();
  const lastNames = emails.map((email) => lastNameOf.get(email.trim()) ?? `(unknown ${email})`);
  const collator = new Intl.Collator('en', { sensitivity: 'base' });
  for (let i = 1; i < lastNames.length; i++) expect(collator.compare(lastNames[i - 1]!, lastNames[i]!), `${lastNames[i - 1]} before ${lastNames[i]}`).toBeLessThanOrEqual(0);
  expect(lastNames.indexOf('Ávila')).toBeLessThan(3);
  expect(lastNames.indexOf('Ñúñez')).toBeLessThan(lastNames.indexOf('Wagner'));
  await shot('users-sorted');
});
