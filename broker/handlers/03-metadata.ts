// Metadata: v0–v12. Brokers (the registered, unfenced ones, on the listener the request came in on),
// cluster id (v2+), controller id (v1+), topics with partitions, leader epochs (v7+) and topic
// ids (v10+). A null topic list (v1+; an empty list in v0) means every topic. Unknown topics are
// created when auto.create.topics.enable is set and the client allows it (v4+; always allowed
// before v4, as in Kafka), through the active controller. v10+ may name topics by id only.
// Authorization as Kafka: all topics lists only those the principal may DESCRIBE (silently);
// a named topic it may not DESCRIBE is TOPIC_AUTHORIZATION_FAILED; auto-creation needs CREATE on
// the cluster or the topic (else TOPIC_AUTHORIZATION_FAILED); v8+ fill authorized operations
// when asked (the cluster's only with DESCRIBE on it, else 0).
import { errorCode } from "../protocol/errors.js";
import { metadataRequestMeta, readMetadataRequest } from "../protocol/generated/metadata-request.gen.js";
import {
  writeMetadataResponse,
  type MetadataResponse,
  type MetadataResponseTopic,
} from "../protocol/generated/metadata-response.gen.js";
import { ZERO_UUID } from "../protocol/primitives.js";
import type { TopicImage } from "../metadata/metadata-image.js";
import { invalidTopicNameReason, isInternalTopic } from "../metadata/topic-names.js";
import { defineHandler, type RequestContext } from "./handler.js";
import { controllerIdForClients } from "./client-controller-id.js";
import { aliveBrokers } from "./advertised-endpoint.js";
import { createTopicThroughController } from "../topics/create-through-controller.js";
import { AclOperation, authorize, authorizeCluster, authorizedOperations, ResourceType } from "../security/authorizer/request-authorization.js";
import { CLUSTER_NAME } from "../security/authorizer/acl-codes.js";

/** Kafka sends this for authorized-operations fields that were not requested. */
const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

export function topicMetadata(topic: TopicImage, errorName: "NONE" | "LEADER_NOT_AVAILABLE" = "NONE"): MetadataResponseTopic {
  return {
    errorCode: errorCode(errorName),
    name: topic.name,
    topicId: topic.topicId,
    isInternal: isInternalTopic(topic.name),
    partitions: topic.partitions.map((p) => ({
      errorCode: 0,
      partitionIndex: p.partition,
      leaderId: p.leader,
      leaderEpoch: p.leaderEpoch,
      replicaNodes: p.replicas,
      isrNodes: p.isr,
      offlineReplicas: [],
    })),
    topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}

function errorTopic(name: string | null, topicId: typeof ZERO_UUID, error: Parameters<typeof errorCode>[0]): MetadataResponseTopic {
  return {
    errorCode: errorCode(error),
    name,
    topicId,
    isInternal: false,
    partitions: [],
    topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}

async function topicByName(name: string, allowAutoCreate: boolean, ctx: RequestContext): Promise<MetadataResponseTopic> {
  const { broker } = ctx;
  if (!authorize(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, name)) return errorTopic(name, ZERO_UUID, "TOPIC_AUTHORIZATION_FAILED");
  const existing = broker.metadata.topic(name);
  if (existing) return topicMetadata(existing);
  if (invalidTopicNameReason(name)) return errorTopic(name, ZERO_UUID, "INVALID_TOPIC_EXCEPTION");
  if (!allowAutoCreate || !broker.config.autoCreateTopicsEnable || isInternalTopic(name)) {
    return errorTopic(name, ZERO_UUID, "UNKNOWN_TOPIC_OR_PARTITION");
  }
  const mayCreate = authorizeCluster(ctx, AclOperation.CREATE, { logIfDenied: false }) || authorize(ctx, AclOperation.CREATE, ResourceType.TOPIC, name);
  if (!mayCreate) return errorTopic(name, ZERO_UUID, "TOPIC_AUTHORIZATION_FAILED");
  const created = await createTopicThroughController(
    broker,
    name,
    { partitions: broker.config.numPartitions, replicationFactor: broker.config.defaultReplicationFactor },
    new Map(),
  );
  // Created now or by a racing request: what this node's image has, else (made by the controller
  // elsewhere, not replicated here yet) LEADER_NOT_AVAILABLE, which clients retry — Kafka's answer
  // for a topic being auto-created.
  const now = broker.metadata.topic(name);
  if (now) return topicMetadata(now);
  const pending = created.error === "NONE" || created.error === "TOPIC_ALREADY_EXISTS" || created.error === "NOT_CONTROLLER";
  return errorTopic(name, ZERO_UUID, pending ? "LEADER_NOT_AVAILABLE" : created.error);
}

export const metadataHandler = defineHandler({
  meta: metadataRequestMeta,
  minVersion: 0,
  maxVersion: 12,
  readRequest: readMetadataRequest,
  writeResponse: writeMetadataResponse,
  async handle(request, ctx): Promise<MetadataResponse> {
    const { broker, apiVersion } = ctx;
    const alive = aliveBrokers(ctx);
    const allTopics = request.topics === null || (apiVersion === 0 && request.topics.length === 0);
    const allowAutoCreate = apiVersion < 4 || request.allowAutoTopicCreation;
    const topics: MetadataResponseTopic[] = [];
    if (allTopics) {
      for (const topic of broker.metadata.image.topicsByName.values()) {
        if (authorize(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, topic.name, { logIfDenied: false })) topics.push(topicMetadata(topic));
      }
    } else {
      for (const requested of request.topics!) {
        if (requested.name !== null) {
          topics.push(await topicByName(requested.name, allowAutoCreate, ctx));
        } else {
          const topic = broker.metadata.topicById(requested.topicId);
          if (!topic) topics.push(errorTopic(null, requested.topicId, "UNKNOWN_TOPIC_ID"));
          else if (!authorize(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, topic.name)) topics.push(errorTopic(null, requested.topicId, "TOPIC_AUTHORIZATION_FAILED"));
          else topics.push(topicMetadata(topic));
        }
      }
    }
    if (apiVersion >= 8 && request.includeTopicAuthorizedOperations) {
      for (const t of topics) if (t.errorCode === 0 && t.name !== null) t.topicAuthorizedOperations = authorizedOperations(ctx, ResourceType.TOPIC, t.name);
    }
    const clusterAuthorizedOperations = !(apiVersion >= 8 && request.includeClusterAuthorizedOperations)
      ? AUTHORIZED_OPERATIONS_OMITTED
      : authorizeCluster(ctx, AclOperation.DESCRIBE) ? authorizedOperations(ctx, ResourceType.CLUSTER, CLUSTER_NAME) : 0;
    return {
      throttleTimeMs: 0,
      brokers: alive.map((b) => ({ nodeId: b.id, host: b.host, port: b.port, rack: b.rack })),
      clusterId: broker.clusterId,
      // KRaft brokers do not expose a dedicated controller; like Kafka, name an alive broker instead.
      controllerId: controllerIdForClients(ctx, alive),
      topics,
      clusterAuthorizedOperations,
    };
  },
});
