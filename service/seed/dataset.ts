/**
 * Seed data for the billing service: a hand-shaped demo (Northwind MSP, its resellers and
 * customers) and a large generated one for benchmarks. Both are pure and deterministic: the same
 * options give deep-equal output, with no clock and no Math.random (ids come from the PRNG).
 *
 * Rows are built to satisfy the shared zod schemas, but the generators never parse them (the
 * scale dataset has 100,000+ rows); the tests parse every demo row and a sample of the scale one.
 *
 * Invariants kept: every organization except the legacy one has the five built-in roles and at
 * least one active user holding Administrator (deactivated users never hold Owner or
 * Administrator); user emails are unique per organization, case-insensitively; each organization
 * has one currency; invoices are monthly, computed with ../billing/invoice-math from the
 * organization's active user count at each period close; at most one default payment method.
 */
import type { BillingContact, EmailKind } from '@shared/domain/billing-contact';
import type { Invoice, InvoiceStatus } from '@shared/domain/invoice';
import type { Address, OrgKind, Organization } from '@shared/domain/organization';
import type { PaymentMethod, PaymentMethodType } from '@shared/domain/payment-method';
import { findPlan, type PlanOffer } from '@shared/domain/plans';
import { BUILT_IN_ROLES, PERMISSIONS, type BuiltInRoleKey, type Permission } from '@shared/domain/permissions';
import type { Role } from '@shared/domain/role';
import type { Subscription, SubscriptionStatus } from '@shared/domain/subscription';
import type { User, UserStatus } from '@shared/domain/user';
import {
  billingPeriodsEndingBy,
  computeInvoiceLines,
  computeInvoiceTotals,
  dueDate,
  invoiceNumber,
  isoInstant,
  periodClosesAt,
  type BillingPeriod,
} from '../billing/invoice-math';
import { Prng } from './prng';

export type SeedPaymentMethod = PaymentMethod & { processorRef: string };

export interface SeedDataset {
  orgs: Organization[];
  users: User[];
  roles: Role[];
  billingContacts: BillingContact[];
  subscriptions: Subscription[];
  invoices: Invoice[];
  paymentMethods: SeedPaymentMethod[];
  /** Known sign-ins, for README/tests: email → description */
  knownSignIns: { email: string; orgName: string; role: string }[];
}

export interface DemoDatasetOptions {
  /** PRNG seed; the default gives the documented demo. */
  seed?: number | string;
  /**
   * The "now" the data is built around (ISO 8601 UTC): the service passes the start of its
   * clock's day (seedDayOf), so a demo started today shows today's months. Default DEFAULT_SEED_NOW.
   */
  now?: string;
}

export interface ScaleDatasetOptions {
  customers: number;
  usersPerCustomer: number;
  /** Resellers between the provider and the customers; default 3 (a quarter of the customers stay direct). */
  resellers?: number;
  seed?: number | string;
  now?: string;
}

/** What tests seed around (their clock is test/support DEMO_NOW, the day after). */
export const DEFAULT_SEED_NOW = '2026-11-01T00:00:00Z';

/** The day of an instant as the seed's "now": its 00:00Z, so one day always gives the same data. */
export function seedDayOf(now: Date): string {
  return `${now.toISOString().slice(0, 10)}T00:00:00Z`;
}
export const DEFAULT_SEED = 'seatdesk-demo';
/** Months of invoices each organization gets, ending with the last month closed by "now". */
export const INVOICE_MONTHS = 12;
export const PROVIDER_NAME = 'Northwind MSP';
export const PROVIDER_SLUG = 'northwind';
/** The demo customer created before BUILT_IN_ROLES_CUTOFF that has no built-in roles installed. */
export const LEGACY_ORG_NAME = 'Blue Yonder Logistics';
/** The role shown for the legacy organization's admin, who has every permission individually. */
export const INDIVIDUAL_ALL_LABEL = 'Individual permissions (all)';
/** In the scale dataset: users of the provider and of each reseller. */
export const SCALE_PROVIDER_USERS = 20;
export const SCALE_RESELLER_USERS = 10;
/** In the scale dataset, every organization gets this many subscriptions and INVOICE_MONTHS invoices. */
export const SCALE_SUBSCRIPTIONS_PER_ORG = 2;

const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Reference data

const FIRST_NAMES = [
  'Emma', 'Liam', 'Sophie', 'Noah', 'Julia', 'Lucas', 'Anna', 'Daan', 'Lotte', 'Sem', 'Fleur', 'Bram',
  'Hannah', 'Jonas', 'Lena', 'Felix', 'Mia', 'Paul', 'Clara', 'Maximilian', 'Chloé', 'Louis', 'Léa', 'Hugo',
  'Camille', 'Arthur', 'Manon', 'Théo', 'Aoife', 'Seán', 'Niamh', 'Conor', 'Siobhan', 'Ciarán', 'Olivia',
  'James', 'Amelia', 'Oliver', 'Isla', 'Harry', 'Priya', 'Arjun', 'Fatima', 'Omar', 'Yusuf', 'Elif', 'Mehmet',
  'Zeynep', 'Sara', 'Mateo', 'Lucía', 'Pablo', 'Inês', 'João', 'Giulia', 'Marco', 'Katarzyna', 'Piotr',
  'Ingrid', 'Lars', 'Sanne', 'Ruben', 'Eva', 'Thomas', 'Marie', 'Jan', 'Nina', 'Tim', 'Laura', 'Kevin',
] as const;

const LAST_NAMES = [
  'de Vries', 'Jansen', 'van den Berg', 'Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'Bos',
  'Vos', 'Peters', 'Hendriks', 'van Dijk', 'Dekker', 'Verhoeven', 'Müller', 'Schmidt', 'Schneider', 'Fischer',
  'Weber', 'Becker', 'Wagner', 'Hoffmann', 'Schäfer', 'Koch', 'Martin', 'Bernard', 'Dubois', 'Lefèvre',
  'Moreau', 'Laurent', 'Girard', 'Fontaine', 'Peeters', 'Janssens', 'Maes', 'Claes', 'Wouters', 'Goossens',
  "O'Brien", 'Murphy', 'Kelly', 'Walsh', 'Byrne', 'Ryan', "O'Sullivan", 'Smith', 'Jones', 'Taylor', 'Brown',
  'Wilson', 'Patel', 'Khan', 'Yılmaz', 'Kaya', 'García', 'Fernández', 'Silva', 'Rossi', 'Bianchi', 'Nowak',
  'Kowalski', 'Andersen', 'Nielsen', 'Lindqvist', 'Novák', 'Horvat', 'Popescu', 'Papadopoulos',
] as const;

type CountryCode = 'NL' | 'DE' | 'BE' | 'FR' | 'IE' | 'XI' | 'LU';

interface Place {
  city: string;
  postalCode: string;
  region: string | null;
  streets: readonly string[];
}

interface CountryInfo {
  taxRate: number;
  currency: string;
  vat: (prng: Prng) => string;
  places: readonly Place[];
}

