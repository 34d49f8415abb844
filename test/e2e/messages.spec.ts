import { expect, test, type Page } from '@playwright/test';
import { openScreen, signedInForSpec, statusBar as statusBarOf, syncUntilNothingPending, type E2eEnvironment } from '../support/e2e-env';

// Messages in plain words, against the real core and service: a field too long, every
// file-level problem of a users CSV, the check dialog's Problems column, and the entries an
// invitation or a bulk action left out, each named with why. Signed in as the owner of Northwind.

test.describe.configure({ mode: 'serial', timeout: 120_000 });

let env: E2eEnvironment;
let page: Page;

signedInForSpec((started) => {
  ({ env, page } = started);
});

// SCREENSHOT_DIR: somewhere a concurrent Playwright run does not empty (it empties test-results).
const shot = (name: string) => page.screenshot({ path: `${process.env['SCREENSHOT_DIR'] ?? 'test-results/screens'}/${name}.png` });
const statusBar = () => statusBarOf(page);
const grid = () => page.getByRole('grid', { name: 'Users' });
const rowWith = (text: string) => grid().locator('.grid-body [role="row"]').filter({ hasText: text });

test('a 101-character first name is refused in words naming the field', async () => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await openScreen(page, 'Users');
  await page.getByRole('button', { name: 'New user' }).click();
  const dialog = page.getByRole('dialog', { name: 'New user' });
  await dialog.getByLabel('First name').fill('A'.repeat(101));
  await dialog.getByLabel('Last name').fill('Long');
  await dialog.getByLabel('Email').fill('a.long@northwind.example');
  await dialog.getByRole('button', { name: 'Create user' }).click();
  await expect(dialog.getByLabel('First name')).toHaveAccessibleDescription('First name can be at most 100 characters.');
  await expect(dialog).not.toContainText(/Too big|expected string/);
  await expect(statusBar()).toContainText('0 pending changes');
  await shot('messages-first-name-too-long');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
});

async function checkCsv(name: string, content: Buffer | string): Promise<ReturnType<Page['getByRole']>> {
  await page.getByRole('button', { name: 'More user actions' }).click();
  await page.getByRole('menuitem', { name: 'Import from CSV…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import users from CSV' });
  await dialog.getByLabel('CSV file').setInputFiles({ name, mimeType: 'text/csv', buffer: typeof content === 'string' ? Buffer.from(content) : content });
  await dialog.getByRole('button', { name: 'Check file' }).click();
  return dialog;
}

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000010000000100806000000' + '1ff3ff610000000173524742' + '00aece1ce90000000467414d410000b18f0bfc6105'.repeat(20),
  'hex',
);
const rows = (count: number) => 'first_name,last_name,email\n' + Array.from({ length: count }, (_, i) => `Ann,Lee,ann.${i}@bulk.example\n`).join('');

for (const [problem, name, content, message] of [
  ['an empty file', 'empty.csv', '', /^The file is empty\. Its first row must be the header row: first_name,last_name,email,roles,active/],
  ['a file that is not text', 'logo.csv', PNG, /^This file is not a CSV text file: it looks like a workbook, an image or a file saved as UTF-16\./],
  [
    'a file without the expected header',
    'no-header.csv',
    'Ann,Lee,ann@x.example\n',
    /^The first row has no first_name, last_name and email columns\. It must be the header row: first_name,last_name,email,roles,active/,
  ],
  ['an unclosed quote', 'quote.csv', 'first_name,last_name,email\nAnn,Lee,ann@x.example\n"Bob,Chen,bob@x.example\n', /^Line 3: a quoted value is never closed\./],
  ['more than 50,000 rows', 'huge.csv', rows(50_001), /^The file has more than 50,000 rows of users\. Import at most 50,000 at a time/],
] as const) {
  test(`CSV import names ${problem}`, async () => {
    const dialog = await checkCsv(name, content);
    const alert = dialog.getByRole('alert');
    await expect(alert).toHaveText(message);
    await expect(dialog).not.toContainText('Some of the entered information is not valid');
    await shot(`messages-csv-${name.replace('.csv', '')}`);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });
}

