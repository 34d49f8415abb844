import { migration as initial } from './migrations/0001-initial';
import { migration as writtenColumns } from './migrations/0002-written-columns';
import { migration as outboxQueuedOffline } from './migrations/0003-outbox-queued-offline';
import { migration as homeIndexes } from './migrations/0004-home-indexes';
import { migration as nameSortKey } from './migrations/0005-name-sort-key';
import { migration as subscriptionChangeIndex } from './migrations/0006-subscription-change-index';

/**
 * Numbered migrations of the offline cache, one frozen file each in migrations/ (as Signal
 * Desktop keeps them): literal SQL, never generated, so no constant the app still uses can change
 * a shipped step. `PRAGMA user_version` holds the last one applied; every pending step runs in
 * one transaction (see open.ts). To change the schema, add the next numbered file and list it
 * here; migrations.test.ts checks that every file is listed and numbered in order.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [initial, writtenColumns, outboxQueuedOffline, homeIndexes, nameSortKey, subscriptionChangeIndex];
