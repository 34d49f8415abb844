import { readFileSync } from 'node:fs';
import { expect as baseExpect, test, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { signInAllowingOneReload, startE2eEnvironment, type E2eEnvironment, statusBar as statusBarOf } from '../support/e2e-env';

interface ServiceUser {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  status: 'active' | 'pending' | 'deactivated';
  roleIds: string[];
}
interface ServiceRole {
  id: string;
  name: string;
}

let env: E2eEnvironment;
let context: BrowserContext;
let page: Page;
let orgId: string;
let token: string;

// The machine runs other suites at the same time: generous timeouts, no fixed sleeps.
test.describe.configure({ mode: 'serial', timeout: 120_000 });
const expect = baseExpect.configure({ timeout: 20_000 });

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  env = await startE2eEnvironment();
  context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
});

test.afterAll(async () => {
  await context?.close();
  await env?.close();
});


const statusBar = () => statusBarOf(page);
const grid = () => page.getByRole('grid', { name: 'Users' });
const bodyRows = () => grid().locator('.grid-body [role="row"]');
const search = () => page.getByRole('searchbox', { name: 'Search users' });
const seats = () => page.getByRole('region', { name: 'Billed seats' });
const shot = (name: string) => page.screenshot({ path: `test-results/screens/${name}.png` });
const rowWith = (text: string): Locator => bodyRows().filter({ hasText: text });
const pendingMark = (row: Locator) => row.getByTitle('Changed here; not synced yet');

async function serviceUsers(): Promise<ServiceUser[]> {
  const response = await env.service.call('GET', `/v1/orgs/${orgId}/users`, { token });
  expect(response.status).toBe(200);
  return (response.body as { items: ServiceUser[] }).items;
}
async function serviceUser(email: string): Promise<ServiceUser | undefined> {
  return (await serviceUsers()).find((user) => user.email.toLowerCase() === email.toLowerCase());
}
async function serviceRoles(): Promise<ServiceRole[]> {
  const response = await env.service.call('GET', `/v1/orgs/${orgId}/roles`, { token });
  expect(response.status).toBe(200);
  return (response.body as { items: ServiceRole[] }).items;
}
async function roleId(name: string): Promise<string> {
  const role = (await serviceRoles()).find((r) => r.name === name);
  expect(role, `role ${name}`).toBeDefined();
  return role!.id;
}

/** Waits until the outbox is empty: "Sync now" (the core also retries by itself) until the status bar says 0 pending. */
async function syncUntilDone(): Promise<void> {
  await expect(async () => {
    const syncNow = statusBar().getByRole('button', { name: 'Sync now' });
    if (await syncNow.isEnabled()) await syncNow.click();
    await baseExpect(statusBar().getByText('0 pending changes')).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 60_000 });
  await expect(statusBar().getByText('Online', { exact: true })).toBeVisible();
}

async function filterText(text: string): Promise<void> {
  await search().fill(text);
  // The field narrows the list after a short pause: wait until the list follows it.
  if (text !== '') await expect(bodyRows().first()).toContainText(text, { ignoreCase: true });
  else await expect(page.getByRole('button', { name: 'Clear filters' })).toHaveCount(0);
}

async function seatCount(): Promise<number> {
  return Number((await seats().locator('.seat-number').innerText()).replace(/\D/g, ''));
}

test('signs in; the billed seats (active users) match the service', async () => {
  await signInAllowingOneReload(page, env);
  // The app opens on Home: go to Users.
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Users', exact: true }).click();
  const session = await env.service.signIn('owner@northwind.example');
  orgId = session.user.orgId;
  token = session.accessToken;
  const response = await env.service.call('GET', `/v1/orgs/${orgId}/users`, { token });
  const { activeCount } = response.body as { activeCount: number };
  expect(activeCount).toBeGreaterThan(0);
  await expect(seats()).toContainText('active users');
  await expect.poll(seatCount).toBe(activeCount);
  await expect(bodyRows().first()).toBeVisible();
  await shot('users-list');
});

