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
import { openCacheDatabase } from '../db/open';
import { applyPullPage, type ApplyResult } from './apply';
import type { ApplyReply, ApplyRequest, ControlRequest } from './apply-thread';

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

function apply(request: ApplyRequest): ApplyResult {
  if (idleTimer !== null) clearTimeout(idleTimer);
  if (!db.inTransaction) db.exec('BEGIN IMMEDIATE');
  const result = applyPullPage(db, request.page, {
    ...request.options,
    ownTransaction: false,
    now: new Date(request.options.now),
    log: (level, message, details) => port!.postMessage({ id: request.id, log: { level, message, details } } satisfies ApplyReply),
  });
  openRows += request.page.changes.length;
  // Only a bootstrap's pages share a transaction: after any other page the caller reads the cursor.
  const bootstrap = request.options.bootstrap;
  if (bootstrap === undefined || bootstrap.complete || openRows >= COMMIT_ROWS) end('COMMIT');
  else idleTimer = setTimeout(() => end('COMMIT'), IDLE_COMMIT_MS);
  return result;
}

port.on('message', (request: ApplyRequest | ControlRequest) => {
  let reply: ApplyReply;
  try {
    if ('control' in request) {
      end('COMMIT');
      if (request.control === 'close') db.close();
      reply = { id: request.id, result: null };
    } else {
      reply = { id: request.id, result: apply(request) };
    }
  } catch (error) {
    // Part of the page may be written: the open batch goes, and the bootstrap resumes from its last commit.
    if (db.open) end('ROLLBACK');
    reply = { id: request.id, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
  port.postMessage(reply);
});
