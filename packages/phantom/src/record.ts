/** A record for the COCO file with every non-integer number at four decimals: plenty, and readable. */
export function roundedRecord<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 1e4) / 1e4 : v))) as T;
}
