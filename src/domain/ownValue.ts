/**
 * The value a record holds under a key it owns. Records keyed by what users and IdPs send (group
 * names, attribute paths, claim names) must not answer `constructor`, `toString` or `__proto__`
 * with what every object inherits.
 */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
