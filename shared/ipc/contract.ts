import { z } from 'zod';
import { errorCodeSchema, type ErrorCode } from '../errors';
import { commandNameSchema } from '../commands/catalogue';
import { uuidSchema } from '../domain/ids';
import { SYNCED_ENTITY_NAMES } from '../sync/protocol';
import type { SyncStatus } from './models';

/**
 * One IPC channel: the zod schema its input must pass in the main process, and (as a type
 * only) what it answers. Declared once in shared/ipc/channels.ts; the renderer's client type
 * and the main side's handler type both come from that declaration.
 */
export interface Channel<I extends z.ZodType = z.ZodType, O = unknown> {
  readonly input: I;
  /** Phantom: carries the output type, never read at run time. */
  readonly output?: O;
}

/** `channel(schema).returns<Output>()`: two steps because TypeScript cannot infer half the generics. */
export function channel<I extends z.ZodType>(input: I) {
  return { returns: <O>(): Channel<I, O> => ({ input }) };
}

/** Channels grouped by namespace: `{ users: { list: channel(...) } }` is the channel 'users.list'. */
export type Contract = Record<string, Record<string, Channel>>;

export type ChannelName<C extends Contract> = {
  [N in keyof C & string]: `${N}.${keyof C[N] & string}`;
}[keyof C & string];

type InputOf<Ch> = Ch extends Channel<infer I, unknown> ? z.input<I> : never;
type ParsedOf<Ch> = Ch extends Channel<infer I, unknown> ? z.output<I> : never;
type OutputOf<Ch> = Ch extends Channel<z.ZodType, infer O> ? O : never;

/** A channel with an undefined-accepting input (z.void(), z.undefined()) is called with no argument. */
type Call<Ch, R> = undefined extends InputOf<Ch> ? (input?: InputOf<Ch>) => R : (input: InputOf<Ch>) => R;

export interface IpcErrorPayload {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

/** What crosses the process boundary: a value or a typed error, never a stack trace. */
export type IpcResult<O> = { ok: true; value: O } | { ok: false; error: IpcErrorPayload };

/** window.seatdesk as the preload (or the browser host's bridge) exposes it. */
export type IpcBridge<C extends Contract> = {
  [N in keyof C]: { [M in keyof C[N]]: Call<C[N][M], Promise<IpcResult<OutputOf<C[N][M]>>>> };
} & {
  /** Subscribes to a core event; returns the unsubscribe function. */
  onEvent(listener: (event: CoreEvent) => void): () => void;
};

/** The renderer's view: the same calls, resolved values, typed errors thrown. */
export type IpcClient<C extends Contract> = {
  [N in keyof C]: { [M in keyof C[N]]: Call<C[N][M], Promise<OutputOf<C[N][M]>>> };
};

/** The main side: one handler per channel, receiving the parsed input. */
export type IpcHandlers<C extends Contract, Ctx = void> = {
  [N in keyof C]: {
    [M in keyof C[N]]: (input: ParsedOf<C[N][M]>, ctx: Ctx) => OutputOf<C[N][M]> | Promise<OutputOf<C[N][M]>>;
  };
};

export function channelNames<C extends Contract>(contract: C): ChannelName<C>[] {
  return Object.entries(contract).flatMap(([ns, channels]) =>
    Object.keys(channels).map((m) => `${ns}.${m}` as ChannelName<C>),
  );
}

export function findChannel(contract: Contract, name: string): Channel | undefined {
  const [ns, method, ...rest] = name.split('.');
  if (ns === undefined || method === undefined || rest.length > 0) return undefined;
  if (!Object.hasOwn(contract, ns)) return undefined;
  const group = contract[ns];
  return group !== undefined && Object.hasOwn(group, method) ? group[method] : undefined;
}

/** Builds a nested `{ns: {method: fn}}` object from a flat `call(name, input)` function. */
export function buildBridgeCalls<C extends Contract, R>(
  contract: C,
  call: (name: string, input: unknown) => R,
): Record<string, Record<string, (input?: unknown) => R>> {
  const api: Record<string, Record<string, (input?: unknown) => R>> = {};
  for (const [ns, channels] of Object.entries(contract)) {
    const group: Record<string, (input?: unknown) => R> = {};
    for (const method of Object.keys(channels)) group[method] = (input?: unknown) => call(`${ns}.${method}`, input);
    api[ns] = group;
  }
  return api;
}

/** Thrown in the renderer when a channel answers with a typed error. */
export class IpcCallError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(payload: IpcErrorPayload) {
    super(payload.message);
    this.name = 'IpcCallError';
    this.code = payload.code;
    this.details = payload.details;
  }
}

