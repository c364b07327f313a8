// Small helpers the generated codecs share: arrays (classic and compact) and null guards.
import { ProtocolDecodeError, type Reader, type Writer } from "./primitives.js";

export function readArray<T>(r: Reader, compact: boolean, nullable: boolean, readOne: (r: Reader) => T): T[] {
  const n = r.arrayLength(compact);
  if (n < 0) {
    if (!nullable) throw new ProtocolDecodeError("non-nullable array is null");
    return null as unknown as T[];
  }
  const items = new Array<T>(n);
  for (let i = 0; i < n; i++) items[i] = readOne(r);
  return items;
}

export function writeArray<T>(
  w: Writer,
  compact: boolean,
  nullable: boolean,
  items: readonly T[] | null,
  writeOne: (w: Writer, item: T) => void,
): void {
  if (items === null) {
    if (!nullable) throw new TypeError("a null array cannot be written in this version");
    w.arrayLength(null, compact);
    return;
  }
  w.arrayLength(items.length, compact);
  for (const item of items) writeOne(w, item);
}

/** Called when a null reaches a field that this version cannot carry as null. */
export function nullValue(): never {
  throw new TypeError("a null value cannot be written in this version");
}