const COUNTRIES: Readonly<Record<CountryCode, CountryInfo>> = {
  NL: {
    taxRate: 2100,
    currency: 'EUR',
    vat: (prng) => `NL${prng.digits(9)}B${prng.pick(['01', '02', '03'])}`,
    places: [
      { city: 'Amsterdam', postalCode: '1017 CT', region: null, streets: ['Herengracht', 'Keizersgracht', 'Prinsengracht'] },
      { city: 'Utrecht', postalCode: '3511 AB', region: null, streets: ['Oudegracht', 'Maliebaan'] },
      { city: 'Rotterdam', postalCode: '3011 AD', region: null, streets: ['Coolsingel', 'Witte de Withstraat'] },
      { city: 'Eindhoven', postalCode: '5611 AB', region: null, streets: ['Stratumseind', 'Vestdijk'] },
    ],
  },
  DE: {
    taxRate: 1900,
    currency: 'EUR',
    vat: (prng) => `DE${prng.int(1, 9)}${prng.digits(8)}`,
    places: [
      { city: 'Berlin', postalCode: '10115', region: 'Berlin', streets: ['Friedrichstraße', 'Torstraße'] },
      { city: 'München', postalCode: '80331', region: 'Bayern', streets: ['Sendlinger Straße', 'Kaufingerstraße'] },
      { city: 'Hamburg', postalCode: '20095', region: 'Hamburg', streets: ['Mönckebergstraße', 'Spitalerstraße'] },
    ],
  },
  BE: {
    taxRate: 2100,
    currency: 'EUR',
    vat: (prng) => `BE0${prng.int(2, 9)}${prng.digits(8)}`,
    places: [
      { city: 'Antwerpen', postalCode: '2000', region: 'Antwerpen', streets: ['Meir', 'Groenplaats'] },
      { city: 'Gent', postalCode: '9000', region: 'Oost-Vlaanderen', streets: ['Veldstraat', 'Korenmarkt'] },
      { city: 'Bruxelles', postalCode: '1000', region: null, streets: ['Rue Neuve', 'Boulevard Anspach'] },
    ],
  },
  FR: {
    taxRate: 2000,
    currency: 'EUR',
    vat: (prng) => `FR${prng.digits(2)}${prng.int(1, 9)}${prng.digits(8)}`,
    places: [
      { city: 'Lyon', postalCode: '69002', region: 'Auvergne-Rhône-Alpes', streets: ['Rue de la République', 'Quai Saint-Antoine'] },
      { city: 'Paris', postalCode: '75002', region: 'Île-de-France', streets: ['Rue Réaumur', 'Rue du Sentier'] },
      { city: 'Bordeaux', postalCode: '33000', region: 'Nouvelle-Aquitaine', streets: ["Cours de l'Intendance"] },
    ],
  },
  IE: {
    taxRate: 2300,
    currency: 'EUR',
    vat: (prng) => `IE${prng.int(1, 9)}${prng.digits(6)}${prng.pick(['A', 'D', 'F', 'K', 'P', 'T', 'W'])}${prng.pick(['', 'A', 'H'])}`,
    places: [
      { city: 'Dublin', postalCode: 'D02 X285', region: 'County Dublin', streets: ['Grafton Street', 'Baggot Street'] },
      { city: 'Cork', postalCode: 'T12 RX8A', region: 'County Cork', streets: ['Patrick Street', 'Oliver Plunkett Street'] },
    ],
  },
  XI: {
    taxRate: 2000,
    currency: 'GBP',
    vat: (prng) => `XI${prng.int(1, 9)}${prng.digits(8)}`,
    places: [{ city: 'Belfast', postalCode: 'BT1 5GS', region: 'County Antrim', streets: ['Donegall Place', 'Royal Avenue'] }],
  },
  LU: {
    taxRate: 1700,
    currency: 'EUR',
    vat: (prng) => `LU${prng.int(1, 9)}${prng.digits(7)}`,
    places: [{ city: 'Luxembourg', postalCode: 'L-1118', region: null, streets: ['Rue Aldringen', 'Grand-Rue'] }],
  },
};

const ADDRESS_COUNTRY: Readonly<Record<CountryCode, string>> = { NL: 'NL', DE: 'DE', BE: 'BE', FR: 'FR', IE: 'IE', XI: 'GB', LU: 'LU' };

type ProductKey = 'pro' | 'backup' | 'endpoint' | 'mail' | 'archive';

/**
 * Each product the seed sells and its default plan. Basis, interval and prices come from the price
 * list (shared/domain/plans.ts), so seeded subscriptions cost what the service and the app quote.
 */
const PRODUCTS: Readonly<Record<ProductKey, { product: string; plan: string }>> = {
  pro: { product: 'Seatdesk Pro', plan: 'Business' },
  backup: { product: 'Seatdesk Backup', plan: 'Business' },
  endpoint: { product: 'Seatdesk Endpoint Protection', plan: 'Advanced' },
  mail: { product: 'Seatdesk Mail Security', plan: 'Standard' },
  archive: { product: 'Seatdesk Archive', plan: 'Enterprise' },
};

/** The price list's offer for a seeded subscription; a plan or currency it does not sell is a bug in the seed. */
function seedOffer(product: string, plan: string, currency: string): PlanOffer & { unitPrice: number } {
  const offer = findPlan(product, plan);
  const unitPrice = offer?.prices[currency];
  if (offer === undefined || unitPrice === undefined) throw new Error(`${product} (${plan}) is not on the price list in ${currency}.`);
  return { ...offer, unitPrice };
}

interface CustomRoleSpec {
  name: string;
  description: string;
  permissions: readonly Permission[];
}

const CUSTOM_ROLES: Readonly<Record<string, CustomRoleSpec>> = {
  helpdesk: {
    name: 'Helpdesk',
    description: 'First-line support: manages users and sees subscriptions',
    permissions: ['users.view', 'users.invite', 'users.manage', 'subscriptions.view'],
  },
  financeReviewer: {
    name: 'Finance Reviewer',
    description: 'Reviews invoices and subscriptions for the finance team',
    permissions: ['billing.view', 'subscriptions.view', 'audit.view'],
  },
  partnerManager: {
    name: 'Partner Manager',
    description: 'Onboards and looks after reseller and customer organizations',
    permissions: ['orgs.manage', 'users.view', 'subscriptions.view', 'subscriptions.manage', 'billing.view'],
  },
  itStaff: {
    name: 'IT Staff',
    description: 'Manages the people who use Seatdesk',
    permissions: ['users.view', 'users.invite', 'users.manage', 'roles.manage'],
  },
  accounts: {
    name: 'Accounts',
    description: 'Handles invoices and payment methods',
    permissions: ['billing.view', 'billing.edit', 'subscriptions.view'],
  },
};

const ROLE_LABELS: Readonly<Record<BuiltInRoleKey, string>> = Object.fromEntries(
  BUILT_IN_ROLES.map((role) => [role.key, role.name]),
) as Record<BuiltInRoleKey, string>;

