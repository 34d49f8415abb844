import { z } from 'zod';

/**
 * The service clock's setting (`--now` / SEATDESK_NOW, `--clock` / SEATDESK_CLOCK): for demos and
 * tests, the service can live at another time. With a start the clock runs on from it at the
 * real pace (a demo on 3 December sees its trials end and its invoices fall due as the days go
 * by), or stands still there with `fixed`. Without one it is the machine's clock.
 */
export const CLOCK_MODES = ['running', 'fixed'] as const;
export type ClockMode = (typeof CLOCK_MODES)[number];

export interface ClockSetting {
  start: Date;
  mode: ClockMode;
}

/** A day (YYYY-MM-DD, its 00:00Z) or an instant with Z or an offset, read as one instant. */
export const clockStartSchema = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], 'must be a date (2026-12-03) or an instant (2026-12-03T09:00:00Z)')
  .transform((text) => new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text))
  .refine((date) => !Number.isNaN(date.getTime()), 'must be a real date or instant');

export const clockModeSchema = z.enum(CLOCK_MODES, 'must be running or fixed');

/** The service's clock for a setting; realNow is the machine's clock in milliseconds. */
export function serviceClock(setting: ClockSetting | null, realNow: () => number = Date.now): () => Date {
  if (setting === null) return () => new Date(realNow());
  const startMs = setting.start.getTime();
  if (setting.mode === 'fixed') return () => new Date(startMs);
  const offsetMs = startMs - realNow();
  return () => new Date(realNow() + offsetMs);
}
