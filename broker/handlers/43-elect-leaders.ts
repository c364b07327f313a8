// ElectLeaders: v0–v2 (KIP-460; v1 election type, v2 flexible and a top-level error) — what
// `kafka-leader-election` sends. Preferred elections give each partition back to its first
// replica when that one is in the ISR and up; unclean ones give a leaderless partition to any
// live replica. Decided by the active controller (other nodes forward the request); a null
// partition list means every partition.
import { errorCode } from "../protocol/errors.js";
import { electLeadersRequestMeta, readElectLeadersRequest, writeElectLeadersRequest } from "../protocol/generated/elect-leaders-request.gen.js";
import { readElectLeadersResponse, writeElectLeadersResponse, type ElectLeadersResponse } from "../protocol/generated/elect-leaders-response.gen.js";
import type { Uuid } from "../protocol/primitives.js";
import { forwardedToController } from "./controller-forwarding.js";
import { defineHandler } from "./handler.js";
import { authorizeApiOnCluster } from "../security/authorizer/api-authorization.js";

const localElectLeadersHandler = defineHandler({
  meta: electLeadersRequestMeta,
  minVersion: 0,
  maxVersion: 2,
  readRequest: readElectLeadersRequest,
  writeResponse: writeElectLeadersResponse,
  async handle(request, ctx): Promise<ElectLeadersResponse> {
    const { broker } = ctx;
    const type = ctx.apiVersion >= 1 ? request.electionType : 0;
    if (!authorizeApiOnCluster(ctx)) return { throttleTimeMs: 0, errorCode: errorCode("CLUSTER_AUTHORIZATION_FAILED"), replicaElectionResults: [] };
    if (!broker.controller) return { throttleTimeMs: 0, errorCode: errorCode("NOT_CONTROLLER"), replicaElectionResults: [] };
    const unknown: { topic: string; partition: number }[] = [];
    let targets: { topic: string; topicId: Uuid; partition: number }[] | null = null;
    if (request.topicPartitions !== null) {
      targets = [];
      for (const t of request.topicPartitions) {
        const topic = broker.metadata.topic(t.topic);
        for (const partition of t.partitions) {
          if (topic?.partitions[partition]) targets.push({ topic: t.topic, topicId: topic.topicId, partition });
          else unknown.push({ topic: t.topic, partition });
        }
      }
    }
    const results = await broker.controller.electLeaders(type, targets);
    const byTopic = new Map<string, ElectLeadersResponse["replicaElectionResults"][number]>();
    const add = (topic: string, partitionId: number, error: Parameters<typeof errorCode>[0]) => {
      if (!byTopic.has(topic)) byTopic.set(topic, { topic, partitionResult: [] });
      byTopic.get(topic)!.partitionResult.push({ partitionId, errorCode: errorCode(error), errorMessage: null });
    };
    for (const r of results) add(broker.metadata.topicById(r.topicId)?.name ?? "", r.partition, r.error);
    for (const u of unknown) add(u.topic, u.partition, "UNKNOWN_TOPIC_OR_PARTITION");
    return { throttleTimeMs: 0, errorCode: 0, replicaElectionResults: [...byTopic.values()] };
  },
});

/** Off the quorum leader, the request goes to the active controller (controller-forwarding.ts). */
export const electLeadersHandler = forwardedToController(localElectLeadersHandler, {
  writeRequest: writeElectLeadersRequest,
  readResponse: readElectLeadersResponse,
  refused: () => ({ throttleTimeMs: 0, errorCode: errorCode("NOT_CONTROLLER"), replicaElectionResults: [] }),
});
