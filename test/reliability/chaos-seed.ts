import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { accountDatabaseFile } from '../../electron/core/session/session-file';
import { keytarSecretStore, sessionAccount } from '../../electron/core/secrets/secret-store';
import { Prng } from '../../service/seed/prng';
import { DEMO_PASSWORD } from '../support/service';
import type { ChaosServiceFactory } from './chaos-service';
import { checkInvariants, checkLedger, compareCache } from './chaos-verify';
import type { ClientMessage } from './chaos-protocol';
import { startClientProcess, type ClientProcess } from './client-harness';
import { FAULT_KINDS, startFaultProxy, type FaultKind, type FaultProxy, type FaultRates } from './fault-proxy';

/**
 * The three signed-in users, with overlapping scopes: the provider's owner sees every
 * organization, the reseller's administrator sees Fabrikam and its customers, and Alpine Ski
 * House's administrator sees only Alpine, which all three edit.
 */
export const CHAOS_USERS = ['owner@northwind.example', 'admin@fabrikam-it-partners.example', 'admin@alpine-ski-house.example'] as const;

/** How much happens in one seed; the CI size keeps 20 seeds to about two minutes on two cores. */
export interface ChaosSize {
  /** Edits per client incarnation. */
  steps: readonly [number, number];
  /** SIGKILLs per client. */
  kills: readonly [number, number];
  /** A timed kill comes this long after the incarnation started. */
  killAfterMs: readonly [number, number];
  /** Share of the kills that wait for a push or refresh answer (the rest come on a timer). */
  answerKills: number;
  /** For such a kill: the chance per push or refresh answer, once the service has it, that it is the one. */
  killOnAnswer: number;
  /** Chance per client of one partition (every request refused) during the chaos phase, and its length. */
  partition: number;
  partitionMs: readonly [number, number];
  rates: FaultRates;
}

export const CI_SIZE: ChaosSize = {
  steps: [4, 10],
  kills: [1, 2],
  killAfterMs: [300, 2000],
  answerKills: 0.5,
  killOnAnswer: 0.5,
  partition: 0.6,
  partitionMs: [300, 1500],
  rates: { drop: 0.06, reset: 0.06, swallow: 0.1, gateway: 0.04, delay: 0.12, cutStream: 0.3 },
};

/** timer: at a seeded moment; idle: soon after the last edit, when the answer a kill waited for never came. */
export type KillKind = 'timer' | 'idle' | 'push-answer' | 'refresh-answer';

export interface SeedReport {
  seed: number;
  faults: Record<FaultKind, number>;
  partitions: number;
  kills: Record<KillKind, number>;
  /** Mutation ids handed out by the three caches (every queued command). */
  mutations: number;
  applied: number;
  conflicts: number;
  rejected: number;
  /** Edits the core refused before queuing, by code. */
  refusedLocally: Record<string, number>;
  offlineChanges: number;
  lost: number;
  duplicated: number;
  forcedSignOuts: number;
  /** Answers of 500 or more the service gave, plus mutations it rejected as INTERNAL (a poison pill is a bug too). */
  serverErrors: number;
  /** Wall-clock time per phase (ms): service start, chaos, healing, checks. */
  phases: { start: number; chaos: number; heal: number; check: number };
  failures: string[];
}

interface ClientState {
  index: number;
  email: string;
  dir: string;
  proxy: FaultProxy;
  secrets: string;
  /** This client's own stream for its steps, kills and partition: the clients run concurrently, so they never share one. */
  plan: Prng;
  incarnation: number;
  killsLeft: number;
  /** How the running incarnation is to die, while kills are left. */
  nextKill: 'timer' | 'answer' | null;
  process: ClientProcess | null;
  everSignedIn: boolean;
  acknowledged: number[];
}

const add = (record: Record<string, number>, key: string, by = 1) => {
  record[key] = (record[key] ?? 0) + by;
};

/**
 * One seed of the chaos test: a real service, a fault proxy per client, three real cores in
 * child processes making seeded edits while they are killed and restarted; then healing and the
 * checks. Every choice (faults, kills, partitions, edits) is drawn from streams forked from the
 * seed; only the timing of the machine differs from one replay to the next.
 */