// ---------------------------------------------------------------------------------------------
// Plans: what an organization should contain, before ids and dates are drawn

type NamedRole = BuiltInRoleKey | 'individual_all';

interface NamedUserPlan {
  /** Local part of the email (owner, admin…); omitted for a first.last address. */
  local?: string;
  role: NamedRole;
  /** Listed in knownSignIns. */
  signIn: boolean;
}

interface SubscriptionPlan {
  product: ProductKey;
  plan?: string;
  status: SubscriptionStatus;
  /** fixed_quantity only. */
  quantity?: number;
  /** Contract end at the end of the month this many months after now. */
  contractMonths?: number;
  /** Trial end this many days after now (trial, or cancel_scheduled at the trial end). */
  trialDays?: number;
  /** An active subscription whose trial ended this many days before now. */
  trialEndedDaysAgo?: number;
  /** A cancelled subscription: cancelled this many days before now. */
  cancelledDaysAgo?: number;
}

type ContactPlan = 'billing-user' | 'admin-notices' | 'accounts' | 'it';

interface PaymentMethodPlan {
  type: PaymentMethodType;
  brand: string;
  isDefault?: boolean;
  expired?: boolean;
}

interface OrgPlan {
  name: string;
  slug: string;
  kind: OrgKind;
  /** Index of the parent in the plan list, null for the provider. */
  parent: number | null;
  country: CountryCode;
  /** Reverse-charged VAT: tax rate 0. */
  reverseCharge?: boolean;
  createdAt: string;
  /** Created before BUILT_IN_ROLES_CUTOFF and never installed the built-in roles. */
  legacy?: boolean;
  userCount: number;
  namedUsers: readonly NamedUserPlan[];
  customRoles: readonly string[];
  subscriptions: readonly SubscriptionPlan[];
  contacts: readonly ContactPlan[];
  paymentMethods: readonly PaymentMethodPlan[];
  hasBillingEmail: boolean;
  shippingDiffers?: boolean;
  /** Invoice status overrides, by months back from the latest (0 = latest). */
  invoiceStatuses?: Readonly<Record<number, InvoiceStatus>>;
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** "Contoso Dental" → "contoso-dental"; "Margie's Travel" → "margies-travel". */
export function slugify(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

const emailWords = new Map<string, string>();

function emailWord(text: string): string {
  let word = emailWords.get(text);
  if (word === undefined) {
    word = toEmailWord(text);
    emailWords.set(text, word);
  }
  return word;
}

function toEmailWord(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ı/g, 'i')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

function parseMs(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`Not an ISO 8601 instant: ${JSON.stringify(iso)}`);
  return ms;
}

function two(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/**
 * An instant rounded down to the second, as ISO text (YYYY-MM-DDTHH:MM:SSZ). Formats by hand
 * (civil-from-days), since the scale dataset makes a few hundred thousand of them.
 */
function at(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const days = Math.floor(seconds / 86_400);
  const secondOfDay = seconds - days * 86_400;
  if (days < 0 || days > 2_932_896) return isoInstant(seconds * 1000); // before 1970 or after 9999
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(secondOfDay / 3600);
  const minute = Math.floor((secondOfDay % 3600) / 60);
  return `${year}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:${two(secondOfDay % 60)}Z`;
}

/** A random instant in [fromMs, toMs], to the second; toMs wins when the range is empty. */
function between(prng: Prng, fromMs: number, toMs: number): number {
  if (toMs <= fromMs) return toMs;
  return fromMs + Math.floor(prng.next() * (toMs - fromMs));
}

/** 23:59:59Z on the last day of the month `months` after the month of `nowMs`. */
function endOfMonthAfter(nowMs: number, months: number): string {
  const date = new Date(nowMs);
  return isoInstant(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months + 1, 1) - 1000);
}

function licenseKey(prng: Prng): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return `SD-${prng.string(alphabet, 4)}-${prng.string(alphabet, 4)}-${prng.string(alphabet, 4)}`;
}

function address(prng: Prng, country: CountryCode, place?: Place): Address {
  const chosen = place ?? prng.pick(COUNTRIES[country].places);
  return {
    line1: `${prng.pick(chosen.streets)} ${prng.int(1, 240)}`,
    line2: prng.chance(0.3) ? `Floor ${prng.int(1, 6)}` : null,
    city: chosen.city,
    postalCode: chosen.postalCode,
    region: chosen.region,
    country: ADDRESS_COUNTRY[country],
  };
}

// ---------------------------------------------------------------------------------------------
// Building

interface Context {
  nowMs: number;
  now: string;
  rolesInstalledMs: number;
  periods: BillingPeriod[];
  out: SeedDataset;
  invoiceJobs: InvoiceJob[];
  /** The root generator; each organization forks its own stream from it. */
  root: Prng;
}

interface InvoiceJob {
  org: Organization;
  orgIndex: number;
  prng: Prng;
  currency: string;
  subscriptions: Subscription[];
  /** Active users at the close of each of ctx.periods (null where the organization did not exist yet). */
  activeCounts: (number | null)[];
  statuses: Readonly<Record<number, InvoiceStatus>>;
}

function emptyDataset(): SeedDataset {
  return { orgs: [], users: [], roles: [], billingContacts: [], subscriptions: [], invoices: [], paymentMethods: [], knownSignIns: [] };
}

function createContext(seed: number | string, now: string): Context {
  const nowMs = parseMs(now);
  const periods = billingPeriodsEndingBy('monthly', at(nowMs - 400 * DAY_MS), now).slice(-INVOICE_MONTHS);
  return {
    nowMs,
    now: at(nowMs),
    // Organizations older than the cutoff installed them on this day (except the legacy one).
    rolesInstalledMs: parseMs('2024-01-22T09:00:00Z'),
    periods,
    out: emptyDataset(),
    invoiceJobs: [],
    root: new Prng(seed),
  };
}

function buildRoles(ctx: Context, plan: OrgPlan, prng: Prng, orgId: string, orgCreatedMs: number) {
  const builtIn = new Map<BuiltInRoleKey, Role>();
  const custom: Role[] = [];
  const roles: Role[] = [];
  const installedMs = Math.max(orgCreatedMs, ctx.rolesInstalledMs);
  if (plan.legacy !== true) {
    for (const spec of BUILT_IN_ROLES) {
      const role: Role = {
        id: prng.uuid(),
        orgId,
        version: 1,
        createdAt: at(installedMs),
        updatedAt: at(installedMs),
        name: spec.name,
        description: spec.description,
        permissions: [...spec.permissions],
        builtIn: true,
        builtInKey: spec.key,
      };
      builtIn.set(spec.key, role);
      roles.push(role);
    }
  }
  for (const key of plan.customRoles) {
    const spec = CUSTOM_ROLES[key];
    if (spec === undefined) throw new Error(`No custom role ${key}.`);
    const createdMs = between(prng, orgCreatedMs + DAY_MS, Math.min(ctx.nowMs, orgCreatedMs + 200 * DAY_MS));
    const role: Role = {
      id: prng.uuid(),
      orgId,
      version: 1,
      createdAt: at(createdMs),
      updatedAt: at(between(prng, createdMs, ctx.nowMs)),
      name: spec.name,
      description: spec.description,
      permissions: [...spec.permissions],
      builtIn: false,
      builtInKey: null,
    };
    custom.push(role);
    roles.push(role);
  }
  return { builtIn, custom, roles, installedMs };
}

