/**
 * The sync engine in a process of its own, for the crash-safety test (../crash.test.ts), which
 * kills it with SIGKILL and starts it again on the same cache file. CRASH picks where it dies
 * by its own hand, so the point is exact: `write:N` inside the Nth row written to the cache
 * (mid-transaction), `push:N` right after the Nth push answer arrived (the service committed,
 * the client never heard), `pull:N` right after the Nth pull answer. Without CRASH it runs to the
 * end (or until the test's timer kills it).
 *
 * Env: CACHE_FILE, SERVICE_URL, ACCESS_TOKEN, PLAN_FILE ({ batches: {batchId, commands}[] }),
 * NOW (the service's fixed clock), CRASH, APPLY_THREAD (1: bootstrap pages on the writer thread). Prints `STEP bootstrap|pull|push|queue` before each step
 * (stdout to a pipe is synchronous, so the last one names the step a kill interrupted) and DONE
 * when everything is synced.
 */
import { readFileSync } from 'node:fs';
import { pullResponseSchema, pushResponseSchema } from '@shared/sync/protocol';
import { openCacheDatabase } from '../../db/open';
import { createEventBus } from '../../events/event-bus';
import type { CommandInput } from '../../outbox/queue';
import { createSyncEngine } from '../engine';
import { readSyncState } from '../state';
import { errorFromAnswer, offlineError } from '../../api/http';
import type { SyncTransport } from '../transport';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

const [kind, at] = (process.env['CRASH'] ?? '').split(':');
const crashAt = Number(at ?? 0);

function die(): never {
  process.kill(process.pid, 'SIGKILL');
  // SIGKILL is not instant: make sure nothing at all happens after this point.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
  throw new Error('unreachable');
}

const db = openCacheDatabase(env('CACHE_FILE'));
if (kind === 'write') {
  let writes = 0;
  db.function('crash_point', () => {
    writes += 1;
    if (writes === crashAt) die();
    return 0;
  });
  const tables = ['organizations', 'users', 'roles', 'billing_contacts', 'subscriptions', 'invoices', 'payment_methods', 'audit_events', 'confirmed_rows', 'outbox', 'sync_state', 'sync_issues'];
  for (const table of tables) {
    for (const op of ['INSERT', 'UPDATE', 'DELETE']) {
      db.exec(`CREATE TEMP TRIGGER crash_${table}_${op.toLowerCase()} AFTER ${op} ON main.${table} BEGIN SELECT crash_point(); END;`);
    }
  }
}

const url = env('SERVICE_URL');
const token = env('ACCESS_TOKEN');
let pulls = 0;
let pushes = 0;

async function request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw offlineError(url, error, 30_000);
  }
  const json = (await response.json()) as unknown;
  if (!response.ok) throw errorFromAnswer(response.status, json, response.headers.get('retry-after'));
  return json;
}

/** One pull answer, unchecked; CRASH=pull:N dies right after the Nth. */
async function pullAnswer(query: { cursor: number; limit: number; clientId: string }): Promise<unknown> {
  console.log(`STEP ${readSyncState(db).bootstrapComplete ? 'pull' : 'bootstrap'}`);
  const params = new URLSearchParams({ cursor: String(query.cursor), limit: String(query.limit), clientId: query.clientId });
  const answer = await request('GET', `/v1/sync/pull?${params}`);
  pulls += 1;
  if (kind === 'pull' && pulls === crashAt) die();
  return answer;
}

const transport: SyncTransport = {
  pull: async (query) => pullResponseSchema.parse(await pullAnswer(query)),
  // Unchecked: the writer thread decodes and checks it (its JSON re-serialized: the same values).
  pullBytes: async (query) => new TextEncoder().encode(JSON.stringify(await pullAnswer(query))),
  async push(body) {
    console.log('STEP push');
    const answer = pushResponseSchema.parse(await request('POST', '/v1/sync/push', body));
    pushes += 1;
    if (kind === 'push' && pushes === crashAt) die();
    return answer;
  },
  // No event stream: this process syncs on demand only.
  pokes: (signal) => ({
    async *[Symbol.asyncIterator]() {
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      if (!signal.aborted) yield;
    },
  }),
};

const plan = JSON.parse(readFileSync(env('PLAN_FILE'), 'utf8')) as { batches: { batchId: string; commands: CommandInput[] }[] };
const now = new Date(env('NOW'));
const applyThreadMinRows = process.env['APPLY_THREAD'] === '1' ? 0 : Number.POSITIVE_INFINITY;
const engine = createSyncEngine({ db, transport, events: createEventBus(), now: () => now, pageSize: 25, chunkSize: 5, pushBatchSize: 20, applyThreadMinRows });

await engine.syncNow();
// Queued so far = next mutation id - 1 (both move in the queue's one transaction): go on from there.
for (;;) {
  const queued = readSyncState(db).nextMutationId - 1;
  let offset = 0;
  const next = plan.batches.find((batch) => {
    const here = offset === queued;
    offset += batch.commands.length;
    return here;
  });
  if (next === undefined) {
    if (queued !== offset) throw new Error(`queued ${queued} does not end a batch of the plan`);
    break;
  }
  console.log('STEP queue');
  engine.queue(next.commands, next.batchId);
  await engine.syncNow();
}
const status = await engine.syncNow();
await engine.stop();
db.close();
if (status.state !== 'online' || status.pendingCount !== 0) {
  console.error(JSON.stringify(status));
  process.exit(2);
}
console.log('DONE');
