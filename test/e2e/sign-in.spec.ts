import { expect, test } from '@playwright/test';
import { startE2eEnvironment, type E2eEnvironment } from '../support/e2e-env';

let env: E2eEnvironment;

test.beforeAll(async () => {
  env = await startE2eEnvironment();
});

test.afterAll(async () => {
  await env.close();
});

test('signs in to the real service, downloads the offline copy and shows the users of the organization', async ({ page }) => {
  await page.goto(env.host.launchUrl);
  await page.getByLabel('Service URL').fill(env.link.url);
  await page.getByLabel('Email').fill('owner@northwind.example');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/sign-in-error.png' });

  await page.getByLabel('Password').fill('seatdesk-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const nav = page.getByRole('navigation').first();
  for (const name of ['Users', 'Roles', 'Billing contacts', 'Subscriptions', 'Invoices', 'Account', 'Sync issues', 'Audit log']) {
    await expect(nav.getByRole('link', { name, exact: true }).or(nav.getByRole('button', { name, exact: true }))).toBeVisible();
  }
  await expect(page.getByText('owner@northwind.example').first()).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/users.png' });
});