type Roles = ReturnType<typeof buildRoles>;

function randomStatus(prng: Prng): UserStatus {
  return prng.weighted<UserStatus>([
    ['active', 72],
    ['pending', 14],
    ['deactivated', 14],
  ]);
}

/** Roles and individual permissions of a generated (not named) user. */
function randomGrant(prng: Prng, status: UserStatus, roles: Roles): { roleIds: string[]; permissions: Permission[] } {
  const id = (key: BuiltInRoleKey) => roles.builtIn.get(key)?.id;
  const customId = roles.custom.length > 0 ? prng.pick(roles.custom).id : undefined;
  if (roles.builtIn.size === 0) {
    // Legacy: custom roles and individual permissions only.
    const choice = prng.weighted<'custom' | 'view' | 'none'>([
      ['custom', 60],
      ['view', 30],
      ['none', 10],
    ]);
    if (choice === 'custom' && customId !== undefined) return { roleIds: [customId], permissions: [] };
    if (choice === 'view') return { roleIds: [], permissions: ['users.view', 'billing.view'] };
    return { roleIds: [], permissions: [] };
  }
  type Choice = BuiltInRoleKey | 'custom' | 'member+custom' | 'individual';
  const choices: [Choice, number][] = [
    ['member', 45],
    ['read_only', 17],
    ['billing', 10],
    ['custom', 12],
    ['member+custom', 4],
    ['individual', 4],
  ];
  // Deactivated users never hold Owner or Administrator (deactivating such a user is refused).
  if (status !== 'deactivated') choices.push(['administrator', 7], ['owner', 1]);
  const choice = prng.weighted(choices);
  if (choice === 'individual') return { roleIds: [], permissions: ['users.view', 'subscriptions.view'] };
  if (choice === 'custom') return { roleIds: customId === undefined ? [] : [customId], permissions: [] };
  if (choice === 'member+custom') {
    const member = id('member');
    return { roleIds: [member, customId].filter((value): value is string => value !== undefined), permissions: [] };
  }
  const roleId = id(choice);
  return { roleIds: roleId === undefined ? [] : [roleId], permissions: prng.chance(0.05) ? ['audit.view'] : [] };
}

function buildUsers(ctx: Context, plan: OrgPlan, prng: Prng, orgId: string, orgCreatedMs: number, roles: Roles, orgName: string) {
  const users: User[] = [];
  const taken = new Set<string>();
  const domain = `${plan.slug}.example`;
  const uniqueLocal = (first: string, last: string) => {
    const base = `${emailWord(first)}.${emailWord(last)}`;
    let local = base;
    for (let suffix = 2; taken.has(local); suffix += 1) local = `${base}${suffix}`;
    return local;
  };
  const randomCount = Math.max(0, plan.userCount - plan.namedUsers.length);
  const statuses: UserStatus[] = [];
  for (let index = 0; index < randomCount; index += 1) statuses.push(randomStatus(prng));
  // Every organization with room for it shows each status at least once.
  if (randomCount >= 2) {
    if (!statuses.includes('pending')) statuses[randomCount - 1] = 'pending';
    if (!statuses.includes('deactivated')) statuses[randomCount - 2] = 'deactivated';
  }

  const make = (
    status: UserStatus,
    grant: { roleIds: string[]; permissions: Permission[] },
    local: string | undefined,
    firstName: string,
    lastName: string,
    createdMs: number,
  ): User => {
    const chosenLocal = local ?? uniqueLocal(firstName, lastName);
    taken.add(chosenLocal);
    let updatedMs = createdMs;
    let lastActiveMs: number | null = null;
    if (status === 'active') {
      // Roles were (re)assigned when the built-in roles were installed, if after creation.
      updatedMs = grant.roleIds.length > 0 ? Math.max(createdMs, roles.installedMs) : createdMs;
      updatedMs = between(prng, updatedMs, Math.max(updatedMs, ctx.nowMs - 5 * DAY_MS));
      lastActiveMs = between(prng, Math.max(createdMs, ctx.nowMs - 21 * DAY_MS), ctx.nowMs - 3600_000);
    } else if (status === 'deactivated') {
      updatedMs = between(prng, createdMs + DAY_MS, ctx.nowMs - DAY_MS);
      lastActiveMs = prng.chance(0.8) ? between(prng, createdMs, updatedMs) : null;
    }
    return {
      id: prng.uuid(),
      orgId,
      version: 1,
      createdAt: at(createdMs),
      updatedAt: at(Math.max(createdMs, updatedMs)),
      firstName,
      lastName,
      email: `${chosenLocal}@${domain}`,
      status,
      roleIds: grant.roleIds,
      permissions: grant.permissions,
      lastActiveAt: lastActiveMs === null ? null : at(Math.max(createdMs, lastActiveMs)),
    };
  };

  for (const named of plan.namedUsers) {
    const firstName = prng.pick(FIRST_NAMES);
    const lastName = prng.pick(LAST_NAMES);
    let grant: { roleIds: string[]; permissions: Permission[] };
    if (named.role === 'individual_all') {
      grant = { roleIds: [], permissions: [...PERMISSIONS] };
    } else {
      const role = roles.builtIn.get(named.role);
      if (role === undefined) throw new Error(`${plan.name} has no ${named.role} role.`);
      grant = { roleIds: [role.id], permissions: [] };
    }
    const createdMs = users.length === 0 ? orgCreatedMs : between(prng, orgCreatedMs, orgCreatedMs + 30 * DAY_MS);
    const user = make('active', grant, named.local, firstName, lastName, createdMs);
    users.push(user);
    if (named.signIn) {
      ctx.out.knownSignIns.push({
        email: user.email,
        orgName,
        role: named.role === 'individual_all' ? INDIVIDUAL_ALL_LABEL : ROLE_LABELS[named.role],
      });
    }
  }
  for (const status of statuses) {
    const firstName = prng.pick(FIRST_NAMES);
    const lastName = prng.pick(LAST_NAMES);
    const createdMs =
      status === 'pending'
        ? between(prng, Math.max(orgCreatedMs, ctx.nowMs - 25 * DAY_MS), ctx.nowMs - DAY_MS)
        : between(prng, orgCreatedMs, Math.max(orgCreatedMs, ctx.nowMs - 30 * DAY_MS));
    users.push(make(status, randomGrant(prng, status, roles), undefined, firstName, lastName, createdMs));
  }
  return users;
}

function holds(user: User, role: Role | undefined): boolean {
  return role !== undefined && user.roleIds.includes(role.id);
}

