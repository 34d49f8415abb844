import { z } from 'zod';

/**
 * What a chaos client (chaos-client.ts) tells the harness, one JSON object per stdout line. Its
 * stdout is a pipe, and writes to a pipe are synchronous on Linux and macOS: a line printed
 * before a SIGKILL has reached the harness whole.
 */
export const clientMessageSchema = z.discriminatedUnion('t', [
  /** Where the session stood when the core started: restored from session.json and the keychain, or signed out. */
  z.object({ t: z.literal('started'), session: z.enum(['signed-in', 'signed-out']) }),
  /** A sign-in this client asked for has completed (the session is stored). */
  z.object({ t: z.literal('signed-in') }),
  /** The core signed the user out without being asked to (a refresh the service refused). */
  z.object({ t: z.literal('signed-out'), reason: z.string() }),
  /** An edit queued: the mutation ids the dispatcher answered; offline: the sync state said so when it was made. */
  z.object({ t: z.literal('queued'), action: z.string(), ids: z.array(z.number().int()), offline: z.boolean() }),
  /** An edit refused by the core before queuing, with its typed code. */
  z.object({ t: z.literal('refused'), action: z.string(), code: z.string(), message: z.string() }),
  /** Every planned edit is made; the client keeps syncing until it hears HEAL. */
  z.object({ t: z.literal('idle') }),
  /** After HEAL: pushed everything and pulled to the end (pendingCount 0, online). */
  z.object({ t: z.literal('settled'), pendingCount: z.number(), issueCount: z.number() }),
  /** After PULL: one more pull to the end, and the session state then. */
  z.object({ t: z.literal('pulled'), session: z.enum(['signed-in', 'signed-out']) }),
  /** After EXIT: the core is closed; the process exits 0 next. */
  z.object({ t: z.literal('done') }),
  /** Something that must not happen (an IPC INTERNAL error, healing that never settles): fails the seed. */
  z.object({ t: z.literal('fault'), message: z.string() }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

/** What the harness writes to a client's stdin, one word a line. */
export type ClientCommand = 'HEAL' | 'PULL' | 'EXIT';

/** The client's configuration, passed in its environment. */
export const clientEnvSchema = z.object({
  CHAOS_DATA_DIR: z.string().min(1),
  CHAOS_SERVICE_URL: z.url(),
  CHAOS_EMAIL: z.email(),
  CHAOS_PASSWORD: z.string().min(1),
  CHAOS_SEED: z.coerce.number().int(),
  CHAOS_CLIENT: z.coerce.number().int().min(0),
  CHAOS_INCARNATION: z.coerce.number().int().min(0),
  /** Edits this incarnation makes before it idles. */
  CHAOS_STEPS: z.coerce.number().int().min(0),
  /** `keytar:<service name>` (a real Secret Service) or `file:<path>` (see file-secret-store.ts). */
  CHAOS_SECRETS: z.string().regex(/^(keytar|file):.+$/),
  /** Emails no client edits (the three signed-in users), comma-separated. */
  CHAOS_PROTECTED: z.string(),
});
export type ClientEnv = z.infer<typeof clientEnvSchema>;
