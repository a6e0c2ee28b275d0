/**
 * Order strings by UTF-16 code unit: right for ISO-8601 timestamps and ids, the same on every
 * machine, and without `localeCompare`, whose first call loads ICU's collation tables (~2.5 MB
 * of RSS in Node 24, docs/benchmarks.md).
 */
export function compareCodeUnits (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
