import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Actor } from '../auth/actor';
import type { ServiceDeps } from '../deps';

/**
 * A success body already written as JSON, in parts (sent as they are, not serialized again). The
 * parts are written into one buffer; joining them as a string first would make V8 copy the whole
 * body twice more (once to measure it, once to put the headers before it).
 */
export class JsonText {
  constructor(readonly parts: readonly string[]) {}

  /** The body as UTF-8. */
  toBuffer(): Buffer {
    let length = 0;
    for (const part of this.parts) length += Buffer.byteLength(part, 'utf8');
    const buffer = Buffer.allocUnsafe(length);
    let offset = 0;
    for (const part of this.parts) offset += buffer.write(part, offset, 'utf8');
    return buffer;
  }
}

export type AuthMode = 'none' | 'bearer' | 'operator';

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** The signed-in caller; present on every 'bearer' route. */
  actor: Actor;
  deps: ServiceDeps;
  request: FastifyRequest;
  reply: FastifyReply;
}

/**
 * One HTTP route: its zod schemas (which validate the request and generate the OpenAPI
 * document, so there is no second copy) and its handler.
 */
export interface RouteDef<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  summary: string;
  tag: string;
  auth: AuthMode;
  /**
   * The handler confirms its actor in its own statement (confirmActor, auth/actor.ts), so the
   * request may start from the session's kept actor instead of loading it.
   */
  confirmsActor?: boolean;
  params?: P;
  query?: Q;
  body?: B;
  /** The success body; undefined for a stream (server-sent events). */
  response?: z.ZodType;
  status?: 200 | 201;
  /** The error codes this route can answer besides VALIDATION, UNAUTHENTICATED and INTERNAL. */
  errors?: readonly string[];
  handler: (ctx: RouteContext<z.output<P>, z.output<Q>, z.output<B>>) => Promise<unknown>;
}

export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(route: RouteDef<P, Q, B>): RouteDef {
  return route as unknown as RouteDef;
}
