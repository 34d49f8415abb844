import { expect, test, type Page } from '@playwright/test';
import { openScreen as openScreenIn, signedInForSpec, statusBar as statusBarOf, syncUntilNothingPending, type E2eEnvironment } from '../support/e2e-env';

// The account form's country picker and VAT numbers outside the EU, against the real core and
// service. Signed in as the owner of Northwind MSP.

test.describe.configure({ mode: 'serial', timeout: 90_000 });

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

interface ServiceOrg {
  vatNumber: string | null;
  billingAddress: { country: string } | null;
}
async function serviceOrg(): Promise<ServiceOrg> {
  const response = await env.service.call('GET', `/v1/orgs/${orgId}`, { token });
  expect(response.status).toBe(200);
  return response.body as ServiceOrg;
}

const form = () => page.getByRole('form', { name: /Account details of/ });
const billingAddress = () => form().getByRole('group', { name: 'Billing address' });
const country = () => billingAddress().getByRole('combobox', { name: 'Country' });
const save = () => form().getByRole('button', { name: 'Save account details' });
// SCREENSHOT_DIR: somewhere a concurrent Playwright run does not empty (it empties test-results).
const shot = (name: string) => page.screenshot({ path: `${process.env['SCREENSHOT_DIR'] ?? 'test-results/screens'}/${name}.png` });

async function saveAndSync(): Promise<void> {
  await save().click();
  await expect(page.getByText(/The account details of .* were saved\./).first()).toBeVisible();
  await syncUntilNothingPending(page);
}

test('country: type part of the name, pick it from the list, and the code is stored', async () => {
  await openScreenIn(page, 'Account');
  await expect(country()).toBeVisible();
  await country().fill('Neth');
  const list = page.getByRole('listbox', { name: 'Country options' });
  await expect(list.getByRole('option').first()).toContainText('Netherlands');
  await shot('account-country-search');
  await country().fill('belg');
  await list.getByRole('option', { name: /Belgium/ }).click();
  await expect(country()).toHaveValue('Belgium');
  await expect(billingAddress().getByText('Stored as BE.')).toBeVisible();
  await saveAndSync();
  await expect.poll(async () => (await serviceOrg()).billingAddress?.country).toBe('BE');
});

test('country: the whole name typed is that country, never its first two letters', async () => {
  await country().fill('Netherlands');
  await country().press('Tab');
  await expect(country()).toHaveValue('Netherlands');
  await expect(billingAddress().getByText('Stored as NL.')).toBeVisible();
  await saveAndSync();
  await expect.poll(async () => (await serviceOrg()).billingAddress?.country).toBe('NL');
});

test('country: a code no country has, or part of a name, is refused in words and nothing is queued', async () => {
  await country().fill('ZZ');
  await country().press('Tab');
  await save().click();
  await expect(billingAddress().getByText('“ZZ” is not a country code. Pick the country from the list.')).toBeVisible();
  await expect(country()).toHaveAttribute('aria-invalid', 'true');
  await expect(statusBarOf(page)).toContainText('0 pending changes');

  await country().fill('Nether');
  await country().press('Tab');
  await save().click();
  await expect(billingAddress().getByText(/^Pick the country from the list \(a 2-letter ISO 3166 code/)).toBeVisible();
  await shot('account-country-refused');
  await form().getByRole('button', { name: 'Discard changes' }).click();
  await expect(country()).toHaveValue('Netherlands');
  expect((await serviceOrg()).billingAddress?.country).toBe('NL');
});

test('country: keyboard only, arrows and Enter pick from the list', async () => {
  // The first match is highlighted as you type: Enter takes it.
  await country().fill('swi');
  await country().press('Enter');
  await expect(country()).toHaveValue('Switzerland');
  // "neth": Netherlands, then Caribbean Netherlands one arrow down.
  await country().fill('neth');
  await country().press('ArrowDown');
  await country().press('Enter');
  await expect(country()).toHaveValue('Caribbean Netherlands');
  await expect(billingAddress().getByText('Stored as BQ.')).toBeVisible();
  await form().getByRole('button', { name: 'Discard changes' }).click();
  await expect(country()).toHaveValue('Netherlands');
});

test.describe('VAT numbers outside the EU', () => {
  for (const [typed, stored] of [
    ['GB 123 4567 89', 'GB123456789'],
    ['CHE-123.456.789 MWST', 'CHE123456789MWST'],
    ['NO 123 456 789 MVA', 'NO123456789MVA'],
  ] as const) {
    test(`${typed} is accepted and stored as ${stored}`, async () => {
      await form().getByLabel('VAT number').fill(typed);
      await saveAndSync();
      await expect.poll(async () => (await serviceOrg()).vatNumber).toBe(stored);
      await expect(form().getByLabel('VAT number')).toHaveValue(stored);
    });
  }

  test('a Swiss number without CHE is refused naming the Swiss form', async () => {
    await form().getByLabel('VAT number').fill('CH 123456789');
    await save().click();
    await expect(form().getByText('A VAT number from Switzerland is CHE followed by 9 digits and MWST, TVA or IVA, such as CHE-123.456.789 MWST.')).toBeVisible();
    await shot('account-vat-swiss-refused');
    await form().getByRole('button', { name: 'Discard changes' }).click();
  });
});
