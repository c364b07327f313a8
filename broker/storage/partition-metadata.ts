// partition.metadata: the topic id a partition directory belongs to, in Kafka's format, so a
// re-created topic of the same name is never mistaken for the old one.
import fs from "node:fs";
import path from "node:path";
import type { Uuid } from "../protocol/primitives.js";
import { writeFileAtomic } from "./file-io.js";
import { PARTITION_METADATA } from "./file-names.js";

export function writePartitionMetadata(dir: string, topicId: Uuid): void {
  writeFileAtomic(path.join(dir, PARTITION_METADATA), `version: 0\ntopic_id: ${topicId}\n`);
}

/** The stored topic id, or undefined when the file is absent or unreadable. */
export function readPartitionMetadata(dir: string): Uuid | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, PARTITION_METADATA), "utf8");
  } catch {
    return undefined;
  }
  const fields = new Map<string, string>();
  for (const line of text.split("\n")) {
    const i = line.indexOf(":");
    if (i > 0) fields.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  if (fields.get("version") !== "0") return undefined;
  const id = fields.get("topic_id");
  return id && id.length === 22 ? (id as Uuid) : undefined;
}
