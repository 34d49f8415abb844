import { expect as baseExpect, test, type Page } from '@playwright/test';
import { DEMO_PASSWORD, signInAllowingOneReload, startE2eEnvironment, type E2eEnvironment } from '../support/e2e-env';

// The organization the app opens in belongs to the signed-in user: remembered per user, and never
// one outside the user's scope, also right after another user signed out in the same window.
let env: E2eEnvironment;
let page: Page;

test.describe.configure({ mode: 'serial', timeout: 240_000 });
const expect = baseExpect.configure({ timeout: 20_000 });

const OWNER = 'owner@northwind.example';
const CUSTOMER_ADMIN = 'admin@contoso-dental.example';

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000);
  env = await startE2eEnvironment();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  // Every "You cannot see ..." the window shows, however briefly: a refusal that flashes by counts
  // too. (A script string: this project's TypeScript has no DOM types.)
  await page.addInitScript({
    content: `
      window.refusalsSeen = [];
      new MutationObserver(() => {
        for (const title of document.querySelectorAll('.empty-title')) {
          const text = title.textContent ?? '';
          if (text.startsWith('You cannot see') && !window.refusalsSeen.includes(text)) window.refusalsSeen.push(text);
        }
      }).observe(document, { subtree: true, childList: true, characterData: true });`,
  });
});

test.afterAll(async () => {
  await page?.close();
  await env?.close();
});

const switcher = () => page.locator('.org-switcher-button');
const shot = (name: string) => page.screenshot({ path: `test-results/screens/${name}.png` });
const refusalsSeen = async () => (await page.evaluate('window.refusalsSeen.splice(0)')) as string[];

async function switchOrg(name: string): Promise<void> {
  await switcher().click();
  await page.getByRole('combobox', { name: 'Search organizations' }).fill(name);
  await page.getByRole('option', { name: new RegExp(name) }).first().click();
  await expect(page.locator('.screen-org-name')).toHaveText(name);
}

async function signOut(email: string): Promise<void> {
  await page.getByRole('button', { name: `Signed in as ${email}` }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
}

/** Signs in on the sign-in screen already shown, without reloading: the same window, its state kept. */
async function signInHere(email: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Screens' }).waitFor({ timeout: 60_000 });
}

/** The workspace shows the organization, its Home screen, and no refusal showed on the way. */
async function expectOpenedIn(name: string): Promise<void> {
  await expect(page.locator('.screen-org-name')).toHaveText(name, { timeout: 60_000 });
  await expect(switcher()).toContainText(name);
  // The app opens on Home, which everyone may see: its sections, no refusal.
  await expect(page.getByRole('main').getByRole('heading', { level: 1, name: 'Home', exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Needs attention' })).toBeVisible();
  expect(await refusalsSeen()).toEqual([]);
}

test('after another user signs out, the next opens in their own organization, and each comes back to the one they chose', async () => {
  await signInAllowingOneReload(page, env, OWNER);
  await expectOpenedIn('Northwind MSP');
  await switchOrg('Adventure Works Legal');

  for (let round = 1; round <= 3; round++) {
    await signOut(OWNER);
    await signInHere(CUSTOMER_ADMIN);
    await expectOpenedIn('Contoso Dental');
    // Their own organizations only: nothing of the owner's tree.
    await switcher().click();
    await expect(page.getByRole('dialog', { name: 'Switch organization' }).getByRole('option')).toHaveText([/Contoso Dental/]);
    if (round === 1) await shot('org-per-user-customer-admin');
    await page.keyboard.press('Escape');

    await signOut(CUSTOMER_ADMIN);
    await signInHere(OWNER);
    await expectOpenedIn('Adventure Works Legal');
  }
  await shot('org-per-user-owner-back');
});

test('a remembered organization no longer in the user’s scope opens the user’s own organization instead', async () => {
  const owner = await env.service.signIn(OWNER);
  const orgs = (await env.service.call('GET', '/v1/orgs', { token: owner.accessToken })).body as { items: { id: string; name: string }[] };
  const elsewhere = orgs.items.find((org) => org.name === 'Adventure Works Legal')!.id;
  const admin = await env.service.signIn(CUSTOMER_ADMIN);
  const keyOf = (userId: string) => `seatdesk.scope ${new URL(env.link.url).origin}|${userId}`;
  // Where the app keeps a user's choice: the owner's is there, from the test above.
  expect(JSON.parse((await page.evaluate(`localStorage.getItem(${JSON.stringify(keyOf(owner.user.id))})`)) as string)).toMatchObject({ orgId: elsewhere });
  await signOut(OWNER);
  await signInHere(CUSTOMER_ADMIN);
  await expectOpenedIn('Contoso Dental');
  // As if this user had chosen Adventure Works Legal while it was in their scope; then the app restarts.
  await page.evaluate(`localStorage.setItem(${JSON.stringify(keyOf(admin.user.id))}, ${JSON.stringify(JSON.stringify({ orgId: elsewhere, includeChildren: false }))})`);
  await page.reload();
  await expectOpenedIn('Contoso Dental');
  await shot('org-per-user-out-of-scope');
});
