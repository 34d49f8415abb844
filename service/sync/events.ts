import type { FastifyReply, FastifyRequest } from 'fastify';
import { loadActor, type Actor } from '../auth/actor';
import type { ServiceDeps } from '../deps';

export const KEEPALIVE_MS = 25_000;

/**
 * GET /v1/sync/events: a server-sent event stream that says only "poke" when something in the
 * actor's scope changed, so the client pulls. On each keepalive the actor is loaded again: a
 * revoked session or deactivated user ends the stream, and the scope follows new organizations.
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

  const close = () => {
    clearInterval(keepalive);
    unsubscribe();
  };
  stream.on('close', close);
  stream.on('error', close);
}
