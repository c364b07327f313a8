// Payload files for ProducerPerformance --payload-file: `count` records of exactly `size` bytes,
// newline-separated, each half random and half a repeated filler (as the OpenMessaging Benchmark's
// payloads, so a compressing broker or disk could not cheat and none is used here anyway).
// ProducerPerformance reads the file as UTF-8 text, so the random half uses 64 ASCII symbols
// (6 bits of entropy per byte) and never the delimiter.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

export function halfRandomRecord(size: number): Buffer {
  const out = Buffer.alloc(size, "x".charCodeAt(0));
  const random = Math.ceil(size / 2);
  const bytes = randomBytes(random);
  for (let i = 0; i < random; i++) out[i] = ALPHABET.charCodeAt(bytes[i]! & 63);
  return out;
}

/** Enough distinct payloads that the producer does not send the same bytes over and over. */
export function payloadCount(size: number): number {
  return Math.max(16, Math.min(1000, Math.floor((64 << 20) / size)));
}

/** Writes (once per size) and returns the path of the payload file for `size`-byte records. */
export function payloadFile(dir: string, size: number): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `payload-${size}.txt`);
  if (existsSync(path)) return path;
  const n = payloadCount(size);
  const parts: Buffer[] = [];
  const nl = Buffer.from("\n");
  for (let i = 0; i < n; i++) {
    if (i > 0) parts.push(nl);
    parts.push(halfRandomRecord(size));
  }
  writeFileSync(`${path}.tmp`, Buffer.concat(parts));
  renameSync(`${path}.tmp`, path);
  return path;
}
