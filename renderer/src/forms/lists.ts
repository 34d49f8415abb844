/** Adds or removes one value of a list; with `all`, the result keeps the order of `all`. */
export function toggleIn<T>(list: readonly T[], value: T, on: boolean, all?: readonly T[]): T[] {
  const next = on ? (list.includes(value) ? [...list] : [...list, value]) : list.filter((item) => item !== value);
  return all === undefined ? next : all.filter((item) => next.includes(item));
}
