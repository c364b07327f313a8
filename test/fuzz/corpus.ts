// The corpus: request frames captured from real clients (see README.md), stored per client as the
// raw byte stream the client sent — each frame is int32 size + request header + body — plus
// topics.json, the topics the frames name, so the fuzz broker can be given the same world.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CORPUS_DIR } from "./paths.js";

export const FRAMES_EXTENSION = ".frames";

export interface CorpusFrame {
  /** The file (client) the frame came from, without extension. */
  readonly source: string;
  readonly apiKey: number;
  readonly apiVersion: number;
  /** Size prefix included. */
  readonly bytes: Buffer;
}

export interface CorpusTopic {
  readonly name: string;
  readonly partitions: number;
  /** The topic id at capture time (base64url), which flexible Fetch and others carry. */
  readonly topicId: string;
}

export interface Corpus {
  readonly frames: readonly CorpusFrame[];
  readonly topics: readonly CorpusTopic[];
}

/** Splits a stream of size-prefixed frames; a torn tail is an error (the files are ours). */
export function splitFrames(stream: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  let pos = 0;
  while (pos < stream.length) {
    if (stream.length - pos < 4) throw new Error(`torn frame size at byte ${pos}`);
    const end = pos + 4 + stream.readInt32BE(pos);
    if (end > stream.length) throw new Error(`torn frame at byte ${pos}`);
    frames.push(stream.subarray(pos, end));
    pos = end;
  }
  return frames;
}

export function loadCorpus(dir = CORPUS_DIR): Corpus {
  const frames: CorpusFrame[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(FRAMES_EXTENSION)).sort()) {
    const source = file.slice(0, -FRAMES_EXTENSION.length);
    for (const bytes of splitFrames(readFileSync(join(dir, file)))) {
      frames.push({ source, apiKey: bytes.readInt16BE(4), apiVersion: bytes.readInt16BE(6), bytes });
    }
  }
  if (frames.length === 0) throw new Error(`no ${FRAMES_EXTENSION} files in ${dir}`);
  const topics = JSON.parse(readFileSync(join(dir, "topics.json"), "utf8")) as CorpusTopic[];
  return { frames, topics };
}
