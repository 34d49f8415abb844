import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Page } from '@playwright/test';
import { startFakeHost } from './host';

/**
 * Development aid, not a test: drives the built renderer over the fake core in Debian's Chromium,
 * screenshots every screen (and the main dialogs) at 1280x800 in light and dark, and prints what
 * axe-core finds (serious and critical). PNGs go to test-results/fake-screens/.
 *
 *   npx tsx --tsconfig tsconfig.node.json test/support/fake-core/screenshots.ts [--no-build] [--only users] [--theme light]
 */
const { values } = parseArgs({
  options: {
    'no-build': { type: 'boolean', default: false },
    only: { type: 'string' },
    theme: { type: 'string' },
    /** Only the scale check: 100,000 users in Contoso Dental, scrolled with the keyboard. */
    scale: { type: 'boolean', default: false },
  },
});

const OUT = resolve(import.meta.dirname, '../../../test-results/fake-screens');
mkdirSync(OUT, { recursive: true });

const fake = await startFakeHost({ build: !values['no-build'], bootstrapMs: 2500, syncDelayMs: 1500, ...(values.scale ? { extraUsers: 100_000 } : {}) });
const browser = await chromium.launch({
  executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  headless: true,
});

const violations: string[] = [];
const ctx = { appInfo: { name: 'Seatdesk', version: '0.1.0', host: 'browser-host' as const } };

async function audit(page: Page, name: string) {
  const result = await new AxeBuilder({ page }).analyze();
  for (const violation of result.violations) {
    if (violation.impact !== 'serious' && violation.impact !== 'critical') continue;
    const targets = violation.nodes.slice(0, 3).map((node) => node.target.join(' ')).join(' | ');
    violations.push(`${name}: [${violation.impact}] ${violation.id}: ${violation.help} (${targets})`);
  }
}