test('filters by status, role and text, and sorts by column', async () => {
  const status = page.getByRole('combobox', { name: 'Status' });
  const role = page.getByRole('combobox', { name: 'Role' });

  await status.selectOption({ label: 'Deactivated' });
  await expect(bodyRows().first()).toBeVisible();
  await expect(bodyRows().getByRole('switch', { checked: true })).toHaveCount(0);
  await expect(bodyRows().getByRole('switch', { checked: false }).first()).toBeVisible();
  await status.selectOption({ label: 'Invited' });
  await expect(bodyRows().first()).toContainText('Invited');
  await expect(bodyRows().getByRole('switch')).toHaveCount(0);
  await shot('users-filter-invited');
  await status.selectOption({ label: 'All' });

  await role.selectOption({ label: 'Administrator' });
  await expect(bodyRows().first()).toContainText('Administrator');
  for (const text of await bodyRows().allInnerTexts()) expect(text).toContain('Administrator');
  await role.selectOption({ label: 'All roles' });

  await filterText('lindqvist');
  await expect(bodyRows()).toHaveCount(1);
  await expect(bodyRows().first()).toContainText('mia.lindqvist@northwind.example');
  await shot('users-filter-text');
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(search()).toHaveValue('');
  await expect.poll(() => bodyRows().count()).toBeGreaterThan(5);

  // Sorting: by name ascending is the default; clicking flips it; email sorts by email.
  const nameHeader = grid().getByRole('columnheader', { name: 'Name' });
  await expect(nameHeader).toHaveAttribute('aria-sort', 'ascending');
  const firstAscending = await bodyRows().first().getByRole('gridcell').nth(1).innerText();
  await nameHeader.getByRole('button').click();
  await expect(nameHeader).toHaveAttribute('aria-sort', 'descending');
  await expect(bodyRows().first().getByRole('gridcell').nth(1)).not.toHaveText(firstAscending);
  await shot('users-sort-name-desc');
  const emailHeader = grid().getByRole('columnheader', { name: 'Email' });
  await emailHeader.getByRole('button').click();
  await expect(emailHeader).toHaveAttribute('aria-sort', 'ascending');
  await expect(nameHeader).not.toHaveAttribute('aria-sort', /./);
  const emails = (await bodyRows().locator('[role="gridcell"]:nth-child(3)').allInnerTexts()).map((e) => e.trim()).filter((e) => e !== '');
  expect(emails.length).toBeGreaterThan(5);
  expect(emails).toEqual([...emails].sort((a, b) => a.localeCompare(b)));
  await nameHeader.getByRole('button').click();
  await expect(nameHeader).toHaveAttribute('aria-sort', 'ascending');
});

test('New user: a bad email is refused before anything is queued; a good one is created, pending, then synced', async () => {
  await page.getByRole('button', { name: 'New user' }).click();
  const dialog = page.getByRole('dialog', { name: 'New user' });
  await expect(dialog).toBeVisible();
  // Nothing filled: the required fields say so.
  await dialog.getByRole('button', { name: 'Create user' }).click();
  await expect(dialog.getByLabel('First name')).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.getByLabel('Last name')).toHaveAttribute('aria-invalid', 'true');
  await dialog.getByLabel('First name').fill('Nora');
  await dialog.getByLabel('Last name').fill('Testwell');
  await dialog.getByLabel('Email').fill('nora.testwell@@northwind');
  await dialog.getByRole('button', { name: 'Create user' }).click();
  const email = dialog.getByLabel('Email');
  await expect(email).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.locator('.field-error')).not.toHaveCount(0);
  await expect(dialog).toBeVisible();
  await expect(statusBar().getByText('0 pending changes')).toBeVisible();
  await shot('users-new-invalid-email');

  // A control character (here a pasted bell, U+0007) is named under its field before anything is queued.
  await email.fill('nora.testwell@northwind.example');
  const firstName = dialog.getByLabel('First name');
  await firstName.fill('No\u0007ra');
  await dialog.getByRole('button', { name: 'Create user' }).click();
  await expect(firstName).toHaveAttribute('aria-invalid', 'true');
  await expect(firstName).toHaveAccessibleDescription('Names cannot contain control characters.');
  await expect(dialog.locator('.field-error')).toHaveCount(1);
  await expect(statusBar().getByText('0 pending changes')).toBeVisible();
  await shot('users-new-control-character');
  await firstName.fill('Nora');

  // Offline for a moment, so the row is seen pending before the service confirms it.
  env.link.cut();
  await email.fill('nora.testwell@northwind.example');
  await dialog.getByRole('checkbox', { name: /^Member/ }).check();
  await dialog.getByRole('button', { name: 'Create user' }).click();
  await expect(dialog).toBeHidden();
  await filterText('testwell');
  const row = rowWith('nora.testwell@northwind.example');
  await expect(row).toBeVisible();
  await expect(pendingMark(row)).toBeVisible();
  await expect(statusBar().getByText(/^[1-9]\d* pending changes?$/)).toBeVisible();
  await shot('users-new-pending');

  env.link.restore();
  await syncUntilDone();
  await expect(pendingMark(row)).toHaveCount(0);
  await shot('users-new-synced');
  const created = await serviceUser('nora.testwell@northwind.example');
  expect(created).toMatchObject({ firstName: 'Nora', lastName: 'Testwell', status: 'active' });
  expect(created!.roleIds).toContain(await roleId('Member'));
});