/** Turns the bridge (results) into the client (values, thrown typed errors). */
export function unwrapBridge<C extends Contract>(contract: C, bridge: IpcBridge<C>): IpcClient<C> {
  const raw = bridge as unknown as Record<string, Record<string, (input?: unknown) => Promise<IpcResult<unknown>>>>;
  return buildBridgeCalls(contract, async (name, input) => {
    const [ns = '', method = ''] = name.split('.');
    const fn = raw[ns]?.[method];
    if (fn === undefined) throw new IpcCallError({ code: 'INTERNAL', message: `The app has no channel ${name}.` });
    const result = await fn(input);
    if (result.ok) return result.value;
    throw new IpcCallError(result.error);
  }) as unknown as IpcClient<C>;
}

/** What a data.changed event names: a synced entity's rows, or the sync issues. */
export const changedEntitySchema = z.enum([...SYNCED_ENTITY_NAMES, 'sync_issue']);
export type ChangedEntity = z.infer<typeof changedEntitySchema>;

/** The status bar's SyncStatus (models.ts), checked as it crosses into the page. */
export const syncStatusSchema: z.ZodType<SyncStatus> = z.object({
  state: z.enum(['signed-out', 'offline', 'online', 'syncing', 'bootstrapping']),
  lastSyncedAt: z.iso.datetime().nullable(),
  pendingCount: z.number().int().min(0),
  issueCount: z.number().int().min(0),
  progress: z
    .object({ phase: z.enum(['bootstrap', 'push']), done: z.number().int().min(0), total: z.number().int().min(0) })
    .nullable(),
  // A sentence the core wrote, which may quote the service: not under the text rule.
  lastError: z.string().nullable(),
});

/** A queued change the service refused (rejected) or found in conflict: it is now the sync issue `issueId`. */
export const settledRefusalSchema = z.object({
  issueId: z.number().int().min(1),
  mutationId: z.number().int().min(1),
  batchId: uuidSchema.nullable(),
  kind: z.enum(['conflict', 'rejected']),
  code: errorCodeSchema.nullable(),
  commandName: commandNameSchema,
  /** The issue's sentence (what was not applied, and the service's reason). Not under the text rule: it may quote the service. */
  message: z.string(),
});
export type SettledRefusal = z.infer<typeof settledRefusalSchema>;

/** Events the core pushes to every subscribed window. */
export const coreEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('session.changed') }),
  /** Rows of an entity changed (orgId null: in many organizations); the renderer refetches. */
  z.object({ type: z.literal('data.changed'), entity: changedEntitySchema, orgId: uuidSchema.nullable() }),
  /** Online / offline / syncing, counts and progress: the status bar. */
  z.object({ type: z.literal('sync.status'), status: syncStatusSchema }),
  /**
   * The service has answered every queued change with a mutation id up to `through` (a push's
   * answer, or a pull after an answer was lost). `refused` lists those of them it refused or
   * found in conflict that became sync issues just now; the others were applied. A change's
   * confirmation waits for this; a refusal is shown with its reason, now or on reconnect.
   */
  z.object({ type: z.literal('sync.settled'), through: z.number().int().min(0), refused: z.array(settledRefusalSchema) }),
]);
export type CoreEvent = z.infer<typeof coreEventSchema>;
