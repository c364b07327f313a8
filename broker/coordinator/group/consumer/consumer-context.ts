// What the KIP-848 operations share.
import type { Logger } from "pino";
import type { GroupCoordinatorConfig } from "../group-config.js";
import type { GroupRegistry } from "../group-registry.js";
import type { GroupTopics } from "../group-topics.js";
import type { RecordWriter } from "../record-writer.js";
import type { KeyedTimers } from "../timer.js";
import type { ServerAssignor } from "./assignors/assignor.js";
import type { TopicRegexResolver } from "./topic-regex.js";

export interface ConsumerContext {
  readonly config: GroupCoordinatorConfig;
  readonly timers: KeyedTimers;
  readonly writer: RecordWriter;
  readonly log: Logger;
  readonly now: () => number;
  readonly topics: GroupTopics;
  readonly registry: GroupRegistry;
  /** Configured server assignors; the first is the default. */
  readonly assignors: ReadonlyMap<string, ServerAssignor>;
  readonly regexes: TopicRegexResolver;
}
