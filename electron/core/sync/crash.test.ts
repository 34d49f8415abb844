import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNCED_ENTITY_NAMES } from '@shared/sync/protocol';
import { ENTITY_TABLES as SERVICE_TABLES } from '../../../service/db/rows';
import { DEMO_NOW } from '../../../test/support/commands';
import { startTestService, type TestService } from '../../../test/support/service';
import { ENTITY_TABLES } from '../db/entity-tables';
import { openCacheDatabase } from '../db/open';
import type { CommandInput } from '../outbox/queue';

const CHILD = fileURLToPath(new URL('./test-fixtures/crash-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** mulberry32: the kill points are random but the same on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Run {
  crash: string;
  outcome: 'killed' | 'done';
  /** The step the child was in when it died: bootstrap, queue, push or pull (apply). */
  step: string;
}

/**
 * The engine in a child process is killed with SIGKILL again and again, at seeded points during
 * the bootstrap, the queue, the push and the pull-apply, and started again on the same cache.
 * In the end every queued command reached the service exactly once and the cache equals it.
 */
describe('crash safety (SIGKILL at seeded points)', () => {
  let service: TestService;
  let dir: string;
  beforeAll(async () => {
    service = await startTestService({ now: DEMO_NOW });
    dir = mkdtempSync(join(tmpdir(), 'seatdesk-crash-'));
  });
  afterAll(async () => {
    await service?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * thread: the bootstrap is written by the writer thread (apply-thread.ts), whose connection the
   * `write:N` points do not see; `pull:N` kills then land while it holds pages not yet committed.
   */
  const series = (thread: boolean) => async () => {
    const session = await service.signIn('owner@northwind.example');
    const alpine = String((await service.store.query<{ id: string }>("SELECT id FROM orgs WHERE name = 'Alpine Ski House'"))[0]!.id);
    const users = await service.store.query<{ id: string; version: number }>(
      "SELECT id, version FROM users WHERE org_id = $1 AND status = 'active' AND email NOT LIKE 'admin@%' ORDER BY email LIMIT 20",
      [alpine],
    );
    // Batches: renames in rounds (each names the version the previous round leads to) and new users.
    // Enough work that the seeded kills land before a run gets to the end on a fast machine too.
    const rounds = 24;
    const batches: { batchId: string; commands: CommandInput[] }[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const commands: CommandInput[] = users.map((user) => ({
        name: 'updateUser',
        args: { orgId: alpine, userId: user.id, version: user.version + round, lastName: `Crash-${round}` },
      }));
      commands.push({
        name: 'createUser',
        args: { orgId: alpine, id: crypto.randomUUID(), firstName: 'Crash', lastName: `Hire-${round}`, email: `crash.hire${round}${thread ? ".thread" : ""}@alpine-ski-house.example` },
      });
      batches.push({ batchId: crypto.randomUUID(), commands });
    }
    const total = batches.reduce((n, batch) => n + batch.commands.length, 0);
    const planFile = join(dir, 'plan.json');
    writeFileSync(planFile, JSON.stringify({ batches }));
    // A cache of its own per series: a failed series must not leave the next one a synced cache.
    const cacheFile = join(dir, thread ? 'cache-thread.db' : 'cache.db');

    const runChild = (crash: string, killAfterMs: number | null) =>
      new Promise<{ outcome: 'killed' | 'done'; step: string }>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx/esm', CHILD], {
          cwd: ROOT,
          env: {
            ...process.env,
            TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.node.json'),
            CACHE_FILE: cacheFile,
            SERVICE_URL: service.url,
            ACCESS_TOKEN: session.accessToken,
            PLAN_FILE: planFile,
            NOW: DEMO_NOW.toISOString(),
            CRASH: crash,
            APPLY_THREAD: thread ? '1' : '0',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        const timer = killAfterMs === null ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        child.on('exit', (code, signal) => {
          if (timer !== null) clearTimeout(timer);
          const step = [...output.matchAll(/^STEP (\w+)$/gm)].at(-1)?.[1] ?? 'start';
          if (signal === 'SIGKILL') resolve({ outcome: 'killed', step });
          else if (code === 0 && output.includes('DONE')) resolve({ outcome: 'done', step });
          else reject(new Error(`child (CRASH=${crash}) exited ${code} ${signal}: ${output}`));
        });
      });

    const random = seeded(thread ? 20261124 : 20261123);
    const runs: Run[] = [];
    const kinds = thread ? ['pull', 'pull', 'pull', 'push', 'write', 'timer'] : ['write', 'write', 'pull', 'write', 'push', 'timer'];
    // Until a run gets to the end; the kind of each kill rotates, its position is seeded.
    for (let attempt = 0; attempt < 120; attempt += 1) {
      const kind = kinds[attempt % kinds.length]!;
      const pullAt = thread ? 2 + Math.floor(random() * 8) : 1 + Math.floor(random() * 3);
      const crash =
        kind === 'write' ? `write:${10 + Math.floor(random() * 140)}` : kind === 'timer' ? '' : `${kind}:${kind === 'pull' ? pullAt : 1 + Math.floor(random() * 3)}`;
      const killAfterMs = kind === 'timer' ? 300 + Math.floor(random() * 900) : null;
      const { outcome, step } = await runChild(crash, killAfterMs);
      runs.push({ crash: kind === 'timer' ? `timer:${killAfterMs}ms` : crash, outcome, step });
      if (outcome === 'done') break;
    }
    expect((await runChild('', null)).outcome).toBe('done');

    const kills = runs.filter((run) => run.outcome === 'killed');
    console.info(`${kills.length} kills: ${kills.map((run) => `${run.crash}@${run.step}`).join(', ')}`);
    expect(kills.length).toBeGreaterThanOrEqual(thread ? 6 : 20);
    if (thread) expect(kills.filter((run) => run.step === 'bootstrap').length).toBeGreaterThanOrEqual(3);
    // Where the timer kills land varies from run to run; the seeded kills reach these steps every time.
    for (const step of ['bootstrap', 'push', 'pull']) expect(kills.filter((run) => run.step === step).length, step).toBeGreaterThan(0);

    // Exactly once: every mutation recorded once, applied, audited once per row.
    const db = openCacheDatabase(cacheFile);
    try {
      const clientId = (db.prepare('SELECT client_id FROM sync_state').get() as { client_id: string }).client_id;
      const recorded = await service.store.query<{ mutation_id: number; status: string }>('SELECT mutation_id, status FROM sync_mutations WHERE client_id = $1 ORDER BY 1', [clientId]);
      expect(recorded.map((r) => r.mutation_id)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      expect(recorded.filter((r) => r.status !== 'applied')).toEqual([]);
      const audited = await service.store.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_events WHERE origin->>'clientId' = $1 GROUP BY origin->>'mutationId', entity_id`,
        [clientId],
      );
      expect(audited).toHaveLength(total);
      expect(audited.filter((a) => a.n !== 1)).toEqual([]);
      const names = await service.store.query<{ last_name: string }>('SELECT DISTINCT last_name FROM users WHERE id = ANY ($1::uuid[])', [users.map((u) => u.id)]);
      expect(names).toEqual([{ last_name: `Crash-${rounds - 1}` }]);

      expect(db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 0 });
      expect(db.prepare('SELECT count(*) AS n FROM confirmed_rows').get()).toEqual({ n: 0 });
      expect(db.prepare('SELECT count(*) AS n FROM sync_issues').get()).toEqual({ n: 0 });
      for (const entity of SYNCED_ENTITY_NAMES) {
        const { table, toWire } = SERVICE_TABLES[entity];
        const theirs = new Map((await service.store.query<Record<string, unknown>>(`SELECT * FROM ${table}`)).map((row) => [String(row['id']), toWire(row)]));
        const mine = new Map((db.prepare(`SELECT id, data FROM ${ENTITY_TABLES[entity]}`).all() as { id: string; data: string }[]).map((row) => [row.id, JSON.parse(row.data) as unknown]));
        expect(mine, entity).toEqual(theirs);
      }
    } finally {
      db.close();
      rmSync(cacheFile, { force: true });
      rmSync(`${cacheFile}-wal`, { force: true });
      rmSync(`${cacheFile}-shm`, { force: true });
    }
  };

  it('loses nothing queued and applies nothing twice', { timeout: 600_000 }, series(false));
  it('loses nothing and applies nothing twice with the bootstrap on its writer thread', { timeout: 600_000 }, series(true));
});