function buildContacts(ctx: Context, plan: OrgPlan, prng: Prng, orgId: string, orgCreatedMs: number, users: User[], roles: Roles) {
  const admin = users[0];
  const billingUser =
    users.find((user) => user.status === 'active' && holds(user, roles.builtIn.get('billing'))) ??
    users.find((user) => user.status === 'active' && holds(user, roles.custom.find((role) => role.name === 'Accounts'))) ??
    admin;
  const contacts: BillingContact[] = [];
  const add = (email: string, userId: string | null, kinds: EmailKind[]) => {
    const createdMs = between(prng, orgCreatedMs + DAY_MS, ctx.nowMs - 2 * DAY_MS);
    contacts.push({
      id: prng.uuid(),
      orgId,
      version: 1,
      createdAt: at(createdMs),
      updatedAt: at(between(prng, createdMs, ctx.nowMs - DAY_MS)),
      email,
      userId,
      kinds,
    });
  };
  for (const kind of plan.contacts) {
    if (kind === 'billing-user' && billingUser !== undefined) add(billingUser.email, billingUser.id, ['invoices', 'payment_reminders']);
    if (kind === 'admin-notices' && admin !== undefined) add(admin.email, admin.id, ['subscription_changes', 'account_notices']);
    if (kind === 'accounts') add(`accounts.payable@${plan.slug}.example`, null, ['invoices']);
    if (kind === 'it') add(`it@${plan.slug}.example`, null, ['subscription_changes', 'account_notices']);
  }
  return contacts;
}

function buildSubscriptions(ctx: Context, plan: OrgPlan, prng: Prng, orgId: string, orgCreatedMs: number, currency: string, activeNow: number) {
  return plan.subscriptions.map((spec): Subscription => {
    const product = seedOffer(PRODUCTS[spec.product].product, spec.plan ?? PRODUCTS[spec.product].plan, currency);
    const { unitPrice } = product;
    let createdMs = between(prng, orgCreatedMs + DAY_MS, orgCreatedMs + 20 * DAY_MS);
    let updatedMs = createdMs;
    let trialEnd: string | null = null;
    let cancelAt: string | null = null;
    let contractEnd: string | null = spec.contractMonths === undefined ? null : endOfMonthAfter(ctx.nowMs, spec.contractMonths);
    if (spec.trialDays !== undefined) {
      const trialEndMs = ctx.nowMs + spec.trialDays * DAY_MS;
      createdMs = trialEndMs - 30 * DAY_MS;
      updatedMs = createdMs;
      trialEnd = at(trialEndMs);
      contractEnd = null;
    } else if (spec.trialEndedDaysAgo !== undefined) {
      const trialEndMs = ctx.nowMs - spec.trialEndedDaysAgo * DAY_MS;
      createdMs = trialEndMs - 30 * DAY_MS;
      trialEnd = at(trialEndMs);
      updatedMs = trialEndMs;
    }
    if (spec.status === 'cancel_scheduled') {
      cancelAt = trialEnd ?? contractEnd;
      if (cancelAt === null) throw new Error(`${plan.name}: cancel_scheduled needs a contract or a trial.`);
      updatedMs = between(prng, Math.max(createdMs, ctx.nowMs - 20 * DAY_MS), ctx.nowMs - DAY_MS);
    }
    if (spec.status === 'cancelled') {
      const cancelledMs = ctx.nowMs - (spec.cancelledDaysAgo ?? 60) * DAY_MS + prng.int(8 * 3600, 17 * 3600) * 1000;
      cancelAt = at(cancelledMs);
      updatedMs = cancelledMs;
      contractEnd = null;
    }
    return {
      id: prng.uuid(),
      orgId,
      version: 1,
      createdAt: at(createdMs),
      updatedAt: at(Math.max(createdMs, updatedMs)),
      product: product.product,
      plan: product.plan,
      basis: product.basis,
      quantity: product.basis === 'per_active_user' ? activeNow : (spec.quantity ?? 1),
      unitPrice,
      currency,
      interval: product.interval,
      contractEnd,
      trialEnd,
      cancelAt,
      licenseKey: licenseKey(prng),
      environmentId: prng.uuid(),
      status: spec.status,
    };
  });
}

function buildPaymentMethods(ctx: Context, plan: OrgPlan, prng: Prng, orgId: string, orgCreatedMs: number): SeedPaymentMethod[] {
  const nowYear = new Date(ctx.nowMs).getUTCFullYear();
  const defaultIndex = Math.max(0, plan.paymentMethods.findIndex((method) => method.isDefault === true));
  return plan.paymentMethods.map((spec, index): SeedPaymentMethod => {
    const createdMs = between(prng, orgCreatedMs + DAY_MS, ctx.nowMs - 10 * DAY_MS);
    const card = spec.type === 'card';
    const prefix = spec.type === 'card' ? 'card' : spec.type === 'sepa_debit' ? 'sepa' : 'ideal';
    return {
      id: prng.uuid(),
      orgId,
      version: 1,
      createdAt: at(createdMs),
      updatedAt: at(between(prng, createdMs, ctx.nowMs - DAY_MS)),
      type: spec.type,
      brand: spec.brand,
      last4: prng.digits(4),
      expMonth: card ? prng.int(1, 12) : null,
      expYear: card ? (spec.expired === true ? nowYear - 1 : nowYear + prng.int(1, 4)) : null,
      isDefault: index === defaultIndex,
      processorRef: `pm_${prefix}_${prng.string('abcdefghijklmnopqrstuvwxyz0123456789', 20)}`,
    };
  });
}

/** Active users at each period close: today's count in the latest, drifting a little before. */
function activeCountHistory(ctx: Context, prng: Prng, orgCreatedMs: number, activeNow: number): (number | null)[] {
  const counts: (number | null)[] = new Array<number | null>(ctx.periods.length).fill(null);
  let count = Math.max(1, activeNow);
  for (let index = ctx.periods.length - 1; index >= 0; index -= 1) {
    const period = ctx.periods[index];
    if (period === undefined) continue;
    if (orgCreatedMs >= parseMs(periodClosesAt(period))) break;
    counts[index] = count;
    count = Math.max(1, count - prng.weighted<number>([
      [0, 45],
      [1, 25],
      [2, 8],
      [-1, 17],
      [-2, 5],
    ]));
  }
  return counts;
}

