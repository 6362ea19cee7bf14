// Small immutable helpers for the store's records keyed by id.

/** `record` without the entry `id` (the same object when it has none). */
export function without<T>(record: Record<string, T>, id: string): Record<string, T> {
  if (!Object.hasOwn(record, id)) return record;
  const rest = { ...record };
  delete rest[id];
  return rest;
}
