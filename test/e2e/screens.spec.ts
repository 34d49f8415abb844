import { expect, test, type Locator, type Page } from '@playwright/test';
import { openScreen, signedInForSpec } from '../support/e2e-env';
import { box, intersects, type Box } from '../support/e2e-boxes';

// The screens and dialogs added after layout.spec.ts, at 1024x768 and 1440x900, light and dark:
// Home, New organization, change seats / change plan with the proration preview, the audit log's
// filters, the country picker, the CSV import check, and the invite and bulk results that name
// every entry left out. Each look is written to SCREENSHOT_DIR (test-results/screens by default)
// as <name>-<size>-<theme>.png to be looked at; what must hold is asserted: inside the window,
// no sideways overflow, labels whole, the primary button clear of toasts, readable contrast.

test.describe.configure({ timeout: 120_000 });

let page: Page;

signedInForSpec((started) => ({ page } = started));

const SIZES = [
  { width: 1024, height: 768 },
  { width: 1440, height: 900 },
] as const;
const SCHEMES = ['light', 'dark'] as const;
type Size = (typeof SIZES)[number];
type Scheme = (typeof SCHEMES)[number];


function expectInWindow(found: Box, size: Size, what: string): void {
  expect(found.x, `${what} starts inside the window`).toBeGreaterThanOrEqual(-0.5);
  expect(found.y, `${what} starts inside the window`).toBeGreaterThanOrEqual(-0.5);
  expect(found.x + found.width, `${what} ends inside the window (right)`).toBeLessThanOrEqual(size.width + 0.5);
  expect(found.y + found.height, `${what} ends inside the window (bottom)`).toBeLessThanOrEqual(size.height + 0.5);
}

/** No sideways scrolling: the element holds its content's width. */
async function expectNoSidewaysOverflow(locator: Locator, what: string): Promise<void> {
  const { scrollWidth, clientWidth } = await locator.evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
  expect(scrollWidth, `${what} overflows sideways (${scrollWidth} > ${clientWidth})`).toBeLessThanOrEqual(clientWidth + 1);
}

/** Every label and legend shows its whole text (not cut, not wider than its box). */
async function expectLabelsWhole(scope: Locator, what: string): Promise<void> {
  const cut = await scope.evaluate((root) =>
    [...root.querySelectorAll('label, legend, th, h2, .field-hint, .field-error, .form-error')]
      .filter((el) => el.getClientRects().length > 0)
      .filter((el) => el.scrollWidth > el.clientWidth + 1 && root.ownerDocument.defaultView!.getComputedStyle(el).overflowX !== 'visible')
      .map((el) => el.textContent?.trim() ?? ''),
  );
  expect(cut, `${what}: labels cut off`).toEqual([]);
}

/** WCAG contrast ratio of an element's text colour on the first opaque background behind it. */
async function contrastOf(locator: Locator): Promise<{ ratio: number; fg: string; bg: string }> {
  return locator.evaluate((el) => {
    const parse = (value: string): [number, number, number, number] => {
      const parts = value.match(/[\d.]+/g)?.map(Number) ?? [0, 0, 0, 0];
      return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0, parts[3] ?? 1];
    };
    const style = (node: typeof el) => node.ownerDocument.defaultView!.getComputedStyle(node);
    let bgEl: typeof el | null = el;
    let bg = 'rgba(0, 0, 0, 0)';
    while (bgEl !== null) {
      bg = style(bgEl).backgroundColor;
      if (parse(bg)[3] > 0.9) break;
      bgEl = bgEl.parentElement;
    }
    const fg = style(el).color;
    const luminance = ([r, g, b]: number[]) => {
      const channel = (c: number) => {
        const s = c / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r!) + 0.7152 * channel(g!) + 0.0722 * channel(b!);
    };
    const [l1, l2] = [luminance(parse(fg)), luminance(parse(bg))].sort((a, b) => b - a) as [number, number];
    return { ratio: (l1 + 0.05) / (l2 + 0.05), fg, bg };
  });
}

