// Creating a topic the broker itself decided on (auto-creation on Metadata, __consumer_offsets on
// the first FindCoordinator), as Kafka's AutoTopicCreationManager does: on the active controller
// (or a single node) the TopicAdmin writes it; elsewhere a CreateTopics request goes to the
// controller through the ControllerForwarder. Either way the answer is Kafka's error name.
import type { ControllerForwarder } from "../handlers/controller-forwarding.js";
import type { MetadataStore } from "../metadata/metadata-store.js";
import { NotLeaderError } from "../metadata/raft/quorum-node.js";
import { errorName, type KafkaErrorName } from "../protocol/errors.js";
import { createTopicsRequestMeta, writeCreateTopicsRequest } from "../protocol/generated/create-topics-request.gen.js";
import { readCreateTopicsResponse } from "../protocol/generated/create-topics-response.gen.js";
import type { TopicAdmin } from "./topic-admin.js";

/** The CreateTopics version sent to the controller (the newest we serve). */
const CREATE_TOPICS_VERSION = 7;
/** How long the controller may take over it (CreateTopics' timeoutMs). */
const CREATE_TIMEOUT_MS = 5000;

export interface TopicCreators {
  readonly metadata: MetadataStore;
  readonly topics: TopicAdmin;
  /** Sends CreateTopics to the active controller; null on a single node (it is the controller). */
  readonly forwarder: ControllerForwarder | null;
}

export interface TopicCreation {
  readonly error: KafkaErrorName;
  readonly message: string | null;
}

export async function createTopicThroughController(
  { metadata, topics, forwarder }: TopicCreators,
  name: string,
  layout: { partitions: number; replicationFactor: number },
  configs: ReadonlyMap<string, string>,
): Promise<TopicCreation> {
  if (metadata.quorum.isLeader || !forwarder) {
    try {
      const created = await topics.createTopic(name, layout, new Map(configs));
      return created.ok ? { error: "NONE", message: null } : { error: created.error, message: created.message };
    } catch (err) {
      // Leadership moved between the check and the write.
      if (err instanceof NotLeaderError) return { error: "NOT_CONTROLLER", message: err.message };
      throw err;
    }
  }
  const request = {
    topics: [
      {
        name,
        numPartitions: layout.partitions,
        replicationFactor: layout.replicationFactor,
        assignments: [],
        configs: [...configs].map(([key, value]) => ({ name: key, value })),
      },
    ],
    timeoutMs: CREATE_TIMEOUT_MS,
    validateOnly: false,
  };
  const response = await forwarder.forward(createTopicsRequestMeta, CREATE_TOPICS_VERSION, writeCreateTopicsRequest, readCreateTopicsResponse, request);
  const result = response?.topics[0];
  if (!result) return { error: "NOT_CONTROLLER", message: "no active controller reachable" };
  return { error: errorName(result.errorCode), message: result.errorMessage };
}
