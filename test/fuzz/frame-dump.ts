// The file a failed run leaves behind: the last frames sent, each wrapped in its own uint32
// length, because a mutated frame's Kafka size prefix may lie and cannot delimit it.
import { readFileSync, writeFileSync } from "node:fs";

export function writeFrameDump(file: string, frames: readonly Buffer[]): void {
  const parts: Buffer[] = [];
  for (const frame of frames) {
    const length = Buffer.allocUnsafe(4);
    length.writeUInt32BE(frame.length, 0);
    parts.push(length, frame);
  }
  writeFileSync(file, Buffer.concat(parts));
}

export function readFrameDump(file: string): Buffer[] {
  const dump = readFileSync(file);
  const frames: Buffer[] = [];
  for (let pos = 0; pos < dump.length; ) {
    if (dump.length - pos < 4) throw new Error(`${file}: torn entry at byte ${pos}`);
    const end = pos + 4 + dump.readUInt32BE(pos);
    if (end > dump.length) throw new Error(`${file}: torn entry at byte ${pos}`);
    frames.push(dump.subarray(pos + 4, end));
    pos = end;
  }
  return frames;
}
