// IncrementalAlterConfigs: v0–v1 (librdkafka 2.x, Java and franz-go send v1; v1+ flexible).
// Per key: SET (0) a value, DELETE (1) it (back to the default), APPEND (2) to or SUBTRACT (3)
// from a list value (starting from the default when unset). Keys not named keep their value.
// Topics: the resulting overrides must be valid (INVALID_CONFIG naming the key); the topic must
// exist (UNKNOWN_TOPIC_OR_PARTITION). Brokers: resource "" holds the dynamic cluster-wide
// defaults, this node's id its per-broker configs; only dynamically updatable keys may change,
// and the whole configuration must stay consistent (INVALID_REQUEST with Kafka's message).
// Checks as Kafka 4's ConfigAdminManager.preprocess and controller: a resource named twice is
// INVALID_REQUEST for both, duplicate keys, null values (except DELETE) and unknown operations are
// INVALID_REQUEST. validateOnly stops after the checks. BROKER_LOGGER, CLIENT_METRICS and GROUP
// resources are not served (INVALID_REQUEST); an unknown type is UNSUPPORTED_VERSION, as in Kafka.
import { alterBrokerConfigs, alterTopicConfigs, checkBrokerResourceName, type AlterConfigOp } from "../config/index.js";
import { errorCode, type KafkaErrorName } from "../protocol/errors.js";
import {
  incrementalAlterConfigsRequestMeta,
  readIncrementalAlterConfigsRequest,
  writeIncrementalAlterConfigsRequest,
  type AlterConfigsResource,
} from "../protocol/generated/incremental-alter-configs-request.gen.js";
import {
  readIncrementalAlterConfigsResponse,
  writeIncrementalAlterConfigsResponse,
  type AlterConfigsResourceResponse,
  type IncrementalAlterConfigsResponse,
} from "../protocol/generated/incremental-alter-configs-response.gen.js";
import { invalidTopicNameReason } from "../metadata/topic-names.js";
import { addressedNode, forwardedToController } from "./controller-forwarding.js";
import { defineHandler, type RequestContext } from "./handler.js";
import { configResourceDenied } from "../security/authorizer/config-resource-authorization.js";
import { AclOperation } from "../security/authorizer/acl-codes.js";
import {
  ConfigResourceType,
  currentBrokerConfig,
  dynamicBrokerConfigs,
  resourceTypeName,
  storeBrokerConfigs,
  storeTopicConfigs,
} from "./config-resources.js";

function response(resource: AlterConfigsResource, error: KafkaErrorName, message: string | null = null): AlterConfigsResourceResponse {
  return { errorCode: errorCode(error), errorMessage: message, resourceType: resource.resourceType, resourceName: resource.resourceName };
}

async function alterResource(resource: AlterConfigsResource, validateOnly: boolean, ctx: RequestContext): Promise<AlterConfigsResourceResponse> {
  const { broker } = ctx;
  const denied = configResourceDenied(ctx, AclOperation.ALTER_CONFIGS, resource.resourceType, resource.resourceName);
  if (denied) return response(resource, denied);
  const ops: AlterConfigOp[] = resource.configs.map((c) => ({ name: c.name, op: c.configOperation, value: c.value }));
  switch (resource.resourceType) {
    case ConfigResourceType.TOPIC: {
      if (resource.resourceName === "") return response(resource, "INVALID_REQUEST", "Default topic resources are not allowed.");
      const nameProblem = invalidTopicNameReason(resource.resourceName);
      if (nameProblem) return response(resource, "INVALID_TOPIC_EXCEPTION", nameProblem);
      const topic = broker.metadata.topic(resource.resourceName);
      // Kafka validates the change before it looks for the topic.
      const next = alterTopicConfigs(topic?.configs ?? new Map(), ops, currentBrokerConfig(broker));
      if (!next.ok) return response(resource, next.error.error, next.error.message);
      if (!topic) return response(resource, "UNKNOWN_TOPIC_OR_PARTITION", `The topic '${resource.resourceName}' does not exist.`);
      if (!validateOnly) await storeTopicConfigs(broker, topic, next.value);
      return response(resource, "NONE");
    }
    case ConfigResourceType.BROKER: {
      const nameProblem = checkBrokerResourceName(resource.resourceName, addressedNode(ctx));
      if (nameProblem) return response(resource, nameProblem.error, nameProblem.message);
      const next = alterBrokerConfigs(dynamicBrokerConfigs(broker, resource.resourceName), ops, {
        perBroker: resource.resourceName !== "",
        broker: currentBrokerConfig(broker),
      });
      if (!next.ok) return response(resource, next.error.error, next.error.message);
      if (!validateOnly) await storeBrokerConfigs(broker, resource.resourceName, next.value);
      return response(resource, "NONE");
    }
    case ConfigResourceType.BROKER_LOGGER:
    case ConfigResourceType.CLIENT_METRICS:
    case ConfigResourceType.GROUP:
      return response(resource, "INVALID_REQUEST", `Unexpected resource type ${resourceTypeName(resource.resourceType)}.`);
    default:
      return response(resource, "UNSUPPORTED_VERSION", `Unknown resource type ${resource.resourceType}.`);
  }
}

const localIncrementalAlterConfigsHandler = defineHandler({
  meta: incrementalAlterConfigsRequestMeta,
  minVersion: 0,
  maxVersion: 1,
  readRequest: readIncrementalAlterConfigsRequest,
  writeResponse: writeIncrementalAlterConfigsResponse,
  async handle(request, ctx): Promise<IncrementalAlterConfigsResponse> {
    const key = (r: AlterConfigsResource) => `${r.resourceType}:${r.resourceName}`;
    const count = new Map<string, number>();
    for (const r of request.resources) count.set(key(r), (count.get(key(r)) ?? 0) + 1);
    // One resource at a time, in request order: each change is committed before the next is checked.
    const responses: AlterConfigsResourceResponse[] = [];
    for (const r of request.resources) {
      const duplicate = (count.get(key(r)) ?? 0) > 1;
      responses.push(duplicate ? response(r, "INVALID_REQUEST", "Each resource must appear at most once.") : await alterResource(r, request.validateOnly, ctx));
    }
    return {
      throttleTimeMs: 0,
      responses,
    };
  },
});

/** Off the quorum leader, the request goes to the active controller (controller-forwarding.ts). */
export const incrementalAlterConfigsHandler = forwardedToController(localIncrementalAlterConfigsHandler, {
  writeRequest: writeIncrementalAlterConfigsRequest,
  readResponse: readIncrementalAlterConfigsResponse,
  refused: (request) => ({ throttleTimeMs: 0, responses: request.resources.map((r) => response(r, "NOT_CONTROLLER")) }),
});
