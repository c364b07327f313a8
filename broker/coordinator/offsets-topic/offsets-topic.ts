// __consumer_offsets as the group coordinator sees it on a broker: who leads each partition (the
// metadata image), and its creation through the controller on the first FindCoordinator, as
// Kafka's AutoTopicCreationManager does: offsets.topic.num.partitions partitions of
// offsets.topic.replication.factor replicas, compacted, offsets.topic.segment.bytes segments.
// It is created through the controller (topics/create-through-controller.ts). Too few registered
// brokers for the replication factor refuses it: FindCoordinator answers COORDINATOR_NOT_AVAILABLE
// until enough have registered, as Kafka does.
import type { Logger } from "pino";
import type { BrokerConfig } from "../../config/index.js";
import type { ControllerForwarder } from "../../handlers/controller-forwarding.js";
import type { MetadataStore } from "../../metadata/metadata-store.js";
import type { TopicImage } from "../../metadata/metadata-image.js";
import type { KafkaErrorName } from "../../protocol/errors.js";
import { createTopicThroughController } from "../../topics/create-through-controller.js";
import type { TopicAdmin } from "../../topics/topic-admin.js";
import type { OffsetsTopicLeadership } from "../group/offsets-leadership.js";

export const OFFSETS_TOPIC = "__consumer_offsets";

/** FindCoordinator waits at most this long for the topic to be created (Kafka does not wait at all). */
const CREATE_WAIT_MS = 5000;
/** How often a creation made through the controller checks whether this node's image has the topic. */
const VISIBLE_POLL_MS = 10;

export type OffsetsTopicSettings = Pick<BrokerConfig, "offsetsTopicNumPartitions" | "offsetsTopicReplicationFactor" | "offsetsTopicSegmentBytes">;

export interface OffsetsTopicOptions {
  readonly nodeId: number;
  readonly config: OffsetsTopicSettings;
  readonly metadata: MetadataStore;
  readonly topics: TopicAdmin;
  /** Sends CreateTopics to the active controller; null on a single node (it is the controller). */
  readonly forwarder: ControllerForwarder | null;
  readonly logger: Logger;
}

export class OffsetsTopicCreationError extends Error {
  override name = "OffsetsTopicCreationError";
  constructor(
    readonly error: KafkaErrorName,
    message: string,
  ) {
    super(message);
  }
}

export class OffsetsTopic implements OffsetsTopicLeadership {
  /** The creation under way, shared by every FindCoordinator that asks meanwhile. */
  private creating: Promise<void> | undefined;

  constructor(private readonly opts: OffsetsTopicOptions) {}

  get localNodeId(): number {
    return this.opts.nodeId;
  }

  private get topic(): TopicImage | undefined {
    return this.opts.metadata.topic(OFFSETS_TOPIC);
  }

  /** An existing topic keeps its partition count whatever offsets.topic.num.partitions says now. */
  get partitionCount(): number {
    return this.topic?.partitions.length ?? this.opts.config.offsetsTopicNumPartitions;
  }

  exists(): boolean {
    return this.topic !== undefined;
  }

  leaderOf(partition: number): number | null {
    const leader = this.topic?.partitions[partition]?.leader;
    return leader === undefined || leader < 0 ? null : leader;
  }

  create(): Promise<void> {
    if (this.exists()) return Promise.resolve();
    if (!this.creating) {
      const creating = this.createOnce().finally(() => {
        if (this.creating === creating) this.creating = undefined;
      });
      this.creating = creating;
    }
    const creating = this.creating;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new OffsetsTopicCreationError("REQUEST_TIMED_OUT", `${OFFSETS_TOPIC} not created within ${CREATE_WAIT_MS} ms`)), CREATE_WAIT_MS);
      timer.unref();
      creating.then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  }

  private async createOnce(): Promise<void> {
    const { config, metadata, topics, forwarder, logger } = this.opts;
    const configs = new Map([
      ["cleanup.policy", "compact"],
      ["compression.type", "producer"],
      ["segment.bytes", String(config.offsetsTopicSegmentBytes)],
    ]);
    const partitions = config.offsetsTopicNumPartitions;
    const replicationFactor = config.offsetsTopicReplicationFactor;
    const { error, message } = await createTopicThroughController({ metadata, topics, forwarder }, OFFSETS_TOPIC, { partitions, replicationFactor }, configs);
    if (error === "NONE" || error === "TOPIC_ALREADY_EXISTS") {
      if (error === "NONE") logger.info({ topic: OFFSETS_TOPIC, partitions, replicationFactor }, "created the offsets topic");
      // Made by the controller elsewhere: this node's image learns of it a moment later.
      await this.visible();
      return;
    }
    throw new OffsetsTopicCreationError(error, `cannot create ${OFFSETS_TOPIC} (${partitions} partitions, replication factor ${replicationFactor}): ${error}${message ? ` ${message}` : ""}`);
  }

  /** Resolves once this node's metadata image has the topic, or after CREATE_WAIT_MS (the lookup then finds no leader yet). */
  private async visible(): Promise<void> {
    const deadline = Date.now() + CREATE_WAIT_MS;
    while (!this.exists() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, VISIBLE_POLL_MS));
  }
}
