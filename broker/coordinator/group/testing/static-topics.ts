// A GroupTopics for tests: topics added by hand, with stable made-up ids.
import { createHash } from "node:crypto";
import { uuidFromBytes, type Uuid } from "../../../protocol/primitives.js";
import type { GroupTopics, TopicInfo } from "../group-topics.js";

export class StaticTopics implements GroupTopics {
  private readonly byNameMap = new Map<string, TopicInfo>();

  constructor(topics: Record<string, number> = {}) {
    for (const [name, partitions] of Object.entries(topics)) this.set(name, partitions);
  }

  /** Creates a topic or changes its partition count (its id is derived from its name). */
  set(name: string, numPartitions: number): TopicInfo {
    const topicId = this.byNameMap.get(name)?.topicId ?? uuidFromBytes(createHash("sha256").update(name).digest().subarray(0, 16));
    const info = { name, topicId, numPartitions };
    this.byNameMap.set(name, info);
    return info;
  }

  delete(name: string): void {
    this.byNameMap.delete(name);
  }

  id(name: string): Uuid {
    const t = this.byNameMap.get(name);
    if (!t) throw new Error(`no topic ${name}`);
    return t.topicId;
  }

  byName(name: string): TopicInfo | undefined {
    return this.byNameMap.get(name);
  }

  byId(topicId: Uuid): TopicInfo | undefined {
    for (const t of this.byNameMap.values()) if (t.topicId === topicId) return t;
    return undefined;
  }

  all(): Iterable<TopicInfo> {
    return this.byNameMap.values();
  }
}
