// DescribeCluster: v0–v1 (Java's admin client since 2.8 and franz-go; v1 adds the endpoint type,
// KIP-919). On a broker listener: the registered, unfenced brokers (on the listener the request
// came in on, as Metadata does), the cluster id, and as controller the quorum leader when it is an
// alive broker, else a random alive broker (client-controller-id.ts). On a controller listener
// (admin clients with bootstrap.controllers, `--bootstrap-controller`): the voters at their
// controller.quorum.voters addresses and the quorum leader as controller. v1 asks for broker (1) or
// controller (2) endpoints: asking the other kind is MISMATCHED_ENDPOINT_TYPE, an unknown type
// UNSUPPORTED_ENDPOINT_TYPE (both INVALID_REQUEST in v0), with Kafka's messages.
// No authorization is needed (as in Kafka). Authorized operations, when asked for, are the
// cluster operations the principal may do if it may DESCRIBE the cluster (else 0); without an
// authorizer every cluster operation, as Kafka reports too.
import { errorCode, type KafkaErrorName } from "../protocol/errors.js";
import { describeClusterRequestMeta, readDescribeClusterRequest } from "../protocol/generated/describe-cluster-request.gen.js";
import { writeDescribeClusterResponse, type DescribeClusterResponse } from "../protocol/generated/describe-cluster-response.gen.js";
import { aliveBrokers } from "./advertised-endpoint.js";
import { controllerIdForClients } from "./client-controller-id.js";
import { defineHandler, type RequestContext } from "./handler.js";
import { AclOperation, authorizeCluster, authorizedOperations, ResourceType } from "../security/authorizer/request-authorization.js";
import { CLUSTER_NAME } from "../security/authorizer/acl-codes.js";

const ENDPOINT_TYPE_BROKER = 1;
const ENDPOINT_TYPE_CONTROLLER = 2;
const ENDPOINT_TYPE_NAMES = new Map([
  [ENDPOINT_TYPE_BROKER, "BROKER"],
  [ENDPOINT_TYPE_CONTROLLER, "CONTROLLER"],
]);

const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

/** Kafka's AclOperation codes for the operations a CLUSTER resource supports (AclEntry.supportedOperations). */
const CLUSTER_OPERATIONS = {
  CREATE: 5,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
};

/** Utils.to32BitField: one bit per operation code. */
export const ALL_CLUSTER_OPERATIONS = Object.values(CLUSTER_OPERATIONS).reduce((bits, code) => bits | (1 << code), 0);

function failure(served: number, error: KafkaErrorName, message: string, clusterId: string): DescribeClusterResponse {
  return {
    throttleTimeMs: 0,
    errorCode: errorCode(error),
    errorMessage: message,
    endpointType: served,
    clusterId,
    controllerId: -1,
    brokers: [],
    clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}

interface ClusterMembers {
  controllerId: number;
  nodes: { id: number; host: string; port: number; rack: string | null }[];
}

/** A DescribeCluster handler for listeners serving `served` endpoints, listing `members`. */
function describeClusterFor(served: number, members: (ctx: RequestContext) => ClusterMembers) {
  return defineHandler({
    meta: describeClusterRequestMeta,
    minVersion: 0,
    maxVersion: 1,
    readRequest: readDescribeClusterRequest,
    writeResponse: writeDescribeClusterResponse,
    handle(request, ctx): DescribeClusterResponse {
      const { broker, apiVersion } = ctx;
      const requested = apiVersion >= 1 ? request.endpointType : ENDPOINT_TYPE_BROKER;
      const requestedName = ENDPOINT_TYPE_NAMES.get(requested);
      if (requestedName === undefined) {
        return failure(served, apiVersion === 0 ? "INVALID_REQUEST" : "UNSUPPORTED_ENDPOINT_TYPE", `Unsupported endpoint type ${requested}`, broker.clusterId);
      }
      if (requested !== served) {
        return failure(
          served,
          apiVersion === 0 ? "INVALID_REQUEST" : "MISMATCHED_ENDPOINT_TYPE",
          `The request was sent to an endpoint of type ${ENDPOINT_TYPE_NAMES.get(served)}, but we wanted an endpoint of type ${requestedName}`,
          broker.clusterId,
        );
      }
      const { controllerId, nodes } = members(ctx);
      return {
        throttleTimeMs: 0,
        errorCode: 0,
        errorMessage: null,
        endpointType: served,
        clusterId: broker.clusterId,
        controllerId,
        brokers: nodes.map((b) => ({ brokerId: b.id, host: b.host, port: b.port, rack: b.rack })),
        clusterAuthorizedOperations: !request.includeClusterAuthorizedOperations
          ? AUTHORIZED_OPERATIONS_OMITTED
          : authorizeCluster(ctx, AclOperation.DESCRIBE) ? authorizedOperations(ctx, ResourceType.CLUSTER, CLUSTER_NAME) : 0,
      };
    },
  });
}

export const describeClusterHandler = describeClusterFor(ENDPOINT_TYPE_BROKER, (ctx) => {
  const alive = aliveBrokers(ctx);
  return { controllerId: controllerIdForClients(ctx, alive), nodes: alive };
});

/** The voters at their controller listeners: controller.quorum.voters, or a dynamic quorum's voter set (KIP-853). */
function controllerNodes(ctx: RequestContext): { id: number; host: string; port: number; rack: null }[] {
  const quorum = ctx.broker.metadata.quorum;
  if (!quorum.isDynamic) return ctx.broker.config.controllerQuorumVoters.map((v) => ({ id: v.id, host: v.host, port: v.port, rack: null }));
  return quorum.voterSet().flatMap((v) => {
    const endpoint = quorum.endpointOf(v.id);
    return endpoint ? [{ id: v.id, host: endpoint.host, port: endpoint.port, rack: null }] : [];
  });
}

/** What a controller listener answers: the voters, and the quorum leader (-1 while there is none). */
export const describeClusterControllersHandler = describeClusterFor(ENDPOINT_TYPE_CONTROLLER, (ctx) => ({
  controllerId: ctx.broker.metadata.quorum.leaderId,
  nodes: controllerNodes(ctx),
}));
