/**
 * The bootstrap's writer thread (see apply-thread.ts): its own connection to the cache, and
 * applyPullPage, the same function the main thread runs, for every page it is sent.
 *
 * A bootstrap's pages share a transaction until COMMIT_ROWS rows are in it, its last page is in,
 * or no page has come for IDLE_COMMIT_MS: a commit per page wrote the randomly ordered index
 * pages (ids, names, emails) to the log again and again, and that was most of a bootstrap's time.
 * The idle commit bounds how long the main thread's own writes (a change queued meanwhile) wait.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isSeatdeskError } from '@shared/errors';
import { pullResponseSchema } from '@shared/sync/protocol';
import { parseJson, unreadableAnswer } from '../api/http';
import { openCacheDatabase } from '../db/open';
import { applyPullPage, type ApplyResult } from './apply';
import type { ApplyReply, ApplyRequest, ControlRequest, BytesRequest } from './apply-thread';

const COMMIT_ROWS = 5_000;
const IDLE_COMMIT_MS = 20;

const port = parentPort;
if (port === null) throw new Error('apply-worker.ts runs as a worker thread');
const db = openCacheDatabase((workerData as { file: string }).file);

let openRows = 0;
let idleTimer: NodeJS.Timeout | null = null;

function end(outcome: 'COMMIT' | 'ROLLBACK'): void {
  if (idleTimer !== null) clearTimeout(idleTimer);
  idleTimer = null;
  openRows = 0;
  if (db.inTransaction) db.exec(outcome);
}

/** Set while a page is being written: a failure then rolls the open batch back (a parse failure writes nothing). */
let writing = false;

function apply(request: ApplyRequest): ApplyResult {
  if (idleTimer !== null) clearTimeout(idleTimer);
  if (!db.inTransaction) db.exec('BEGIN IMMEDIATE');
  writing = true;
  const result = applyPullPage(db, request.page, {
    ...request.options,
    ownTransaction: false,
    now: new Date(request.options.now),
    log: (level, message, details) => port!.postMessage({ id: request.id, log: { level, message, details } } satisfies ApplyReply),
  });
  writing = false;
  openRows += request.page.changes.length;
  // Only a bootstrap's pages share a transaction: after any other page the caller reads the cursor.
  const bootstrap = request.options.bootstrap;
  if (bootstrap === undefined || bootstrap.complete || openRows >= COMMIT_ROWS) end('COMMIT');
  else idleTimer = setTimeout(() => end('COMMIT'), IDLE_COMMIT_MS);
  return result;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as text, or undefined when it is not UTF-8 (then it is not a page either). */
function decode(body: Uint8Array): string | undefined {
  try {
    return utf8.decode(body);
  } catch {
    return undefined;
  }
}

/**
 * An undecoded bootstrap page: decoded, parsed and checked with the protocol's schema here (a body
 * of the wrong shape is SCHEMA_MISMATCH, as the transport would say), its summary answered at
 * once, then applied unless its schema version is not the one the bootstrap runs under.
 */
function applyBytes(request: BytesRequest): ApplyResult | null {
  const text = decode(request.body);
  const parsed = pullResponseSchema.safeParse(text === undefined ? undefined : parseJson(text));
  if (!parsed.success) throw unreadableAnswer('GET /v1/sync/pull', parsed.error.issues);
  const page = parsed.data;
  const summary = { schemaVersion: page.schemaVersion, cursor: page.cursor, hasMore: page.hasMore, count: page.changes.length, remaining: page.remaining };
  port!.postMessage({ id: request.id, summary } satisfies ApplyReply);
  if (page.schemaVersion !== request.schemaVersion) return null;
  const done = request.before + page.changes.length;
  const complete = !page.hasMore;
  const total = done + (page.remaining ?? 0);
  return apply({ id: request.id, page, options: { now: request.now, rebase: complete ? 'force' : 'defer', bootstrap: { done, total, complete } } });
}

port.on('message', (request: ApplyRequest | ControlRequest | BytesRequest) => {
  let reply: ApplyReply;
  try {
    if ('body' in request) {
      reply = { id: request.id, result: applyBytes(request) };
    } else if ('control' in request) {
      end('COMMIT');
      if (request.control === 'close') db.close();
      reply = { id: request.id, result: null };
    } else {
      reply = { id: request.id, result: apply(request) };
    }
  } catch (error) {
    // Part of the page may be written: the open batch goes, and the bootstrap resumes from its last commit.
    if (writing && db.open) end('ROLLBACK');
    writing = false;
    reply = isSeatdeskError(error)
      ? { id: request.id, error: error.message, code: error.code, details: error.details }
      : { id: request.id, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
  port.postMessage(reply);
});
