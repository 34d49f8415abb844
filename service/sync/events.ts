import type { FastifyReply, FastifyRequest } from 'fastify';
import { loadActor, type Actor } from '../auth/actor';
import type { ServiceDeps } from '../deps';

export const KEEPALIVE_MS = 25_000;

/**
 * The reconnect delay an ending stream suggests (the SSE `retry:` field) while the instance
 * drains: random within this range, so its clients do not all arrive on the others at once.
 */
export const DRAIN_RETRY_MS = { min: 1_000, max: 5_000 } as const;

export function drainRetryMs(random: () => number = Math.random): number {
  return Math.round(DRAIN_RETRY_MS.min + random() * (DRAIN_RETRY_MS.max - DRAIN_RETRY_MS.min));
}

/**
 * GET /v1/sync/events: a server-sent event stream that says only "poke" when something in the
 * actor's scope changed, so the client pulls. On each keepalive the actor is loaded again: a
 * revoked session or deactivated user ends the stream, and the scope follows new organizations.
 * When the instance drains, the stream ends with a `retry:` hint.
 */
export function openEventStream(deps: ServiceDeps, actor: Actor, request: FastifyRequest, reply: FastifyReply): void {
  reply.hijack();
  const stream = reply.raw;
  stream.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  const send = (text: string) => {
    if (!stream.writableEnded && !stream.destroyed) stream.write(text);
  };
  // Sends the headers now, so the client knows it is connected before the first poke.
  send(': connected\n\n');

  const scope = new Set(actor.scope);
  const unsubscribe = deps.notifier.subscribe(scope, () => {
    send('event: poke\ndata: {}\n\n');
  });
  let refreshing = false;
  const keepalive = setInterval(() => {
    send(': keepalive\n\n');
    if (refreshing) return;
    refreshing = true;
    loadActor(deps.store, { sub: actor.user.id, sid: actor.sessionId, exp: 0 })
      .then((fresh) => {
        if (fresh === null) {
          stream.end();
          return;
        }
        scope.clear();
        for (const orgId of fresh.scope) scope.add(orgId);
      })
      .catch((error: unknown) => request.log.warn({ err: error }, 'event stream: reloading the actor failed'))
      .finally(() => {
        refreshing = false;
      });
  }, KEEPALIVE_MS);

  // Draining (SIGTERM): say when to reconnect, end the stream and its connection, so the
  // client comes back through the load balancer to an instance that stays.
  const stopDrain = deps.lifecycle.onDrain(() => {
    send(`retry: ${drainRetryMs()}\n\n`);
    if (!stream.writableEnded) stream.end(() => request.raw.socket.end());
  });

  const close = () => {
    clearInterval(keepalive);
    unsubscribe();
    stopDrain();
  };
  stream.on('close', close);
  stream.on('error', close);
}