test('Invite: many pasted addresses are checked one by one; the valid ones become Invited users', async () => {
  await filterText('');
  await page.getByRole('button', { name: 'Invite', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Invite users' });
  await expect(dialog).toBeVisible();
  await dialog
    .getByLabel('Email addresses')
    .fill('ivy.one@invitees.example, "Two, Ivo" <ivo.two@invitees.example>; not-an-address\nivan.three@invitees.example');
  await expect(dialog.getByText('3 addresses')).toBeVisible();
  await expect(dialog.getByText('1 entry is not valid')).toBeVisible();
  const problems = dialog.getByRole('list', { name: 'Entries that are not valid' });
  await expect(problems.getByRole('listitem')).toHaveCount(1);
  await expect(problems).toContainText('not-an-address');
  await shot('users-invite-check');
  await dialog.getByRole('button', { name: 'Invite 3 people' }).click();
  await expect(dialog).toBeHidden();

  await filterText('invitees.example');
  await expect(bodyRows()).toHaveCount(3);
  for (const address of ['ivy.one@invitees.example', 'ivo.two@invitees.example', 'ivan.three@invitees.example']) {
    await expect(rowWith(address)).toContainText('Invited');
  }
  await shot('users-invited');
  await syncUntilDone();
  const users = await serviceUsers();
  for (const address of ['ivy.one@invitees.example', 'ivo.two@invitees.example', 'ivan.three@invitees.example']) {
    expect(users.find((u) => u.email === address)?.status).toBe('pending');
  }
  expect(users.some((u) => u.email.includes('not-an-address'))).toBe(false);
});

test('the side panel edits names and roles; the service gets them', async () => {
  await filterText('kevin.girard');
  await rowWith('kevin.girard@northwind.example').click();
  const side = page.locator('.side-panel');
  await expect(side.getByRole('heading', { name: 'Kevin Girard' })).toBeVisible();
  await side.getByLabel('First name').fill('Kevin-Paul');
  await side.getByLabel('Last name').fill('Girard-Lenoir');
  await side.getByRole('checkbox', { name: /^Helpdesk/ }).check();
  await shot('users-panel-edit');
  await side.getByRole('button', { name: 'Save changes' }).click();
  await expect(side.getByRole('heading', { name: 'Kevin-Paul Girard-Lenoir' })).toBeVisible();
  await expect(rowWith('kevin.girard@northwind.example')).toContainText('Kevin-Paul Girard-Lenoir');
  await syncUntilDone();
  await side.getByRole('button', { name: 'Close panel' }).click();
  await expect(side).toHaveCount(0);
  const edited = await serviceUser('kevin.girard@northwind.example');
  expect(edited).toMatchObject({ firstName: 'Kevin-Paul', lastName: 'Girard-Lenoir' });
  expect(edited!.roleIds).toContain(await roleId('Helpdesk'));
});

test('deactivating an Administrator offers "Remove Administrator role and deactivate"; activating brings the user back', async () => {
  await filterText('felix.garcia');
  const row = rowWith('felix.garcia@northwind.example');
  await expect(row).toContainText('Administrator');
  const active = row.getByRole('switch');
  await expect(active).toHaveAttribute('aria-checked', 'true');
  await active.click();
  const confirm = page.getByRole('alertdialog', { name: /^Deactivate Felix/ });
  await expect(confirm).toBeVisible();
  await expect(confirm).toContainText('holds the Administrator role');
  await shot('users-deactivate-admin');
  await confirm.getByRole('button', { name: 'Remove Administrator role and deactivate' }).click();
  await expect(confirm).toBeHidden();
  await expect(active).toHaveAttribute('aria-checked', 'false');
  await expect(row).not.toContainText('Administrator');
  await syncUntilDone();
  const deactivated = await serviceUser('felix.garcia@northwind.example');
  expect(deactivated?.status).toBe('deactivated');
  expect(deactivated!.roleIds).not.toContain(await roleId('Administrator'));
  await shot('users-deactivated-admin');

  await active.click();
  await expect(active).toHaveAttribute('aria-checked', 'true');
  await syncUntilDone();
  expect((await serviceUser('felix.garcia@northwind.example'))?.status).toBe('active');
});

test('removing a user asks for confirmation first', async () => {
  await filterText('nora.testwell');
  await rowWith('nora.testwell@northwind.example').click();
  const side = page.locator('.side-panel');
  await side.getByRole('button', { name: 'Remove user' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Remove Nora Testwell?' });
  await expect(confirm).toContainText('cannot be undone');
  // Cancel keeps the user.
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toBeHidden();
  await expect(rowWith('nora.testwell@northwind.example')).toBeVisible();
  await side.getByRole('button', { name: 'Remove user' }).click();
  await expect(confirm).toBeVisible();
  await shot('users-remove-confirm');
  await confirm.getByRole('button', { name: 'Remove user' }).click();
  await expect(confirm).toBeHidden();
  await expect(rowWith('nora.testwell@northwind.example')).toHaveCount(0);
  await syncUntilDone();
  expect(await serviceUser('nora.testwell@northwind.example')).toBeUndefined();
});

test('multi-select and a bulk action: add a role to two users at once', async () => {
  await filterText('invitees.example');
  await expect(bodyRows()).toHaveCount(3);
  await rowWith('ivy.one@invitees.example').getByRole('checkbox').check();
  await rowWith('ivan.three@invitees.example').getByRole('checkbox').check();
  const bulk = page.getByRole('region', { name: 'Bulk actions' });
  await expect(bulk).toContainText('2 users selected');
  await bulk.getByRole('button', { name: 'Set roles…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Set roles of 2 users' });
  await dialog.getByRole('checkbox', { name: /^Billing/ }).check();
  await shot('users-bulk-set-roles');
  await dialog.getByRole('button', { name: 'Apply' }).click();
  await expect(dialog).toBeHidden();
  await expect(bulk).toHaveCount(0);
  await expect(rowWith('ivy.one@invitees.example')).toContainText('Billing');
  await expect(rowWith('ivan.three@invitees.example')).toContainText('Billing');
  await expect(rowWith('ivo.two@invitees.example')).not.toContainText('Billing');
  await syncUntilDone();
  const billing = await roleId('Billing');
  expect((await serviceUser('ivy.one@invitees.example'))!.roleIds).toContain(billing);
  expect((await serviceUser('ivan.three@invitees.example'))!.roleIds).toContain(billing);
  expect((await serviceUser('ivo.two@invitees.example'))!.roleIds).not.toContain(billing);
});

test('CSV import: the preview shows a per-row error; confirming imports the good rows', async () => {
  await filterText('');
  await page.getByRole('button', { name: 'More user actions' }).click();
  await page.getByRole('menuitem', { name: 'Import from CSV…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import users from CSV' });
  const csv = [
    'first_name,last_name,email,roles,active',
    'Carla,Csvimport,carla.csvimport@northwind.example,Member,true',
    'Bad,Address,not-an-email,Member,true',
    'Dirk,Csvimport,dirk.csvimport@northwind.example,Read Only,true',
    'E\u0000d,Csvimport,ed.csvimport@northwind.example,Member,true',
  ].join('\n');
  await dialog.getByLabel('CSV file').setInputFiles({ name: 'users.csv', mimeType: 'text/csv', buffer: Buffer.from(csv + '\n') });
  await dialog.getByRole('button', { name: 'Check file' }).click();
  const check = page.getByRole('dialog', { name: 'Check the import' });
  await expect(check).toContainText('2 rows');
  await expect(check).toContainText('2 rows have problems');
  await expect(check.locator('tbody tr.row-invalid')).toHaveCount(2);
  const problemRow = check.locator('tbody tr.row-invalid', { hasText: 'not-an-email' });
  await expect(problemRow.locator('.cell-errors')).toContainText('Email');
  // A NUL in a name: that row, with the reason; the other rows still import.
  const controlRow = check.locator('tbody tr.row-invalid', { hasText: 'ed.csvimport@northwind.example' });
  await expect(controlRow.locator('td').first()).toHaveText('5');
  await expect(controlRow.locator('.cell-errors')).toHaveText('First name: Names cannot contain control characters.');
  await shot('users-import-preview');
  await check.getByRole('button', { name: 'Import 2 users' }).click();
  await expect(check).toBeHidden();
  await filterText('csvimport');
  await expect(bodyRows()).toHaveCount(2);
  await syncUntilDone();
  const users = await serviceUsers();
  expect(users.find((u) => u.email === 'carla.csvimport@northwind.example')).toMatchObject({ firstName: 'Carla', status: 'active' });
  expect(users.find((u) => u.email === 'dirk.csvimport@northwind.example')).toMatchObject({ firstName: 'Dirk' });
  expect(users.some((u) => u.email === 'not-an-email')).toBe(false);
  expect(users.some((u) => u.email === 'ed.csvimport@northwind.example')).toBe(false);
  await shot('users-imported');
});

test('CSV export downloads the users with a header row', async () => {
  await filterText('');
  await page.getByRole('button', { name: 'More user actions' }).click();
  const downloading = page.waitForEvent('download');
  await page.getByRole('menuitem', { name: 'Export to CSV' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const content = readFileSync(await download.path(), 'utf8');
  const lines = content.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  expect(lines[0]).toMatch(/first_name/i);
  expect(lines[0]).toMatch(/email/i);
  expect(content).toContain('owner@northwind.example');
  expect(content).toContain('carla.csvimport@northwind.example');
  expect(content).toContain('Girard-Lenoir');
  expect(content).not.toContain('nora.testwell@northwind.example');
  expect(lines.length - 1).toBe((await serviceUsers()).length);
  await shot('users-export');
});

async function switchOrg(name: string): Promise<void> {
  await page.locator('.org-switcher-button').click();
  await page.getByRole('combobox', { name: 'Search organizations' }).fill(name);
  await page.getByRole('option', { name: new RegExp(name) }).first().click();
  await expect(page.locator('.screen-org-name')).toHaveText(name);
}

test('Wingtip Toys: its only administrator is neither deactivated nor stripped of the role; the dialog and the panel say why before anything is queued', async () => {
  // The steps: Wingtip Toys, Users, turn off Active for its only administrator.
  const orgs = (await env.service.call('GET', '/v1/orgs', { token })).body as { items: { id: string; name: string }[] };
  const wingtip = orgs.items.find((org) => org.name === 'Wingtip Toys')!.id;
  const roles = (await env.service.call('GET', `/v1/orgs/${wingtip}/roles`, { token })).body as { items: { id: string; name: string; builtInKey: string | null }[] };
  const administrator = roles.items.find((role) => role.builtInKey === 'administrator')!;
  const users = ((await env.service.call('GET', `/v1/orgs/${wingtip}/users`, { token })).body as { items: ServiceUser[] }).items;
  const admins = users.filter((user) => user.status === 'active' && user.roleIds.includes(administrator.id));
  expect(admins).toHaveLength(1);
  const admin = admins[0]!;
  const name = `${admin.firstName} ${admin.lastName}`;
  const bar = statusBar();

  await filterText('');
  await switchOrg('Wingtip Toys');
  await filterText(admin.email);
  const row = rowWith(admin.email);
  const active = row.getByRole('switch');
  await expect(active).toHaveAttribute('aria-checked', 'true');
  await active.click();
  const confirm = page.getByRole('alertdialog', { name: `Deactivate ${name}?` });
  await expect(confirm).toContainText(`Wingtip Toys needs another active Administrator first: give someone the role, then deactivate ${name}.`);
  const removeAndDeactivate = confirm.getByRole('button', { name: 'Remove Administrator role and deactivate' });
  await expect(removeAndDeactivate).toBeDisabled();
  await shot('users-last-admin-deactivate-refused');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toBeHidden();
  await expect(active).toHaveAttribute('aria-checked', 'true');

  // Untick Administrator in the side panel: the same rule, said under the roles, and Save is off.
  await row.click();
  const side = page.locator('.side-panel');
  await expect(side.getByRole('heading', { name })).toBeVisible();
  await side.getByRole('checkbox', { name: /^Administrator/ }).uncheck();
  await expect(side.getByText(`Wingtip Toys needs another active Administrator first: give someone the role, then take it from ${name}.`)).toBeVisible();
  await expect(side.getByRole('button', { name: 'Save changes' })).toBeDisabled();
  await shot('users-last-admin-untick-refused');
  await side.getByRole('button', { name: 'Discard' }).click();
  await expect(side.getByRole('checkbox', { name: /^Administrator/ })).toBeChecked();

  // No success toast, nothing queued, no sync issue; the service still has its administrator.
  await expect(page.locator('.toast').filter({ hasText: /deactivated\.|was saved\./ })).toHaveCount(0);
  await expect(bar.getByText('0 pending changes')).toBeVisible();
  await expect(bar.getByText('0 sync issues')).toBeVisible();
  const after = ((await env.service.call('GET', `/v1/orgs/${wingtip}/users`, { token })).body as { items: ServiceUser[] }).items.find((u) => u.id === admin.id);
  expect(after).toMatchObject({ status: 'active' });
  expect(after!.roleIds).toContain(administrator.id);
});