export async function runChaosSeed(seed: number, services: ChaosServiceFactory, script: string, size: ChaosSize = CI_SIZE): Promise<SeedReport> {
  const random = new Prng(`chaos:${seed}`);
  const report: SeedReport = {
    seed,
    faults: Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>,
    partitions: 0,
    kills: { timer: 0, idle: 0, 'push-answer': 0, 'refresh-answer': 0 },
    mutations: 0,
    applied: 0,
    conflicts: 0,
    rejected: 0,
    refusedLocally: {},
    offlineChanges: 0,
    lost: 0,
    duplicated: 0,
    forcedSignOuts: 0,
    serverErrors: 0,
    phases: { start: 0, chaos: 0, heal: 0, check: 0 },
    failures: [],
  };
  let mark = performance.now();
  const lap = (phase: keyof SeedReport['phases']) => {
    const now = performance.now();
    report.phases[phase] = Math.round(now - mark);
    mark = now;
  };
  const useKeytar = Boolean(process.env['DBUS_SESSION_BUS_ADDRESS']);
  const root = mkdtempSync(join(tmpdir(), `seatdesk-chaos-${seed}-`));
  const service = await services.start();
  lap('start');
  const clients: ClientState[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let phase: 'chaos' | 'healing' = 'chaos';

  const later = (ms: number, task: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      task();
    }, ms);
    timers.add(timer);
  };

  /** Kills the client's running incarnation, if it is still `target` (a timer outlives its incarnation). */
  function kill(client: ClientState, kind: KillKind, target: ClientProcess | null = client.process): boolean {
    const running = client.process;
    if (phase !== 'chaos' || running === null || running !== target || !running.alive() || running.killed() || client.killsLeft <= 0) return false;
    if (verbose) console.log(`${Math.round(performance.now() - began)} ms seed ${seed} client ${client.index}.${client.incarnation} SIGKILL (${kind})`);
    client.killsLeft -= 1;
    report.kills[kind] += 1;
    running.kill();
    return true;
  }

  const verbose = Boolean(process.env['SEATDESK_CHAOS_VERBOSE']);
  const began = performance.now();
  function onMessage(client: ClientState, message: ClientMessage): void {
    if (verbose) console.log(`${Math.round(performance.now() - began)} ms seed ${seed} client ${client.index}.${client.incarnation} ${JSON.stringify(message)}`);
    switch (message.t) {
      case 'started':
        if (message.session === 'signed-out' && client.everSignedIn) {
          client.everSignedIn = false;
          report.forcedSignOuts += 1;
          report.failures.push(
            `client ${client.index} (${client.email}) found itself signed out when restarted (incarnation ${client.incarnation}); its last exchanges:\n    ${client.proxy.history().join('\n    ')}`,
          );
        }
        if (message.session === 'signed-in') client.everSignedIn = true;
        break;
      case 'signed-in':
        client.everSignedIn = true;
        break;
      case 'signed-out':
        // Counted once: until it signs in again, finding itself signed out is the same sign-out.
        client.everSignedIn = false;
        report.forcedSignOuts += 1;
        report.failures.push(
          `client ${client.index} (${client.email}) was signed out: ${message.reason} (incarnation ${client.incarnation}); its last exchanges:\n    ${client.proxy.history().join('\n    ')}`,
        );
        break;
      case 'queued':
        client.acknowledged.push(...message.ids);
        break;
      case 'refused':
        add(report.refusedLocally, message.code);
        break;
      case 'fault':
        report.failures.push(`client ${client.index}: ${message.message}`);
        break;
      default:
        break;
    }
  }

  try {
    for (const [index, email] of CHAOS_USERS.entries()) {
      const killPlan = random.fork(`kills-${index}`);
      const plan = random.fork(`plan-${index}`);
      const state: ClientState = {
        index,
        email,
        dir: join(root, `client-${index}`),
        // Filled in below, once the proxy (whose hook needs this state) exists.
        proxy: null as unknown as FaultProxy,
        secrets: useKeytar ? `keytar:Seatdesk-chaos-${randomUUID()}` : `file:${join(root, `client-${index}-secrets.json`)}`,
        plan,
        incarnation: 0,
        killsLeft: plan.int(size.kills[0], size.kills[1]),
        nextKill: null,
        process: null,
        everSignedIn: false,
        acknowledged: [],
      };
      state.proxy = await startFaultProxy({
        target: service.url,
        random: random.fork(`proxy-${index}`),
        rates: size.rates,
        onAnswer: ({ kind, status }) => {
          if ((kind !== 'push' && kind !== 'refresh') || status !== 200) return null;
          // Drawn for every answer, killed or not, so the stream does not depend on the state.
          const roll = killPlan.next();
          const after = killPlan.int(0, 15);
          if (verbose) console.log(`seed ${seed} client ${index}.${state.incarnation} ${kind} answered; kill roll ${roll.toFixed(2)}, kills left ${state.killsLeft}`);
          if (roll >= size.killOnAnswer || state.nextKill !== 'answer' || state.killsLeft <= 0 || phase !== 'chaos') return null;
          if (kind === 'push') {
            // The service committed the push; the client dies before it hears.
            return kill(state, 'push-answer') ? 'kill-before' : null;
          }
          // The refresh answer reaches the client, which dies around its keychain write.
          const target = state.process;
          state.nextKill = null;
          setTimeout(() => kill(state, 'refresh-answer', target), after);
          return 'kill-after';
        },
      });
      clients.push(state);
    }

    /** At most one partition per client, from the moment its proxy is armed. */
    const armPartition = (client: ClientState) => {
      if (!client.plan.chance(size.partition)) return;
      const at = client.plan.int(0, 2500);
      const forMs = client.plan.int(size.partitionMs[0], size.partitionMs[1]);
      later(at, () => {
        if (phase !== 'chaos') return;
        report.partitions += 1;
        client.proxy.partition(forMs);
      });
    };

    const spawnClient = (client: ClientState): ClientProcess => {
      const running = startClientProcess(
        script,
        {
          CHAOS_DATA_DIR: client.dir,
          CHAOS_SERVICE_URL: client.proxy.url,
          CHAOS_EMAIL: client.email,
          CHAOS_PASSWORD: DEMO_PASSWORD,
          CHAOS_SEED: seed,
          CHAOS_CLIENT: client.index,
          CHAOS_INCARNATION: client.incarnation,
          CHAOS_STEPS: client.plan.int(size.steps[0], size.steps[1]),
          CHAOS_SECRETS: client.secrets,
          CHAOS_PROTECTED: CHAOS_USERS.join(','),
        },
        (message) => onMessage(client, message),
      );
      client.process = running;
      return running;
    };

    /**
     * Runs a client's incarnations until its kills are used and its last one has made its edits.
     * The first incarnation signs in before its proxy is armed: a sign-in that never completed
     * loses nothing, and the chaos is about what happens to a signed-in install.
     */
    const lifecycle = async (client: ClientState) => {
      for (;;) {
        // Drawn for every incarnation, used or not, so that the stream does not depend on the outcome.
        const killAfter = client.plan.int(size.killAfterMs[0], size.killAfterMs[1]);
        const byAnswer = client.plan.chance(size.answerKills);
        const afterIdle = client.plan.int(100, 600);
        client.nextKill = client.killsLeft === 0 ? null : byAnswer ? 'answer' : 'timer';
        const running = spawnClient(client);
        if (client.incarnation === 0) {
          await running.waitFor('signed-in', 120_000);
          client.proxy.arm();
          armPartition(client);
        }
        if (client.nextKill === 'timer') later(killAfter, () => kill(client, 'timer', running));
        const idle = running.waitFor('idle', 180_000).then(
          () => 'idle' as const,
          () => 'gone' as const,
        );
        const outcome = await Promise.race([idle, running.exited.then(() => 'gone' as const)]);
        // A kill can land just after the client said idle: then it restarts like any other.
        if (outcome === 'idle' && client.killsLeft === 0 && !running.killed()) return;
        // Idle with kills left: the timer or an answer takes it down, or, when no answer came
        // while it was editing, a timer soon after.
        if (outcome === 'idle' && client.nextKill === 'answer') later(afterIdle, () => kill(client, 'idle', running));
        const exit = await running.exited;
        if (!running.killed()) {
          throw new Error(`client ${client.index} exited by itself (${exit.code ?? exit.signal}) in incarnation ${client.incarnation}:\n${running.stderrTail()}`);
        }
        client.incarnation += 1;
      }
    };
    await Promise.all(clients.map((client) => lifecycle(client)));
    lap('chaos');

    // Healing: no more faults, kills or partitions; every client syncs to quiescence.
    phase = 'healing';
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    for (const client of clients) client.proxy.heal();
    const live = clients.map((client) => client.process!);
    /** The client's answer, or an error naming the client and showing its log. */
    const hear = <T extends ClientMessage['t']>(index: number, type: T) =>
      live[index]!.waitFor(type).catch(async (error: unknown) => {
        const exit = await Promise.race([live[index]!.exited, new Promise((resolve) => setTimeout(() => resolve(null), 1000))]);
        throw new Error(`client ${index} (incarnation ${clients[index]!.incarnation}) while healing: ${String(error)}; exit ${JSON.stringify(exit)}; its log:\n${live[index]!.stderrTail()}`);
      });
    for (const running of live) running.send('HEAL');
    await Promise.all(live.map((_, index) => hear(index, 'settled')));
    // Everyone's pushes are in: one more pull each brings everyone's changes to everyone.
    for (const running of live) running.send('PULL');
    const pulled = await Promise.all(live.map((_, index) => hear(index, 'pulled')));
    for (const [index, answer] of pulled.entries()) {
      if (answer.session !== 'signed-in') report.failures.push(`client ${index} is signed out at the end`);
    }
    for (const running of live) running.send('EXIT');
    await Promise.all(live.map((_, index) => hear(index, 'done')));
    const exits = await Promise.all(live.map((running) => running.exited));
    for (const [index, exit] of exits.entries()) if (exit.code !== 0) report.failures.push(`client ${index} exited ${exit.code ?? exit.signal}`);
    lap('heal');

    for (const client of clients) {
      const [user] = await service.store.query<{ id: string }>('SELECT id FROM users WHERE lower(email) = lower($1)', [client.email]);
      const cacheFile = accountDatabaseFile(client.dir, client.proxy.url, String(user!.id));
      const ledger = await checkLedger(service.store, cacheFile, client.acknowledged);
      report.mutations += ledger.queued;
      report.applied += ledger.recorded.applied;
      report.conflicts += ledger.recorded.conflict;
      report.rejected += ledger.recorded.rejected;
      report.offlineChanges += ledger.offlineChanges;
      report.lost += ledger.lost.length;
      report.duplicated += ledger.duplicated.length;
      report.serverErrors += ledger.recorded.rejectedInternal;
      const name = `client ${client.index} (${client.email})`;
      if (ledger.lost.length > 0) report.failures.push(`${name} lost mutations ${ledger.lost.join(', ')}`);
      for (const duplicate of ledger.duplicated) report.failures.push(`${name}: ${duplicate}`);
      if (ledger.unaudited.length > 0) report.failures.push(`${name}: applied mutations without an audit event: ${ledger.unaudited.join(', ')}`);
      if (ledger.recorded.rejectedInternal > 0) report.failures.push(`${name}: ${ledger.recorded.rejectedInternal} mutations rejected as INTERNAL (a bug on the service)`);
      for (const problem of ledger.problems) report.failures.push(`${name}: ${problem}`);
      for (const difference of await compareCache(service.store, cacheFile, client.email)) report.failures.push(`${name} cache differs from the service: ${difference}`);
    }
    for (const problem of await checkInvariants(service.store)) report.failures.push(`invariant: ${problem}`);
    lap('check');

    for (const client of clients) {
      for (const kind of FAULT_KINDS) report.faults[kind] += client.proxy.faults[kind];
      for (const [status, count] of client.proxy.statuses) if (status >= 500) report.serverErrors += count;
      for (const [status, count] of client.proxy.statuses) {
        if (status >= 500) report.failures.push(`client ${client.index}: the service answered ${status} ${count} times`);
      }
    }
    return report;
  } catch (error) {
    // What the clients said before the run broke is often the why.
    const said = report.failures.length === 0 ? '' : `\nfailures seen before:\n  ${report.failures.join('\n  ')}`;
    throw new Error(`${error instanceof Error ? error.message : String(error)}${said}`, { cause: error });
  } finally {
    phase = 'healing';
    for (const timer of timers) clearTimeout(timer);
    for (const client of clients) {
      client.process?.kill();
      if (client.process !== null) await client.process.exited;
    }
    for (const client of clients) {
      await client.proxy.close();
      if (useKeytar) {
        const [user] = await service.store.query<{ id: string }>('SELECT id FROM users WHERE lower(email) = lower($1)', [client.email]).catch(() => []);
        if (user !== undefined) await keytarSecretStore(client.secrets.slice('keytar:'.length)).delete(sessionAccount(client.proxy.url, String(user.id))).catch(() => false);
      }
    }
    await service.close();
    rmSync(root, { recursive: true, force: true });
  }
}
