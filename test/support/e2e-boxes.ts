import { expect, type Locator } from '@playwright/test';

/** An element's box on the page, in CSS pixels. */
export type Box = { x: number; y: number; width: number; height: number };

/**
 * The element's box, waiting (as every expect does) while it is not laid out: a click that
 * re-renders a panel may leave it detached for a moment, and boundingBox() answers null then.
 */
export async function box(locator: Locator): Promise<Box> {
  let found: Box | null = null;
  await expect.poll(async () => (found = await locator.boundingBox()), { message: `${locator.toString()} has a box` }).not.toBeNull();
  return found!;
}

export const intersects = (a: Box, b: Box): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
