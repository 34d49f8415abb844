import { expect, test } from '@playwright/test';
import { startHostProcess, type RunningHost } from '../support/browser-host';

let host: RunningHost;

test.beforeAll(async () => {
  host = await startHostProcess();
});

test.afterAll(async () => {
  expect(await host.stop()).toBe(0);
});

test('the built renderer reaches the real core through the browser host', async ({ page }) => {
  await page.goto(host.launchUrl);
  await expect(page.getByRole('heading', { name: 'Seatdesk' })).toBeVisible();
  await expect(page.getByTestId('app-version')).toHaveText(/^Version \d+\.\d+\.\d+ \(browser-host\)$/);
  // Signed out on a fresh data folder, with the embedded demo service pre-filled.
  await expect(page.getByLabel('Service URL')).toHaveValue(/^http:\/\/127\.0\.0\.1:\d+$/);
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/smoke.png' });
});

test('without the token the host serves nothing but a refusal', async ({ page }) => {
  const response = await page.goto(host.origin + '/');
  expect(response?.status()).toBe(403);
  await expect(page.getByText('serves only the link it printed')).toBeVisible();
  const asset = await page.request.get(host.origin + '/__seatdesk/bridge.js');
  expect(asset.status()).toBe(403);
  const wrong = await page.request.get(host.origin + '/__seatdesk/unlock?token=wrong', { maxRedirects: 0 });
  expect(wrong.status()).toBe(403);
});
