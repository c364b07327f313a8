// DescribeCluster: v0–v1 (Java's admin client since 2.8 and franz-go; v1 adds the endpoint type,
// KIP-919). Answers with the registered, unfenced brokers (on the listener the request came in on,
// as Metadata does), the cluster id, and an alive broker as controller (KRaft hides the controller). v1 asks for broker (1) or controller
// (2) endpoints: brokers answer only for brokers — a controller request is MISMATCHED_ENDPOINT_TYPE,
// an unknown type UNSUPPORTED_ENDPOINT_TYPE (INVALID_REQUEST in v0), with Kafka's messages.
// Authorized operations, when asked for, are every cluster operation: there is no authorizer,
// and Kafka without one reports all supported operations too.
import { errorCode, type KafkaErrorName } from "../protocol/errors.js";
import { describeClusterRequestMeta, readDescribeClusterRequest } from "../protocol/generated/describe-cluster-request.gen.js";
import { writeDescribeClusterResponse, type DescribeClusterResponse } from "../protocol/generated/describe-cluster-response.gen.js";
import { aliveBrokers } from "./advertised-endpoint.js";
import { defineHandler } from "./handler.js";

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

function failure(error: KafkaErrorName, message: string, clusterId: string): DescribeClusterResponse {
  return {
    throttleTimeMs: 0,
    errorCode: errorCode(error),
    errorMessage: message,
    endpointType: ENDPOINT_TYPE_BROKER,
    clusterId,
    controllerId: -1,
    brokers: [],
    clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}

export const describeClusterHandler = defineHandler({
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
      return failure(apiVersion === 0 ? "INVALID_REQUEST" : "UNSUPPORTED_ENDPOINT_TYPE", `Unsupported endpoint type ${requested}`, broker.clusterId);
    }
    if (requested !== ENDPOINT_TYPE_BROKER) {
      return failure(
        apiVersion === 0 ? "INVALID_REQUEST" : "MISMATCHED_ENDPOINT_TYPE",
        `The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type ${requestedName}`,
        broker.clusterId,
      );
    }
    const alive = aliveBrokers(ctx);
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      endpointType: ENDPOINT_TYPE_BROKER,
      clusterId: broker.clusterId,
      controllerId: alive[0]?.id ?? -1,
      brokers: alive.map((b) => ({ brokerId: b.id, host: b.host, port: b.port, rack: b.rack })),
      clusterAuthorizedOperations: request.includeClusterAuthorizedOperations ? ALL_CLUSTER_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED,
    };
  },
});