async function run(theme: 'light' | 'dark') {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: theme, locale: 'en-GB', timezoneId: 'Europe/Amsterdam' });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[${theme}] page error:`, error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') console.error(`[${theme}] console ${message.type()}:`, message.text());
  });
  const shot = async (name: string, options: { axe?: boolean } = {}) => {
    if (values.only !== undefined && !name.includes(values.only)) return;
    await page.waitForTimeout(150);
    await page.screenshot({ path: resolve(OUT, `${theme}-${name}.png`) });
    if (options.axe !== false) await audit(page, `${theme}/${name}`);
  };
  const nav = async (label: string) => {
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: label }).click();
    await page.waitForTimeout(250);
  };

  await fake.core.handlers.session.signOut(undefined, ctx);
  await page.goto(fake.launchUrl);
  await page.getByLabel('Service URL').waitFor();
  await shot('01-sign-in');
  await page.getByLabel('Email').fill('owner@northwind.example');
  await page.getByLabel('Password').fill('wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').waitFor();
  await shot('02-sign-in-error');
  await page.getByLabel('Password').fill('seatdesk-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForTimeout(900);
  await shot('03-bootstrap', { axe: false });
  await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor({ timeout: 10_000 });
  await page.waitForTimeout(600);
  await shot('10-users');

  // Users: selection, panel, dialogs
  const grid = page.getByRole('grid', { name: 'Users' });
  await grid.getByRole('row').nth(2).click();
  await page.waitForTimeout(300);
  await shot('11-user-panel');
  await page.keyboard.press('Escape');
  await grid.getByRole('row').nth(1).focus();
  await page.keyboard.press('Space');
  await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.press('Shift+ArrowDown');
  await shot('12-users-selected');
  await page.getByRole('button', { name: 'Deactivate…' }).click();
  await shot('13-bulk-deactivate');
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Clear selection' }).click();
  await page.getByRole('button', { name: 'New user' }).click();
  await page.getByRole('button', { name: 'Create user' }).click();
  await shot('14-new-user-errors');
  await page.getByLabel('First name').fill('Ada');
  await page.getByLabel('Last name').fill('Lovelace');
  await page.getByLabel('Email').fill('owner@northwind.example');
  await page.getByRole('button', { name: 'Create user' }).click();
  await page.getByText('already has an account').waitFor();
  await shot('14b-new-user-duplicate');
  await page.getByLabel('Email').fill(`ada.${theme}@northwind.example`);
  await page.getByRole('button', { name: 'Create user' }).click();
  await page.waitForTimeout(300);
  await shot('15-user-created-pending');
  await page.getByRole('button', { name: 'Invite' }).click();
  await page.getByLabel('Email addresses').fill('kim@example.com; "Lee, Chris" <chris@example.com>\nnot-an-email, owner@northwind.example, KIM@example.com');
  await shot('16-invite');
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'More user actions' }).click();
  await page.getByRole('menuitem', { name: 'Import from CSV…' }).click();
  await page.getByLabel('CSV file').setInputFiles({
    name: 'users.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('first_name,last_name,email,roles,active\nGrace,Hopper,grace@northwind.example,Member,yes\n,Turing,alan@northwind.example,Member,yes\nKaren,Jones,not-an-email,Wizard,maybe\nEdsger,Dijkstra,owner@northwind.example,,\n'),
  });
  await page.getByRole('button', { name: 'Check file' }).click();
  await page.getByText('ready to import').waitFor();
  await shot('17-import-preview');
  await page.keyboard.press('Escape');
  await page.getByLabel('Search users').fill('owner');
  await page.waitForTimeout(400);
  await page.getByRole('switch', { name: /Active:/ }).first().click();
  await shot('18-deactivate-admin');
  await page.keyboard.press('Escape');
  await page.getByLabel('Search users').fill('');
  await page.getByLabel('Include child organizations').check();
  await page.waitForTimeout(400);
  await shot('19-users-with-children');
  await page.getByLabel('Include child organizations').uncheck();

  // Organization switcher
  await page.getByRole('button', { name: /Organization:/ }).click();
  await shot('20-org-switcher');
  await page.getByRole('combobox', { name: 'Search organizations' }).fill('lit');
  await shot('21-org-switcher-search');
  await page.keyboard.press('Escape');

  await nav('Roles');
  await shot('30-roles');
  await page.getByRole('button', { name: 'Edit Helpdesk' }).click();
  await shot('31-role-dialog');
  await page.keyboard.press('Escape');

  await nav('Billing contacts');
  await shot('40-billing-contacts');
  await page.getByRole('button', { name: 'Add billing contact' }).first().click();
  await shot('41-add-contact');
  await page.keyboard.press('Escape');

  await nav('Subscriptions');
  await page.getByLabel('Include child organizations').check();
  await page.waitForTimeout(300);
  await shot('50-subscriptions');
  await page.getByRole('button', { name: /Actions for Seatdesk Endpoint \(Contoso Dental\)/ }).click();
  await page.getByRole('menuitem', { name: 'Cancel subscription…' }).click();
  await shot('51-cancel-subscription');
  await page.keyboard.press('Escape');

  await nav('Invoices');
  await page.waitForTimeout(300);
  await shot('60-invoices');
  await page.locator('table button.link-button').first().click();
  await page.waitForTimeout(300);
  await shot('61-invoice-detail');
  await page.keyboard.press('Escape');
  await page.getByLabel('Include child organizations').uncheck();

  await nav('Account');
  await shot('70-account');
  await page.locator('main').hover();
  await page.mouse.wheel(0, 900);
  await shot('71-account-payment-methods');

  await nav('Sync issues');
  await shot('80-sync-issues');

  await nav('Audit log');
  await shot('90-audit');
  await page.getByRole('button', { name: 'Details' }).first().click();
  await shot('91-audit-details');

  fake.core.setOffline(true);
  await nav('Users');
  await page.waitForTimeout(300);
  await shot('95-offline');
  fake.core.setOffline(false);

  // Read-only user: actions hidden or disabled.
  await page.getByRole('button', { name: /Signed in as/ }).click();
  await shot('96-user-menu');
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.getByLabel('Email').fill('readonly@northwind.example');
  await page.getByLabel('Password').fill('seatdesk-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor({ timeout: 10_000 });
  await page.waitForTimeout(500);
  await shot('97-readonly-users');
  await nav('Account');
  await shot('98-readonly-account');
  await context.close();
}

async function scale() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  await fake.core.handlers.session.signOut(undefined, ctx);
  await page.goto(fake.launchUrl);
  await page.getByLabel('Email').fill('owner@northwind.example');
  await page.getByLabel('Password').fill('seatdesk-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor({ timeout: 15_000 });
  await page.getByRole('button', { name: /Organization:/ }).click();
  await page.getByRole('combobox', { name: 'Search organizations' }).fill('contoso');
  await page.keyboard.press('Enter');
  const grid = page.getByRole('grid', { name: 'Users' });
  await grid.getByRole('row').nth(1).click();
  await page.keyboard.press('Escape');
  await grid.getByRole('row').nth(1).focus();
  const started = Date.now();
  for (let step = 0; step < 40; step += 1) await page.keyboard.press('PageDown');
  await page.keyboard.press('End');
  await page.getByRole('row', { name: /100010|Zoë/ }).first().waitFor({ timeout: 10_000 }).catch(() => undefined);
  await page.waitForTimeout(400);
  const focus = page.locator(':focus');
  const focused = `${await focus.getAttribute('role')} ${await focus.getAttribute('aria-rowindex')}`;
  console.log(`scale: 40 PageDown + End in ${Date.now() - started} ms; rowcount ${await grid.getAttribute('aria-rowcount')}; focus on ${focused}`);
  await page.screenshot({ path: resolve(OUT, 'scale-users-end.png') });
  await page.mouse.move(700, 400);
  for (let step = 0; step < 30; step += 1) await page.mouse.wheel(0, -4000);
  await page.waitForTimeout(400);
  await page.screenshot({ path: resolve(OUT, 'scale-users-wheel.png') });
  await context.close();
}

try {
  if (values.scale) await scale();
  else for (const theme of ['light', 'dark'] as const) {
    if (values.theme !== undefined && values.theme !== theme) continue;
    await run(theme);
  }
} finally {
  await browser.close();
  await fake.close();
}
console.log(`Screenshots in ${OUT}`);
console.log(violations.length === 0 ? 'axe: no serious or critical violations' : `axe:\n${violations.join('\n')}`);
