// Builds coordinators for tests: fake clock, in-memory log, hand-made topics, silent logs.
import { pino } from "pino";
import { MemoryCoordinatorLog } from "../memory-coordinator-log.js";
import { groupCoordinatorConfig, type GroupCoordinatorConfig } from "../group-config.js";
import { GroupCoordinator } from "../group-coordinator.js";
import { ManualTimer } from "../timer.js";
import { StaticTopics } from "./static-topics.js";

export const silentLogger = pino({ level: "silent" });

export interface TestCoordinator {
  readonly coordinator: GroupCoordinator;
  readonly log: MemoryCoordinatorLog;
  readonly timer: ManualTimer;
  readonly topics: StaticTopics;
  readonly config: GroupCoordinatorConfig;
  /** A second coordinator over the same log, topics and clock: the broker after a restart. */
  restart(): Promise<TestCoordinator>;
}

export async function startTestCoordinator(
  options: {
    config?: Partial<GroupCoordinatorConfig>;
    topics?: StaticTopics;
    log?: MemoryCoordinatorLog;
    timer?: ManualTimer;
  } = {},
): Promise<TestCoordinator> {
  const config = groupCoordinatorConfig({ offsetsTopicNumPartitions: 5, classicInitialRebalanceDelayMs: 0, ...options.config });
  const log = options.log ?? new MemoryCoordinatorLog();
  const timer = options.timer ?? new ManualTimer();
  const topics = options.topics ?? new StaticTopics({ orders: 6, payments: 3 });
  const coordinator = new GroupCoordinator({ config, log, topics, logger: silentLogger, timer });
  await coordinator.start();
  return {
    coordinator,
    log,
    timer,
    topics,
    config,
    async restart() {
      await coordinator.close();
      return startTestCoordinator({ config, topics, log, timer });
    },
  };
}

/** Lets pending promise callbacks (log appends, parked responses) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Tracks whether a promise has resolved yet, without awaiting it. */
export function track<T>(promise: Promise<T>): { readonly done: boolean; readonly value: T | undefined; promise: Promise<T> } {
  const state = { done: false, value: undefined as T | undefined, promise };
  void promise.then((v) => {
    state.done = true;
    state.value = v;
  });
  return state;
}
