// AlterConfigs (legacy): v0–v2 (KafkaJS 2.2.4 sends v1, librdkafka 2.x v2; Java's admin client
// uses it only when asked to). Each resource's config set is replaced as a whole: keys not in
// the request go back to their defaults — the reason IncrementalAlterConfigs exists.
// Topics: the new overrides must all be valid (INVALID_CONFIG naming the key); the topic must
// exist (UNKNOWN_TOPIC_OR_PARTITION). Brokers: resource "" replaces the dynamic cluster-wide
// defaults, this node's id its per-broker configs; only dynamically updatable keys are allowed.
// Checks as Kafka 4's ConfigAdminManager.preprocess and controller: a resource named twice is
// INVALID_REQUEST for both, as are duplicate keys and null values. validateOnly stops after the
// checks. BROKER_LOGGER, CLIENT_METRICS and GROUP resources are not served (INVALID_REQUEST);
// an unknown resource type is UNSUPPORTED_VERSION, as Kafka answers.
import { alterBrokerConfigs, checkBrokerResourceName, replaceTopicConfigs } from "../config/index.js";
import { errorCode, type KafkaErrorName } from "../protocol/errors.js";
import { alterConfigsRequestMeta, readAlterConfigsRequest, type AlterConfigsResource, writeAlterConfigsRequest } from "../protocol/generated/alter-configs-request.gen.js";
import {
  writeAlterConfigsResponse,
  type AlterConfigsResourceResponse,
  type AlterConfigsResponse,
  readAlterConfigsResponse,
} from "../protocol/generated/alter-configs-response.gen.js";
import { invalidTopicNameReason } from "../metadata/topic-names.js";
import { addressedNode, forwardedToController } from "./controller-forwarding.js";
import { defineHandler, type RequestContext } from "./handler.js";
import { configResourceDenied } from "../security/authorizer/config-resource-authorization.js";
import { AclOperation } from "../security/authorizer/acl-codes.js";
import {
  ConfigResourceType,
  currentBrokerConfig,
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
  const names = resource.configs.map((c) => c.name);
  if (new Set(names).size !== names.length) return response(resource, "INVALID_REQUEST", "Error due to duplicate config keys");
  const nulls = resource.configs.filter((c) => c.value === null).map((c) => c.name);
  if (nulls.length > 0) return response(resource, "INVALID_REQUEST", `Null value not supported for : ${nulls.join(", ")}`);
  const requested = new Map(resource.configs.map((c) => [c.name, c.value]));

  switch (resource.resourceType) {
    case ConfigResourceType.TOPIC: {
      if (resource.resourceName === "") return response(resource, "INVALID_REQUEST", "Default topic resources are not allowed.");
      const nameProblem = invalidTopicNameReason(resource.resourceName);
      if (nameProblem) return response(resource, "INVALID_TOPIC_EXCEPTION", nameProblem);
      const next = replaceTopicConfigs(requested, currentBrokerConfig(broker));
      if (!next.ok) return response(resource, next.error.error, next.error.message);
      const topic = broker.metadata.topic(resource.resourceName);
      if (!topic) return response(resource, "UNKNOWN_TOPIC_OR_PARTITION", `The topic '${resource.resourceName}' does not exist.`);
      if (!validateOnly) await storeTopicConfigs(broker, topic, next.value);
      return response(resource, "NONE");
    }
    case ConfigResourceType.BROKER: {
      const nameProblem = checkBrokerResourceName(resource.resourceName, addressedNode(ctx));
      if (nameProblem) return response(resource, nameProblem.error, nameProblem.message);
      const ops = [...requested].map(([name, value]) => ({ name, op: "SET" as const, value }));
      const next = alterBrokerConfigs(new Map(), ops, { perBroker: resource.resourceName !== "", broker: currentBrokerConfig(broker) });
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

const localAlterConfigsHandler = defineHandler({
  meta: alterConfigsRequestMeta,
  minVersion: 0,
  maxVersion: 2,
  readRequest: readAlterConfigsRequest,
  writeResponse: writeAlterConfigsResponse,
  async handle(request, ctx): Promise<AlterConfigsResponse> {
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
export const alterConfigsHandler = forwardedToController(localAlterConfigsHandler, {
  writeRequest: writeAlterConfigsRequest,
  readResponse: readAlterConfigsResponse,
  refused: (request) => ({ throttleTimeMs: 0, responses: request.resources.map((r) => response(r, "NOT_CONTROLLER")) }),
});
