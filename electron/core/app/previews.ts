import { randomUUID } from 'node:crypto';
import type { UsersImportPlan } from '../csv/users-import';

/**
 * CSV import previews waiting for the admin's confirmation. Nothing is queued until then; a
 * preview lives in memory only (it holds nothing that cannot be parsed again) and expires.
 */
export interface CsvPreviewStore {
  put(plan: UsersImportPlan): string;
  take(previewId: string): UsersImportPlan | null;
}

const PREVIEW_LIFETIME_MS = 30 * 60_000;
const MAX_PREVIEWS = 5;

export function createPreviewStore(now: () => number = Date.now): CsvPreviewStore {
  const previews = new Map<string, { plan: UsersImportPlan; expiresAt: number }>();
  return {
    put(plan) {
      for (const [id, entry] of previews) if (entry.expiresAt <= now()) previews.delete(id);
      while (previews.size >= MAX_PREVIEWS) previews.delete(previews.keys().next().value as string);
      const previewId = randomUUID();
      previews.set(previewId, { plan, expiresAt: now() + PREVIEW_LIFETIME_MS });
      return previewId;
    },
    take(previewId) {
      const entry = previews.get(previewId);
      previews.delete(previewId);
      return entry !== undefined && entry.expiresAt > now() ? entry.plan : null;
    },
  };
}