function buildOrg(ctx: Context, plan: OrgPlan, orgIndex: number): void {
  const prng = ctx.root.fork(`org:${orgIndex}:${plan.slug}`);
  const orgId = prng.uuid();
  const orgCreatedMs = parseMs(plan.createdAt);
  const parent = plan.parent === null ? null : ctx.out.orgs[plan.parent];
  if (plan.parent !== null && parent === undefined) throw new Error(`${plan.name}: its parent must come first.`);
  const country = COUNTRIES[plan.country];

  const roles = buildRoles(ctx, plan, prng, orgId, orgCreatedMs);
  const users = buildUsers(ctx, plan, prng, orgId, orgCreatedMs, roles, plan.name);
  const activeNow = users.reduce((sum, user) => sum + (user.status === 'active' ? 1 : 0), 0);
  const contacts = buildContacts(ctx, plan, prng, orgId, orgCreatedMs, users, roles);
  const subscriptions = buildSubscriptions(ctx, plan, prng, orgId, orgCreatedMs, country.currency, activeNow);
  const paymentMethods = buildPaymentMethods(ctx, plan, prng, orgId, orgCreatedMs);

  const primary =
    users.find((user) => user.status === 'active' && holds(user, roles.builtIn.get('billing')) && plan.kind === 'provider') ?? users[0];
  const place = prng.pick(country.places);
  const billingAddress = address(prng, plan.country, place);
  const org: Organization = {
    id: orgId,
    orgId,
    version: 1,
    createdAt: at(orgCreatedMs),
    updatedAt: at(between(prng, orgCreatedMs + DAY_MS, ctx.nowMs - 7 * DAY_MS)),
    name: plan.name,
    kind: plan.kind,
    parentId: parent?.id ?? null,
    accountEmail: `office@${plan.slug}.example`,
    billingEmail: plan.hasBillingEmail ? `invoices@${plan.slug}.example` : null,
    vatNumber: country.vat(prng),
    billingAddress,
    shippingAddress: plan.shippingDiffers === true ? address(prng, plan.country) : prng.chance(0.15) ? null : billingAddress,
    primaryContactUserId: primary?.id ?? null,
    taxRate: plan.reverseCharge === true ? 0 : country.taxRate,
  };

  ctx.out.orgs.push(org);
  ctx.out.roles.push(...roles.roles);
  for (const user of users) ctx.out.users.push(user);
  ctx.out.billingContacts.push(...contacts);
  ctx.out.subscriptions.push(...subscriptions);
  ctx.out.paymentMethods.push(...paymentMethods);
  ctx.invoiceJobs.push({
    org,
    orgIndex,
    prng: prng.fork('invoices'),
    currency: country.currency,
    subscriptions,
    activeCounts: activeCountHistory(ctx, prng, orgCreatedMs, activeNow),
    statuses: plan.invoiceStatuses ?? {},
  });
}

/** Issues the invoices month by month across organizations, as the billing run would, numbering them in order. */
function issueInvoices(ctx: Context): void {
  let sequence = 0;
  const last = ctx.periods.length - 1;
  ctx.periods.forEach((period, periodIndex) => {
    const closesMs = parseMs(periodClosesAt(period));
    for (const job of ctx.invoiceJobs) {
      const activeUsers = job.activeCounts[periodIndex];
      if (activeUsers === null || activeUsers === undefined) continue;
      // The rule bills the periods each subscription ran in (from its trial end to its cancellation), whatever its status today.
      const lines = computeInvoiceLines(job.subscriptions, activeUsers, period, job.currency);
      const totals = computeInvoiceTotals(lines, job.org.taxRate, job.currency);
      sequence += 1;
      const issuedAt = at(closesMs);
      const dueAt = dueDate(issuedAt);
      const override = job.statuses[last - periodIndex];
      // Customers pay by the due date: the latest invoice is open until then, paid after; the
      // overdue ones are the plan's (statuses), so the demo shows the same few on any day of the month.
      const status: InvoiceStatus = override ?? (periodIndex === last && parseMs(dueAt) > ctx.nowMs ? 'open' : 'paid');
      const dueMs = parseMs(dueAt);
      let updatedMs = closesMs; // open: untouched since issued
      if (status === 'paid') updatedMs = between(job.prng, closesMs + DAY_MS, Math.min(dueMs, ctx.nowMs));
      if (status === 'void') updatedMs = between(job.prng, closesMs, Math.min(closesMs + 5 * DAY_MS, ctx.nowMs));
      if (status === 'overdue') updatedMs = Math.min(dueMs + DAY_MS, ctx.nowMs);
      ctx.out.invoices.push({
        id: job.prng.uuid(),
        orgId: job.org.id,
        version: 1,
        createdAt: issuedAt,
        updatedAt: at(Math.max(closesMs, updatedMs)),
        number: invoiceNumber(sequence, period.periodEnd),
        periodStart: period.periodStart,
        periodEnd: period.periodEnd,
        issuedAt,
        dueAt,
        status,
        currency: job.currency,
        subtotal: totals.subtotal,
        tax: totals.tax,
        total: totals.total,
        lines,
      });
    }
  });
}

function finish(ctx: Context, plans: readonly OrgPlan[]): SeedDataset {
  plans.forEach((plan, index) => buildOrg(ctx, plan, index));
  issueInvoices(ctx);
  return ctx.out;
}

// ---------------------------------------------------------------------------------------------
// The demo

const CUSTOMER_ADMIN: readonly NamedUserPlan[] = [{ local: 'admin', role: 'administrator', signIn: true }];