test('the CSV check dialog shows each row’s reason in a Problems column wide enough at 1440x900', async () => {
  const csv = [
    'first_name,last_name,email,roles,active',
    'Carla,Messages,carla.messages@northwind.example,Member,yes',
    'Bad,Address,not-an-email,Member,yes',
    `${'L'.repeat(101)},Long,long.name@northwind.example,,`,
    'Dirk,Messages,dirk.messages@northwind.example,Wizard,maybe',
  ].join('\n');
  await checkCsv('users.csv', csv);
  const check = page.getByRole('dialog', { name: 'Check the import' });
  await expect(check).toContainText('3 rows have problems');
  const problems = check.getByRole('columnheader', { name: 'Problems' });
  await expect(problems).toBeVisible();
  const header = (await problems.boundingBox())!;
  const dialogBox = (await check.boundingBox())!;
  // The whole Problems column is inside the dialog and at least 240 px wide, no sideways scrolling needed.
  expect(header.width).toBeGreaterThanOrEqual(240);
  expect(header.x + header.width).toBeLessThanOrEqual(dialogBox.x + dialogBox.width);
  const scroller = check.locator('.import-preview');
  expect(await scroller.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
  await expect(check.locator('tr', { hasText: 'not-an-email' }).locator('.cell-errors')).toHaveText('Email: Enter a valid email address, such as name@example.com.');
  await expect(check.locator('tr', { hasText: 'long.name@' }).locator('.cell-errors')).toHaveText('First name: First name can be at most 100 characters.');
  const dirk = check.locator('tr', { hasText: 'dirk.messages@' }).locator('.cell-errors li');
  await expect(dirk).toHaveText([/^Roles: Unknown role “Wizard”\./, 'Active: Write yes or no (or leave it empty for yes).']);
  await shot('messages-csv-check-1440');
  await check.getByRole('button', { name: 'Choose another file' }).click();
  await page.getByRole('dialog', { name: 'Import users from CSV' }).getByRole('button', { name: 'Cancel' }).click();
});

test('an invitation names every entry it left out and why', async () => {
  await page.getByRole('button', { name: 'Invite', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Invite users' });
  await dialog.getByLabel('Email addresses').fill('ivy.messages@invitees.example, bad@, owner@northwind.example, ivy.messages@invitees.example');
  await dialog.getByRole('button', { name: 'Invite 2 people' }).click();
  await expect(dialog).toBeHidden();
  const toast = page.locator('.toast', { hasText: '1 person invited.' });
  await expect(toast).toContainText(
    '3 left out: bad@ (not a valid email address), ivy.messages@invitees.example (listed more than once), owner@northwind.example (already a user of this organization).',
  );
  await shot('messages-invite-left-out');
  await syncUntilNothingPending(page);
});

test('a bulk activation names every user it left alone and why', async () => {
  await page.getByRole('searchbox', { name: 'Search users' }).fill('owner@northwind.example');
  // The search applies after a pause, and a new search clears the selection: wait for it first.
  await expect(grid().locator('.grid-body [role="row"]')).toHaveCount(1);
  const first = rowWith('owner@northwind.example');
  const select = first.getByRole('checkbox', { name: /^Select / });
  await select.check();
  const name = (await select.getAttribute('aria-label'))!.replace(/^Select /, '');
  await page.getByRole('region', { name: 'Bulk actions' }).getByRole('button', { name: 'Activate', exact: true }).click();
  const toast = page.locator('.toast', { hasText: '0 users activated.' });
  await expect(toast).toContainText(`1 user was left alone: ${name} is already active.`);
  await shot('messages-bulk-left-alone');
  expect(env.service.url).toMatch(/^http/);
});
