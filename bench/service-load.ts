import { performance } from 'node:perf_hooks';
import autocannon, { type AutocannonRequest } from 'autocannon';

/** One kind of traffic against one instance: its own connections, each sending requests back to back. */
export interface LoadStream {
  /** What the latencies are reported under (streams with one label are pooled). */
  label: string;
  url: string;
  connections: number;
  token: string;
  /** A request each time (a new body, another organization); autocannon calls it per request. */
  request: () => AutocannonRequest;
  /** Requests per second per connection; unlimited when absent. */
  ratePerConnection?: number;
}

export interface Latencies {
  label: string;
  count: number;
  /** Answers that were not 2xx, connection errors and timeouts (10 s). */
  errors: number;
  /** Of the errors, requests that had no answer within 10 s. */
  timeouts: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  perSecond: number;
}

export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function summarise(label: string, samples: number[], errors: number, seconds: number, timeouts = 0): Latencies {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    label,
    count: sorted.length,
    errors,
    timeouts,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? Number.NaN,
    perSecond: sorted.length / seconds,
  };
}

/** The latencies of a run, per label, and any labels pooled. */
export interface LoadRun {
  byLabel: Map<string, Latencies>;
  pooled(label: string, labels: readonly string[]): Latencies;
}

/** Runs every stream at once for `seconds`; latencies per label (ms, response complete). */
export async function runStreams(streams: readonly LoadStream[], seconds: number): Promise<LoadRun> {
  const samples = new Map<string, number[]>();
  const errors = new Map<string, number>();
  const timeouts = new Map<string, number>();
  const runs = streams.map((stream) => {
    const instance = autocannon({
      url: stream.url,
      connections: stream.connections,
      duration: seconds,
      timeout: 10,
      headers: { authorization: `Bearer ${stream.token}`, 'content-type': 'application/json' },
      requests: [{ setupRequest: (request) => ({ ...request, ...stream.request() }) }],
      ...(stream.ratePerConnection === undefined ? {} : { connectionRate: stream.ratePerConnection }),
    });
    const list = samples.get(stream.label) ?? [];
    samples.set(stream.label, list);
    errors.set(stream.label, errors.get(stream.label) ?? 0);
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) list.push(responseTime);
      else errors.set(stream.label, errors.get(stream.label)! + 1);
    });
    // autocannon's errors: connection errors and timeouts (which it also counts on their own).
    return Promise.resolve(instance).then((result) => {
      errors.set(stream.label, errors.get(stream.label)! + result.errors);
      timeouts.set(stream.label, (timeouts.get(stream.label) ?? 0) + result.timeouts);
    });
  });
  await Promise.all(runs);
  return {
    byLabel: new Map([...samples].map(([label, list]) => [label, summarise(label, list, errors.get(label)!, seconds, timeouts.get(label) ?? 0)])),
    pooled: (label, labels) =>
      summarise(
        label,
        labels.flatMap((name) => samples.get(name) ?? []),
        labels.reduce((sum, name) => sum + (errors.get(name) ?? 0), 0),
        seconds,
        labels.reduce((sum, name) => sum + (timeouts.get(name) ?? 0), 0),
      ),
  };
}

/** GET url every intervalMs (one at a time) until stop(); latencies of the answers. */
export function pollHealth(url: string, intervalMs: number): { stop(): Promise<Latencies> } {
  const samples: number[] = [];
  let errors = 0;
  let running = true;
  const started = performance.now();
  const loop = (async () => {
    while (running) {
      const sent = performance.now();
      try {
        const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) });
        await response.arrayBuffer();
        if (response.ok) samples.push(performance.now() - sent);
        else errors += 1;
      } catch {
        errors += 1;
      }
      const waited = performance.now() - sent;
      if (waited < intervalMs) await new Promise((resolve) => setTimeout(resolve, intervalMs - waited));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return summarise('health check', samples, errors, (performance.now() - started) / 1000);
    },
  };
}
