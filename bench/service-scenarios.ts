import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { SCHEMA_VERSION } from '@shared/sync/protocol';
import { BENCH_PASSWORD, type Cluster } from './service-cluster';
import { pollHealth, runStreams, summarise, type Latencies, type LoadStream } from './service-load';

/** Who and what the scenarios act on, found through the API as a client would. */
export interface Tenants {
  /** Northwind MSP's owner: every customer in scope. */
  owner: string;
  customers: string[];
  /** The extra providers (trees of their own): their owners and organizations. */
  providers: { orgId: string; token: string }[];
  /** Two Northwind customers' administrators: the noisy one, and a neighbour in the same tree. */
  noisy: { orgId: string; token: string };
  sameTree: { orgId: string; token: string };
  /** About how many changes there are, for pull cursors across the history. */
  changes: number;
}

async function json<T>(response: Response): Promise<T> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.status} ${response.url}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

export async function signIn(url: string, email: string): Promise<string> {
  const answer = await json<{ accessToken: string }>(
    await fetch(`${url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: BENCH_PASSWORD }) }),
  );
  return answer.accessToken;
}

const get = async <T>(url: string, path: string, token: string): Promise<T> => json<T>(await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } }));

export async function findTenants(cluster: Cluster): Promise<Tenants> {
  const url = cluster.urls[0]!;
  const owner = await signIn(url, 'owner@northwind.example');
  const orgs = await get<{ items: { id: string; kind: string }[] }>(url, '/v1/orgs', owner);
  const customers = orgs.items.filter((org) => org.kind === 'customer').map((org) => org.id);
  const adminOf = async (orgId: string) => {
    const users = await get<{ items: { email: string; status: string }[] }>(url, `/v1/orgs/${orgId}/users`, owner);
    const admin = users.items.find((user) => user.email.startsWith('admin@') && user.status === 'active');
    if (admin === undefined) throw new Error(`No administrator sign-in in ${orgId}`);
    return { orgId, token: await signIn(url, admin.email) };
  };
  const first = await get<{ remaining: number; changes: unknown[] }>(url, `/v1/sync/pull?cursor=0&limit=1&clientId=${randomUUID()}`, owner);
  return {
    owner,
    customers,
    providers: await Promise.all(cluster.providers.map(async (provider) => ({ orgId: provider.orgId, token: await signIn(url, provider.ownerEmail) }))),
    noisy: await adminOf(customers[0]!),
    sameTree: await adminOf(customers[1]!),
    changes: first.remaining + first.changes.length,
  };
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

function contactsPush(orgIds: readonly string[]) {
  const mutations = Array.from({ length: 100 }, (_, index) => ({
    id: index + 1,
    name: 'addBillingContact',
    args: { orgId: pick(orgIds), email: `bench-${randomUUID()}@contacts.example`, kinds: ['invoices'] },
  }));
  return { method: 'POST', path: '/v1/sync/push', body: JSON.stringify({ clientId: randomUUID(), schemaVersion: SCHEMA_VERSION, mutations }) };
}

/**
 * 50 connections, spread over the instances: pull pages of 200 at cursors across the history (10),
 * GET users (15) and GET invoices (15) of random customers, and pushes of 100 new billing contacts
 * (10: two per provider tree, so the five tenants' pushes run in parallel and one tenant's take turns).
 */
export function mixedStreams(cluster: Cluster, tenants: Tenants): LoadStream[] {
  const streams: LoadStream[] = [];
  const clientId = randomUUID();
  const split = (total: number) => cluster.urls.map((url, index) => ({ url, connections: Math.floor(total / cluster.urls.length) + (index < total % cluster.urls.length ? 1 : 0) }));
  for (const { url, connections } of split(10)) {
    streams.push({
      label: 'pull page of 200',
      url,
      connections,
      token: tenants.owner,
      request: () => ({ method: 'GET', path: `/v1/sync/pull?cursor=${Math.floor(Math.random() * tenants.changes * 0.95)}&limit=200&clientId=${clientId}` }),
    });
  }
  for (const { url, connections } of split(15)) {
    streams.push({ label: 'GET users of a customer', url, connections, token: tenants.owner, request: () => ({ method: 'GET', path: `/v1/orgs/${pick(tenants.customers)}/users` }) });
  }
  for (const { url, connections } of split(15)) {
    streams.push({ label: 'GET invoices of a customer', url, connections, token: tenants.owner, request: () => ({ method: 'GET', path: `/v1/orgs/${pick(tenants.customers)}/invoices` }) });
  }
  const pushers = [{ token: tenants.owner, orgIds: tenants.customers }, ...tenants.providers.map((provider) => ({ token: provider.token, orgIds: [provider.orgId] }))];
  pushers.forEach((pusher, index) => {
    for (let connection = 0; connection < 2; connection += 1) {
      streams.push({ label: 'push of 100 mutations', url: cluster.urls[(index + connection) % cluster.urls.length]!, connections: 1, token: pusher.token, request: () => contactsPush(pusher.orgIds) });
    }
  });
  return streams;
}

export const READ_LABELS = ['pull page of 200', 'GET users of a customer', 'GET invoices of a customer'];

export interface MixedResult {
  /** The first `warmupSeconds`, right after the instances started (not in the latencies below): every stream's latencies. */
  warmup: Latencies[] | null;
  byLabel: Latencies[];
  reads: Latencies;
  health: Latencies;
}

/**
 * The mixed load for `warmupSeconds` (the instances' first requests: code not yet optimised,
 * connections and statements not yet prepared), then for `seconds` measured. The warm-up's reads
 * are reported on their own.
 */
export async function runMixed(cluster: Cluster, tenants: Tenants, seconds: number, warmupSeconds: number): Promise<MixedResult> {
  let warmup: Latencies[] | null = null;
  if (warmupSeconds > 0) {
    const run = await runStreams(mixedStreams(cluster, tenants), warmupSeconds);
    warmup = [run.pooled(`reads in the first ${warmupSeconds} s (warm-up, latencies not counted)`, READ_LABELS), run.byLabel.get('push of 100 mutations')!];
  }
  const health = pollHealth(cluster.urls[0]!, 200);
  const run = await runStreams(mixedStreams(cluster, tenants), seconds);
  return { warmup, byLabel: [...run.byLabel.values()], reads: run.pooled('reads (pull, users, invoices)', READ_LABELS), health: await health.stop() };
}

function createUsersPush(orgId: string, count: number) {
  const stamp = randomUUID().slice(0, 8);
  const mutations = Array.from({ length: count }, (_, index) => ({
    id: index + 1,
    name: 'createUser',
    args: { orgId, firstName: 'Bulk', lastName: `Created ${index}`, email: `bulk-${stamp}-${index}@noisy.example` },
  }));
  return JSON.stringify({ clientId: randomUUID(), schemaVersion: SCHEMA_VERSION, mutations });
}

export interface NoisyResult {
  /** Each noisy push's duration, ms (the first starts with the scenario; more while time is left). */
  noisyPushes: number[];
  otherTenant: { writes: Latencies; reads: Latencies };
  sameTree: { writes: Latencies; reads: Latencies };
}

/** How long the scenario waits, after its window, for a noisy push still running. */
const NOISY_GRACE_MS = 120_000;

/**
 * One customer pushes 500 createUser through the first instance (again while the window lasts);
 * meanwhile another tenant (a provider tree of its own) and a neighbour customer in the noisy
 * one's tree do single writes (a new billing contact, 5 a second per connection) and reads (their
 * users, 10 a second per connection), on every instance. A push still running when the window
 * closes is waited for (so the next scenario starts quiet), up to NOISY_GRACE_MS.
 */
export async function runNoisyNeighbour(cluster: Cluster, tenants: Tenants, seconds: number): Promise<NoisyResult> {
  const noisyPushes: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const noisy = (async () => {
    while (performance.now() < deadline) {
      const started = performance.now();
      const response = await fetch(`${cluster.urls[0]}/v1/sync/push`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tenants.noisy.token}`, 'content-type': 'application/json' },
        body: createUsersPush(tenants.noisy.orgId, 500),
        signal: AbortSignal.timeout(seconds * 1000 + NOISY_GRACE_MS),
      });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`The noisy push answered ${response.status}`);
      noisyPushes.push(performance.now() - started);
    }
  })();
  // Give the first push a moment to reach its first transaction.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const other = tenants.providers[0]!;
  const streams: LoadStream[] = [];
  for (const url of cluster.urls) {
    for (const [who, tenant] of [['other tenant', other], ['same tree', tenants.sameTree]] as const) {
      streams.push({
        label: `${who}: single write`,
        url,
        connections: 2,
        token: tenant.token,
        ratePerConnection: 5,
        request: () => ({ method: 'POST', path: `/v1/orgs/${tenant.orgId}/billing-contacts`, body: JSON.stringify({ email: `single-${randomUUID()}@contacts.example`, kinds: ['invoices'] }) }),
      });
      streams.push({ label: `${who}: read`, url, connections: 2, token: tenant.token, ratePerConnection: 10, request: () => ({ method: 'GET', path: `/v1/orgs/${tenant.orgId}/users` }) });
    }
  }
  const { byLabel } = await runStreams(streams, Math.max(1, seconds - 1));
  await noisy;
  return {
    noisyPushes,
    otherTenant: { writes: byLabel.get('other tenant: single write')!, reads: byLabel.get('other tenant: read')! },
    sameTree: { writes: byLabel.get('same tree: single write')!, reads: byLabel.get('same tree: read')! },
  };
}