function demoPlans(): OrgPlan[] {
  const customer = (plan: Omit<OrgPlan, 'slug' | 'kind' | 'namedUsers' | 'hasBillingEmail'> & Partial<OrgPlan>): OrgPlan => ({
    slug: slugify(plan.name),
    kind: 'customer',
    namedUsers: CUSTOMER_ADMIN,
    hasBillingEmail: true,
    ...plan,
  });
  return [
    {
      name: PROVIDER_NAME,
      slug: PROVIDER_SLUG,
      kind: 'provider',
      parent: null,
      country: 'NL',
      createdAt: '2024-02-05T09:00:00Z',
      userCount: 24,
      namedUsers: [
        { local: 'owner', role: 'owner', signIn: true },
        { local: 'billing', role: 'billing', signIn: true },
        { local: 'readonly', role: 'read_only', signIn: true },
        { role: 'administrator', signIn: false },
      ],
      customRoles: ['helpdesk', 'partnerManager'],
      subscriptions: [
        { product: 'pro', plan: 'Partner', status: 'active', contractMonths: 14 },
        { product: 'archive', status: 'active', quantity: 1 },
      ],
      contacts: ['billing-user', 'it'],
      paymentMethods: [
        { type: 'card', brand: 'visa', isDefault: true },
        { type: 'sepa_debit', brand: 'ING' },
      ],
      hasBillingEmail: true,
    },
    {
      name: 'Fabrikam IT Partners',
      slug: slugify('Fabrikam IT Partners'),
      kind: 'reseller',
      parent: 0,
      country: 'DE',
      createdAt: '2024-03-11T10:15:00Z',
      userCount: 15,
      namedUsers: CUSTOMER_ADMIN,
      customRoles: ['helpdesk'],
      subscriptions: [
        { product: 'pro', plan: 'Partner', status: 'active' },
        { product: 'backup', status: 'active', quantity: 50, contractMonths: 8 },
      ],
      contacts: ['billing-user', 'accounts'],
      paymentMethods: [{ type: 'sepa_debit', brand: 'Deutsche Bank', isDefault: true }],
      hasBillingEmail: true,
    },
    {
      name: 'Tailspin Solutions',
      slug: slugify('Tailspin Solutions'),
      kind: 'reseller',
      parent: 0,
      country: 'BE',
      createdAt: '2024-04-22T13:40:00Z',
      userCount: 11,
      namedUsers: CUSTOMER_ADMIN,
      customRoles: ['financeReviewer'],
      subscriptions: [{ product: 'pro', plan: 'Partner', status: 'active' }],
      contacts: ['accounts', 'admin-notices'],
      paymentMethods: [
        { type: 'card', brand: 'mastercard', isDefault: true },
        { type: 'card', brand: 'amex', expired: true },
      ],
      hasBillingEmail: true,
      shippingDiffers: true,
    },
    customer({
      name: 'Contoso Dental',
      parent: 0,
      country: 'NL',
      createdAt: '2024-02-20T11:00:00Z',
      userCount: 18,
      customRoles: ['helpdesk', 'financeReviewer'],
      // Its contract ends next month (and renews); its trial ends next week.
      subscriptions: [
        { product: 'pro', status: 'active', contractMonths: 1 },
        { product: 'backup', status: 'active', quantity: 20 },
        { product: 'endpoint', status: 'trial', trialDays: 6 },
      ],
      contacts: ['billing-user', 'accounts', 'it'],
      paymentMethods: [
        { type: 'ideal', brand: 'ING', isDefault: true },
        { type: 'card', brand: 'visa' },
      ],
      invoiceStatuses: { 8: 'void' },
    }),
    customer({
      name: 'Adventure Works Legal',
      parent: 0,
      country: 'NL',
      createdAt: '2024-09-02T08:20:00Z',
      userCount: 9,
      customRoles: ['financeReviewer'],
      // A cancellation ahead: it takes effect when the contract ends, next month.
      subscriptions: [
        { product: 'pro', plan: 'Standard', status: 'active' },
        { product: 'archive', status: 'cancel_scheduled', quantity: 1, contractMonths: 1 },
      ],
      contacts: ['billing-user'],
      paymentMethods: [{ type: 'card', brand: 'amex', isDefault: true }],
    }),
    customer({
      name: LEGACY_ORG_NAME,
      parent: 0,
      country: 'NL',
      createdAt: '2023-06-12T09:30:00Z',
      legacy: true,
      userCount: 12,
      // No built-in roles: the admin holds every permission individually.
      namedUsers: [{ local: 'admin', role: 'individual_all', signIn: true }],
      customRoles: ['itStaff', 'accounts'],
      subscriptions: [
        { product: 'pro', plan: 'Standard', status: 'active' },
        { product: 'mail', status: 'cancelled', cancelledDaysAgo: 139 },
      ],
      // No contact takes invoices: they go to the primary contact.
      contacts: ['it'],
      paymentMethods: [{ type: 'sepa_debit', brand: 'Rabobank', isDefault: true }],
      hasBillingEmail: false,
    }),
    customer({
      name: 'Alpine Ski House',
      parent: 1,
      country: 'DE',
      createdAt: '2024-05-14T07:45:00Z',
      userCount: 40,
      customRoles: ['helpdesk'],
      subscriptions: [
        { product: 'pro', status: 'active', contractMonths: 6 },
        { product: 'backup', status: 'active', quantity: 40 },
        { product: 'endpoint', status: 'cancel_scheduled', trialDays: 10 },
      ],
      contacts: ['billing-user', 'admin-notices'],
      paymentMethods: [
        { type: 'card', brand: 'visa', isDefault: true },
        { type: 'card', brand: 'mastercard' },
      ],
    }),
    customer({
      name: 'Wingtip Toys',
      parent: 1,
      country: 'LU',
      reverseCharge: true,
      createdAt: '2025-01-08T14:05:00Z',
      userCount: 5,
      customRoles: ['helpdesk'],
      subscriptions: [{ product: 'pro', plan: 'Standard', status: 'active' }],
      contacts: ['billing-user'],
      paymentMethods: [],
      hasBillingEmail: false,
    }),
    customer({
      name: 'Lucerne Publishing',
      parent: 2,
      country: 'FR',
      createdAt: '2024-07-01T09:00:00Z',
      userCount: 22,
      customRoles: ['financeReviewer', 'helpdesk'],
      subscriptions: [
        { product: 'pro', status: 'active' },
        { product: 'backup', status: 'cancelled', quantity: 15, cancelledDaysAgo: 214 },
      ],
      contacts: ['accounts', 'billing-user'],
      paymentMethods: [{ type: 'sepa_debit', brand: 'BNP Paribas', isDefault: true }],
      // The one overdue invoice: the month before the latest, long past its due date.
      invoiceStatuses: { 1: 'overdue' },
    }),
    customer({
      name: 'Coho Winery',
      parent: 2,
      country: 'IE',
      createdAt: '2024-11-18T10:30:00Z',
      userCount: 14,
      customRoles: ['helpdesk'],
      subscriptions: [
        { product: 'pro', status: 'active', contractMonths: 10 },
        { product: 'mail', status: 'active', trialEndedDaysAgo: 150 },
      ],
      contacts: ['billing-user', 'it'],
      paymentMethods: [{ type: 'card', brand: 'visa', isDefault: true }],
      shippingDiffers: true,
    }),
    customer({
      name: "Margie's Travel",
      parent: 2,
      country: 'XI',
      createdAt: '2025-03-03T12:00:00Z',
      userCount: 8,
      customRoles: ['financeReviewer'],
      subscriptions: [
        { product: 'pro', status: 'active' },
        { product: 'backup', status: 'active', quantity: 10 },
      ],
      contacts: ['billing-user'],
      paymentMethods: [{ type: 'card', brand: 'mastercard', isDefault: true }],
    }),
  ];
}

/**
 * The demo: Northwind MSP (provider), two resellers and eight customers, one of them (Blue Yonder
 * Logistics) a legacy organization without built-in roles. See knownSignIns for who can sign in.
 */
export function generateDemoDataset(options: DemoDatasetOptions = {}): SeedDataset {
  const ctx = createContext(options.seed ?? DEFAULT_SEED, options.now ?? DEFAULT_SEED_NOW);
  return finish(ctx, demoPlans());
}

// ---------------------------------------------------------------------------------------------
// The scale dataset

const RESELLER_NAMES = [
  'Fabrikam IT Partners',
  'Tailspin Solutions',
  'Litware Systems',
  'Proseware Cloud',
  'Trey Research Services',
  'Wide World Networks',
] as const;

const NAME_PREFIXES = [
  'Contoso', 'Adatum', 'Fourth Coffee', 'Alpine', 'Coho', 'Lamna', 'Relecloud', 'Woodgrove', 'Humongous',
  'Blue Yonder', 'Graphic', 'Northwind', 'Southridge', 'Tailwind', 'Bellows', 'Wingtip', 'Lucerne', 'Margie',
  'Datum', 'Nod', 'Consolidated', 'Fineartschool', 'Munson', 'VanArsdel', 'Trey', 'Litware', 'Proseware',
  'First Up', 'City Power', 'Liberty', 'Baldwin', 'Hollow Oak', 'Riverside', 'Harbor', 'Summit', 'Meadow',
] as const;

