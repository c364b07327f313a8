// What the classic-protocol operations share: settings, timers, the log writer and a logger.
import type { Logger } from "pino";
import type { GroupCoordinatorConfig } from "../group-config.js";
import type { RecordWriter } from "../record-writer.js";
import type { KeyedTimers } from "../timer.js";

export interface ClassicContext {
  readonly config: GroupCoordinatorConfig;
  readonly timers: KeyedTimers;
  readonly writer: RecordWriter;
  readonly log: Logger;
  readonly now: () => number;
}
