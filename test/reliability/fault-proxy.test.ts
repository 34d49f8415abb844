import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prng } from '../../service/seed/prng';
import { startFaultProxy, type FaultProxy, type FaultRates } from './fault-proxy';

const CALM: FaultRates = { drop: 0, reset: 0, delay: 0, swallow: 0, gateway: 0, cutStream: 0 };
const BODY = JSON.stringify({ items: Array.from({ length: 200 }, (_, index) => ({ index, name: `row ${index}` })) });

/** The fault proxy in front of a stand-in service that counts what it handled. */
describe('the fault proxy', () => {
  let target: http.Server;
  let targetUrl: string;
  const handled: string[] = [];

  beforeAll(async () => {
    target = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        handled.push(`${req.method} ${req.url}`);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(BODY);
      });
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    target.closeAllConnections();
    await new Promise<void>((resolve) => target.close(() => resolve()));
  });

  async function withProxy(rates: Partial<FaultRates>, run: (proxy: FaultProxy) => Promise<void>, seed = 'proxy-test'): Promise<void> {
    const proxy = await startFaultProxy({ target: targetUrl, random: new Prng(seed), rates: { ...CALM, ...rates }, maxDelayMs: 50 });
    proxy.arm();
    try {
      await run(proxy);
    } finally {
      await proxy.close();
    }
  }

  /** The answer's body, or the error's name when the exchange broke. */
  async function exchange(proxy: FaultProxy, method: 'GET' | 'POST', path: string): Promise<string> {
    try {
      const response = await fetch(proxy.url + path, { method, ...(method === 'POST' ? { body: '{}', headers: { 'content-type': 'application/json' } } : {}) });
      return await response.text();
    } catch {
      return 'broken';
    }
  }

  it('passes everything through while calm, and before it is armed', async () => {
    const proxy = await startFaultProxy({ target: targetUrl, random: new Prng('calm'), rates: { ...CALM, drop: 1 } });
    try {
      handled.length = 0;
      expect(await exchange(proxy, 'GET', '/v1/me')).toBe(BODY);
      expect(handled).toEqual(['GET /v1/me']);
      expect(proxy.faults.drop).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('drops a request before the service sees it', async () => {
    await withProxy({ drop: 1 }, async (proxy) => {
      handled.length = 0;
      expect(await exchange(proxy, 'POST', '/v1/sync/push')).toBe('broken');
      expect(handled).toEqual([]);
      expect(proxy.faults.drop).toBe(1);
    });
  });

  it('swallows push and refresh answers after the service handled them', async () => {
    await withProxy({ swallow: 1 }, async (proxy) => {
      handled.length = 0;
      expect(await exchange(proxy, 'POST', '/v1/sync/push')).toBe('broken');
      expect(await exchange(proxy, 'POST', '/v1/auth/refresh')).toBe('broken');
      expect(handled).toEqual(['POST /v1/sync/push', 'POST /v1/auth/refresh']);
      expect(proxy.faults).toMatchObject({ 'swallow-push': 1, 'swallow-refresh': 1 });
      // Only the answers that carry state are swallowed; others pass.
      expect(await exchange(proxy, 'GET', '/v1/me')).toBe(BODY);
    });
  });

  it('resets an answer halfway, after the service handled it', async () => {
    await withProxy({ reset: 1 }, async (proxy) => {
      handled.length = 0;
      expect(await exchange(proxy, 'GET', '/v1/sync/pull?cursor=0')).toBe('broken');
      expect(handled).toEqual(['GET /v1/sync/pull?cursor=0']);
      expect(proxy.faults.reset).toBe(1);
    });
  });

  it('answers a gateway error after the service handled the request', async () => {
    await withProxy({ gateway: 1 }, async (proxy) => {
      handled.length = 0;
      const response = await fetch(`${proxy.url}/v1/sync/push`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      expect(response.status).toBe(502);
      expect(await response.text()).toContain('Bad Gateway');
      expect(handled).toEqual(['POST /v1/sync/push']);
      expect(proxy.faults.gateway).toBe(1);
      // The service's own answers, counted apart from what the proxy made up.
      expect(proxy.statuses.get(502)).toBeUndefined();
    });
  });

  it('delays and then passes', async () => {
    await withProxy({ delay: 1 }, async (proxy) => {
      expect(await exchange(proxy, 'POST', '/v1/sync/push')).toBe(BODY);
      expect(proxy.faults.delay).toBe(1);
    });
  });

  it('refuses everything during a partition, and nothing once healed', async () => {
    await withProxy({ drop: 1 }, async (proxy) => {
      proxy.partition(60_000);
      handled.length = 0;
      expect(await exchange(proxy, 'GET', '/v1/me')).toBe('broken');
      expect(proxy.faults.offline).toBe(1);
      proxy.heal();
      expect(await exchange(proxy, 'GET', '/v1/me')).toBe(BODY);
      expect(await exchange(proxy, 'POST', '/v1/sync/push')).toBe(BODY);
      expect(handled).toEqual(['GET /v1/me', 'POST /v1/sync/push']);
    });
  });

  it('tells the harness when an answer is in hand, before the client has it', async () => {
    const seen: string[] = [];
    const proxy = await startFaultProxy({
      target: targetUrl,
      random: new Prng('hook'),
      rates: CALM,
      onAnswer: ({ kind, status }) => {
        seen.push(`${kind} ${status}`);
        return kind === 'push' ? 'kill-before' : null;
      },
    });
    proxy.arm();
    try {
      handled.length = 0;
      expect(await exchange(proxy, 'POST', '/v1/sync/push')).toBe('broken');
      expect(await exchange(proxy, 'POST', '/v1/auth/refresh')).toBe(BODY);
      expect(handled).toHaveLength(2);
      expect(seen).toEqual(['push 200', 'refresh 200']);
    } finally {
      await proxy.close();
    }
  });

  it('makes the same decisions for the same seed and requests', async () => {
    const rates: FaultRates = { drop: 0.2, reset: 0.2, delay: 0.2, swallow: 0.2, gateway: 0.1, cutStream: 0 };
    const runOnce = async (seed: string) => {
      let decisions: string[] = [];
      await withProxy(
        rates,
        async (proxy) => {
          for (let index = 0; index < 12; index += 1) await exchange(proxy, index % 2 === 0 ? 'POST' : 'GET', index % 2 === 0 ? '/v1/sync/push' : '/v1/sync/pull');
          decisions = proxy.history().filter((line) => line.includes(': '));
        },
        seed,
      );
      return decisions;
    };
    const first = await runOnce('same');
    expect(await runOnce('same')).toEqual(first);
    expect(new Set(first.map((line) => line.split(': ')[1])).size).toBeGreaterThan(1);
    expect(await runOnce('other')).not.toEqual(first);
  });
});