/** Text readable in this theme: dark backgrounds in dark, light in light, at least 4.5:1. */
async function expectReadable(locator: Locator, scheme: Scheme, what: string): Promise<void> {
  const { ratio, fg, bg } = await contrastOf(locator);
  expect(fg, `${what}: text colour differs from its background`).not.toBe(bg);
  expect(ratio, `${what}: contrast ${fg} on ${bg}`).toBeGreaterThanOrEqual(4.5);
  const dark = await locator.evaluate((el) => {
    let at: typeof el | null = el;
    while (at !== null) {
      const [r = 0, g = 0, b = 0, a = 1] = at.ownerDocument.defaultView!.getComputedStyle(at).backgroundColor.match(/[\d.]+/g)?.map(Number) ?? [];
      if (a > 0.9) return (r + g + b) / 3 < 128;
      at = at.parentElement;
    }
    return false;
  });
  expect(dark, `${what}: background follows the ${scheme} theme`).toBe(scheme === 'dark');
}

/** The checks every dialog gets: in the window, no overflow, labels whole, buttons reachable, readable. */
async function expectDialogLaidOut(dialog: Locator, size: Size, scheme: Scheme, primaryName: string | RegExp): Promise<void> {
  await expect(dialog).toBeVisible();
  expectInWindow(await box(dialog), size, 'the dialog');
  await expectNoSidewaysOverflow(dialog, 'the dialog');
  await expectNoSidewaysOverflow(dialog.locator('.dialog-body'), 'the dialog body');
  await expectLabelsWhole(dialog, 'the dialog');
  const footer = dialog.locator('.dialog-footer');
  for (const button of await footer.getByRole('button').all()) {
    await expect(button).toBeVisible();
    expectInWindow(await box(button), size, `the ${await button.innerText()} button`);
    await expectLabelsWhole(button, 'a footer button');
    expect(await button.evaluate((el) => el.scrollWidth <= el.clientWidth + 1), `${await button.innerText()} shows its whole label`).toBe(true);
  }
  const primary = footer.getByRole('button', { name: primaryName });
  await expect(primary).toBeVisible();
  const primaryBox = await box(primary);
  for (const toast of await page.locator('.toast').all()) {
    if (await toast.isVisible()) expect(intersects(primaryBox, await box(toast)), 'a toast over the primary button').toBe(false);
  }
  await expectReadable(dialog.locator('.dialog-header h2'), scheme, 'the dialog title');
  await expectReadable(dialog.locator('.dialog-body'), scheme, 'the dialog text');
  for (const label of (await dialog.locator('.dialog-body label:visible').all()).slice(0, 6)) await expectReadable(label, scheme, `the label ${await label.innerText()}`);
  for (const input of (await dialog.locator('.dialog-body .input:visible').all()).slice(0, 6)) await expectReadable(input, scheme, 'a field');
}

const shot = (name: string, size: Size, scheme: Scheme) =>
  page.screenshot({ path: `${process.env['SCREENSHOT_DIR'] ?? 'test-results/screens'}/${name}-${size.width}x${size.height}-${scheme}.png` });

/** Leaves no dialog or menu open for the next test. */
async function closeEverything(): Promise<void> {
  for (let i = 0; i < 4 && (await page.locator('dialog[open], [role="menu"]').count()) > 0; i++) await page.keyboard.press('Escape');
}