const NAME_INDUSTRIES = [
  'Dental', 'Legal', 'Logistics', 'Ski House', 'Winery', 'Travel', 'Publishing', 'Toys', 'Bank', 'Pharmacy',
  'Architects', 'Accountants', 'Bakery', 'Clinic', 'Consulting', 'Engineering', 'Foods', 'Hotels', 'Insurance',
  'Media', 'Motors', 'Realty', 'Studios', 'Veterinary', 'Brewery', 'Florists', 'Fitness', 'Opticians',
] as const;

const SCALE_COUNTRIES: readonly (readonly [CountryCode, number])[] = [
  ['NL', 35],
  ['DE', 25],
  ['BE', 15],
  ['FR', 10],
  ['IE', 8],
  ['XI', 4],
  ['LU', 3],
];

function scalePaymentMethods(prng: Prng, country: CountryCode): PaymentMethodPlan[] {
  const kind = prng.weighted<'card' | 'sepa' | 'ideal' | 'both' | 'none'>([
    ['card', 40],
    ['sepa', 25],
    ['ideal', country === 'NL' ? 15 : 0],
    ['both', 12],
    ['none', 8],
  ]);
  const card: PaymentMethodPlan = { type: 'card', brand: prng.pick(['visa', 'visa', 'mastercard', 'amex']) };
  const sepa: PaymentMethodPlan = { type: 'sepa_debit', brand: prng.pick(['ING', 'Rabobank', 'ABN AMRO', 'Deutsche Bank', 'KBC', 'BNP Paribas']) };
  if (kind === 'card') return [{ ...card, isDefault: true }];
  if (kind === 'sepa') return [{ ...sepa, isDefault: true }];
  if (kind === 'ideal') return [{ type: 'ideal', brand: prng.pick(['ING', 'Rabobank', 'ABN AMRO', 'bunq']), isDefault: true }];
  if (kind === 'both') return [{ ...sepa, isDefault: true }, card];
  return [];
}

function scaleSecondSubscription(prng: Prng, fixedQuantity: number): SubscriptionPlan {
  const status = prng.weighted<SubscriptionStatus>([
    ['active', 70],
    ['trial', 10],
    ['cancel_scheduled', 10],
    ['cancelled', 10],
  ]);
  if (status === 'trial') return { product: 'endpoint', status, trialDays: prng.int(3, 25) };
  if (status === 'cancel_scheduled') return { product: 'backup', status, quantity: fixedQuantity, contractMonths: prng.int(1, 9) };
  if (status === 'cancelled') return { product: 'backup', status, quantity: fixedQuantity, cancelledDaysAgo: prng.int(20, 300) };
  return { product: 'backup', status, quantity: fixedQuantity };
}

/**
 * A large dataset for benchmarks: one provider (Northwind MSP, with the same known sign-ins as
 * the demo), `resellers` resellers and `customers` customers of `usersPerCustomer` users each. A
 * quarter of the customers sit directly under the provider, the rest are spread over the
 * resellers. Every organization gets the built-in roles plus one custom role, 2 subscriptions
 * and INVOICE_MONTHS invoices. Linear in the number of rows; no schema parsing.
 */
export function generateScaleDataset(options: ScaleDatasetOptions): SeedDataset {
  const { customers, usersPerCustomer } = options;
  const resellers = options.resellers ?? 3;
  for (const [name, value] of [
    ['customers', customers],
    ['usersPerCustomer', usersPerCustomer],
    ['resellers', resellers],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}.`);
  }
  const ctx = createContext(options.seed ?? `${DEFAULT_SEED}/scale`, options.now ?? DEFAULT_SEED_NOW);
  const prng = ctx.root.fork('plans');
  // Old enough for INVOICE_MONTHS invoices, young enough to have the built-in roles.
  const firstPeriod = ctx.periods[0];
  const youngestMs = (firstPeriod === undefined ? ctx.nowMs : parseMs(`${firstPeriod.periodStart}T00:00:00Z`)) - 45 * DAY_MS;
  const oldestMs = Math.max(ctx.rolesInstalledMs, youngestMs - 600 * DAY_MS);
  const created = () => at(between(prng, oldestMs, youngestMs));

  const plans: OrgPlan[] = [];
  const common = (userCount: number, country: CountryCode, fixedQuantity: number) => ({
    country,
    createdAt: created(),
    userCount,
    customRoles: ['helpdesk'],
    subscriptions: [
      prng.chance(0.5)
        ? ({ product: 'pro', status: 'active', contractMonths: prng.int(1, 18) } as const)
        : ({ product: 'pro', status: 'active' } as const),
      scaleSecondSubscription(prng, fixedQuantity),
    ],
    contacts: prng.pick<ContactPlan[]>([['billing-user'], ['billing-user', 'accounts'], ['accounts', 'it'], ['billing-user', 'it']]),
    paymentMethods: scalePaymentMethods(prng, country),
    hasBillingEmail: prng.chance(0.7),
    invoiceStatuses: prng.chance(0.03) ? { 1: 'overdue' as const } : prng.chance(0.01) ? { 5: 'void' as const } : {},
  });

  plans.push({
    ...common(SCALE_PROVIDER_USERS, 'NL', 25),
    name: PROVIDER_NAME,
    slug: PROVIDER_SLUG,
    kind: 'provider',
    parent: null,
    createdAt: at(oldestMs),
    namedUsers: [
      { local: 'owner', role: 'owner', signIn: true },
      { local: 'billing', role: 'billing', signIn: true },
      { local: 'readonly', role: 'read_only', signIn: true },
      { role: 'administrator', signIn: false },
    ],
    invoiceStatuses: {},
  });
  const usedNames = new Set<string>([PROVIDER_NAME]);
  const uniqueName = (base: string) => {
    let name = base;
    for (let suffix = 2; usedNames.has(name); suffix += 1) name = `${base} ${suffix}`;
    usedNames.add(name);
    return name;
  };
  for (let index = 0; index < resellers; index += 1) {
    const name = uniqueName(RESELLER_NAMES[index] ?? `Reseller ${index + 1}`);
    plans.push({
      ...common(SCALE_RESELLER_USERS, prng.weighted(SCALE_COUNTRIES), 30),
      name,
      slug: slugify(name),
      kind: 'reseller',
      parent: 0,
      namedUsers: CUSTOMER_ADMIN,
    });
  }
  for (let index = 0; index < customers; index += 1) {
    const name = uniqueName(`${prng.pick(NAME_PREFIXES)} ${prng.pick(NAME_INDUSTRIES)}`);
    const direct = resellers === 0 || index % 4 === 0;
    plans.push({
      ...common(Math.max(1, usersPerCustomer), prng.weighted(SCALE_COUNTRIES), prng.int(5, Math.max(5, usersPerCustomer))),
      name,
      slug: slugify(name),
      kind: 'customer',
      parent: direct ? 0 : 1 + (index % resellers),
      namedUsers: CUSTOMER_ADMIN,
    });
  }
  return finish(ctx, plans);
}
