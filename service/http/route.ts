import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Actor } from '../auth/actor';
import type { ServiceDeps } from '../deps';

/**
 * A success body already written as JSON, in parts (sent as they are, not serialized again).
 *
 * How it is sent depends on its size (body()). A body below LARGEST_STRING_BODY characters is one
 * string, which V8 keeps in the young generation and Node encodes straight into the socket's write.
 * A larger one is written into a Buffer: a string over 128 KB gets memory mapped for it alone, and
 * measuring it and putting the headers before it copied it twice more (151 page faults for a pull
 * page of 200 with one character past Latin-1). A Buffer for every body, though, counts as external
 * memory, which V8 answers with full collections: 29-47 incremental marking steps in 20 s of the
 * mixed bench per instance against 10-14 with strings, and a p99 of 88 ms against 73-84.
 */
export class JsonText {
  constructor(readonly parts: readonly string[]) {}

  /** The body to send: one string, or a Buffer when it is large. */
  body(): string | Buffer {
    let length = 0;
    for (const part of this.parts) length += part.length;
    return length < LARGEST_STRING_BODY ? this.parts.join('') : this.toBuffer();
  }

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

/**
 * Characters below which a JsonText is sent as a string: under V8's 128 KB for a young object, as
 * a body of ASCII is one byte a character (the synced rows' stored wire is ASCII: stored-wire.ts).
 */
export const LARGEST_STRING_BODY = 120_000;

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