for (const size of SIZES) {
  for (const scheme of SCHEMES) {
    const at = `${size.width}x${size.height}-${scheme}`;

    test.describe(at, () => {
      test.beforeEach(async () => {
        await closeEverything();
        await page.setViewportSize(size);
        await page.emulateMedia({ colorScheme: scheme });
      });
      test.afterEach(closeEverything);

      test(`home (${at})`, async () => {
        await openScreen(page, 'Home');
        const column = page.locator('.main-column');
        await column.evaluate((el) => el.scrollTo(0, 0));
        for (const name of ['Needs attention', 'Money', 'Seats']) {
          const region = page.getByRole('region', { name });
          await expect(region).toBeVisible();
          const found = await box(region);
          expect(found.x + found.width, `${name} ends inside the window`).toBeLessThanOrEqual(size.width + 0.5);
          await expectNoSidewaysOverflow(region, name);
          await expectReadable(region.getByRole('heading').first(), scheme, `the ${name} heading`);
        }
        await expectNoSidewaysOverflow(column, 'the main column');
        await expectLabelsWhole(page.getByRole('main'), 'Home');
        for (const heading of await page.getByRole('region', { name: 'Needs attention' }).getByRole('heading', { level: 3 }).all()) {
          expect(await heading.evaluate((el) => el.scrollWidth <= el.clientWidth + 1), `${await heading.innerText()} whole`).toBe(true);
        }
        await shot('home', size, scheme);
        await page.getByRole('region', { name: 'Seats' }).scrollIntoViewIfNeeded();
        await shot('home-lower', size, scheme);
      });

      test(`new organization (${at})`, async () => {
        await page.locator('.org-switcher-button').click();
        await page.getByRole('dialog', { name: 'Switch organization' }).getByRole('button', { name: 'New organization…' }).click();
        const dialog = page.getByRole('dialog', { name: 'New organization' });
        // The messages under the fields, and a plan with its price.
        await dialog.getByRole('textbox', { name: 'Account email', exact: true }).fill('not an address');
        await dialog.getByRole('combobox', { name: 'Plan', exact: true }).selectOption({ index: 1 });
        await dialog.getByRole('button', { name: 'Create organization' }).click();
        await expect(dialog.getByText('Enter the organization name.')).toBeVisible();
        await shot('new-org', size, scheme);
        await expectDialogLaidOut(dialog, size, scheme, 'Create organization');
        // Side-by-side pairs line up: same top, same height of their inputs.
        const first = await box(dialog.getByRole('textbox', { name: 'First name', exact: true }));
        const last = await box(dialog.getByRole('textbox', { name: 'Last name', exact: true }));
        expect(Math.abs(first.y - last.y), 'First and Last name on one line').toBeLessThanOrEqual(1);
        expect(Math.abs(first.height - last.height)).toBeLessThanOrEqual(1);
        await dialog.getByRole('combobox', { name: 'Plan', exact: true }).scrollIntoViewIfNeeded();
        const plan = await box(dialog.getByRole('combobox', { name: 'Plan', exact: true }));
        expect(plan.x + plan.width).toBeLessThanOrEqual((await box(dialog)).x + (await box(dialog)).width);
        await shot('new-org-lower', size, scheme);
        // The country list fits inside the dialog's scrolling body (it opened below and was cut off).
        const countryField = dialog.getByRole('combobox', { name: 'Country', exact: true });
        await countryField.scrollIntoViewIfNeeded();
        await countryField.fill('United');
        const options = page.getByRole('listbox', { name: 'Country options' });
        await expect(options.getByRole('option').first()).toBeVisible();
        await shot('new-org-country', size, scheme);
        const bodyBox = await box(dialog.locator('.dialog-body'));
        const optionsBox = await box(options);
        expect(optionsBox.y, 'the country list starts inside the dialog body').toBeGreaterThanOrEqual(bodyBox.y - 0.5);
        expect(optionsBox.y + optionsBox.height, 'the country list ends inside the dialog body').toBeLessThanOrEqual(bodyBox.y + bodyBox.height + 0.5);
        await countryField.press('Escape');
        await dialog.getByRole('button', { name: 'Cancel' }).click();
        await expect(dialog).toBeHidden();
      });

      test(`change seats and change plan (${at})`, async () => {
        await openScreen(page, 'Subscriptions');
        const include = page.getByRole('checkbox', { name: /Include child organizations/ });
        if (!(await include.isChecked())) await include.check();
        const rows = page.locator('table.subscriptions-table tbody tr');
        await expect(rows.first()).toBeVisible();
        // The first row whose menu offers both changes.
        let opened = false;
        for (const row of (await rows.all()).slice(0, 30)) {
          await row.locator('td.row-actions').getByRole('button').last().click();
          if ((await page.getByRole('menuitem', { name: 'Change seats…' }).count()) > 0 && (await page.getByRole('menuitem', { name: 'Change plan…' }).count()) > 0) {
            await page.getByRole('menuitem', { name: 'Change seats…' }).click();
            opened = true;
            break;
          }
          await page.keyboard.press('Escape');
        }
        expect(opened, 'a subscription whose seats can change').toBe(true);
        const seatsDialog = page.getByRole('dialog', { name: /^Change seats of / });
        const seats = seatsDialog.getByRole('spinbutton', { name: 'Seats', exact: true });
        await seats.fill(String(Number(await seats.inputValue()) + 3));
        await expect(seatsDialog.getByRole('status')).toContainText('Next invoice');
        await shot('change-seats', size, scheme);
        await expectDialogLaidOut(seatsDialog, size, scheme, 'Confirm');
        await expectReadable(seatsDialog.getByRole('status'), scheme, 'the proration preview');
        await seatsDialog.getByRole('button', { name: 'Cancel' }).click();
        await expect(seatsDialog).toBeHidden();

        // The same row's plan.
        for (const row of (await rows.all()).slice(0, 30)) {
          await row.locator('td.row-actions').getByRole('button').last().click();
          if ((await page.getByRole('menuitem', { name: 'Change plan…' }).count()) > 0) {
            await page.getByRole('menuitem', { name: 'Change plan…' }).click();
            break;
          }
          await page.keyboard.press('Escape');
        }
        const planDialog = page.getByRole('dialog', { name: /^Change plan of / });
        await expect(planDialog.getByRole('status')).toBeVisible();
        await shot('change-plan', size, scheme);
        await expectDialogLaidOut(planDialog, size, scheme, 'Confirm');
        await expectReadable(planDialog.getByRole('status'), scheme, 'the proration preview');
        await planDialog.getByRole('button', { name: 'Cancel' }).click();
        await include.uncheck();
      });

      test(`audit log filters: date range, who, subject (${at})`, async () => {
        // The subject filter comes from a user's History link.
        await openScreen(page, 'Users');
        await page.getByRole('searchbox', { name: 'Search users' }).fill('');
        await page.getByRole('grid', { name: 'Users' }).locator('.grid-body [role="row"]').nth(2).click();
        const side = page.locator('.side-panel');
        await side.getByRole('link', { name: 'History' }).click();
        await expect(page.getByRole('main').getByRole('heading', { level: 1, name: 'Audit log', exact: true })).toBeVisible();
        const filters = page.getByRole('search', { name: 'Filter the audit log' });
        await expect(filters.getByText(/^History of /)).toBeVisible();
        await filters.getByLabel('From', { exact: true }).fill('2026-01-01');
        await filters.getByLabel('To', { exact: true }).fill('2026-12-31');
        // A select's label holds its options' text too: the selects are found by their class.
        await filters.locator('select').first().selectOption({ index: 1 });
        const who = filters.locator('select.audit-who');
        if ((await who.locator('option').count()) > 1) await who.selectOption({ index: 1 });
        await shot('audit-filters', size, scheme);
        const filtersBox = await box(filters);
        expect(filtersBox.x + filtersBox.width, 'the filters end inside the window').toBeLessThanOrEqual(size.width + 0.5);
        await expectNoSidewaysOverflow(filters, 'the audit filters');
        // Every filter inside the bar and the window, none on top of another.
        const controls = await filters.locator('input, select, button').all();
        const boxes: Box[] = [];
        for (const control of controls) {
          if (!(await control.isVisible())) continue;
          const found = await box(control);
          expect(found.x + found.width, 'a filter ends inside the window').toBeLessThanOrEqual(size.width + 0.5);
          for (const other of boxes) expect(intersects(found, other), 'two filters overlap').toBe(false);
          boxes.push(found);
        }
        for (const label of await filters.locator('label.inline-field > span').all()) await expectReadable(label, scheme, `the ${await label.innerText()} filter label`);
        for (const input of await filters.locator('.input').all()) await expectReadable(input, scheme, 'a filter');
        await expectNoSidewaysOverflow(page.locator('.main-column'), 'the main column');
        await page.getByRole('button', { name: 'Clear filters' }).click();
      });

      test(`country picker in account details (${at})`, async () => {
        await openScreen(page, 'Account');
        const form = page.getByRole('form', { name: /Account details of/ });
        const country = form.getByRole('group', { name: 'Billing address' }).getByRole('combobox', { name: 'Country' });
        await country.scrollIntoViewIfNeeded();
        const before = await country.inputValue();
        await country.fill('United');
        const list = page.getByRole('listbox', { name: 'Country options' });
        await expect(list.getByRole('option').first()).toBeVisible();
        await shot('account-country', size, scheme);
        const listBox = await box(list);
        expectInWindow(listBox, size, 'the country list');
        const countryBox = await box(country);
        expect(Math.abs(listBox.x - countryBox.x), 'the list lines up with its field').toBeLessThanOrEqual(2);
        await expectNoSidewaysOverflow(list, 'the country list');
        for (const option of (await list.getByRole('option').all()).slice(0, 6)) {
          expect(await option.evaluate((el) => el.scrollWidth <= el.clientWidth + 1), `${await option.innerText()} whole`).toBe(true);
        }
        await expectReadable(list.getByRole('option').nth(1), scheme, 'a country option');
        await expectReadable(country, scheme, 'the country field');
        // The form's sticky Save bar bleeds into the column's padding on purpose: the column must not scroll sideways.
        await expectNoSidewaysOverflow(page.locator('.main-column'), 'the main column');
        await expectLabelsWhole(form, 'the account form');
        await country.fill(before);
        await country.press('Escape');
      });

      test(`CSV import check (${at})`, async () => {
        await openScreen(page, 'Users');
        await page.getByRole('button', { name: 'More user actions' }).click();
        await page.getByRole('menuitem', { name: 'Import from CSV…' }).click();
        const dialog = page.getByRole('dialog', { name: 'Import users from CSV' });
        const csv = [
          'first_name,last_name,email,roles,active',
          'Carla,Csvcheck,carla.csvcheck@northwind.example,Member,true',
          'Bad,Address,not-an-email,Member,true',
          'Maximiliana Alexandrina,Wilhelmina von Hohenzollern-Sigmaringen-Lichtenberg,maximiliana.alexandrina.von.hohenzollern@northwind-subsidiary.example,Member;Billing;Helpdesk,true',
          'Nobody,Role,nobody.role@northwind.example,No Such Role At All,maybe',
          'E\u0000d,Csvcheck,ed.csvcheck@northwind.example,Member,true',
        ].join('\n');
        await dialog.getByLabel('CSV file').setInputFiles({ name: 'users.csv', mimeType: 'text/csv', buffer: Buffer.from(csv + '\n') });
        await dialog.getByRole('button', { name: 'Check file' }).click();
        const check = page.getByRole('dialog', { name: 'Check the import' });
        await expect(check.locator('tbody tr.row-invalid').first()).toBeVisible();
        await shot('import-check', size, scheme);
        await expectDialogLaidOut(check, size, scheme, /^Import/);
        const table = check.locator('table');
        const tableBox = await box(table);
        const checkBox = await box(check);
        expect(tableBox.x + tableBox.width, 'the table ends inside the dialog').toBeLessThanOrEqual(checkBox.x + checkBox.width + 0.5);
        for (const cell of await check.locator('.cell-errors').all()) await expectReadable(cell, scheme, 'a row’s problem');
        // A row with problems keeps its tint under the mouse.
        const invalid = check.locator('tbody tr.row-invalid').first();
        const tint = await invalid.evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).backgroundColor);
        await invalid.hover();
        expect(await invalid.evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).backgroundColor)).toBe(tint);
        await check.getByRole('button', { name: 'Choose another file' }).click();
        await page.getByRole('dialog', { name: 'Import users from CSV' }).getByRole('button', { name: 'Cancel' }).click();
        await expect(check).toBeHidden();
      });

      test(`user panel: the status and its button stay in their column (${at})`, async () => {
        await openScreen(page, 'Users');
        await page.getByRole('searchbox', { name: 'Search users' }).fill('');
        // An invited user: the widest button, Resend invitation.
        await page.getByRole('grid', { name: 'Users' }).locator('.grid-body [role="row"]', { hasText: 'Invited' }).first().click();
        const side = page.locator('.side-panel');
        const status = side.locator('.facts .status-fact');
        await expect(status.getByRole('button')).toBeVisible();
        await shot('user-panel-status', size, scheme);
        const lastActive = await box(side.locator('.facts > div', { hasText: 'Last active' }));
        for (const part of [await box(status.getByRole('button')), await box(status.locator('.badge').first())]) {
          expect(intersects(part, lastActive), 'the status runs into Last active').toBe(false);
          expect(part.x + part.width, 'the status ends inside the panel').toBeLessThanOrEqual((await box(side)).x + (await box(side)).width + 0.5);
        }
        await side.getByRole('button', { name: 'Close panel' }).click();
      });

      test(`invite and bulk results name every entry left out (${at})`, async () => {
        await openScreen(page, 'Users');
        await page.getByRole('searchbox', { name: 'Search users' }).fill('');
        await page.getByRole('button', { name: 'Invite', exact: true }).click();
        const dialog = page.getByRole('dialog', { name: 'Invite users' });
        // Only people already here, and entries that are no address: nobody is invited.
        const emails = (await page.getByRole('grid', { name: 'Users' }).locator('.grid-body [role="row"] [role="gridcell"]:nth-child(3)').allTextContents()).slice(0, 4);
        await dialog
          .getByLabel('Email addresses')
          .fill([...emails, emails[0], 'not-an-address', 'someone@@example', 'an.extremely.long.local.part.that.never.ends.anywhere@nowhere'].join(', '));
        await expect(dialog.getByRole('list', { name: 'Entries that are not valid' })).toBeVisible();
        await dialog.getByRole('button', { name: /^Invite \d/ }).click();
        await expect(dialog.locator('.form-error')).toContainText('Nobody was invited.');
        await shot('invite-left-out', size, scheme);
        await expectDialogLaidOut(dialog, size, scheme, /^Invite/);
        await expectReadable(dialog.locator('.form-error'), scheme, 'the reasons');
        await expectReadable(dialog.locator('.invite-problems code').first(), scheme, 'an entry not valid');
        // Every entry left out on a line of its own, named whole.
        await expect(dialog.locator('.form-error .left-out-entry')).toHaveCount(8);
        await dialog.getByRole('button', { name: 'Cancel' }).click();
        await expect(dialog).toBeHidden();

        // A bulk action that changes nobody keeps its dialog open with every reason.
        const rows = page.getByRole('grid', { name: 'Users' }).locator('.grid-body [role="row"]');
        let picked = 0;
        for (const row of (await rows.all()).slice(0, 20)) {
          if (picked === 3) break;
          if ((await row.innerText()).includes('Helpdesk')) continue;
          await row.getByRole('checkbox').check();
          picked++;
        }
        const bulk = page.getByRole('region', { name: 'Bulk actions' });
        await bulk.getByRole('button', { name: 'Set roles…' }).click();
        const roles = page.getByRole('dialog', { name: `Set roles of ${picked} users` });
        await roles.getByText('Remove these roles').click();
        await roles.getByRole('checkbox', { name: /^Helpdesk/ }).check();
        await roles.getByRole('button', { name: 'Apply' }).click();
        await expect(roles.locator('.form-error')).toBeVisible();
        await shot('bulk-left-out', size, scheme);
        await expectDialogLaidOut(roles, size, scheme, 'Apply');
        await expectReadable(roles.locator('.form-error'), scheme, 'the reasons');
        await roles.getByRole('button', { name: 'Cancel' }).click();
        await bulk.getByRole('button', { name: 'Clear selection' }).click();
      });
    });
  }
}
