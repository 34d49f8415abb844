import { expect, test, type Page } from '@playwright/test';
import { signedInForSpec, type E2eEnvironment, openScreen as openScreenIn } from '../support/e2e-env';

// Roles screen against the real core and service: built-in and custom roles with member counts,
// create / edit / delete a custom role, a role in use is refused, install built-in roles in the
// legacy organization (created before built-in roles existed).

test.describe.configure({ mode: 'serial', timeout: 90_000 });

let env: E2eEnvironment;
let page: Page;

const LEGACY_ORG = 'Blue Yonder Logistics';
const ROLE = 'E2E Auditors';


signedInForSpec((started) => ({ env, page } = started));

const openScreen = (name: string) => openScreenIn(page, name);

async function switchOrg(name: string) {
  await page.locator('.org-switcher-button').click();
  await page.getByRole('combobox', { name: 'Search organizations' }).fill(name);
  await page.getByRole('option', { name: new RegExp(name) }).first().click();
  await expect(page.locator('.screen-org-name')).toHaveText(name);
}

function rolesTable() {
  return page.getByRole('table').first();
}

function roleRow(name: string) {
  return rolesTable().getByRole('row').filter({ has: page.locator('.cell-title', { hasText: new RegExp(`^${name}$`) }) });
}

test('lists built-in and custom roles with member counts', async () => {
  await openScreen('Roles');
  for (const name of ['Owner', 'Administrator', 'Billing', 'Member', 'Read Only']) {
    const row = roleRow(name);
    await expect(row).toBeVisible();
    await expect(row.getByText('Built-in')).toBeVisible();
  }
  // The owner signed in holds Owner, so it has at least one member.
  const ownerMembers = await roleRow('Owner').getByRole('cell').nth(3).innerText();
  expect(Number(ownerMembers.replace(/\D/g, ''))).toBeGreaterThan(0);
  // Built-in roles have no delete button.
  await expect(roleRow('Owner').getByRole('button', { name: 'Delete Owner' })).toHaveCount(0);
  await page.screenshot({ path: 'test-results/screens/roles-list.png' });
});

test('creates a custom role with permissions grouped by area', async () => {
  await page.getByRole('button', { name: 'New role' }).click();
  const dialog = page.getByRole('dialog', { name: /New role in/ });
  await expect(dialog).toBeVisible();
  // Areas are fieldsets with their own legend inside the "Permissions" group.
  expect(await dialog.locator('fieldset.permission-area legend').count()).toBeGreaterThan(1);
  await dialog.getByLabel('Name').fill(ROLE);
  await dialog.getByLabel('Description').fill('Reads users and billing');
  await dialog.getByRole('checkbox', { name: 'users.view' }).check();
  await dialog.getByRole('checkbox', { name: 'billing.view' }).check();
  await page.screenshot({ path: 'test-results/screens/roles-create-dialog.png' });
  await dialog.getByRole('button', { name: 'Create role' }).click();
  await expect(dialog).toBeHidden();
  const row = roleRow(ROLE);
  await expect(row).toBeVisible();
  await expect(row).toContainText('Reads users and billing');
  await expect(row.getByRole('cell').nth(2)).toHaveText('2');
  await expect(row.getByRole('cell').nth(3)).toHaveText('0');
  await expect(row.getByText('Built-in')).toHaveCount(0);
  await expect(row.getByText('Not synced yet')).toHaveCount(0, { timeout: 15_000 });
  await page.screenshot({ path: 'test-results/screens/roles-created.png' });
});

test('edits the custom role', async () => {
  await roleRow(ROLE).getByRole('button', { name: `Edit ${ROLE}` }).click();
  const dialog = page.getByRole('dialog', { name: `Edit ${ROLE}` });
  await expect(dialog.getByLabel('Name')).toHaveValue(ROLE);
  await expect(dialog.getByRole('checkbox', { name: 'users.view' })).toBeChecked();
  await dialog.getByLabel('Description').fill('Reads users, billing and subscriptions');
  await dialog.getByRole('checkbox', { name: 'subscriptions.view' }).check();
  await dialog.getByRole('button', { name: 'Save role' }).click();
  await expect(dialog).toBeHidden();
  const row = roleRow(ROLE);
  await expect(row).toContainText('Reads users, billing and subscriptions');
  await expect(row.getByRole('cell').nth(2)).toHaveText('3');
  await expect(row.getByText('Not synced yet')).toHaveCount(0, { timeout: 15_000 });
  await page.screenshot({ path: 'test-results/screens/roles-edited.png' });
});

test('deletes the unused custom role after confirming', async () => {
  await roleRow(ROLE).getByRole('button', { name: `Delete ${ROLE}` }).click();
  const confirm = page.getByRole('alertdialog', { name: `Delete ${ROLE}?` });
  await expect(confirm).toContainText('Nobody holds it');
  await page.screenshot({ path: 'test-results/screens/roles-delete-confirm.png' });
  await confirm.getByRole('button', { name: 'Delete role' }).click();
  await expect(confirm).toBeHidden();
  await expect(roleRow(ROLE)).toHaveCount(0);
  await expect(page.getByText(`The role ${ROLE} was deleted.`)).toBeVisible();
});

