// InitProducerId: v0–v5 (KafkaJS 2.2.4 sends v1, librdkafka 2.x v4, Java 4.x and franz-go v5).
//
// Idempotent producers (null transactional id) get a fresh producer id with epoch 0. Ids come
// from blocks the active controller reserves in the metadata log (AllocateProducerIds, KIP-730),
// so no id is handed out twice by any broker or after a restart; a block's unused rest is skipped.
//
// v3+ (KIP-360) lets the producer send its current id and epoch. Kafka answers an idempotent
// producer with a brand-new id and epoch 0 whatever it sent, and so do we: bumping the epoch
// in place only makes sense where the broker knows who owns the id and its current epoch — a
// transactional id's coordinator state. Without it, any client could name another producer's
// id and fence it, and a fresh id restarts sequences just as well as a bumped epoch. The pair
// must be both -1 or both set (INVALID_REQUEST otherwise), as Kafka checks.
//
// Transactions do not exist yet. A transactional id is refused with
// TRANSACTIONAL_ID_AUTHORIZATION_FAILED: the answer Kafka gives when this client may not use
// transactional ids. It is non-retriable and fatal to a transactional producer (Java's
// TransactionalIdAuthorizationException, librdkafka's fatal error), which is what a permanent
// state calls for; COORDINATOR_NOT_AVAILABLE would make clients retry forever. Produce refuses
// transactional batches with the same code. An empty transactional id is INVALID_REQUEST, as in
// Kafka.
import { errorCode, type KafkaErrorName } from "../protocol/errors.js";
import { initProducerIdRequestMeta, readInitProducerIdRequest } from "../protocol/generated/init-producer-id-request.gen.js";
import { writeInitProducerIdResponse, type InitProducerIdResponse } from "../protocol/generated/init-producer-id-response.gen.js";
import type { BrokerServices } from "../broker-services.js";
import { defineHandler } from "./handler.js";
import { AclOperation, authorize, authorizeAnyOfType, authorizeCluster, ResourceType } from "../security/authorizer/request-authorization.js";
import { principalToString } from "../security/principal.js";

const NO_PRODUCER_ID = -1n;
const NO_PRODUCER_EPOCH = -1;

interface IdBlock {
  next: bigint;
  end: bigint;
}

type IdSource = BrokerServices["producerIds"];

// Keyed by source so that several brokers in one process (tests) keep separate blocks.
const blocks = new WeakMap<IdSource, IdBlock>();

/** The next producer id, asking the controller for a new block when the current one is used up. */
export async function nextProducerId(source: IdSource): Promise<bigint> {
  let block = blocks.get(source);
  if (!block || block.next >= block.end) {
    const { firstId, size } = await source.allocateBlock();
    block = { next: firstId, end: firstId + size };
    blocks.set(source, block);
  }
  return block.next++;
}

function failure(error: KafkaErrorName): InitProducerIdResponse {
  return { throttleTimeMs: 0, errorCode: errorCode(error), producerId: NO_PRODUCER_ID, producerEpoch: NO_PRODUCER_EPOCH };
}

export const initProducerIdHandler = defineHandler({
  meta: initProducerIdRequestMeta,
  minVersion: 0,
  maxVersion: 5,
  readRequest: readInitProducerIdRequest,
  writeResponse: writeInitProducerIdResponse,
  async handle(request, ctx): Promise<InitProducerIdResponse> {
    const { transactionalId, producerId, producerEpoch } = request;
    if ((producerId === NO_PRODUCER_ID) !== (producerEpoch === NO_PRODUCER_EPOCH)) return failure("INVALID_REQUEST");
    if (transactionalId !== null) {
      if (transactionalId === "") return failure("INVALID_REQUEST");
      if (!authorize(ctx, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, transactionalId)) return failure("TRANSACTIONAL_ID_AUTHORIZATION_FAILED");
      ctx.log.debug({ transactionalId }, "transactional producer refused: transactions are not supported");
      return failure("TRANSACTIONAL_ID_AUTHORIZATION_FAILED");
    }
    // An idempotent producer: IDEMPOTENT_WRITE on the cluster, or WRITE on any topic (KIP-679).
    const mayProduce = authorizeCluster(ctx, AclOperation.IDEMPOTENT_WRITE, { logIfDenied: false }) || authorizeAnyOfType(ctx, AclOperation.WRITE, ResourceType.TOPIC);
    if (!mayProduce) {
      ctx.log.info({ principal: principalToString(ctx.connection.session.principal), host: ctx.connection.remoteAddress }, "idempotent producer denied: neither IDEMPOTENT_WRITE on the cluster nor WRITE on any topic");
      return failure("CLUSTER_AUTHORIZATION_FAILED");
    }
    return { throttleTimeMs: 0, errorCode: 0, producerId: await nextProducerId(ctx.broker.producerIds), producerEpoch: 0 };
  },
});