/** A reader of /v1/sync/events that notes when each poke arrived. */
async function pokeListener(url: string, token: string): Promise<{ next(timeoutMs: number): Promise<number | null>; close(): void }> {
  const controller = new AbortController();
  const response = await fetch(`${url}/v1/sync/events`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  if (!response.ok || response.body === null) throw new Error(`The event stream answered ${response.status}`);
  const arrivals: number[] = [];
  const waiters: (() => void)[] = [];
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          if (buffer.slice(0, end).split('\n').includes('event: poke')) {
            arrivals.push(performance.now());
            for (const wake of waiters.splice(0)) wake();
          }
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // closed
    }
  })();
  let taken = 0;
  return {
    async next(timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      while (arrivals.length <= taken) {
        const left = deadline - performance.now();
        if (left <= 0) return null;
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, left);
        });
      }
      taken = arrivals.length;
      return arrivals.at(-1)!;
    },
    close: () => controller.abort(),
  };
}

export interface PokeResult {
  /** From sending the change to A until B's client had the poke. */
  latencies: Latencies;
  missed: number;
}

/**
 * A change through the first instance; the poke at a client of the second. The client is a
 * customer's administrator, so only changes in that customer poke it.
 */
export async function runPokes(cluster: Cluster, tenants: Tenants, samples: number): Promise<PokeResult> {
  const [a, b] = cluster.urls;
  const customer = tenants.sameTree;
  const listener = await pokeListener(b!, customer.token);
  const latencies: number[] = [];
  let missed = 0;
  const started = performance.now();
  try {
    for (let i = 0; i < samples; i += 1) {
      const sent = performance.now();
      const response = await fetch(`${a}/v1/orgs/${customer.orgId}/billing-contacts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${customer.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email: `poke-${randomUUID()}@contacts.example`, kinds: ['invoices'] }),
      });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`The change answered ${response.status}`);
      const arrived = await listener.next(5_000);
      if (arrived === null) missed += 1;
      else latencies.push(arrived - sent);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  } finally {
    listener.close();
  }
  return { latencies: summarise('poke across instances', latencies, missed, (performance.now() - started) / 1000), missed };
}