test('a role in use cannot be deleted: the UI says why in a sentence', async () => {
  await switchOrg(LEGACY_ORG);
  await openScreen('Roles');
  // Find a custom role of the legacy organization that has members.
  const rows = rolesTable().getByRole('row').filter({ has: page.getByRole('button', { name: /^Delete / }) });
  await expect(rows.first()).toBeVisible();
  let used: string | null = null;
  for (const row of await rows.all()) {
    const members = Number((await row.getByRole('cell').nth(3).innerText()).replace(/\D/g, ''));
    if (members > 0) {
      used = await row.locator('.cell-title').innerText();
      break;
    }
  }
  expect(used).not.toBeNull();
  const row = roleRow(used!);
  const del = row.getByRole('button', { name: `Delete ${used!}` });
  // The button stays focusable but is marked aria-disabled, with the reason as its title...
  await expect(del).toHaveAttribute('aria-disabled', 'true');
  // (the shared rule's sentence: the one the core and the service answer too)...
  const why = new RegExp(`^${used!} is assigned to \\d+ users?: unassign it from everyone first, then delete it\\.$`);
  await expect(del).toHaveAttribute('title', why);
  // ...and clicking it anyway says why instead of opening the confirmation.
  await del.click({ force: true });
  await expect(page.locator('.toast').filter({ hasText: why })).toBeVisible();
  await expect(page.getByRole('alertdialog')).toHaveCount(0);
  await expect(roleRow(used!)).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/roles-in-use.png' });
});

test('installs the built-in roles in the legacy organization', async () => {
  const notice = page.locator('.notice-bar').filter({ hasText: 'was created before built-in roles existed' });
  await expect(notice).toContainText(LEGACY_ORG);
  await expect(rolesTable().getByText('Built-in')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/screens/roles-legacy-before.png' });
  await notice.getByRole('button', { name: 'Install built-in roles' }).click();
  await expect(page.getByText(`Built-in roles were installed in ${LEGACY_ORG}.`)).toBeVisible();
  for (const name of ['Owner', 'Administrator', 'Billing', 'Member', 'Read Only']) {
    await expect(roleRow(name).getByText('Built-in')).toBeVisible();
  }
  await expect(notice).toHaveCount(0);
  // The service holds them too.
  const { accessToken } = await env.service.signIn('owner@northwind.example');
  const orgs = (await env.service.call('GET', '/v1/orgs', { token: accessToken })).body as unknown;
  const list = (Array.isArray(orgs) ? orgs : ((orgs as { items?: unknown[]; orgs?: unknown[] }).items ?? (orgs as { orgs?: unknown[] }).orgs ?? [])) as { id: string; name: string }[];
  const legacy = list.find((org) => org.name === LEGACY_ORG);
  expect(legacy).toBeDefined();
  await expect
    .poll(async () => {
      const roles = (await env.service.call('GET', `/v1/orgs/${legacy!.id}/roles`, { token: accessToken })).body as unknown;
      const items = (Array.isArray(roles) ? roles : ((roles as { items?: unknown[] }).items ?? [])) as { name: string }[];
      return items.map((role) => role.name);
    }, { timeout: 15_000 })
    .toEqual(expect.arrayContaining(['Owner', 'Administrator', 'Billing', 'Member', 'Read Only']));
  await page.screenshot({ path: 'test-results/screens/roles-legacy-installed.png' });
});

test('Wingtip Toys: taking users.manage from the Administrator role is refused in the dialog before it is saved', async () => {
  await switchOrg('Wingtip Toys');
  await openScreen('Roles');
  await roleRow('Administrator').getByRole('button', { name: 'Edit Administrator' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit Administrator' });
  await expect(dialog.getByRole('checkbox', { name: 'users.manage' })).toBeChecked();
  // Other permissions may go: Save stays enabled.
  await dialog.getByRole('checkbox', { name: 'audit.view' }).uncheck();
  await expect(dialog.getByRole('button', { name: 'Save role' })).toBeEnabled();
  await dialog.getByRole('checkbox', { name: 'users.manage' }).uncheck();
  const why =
    'Wingtip Toys needs another active administrator first: Administrator must keep users.manage and roles.manage while nobody holds another role that grants them.';
  await expect(dialog.getByText(why)).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Save role' })).toBeDisabled();
  await page.screenshot({ path: 'test-results/screens/roles-last-admin-refused.png' });
  // Enter in the name field does not save it either.
  await dialog.getByLabel('Name').press('Enter');
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  // Nothing was queued, nothing reported as saved, no sync issue.
  await expect(page.locator('.toast').filter({ hasText: 'was saved' })).toHaveCount(0);
  const bar = page.getByRole('contentinfo', { name: 'Sync status' });
  await expect(bar.getByText('0 pending changes')).toBeVisible();
  await expect(bar.getByText('0 sync issues')).toBeVisible();
  await expect(roleRow('Administrator').getByRole('cell').nth(2)).toHaveText('All');
});
