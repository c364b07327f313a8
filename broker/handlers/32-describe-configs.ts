// DescribeConfigs: v1–v4 (v0 was dropped in Kafka 4; librdkafka 2.x sends v1, KafkaJS 2.2.4 v2,
// Java and franz-go v4).
// Topics: every topic key with its effective value and where it comes from (the topic override,
// a dynamic or static broker key, or the default). Brokers: resource "" lists the dynamic
// cluster-wide defaults that are set; this node's id lists every broker key. v1+ sources, and
// synonyms when asked for (the chain of places a value could come from, highest first); v3+
// config types, and documentation when asked for. Sensitive values (passwords) are null.
// Requested keys a resource does not have are left out, as in Kafka. Errors per resource, as
// Kafka's ConfigHelper: an invalid topic name is INVALID_TOPIC_EXCEPTION, an unknown topic
// UNKNOWN_TOPIC_OR_PARTITION, another broker's id INVALID_REQUEST. BROKER_LOGGER, CLIENT_METRICS
// and GROUP resources are not served yet (INVALID_REQUEST).
import { ConfigSource, describeBrokerConfigs, describeTopicConfigs, type DescribedConfig, type DescribeOptions } from "../config/index.js";
import { errorCode, type KafkaErrorName } from "../protocol/errors.js";
import { describeConfigsRequestMeta, readDescribeConfigsRequest, type DescribeConfigsResource } from "../protocol/generated/describe-configs-request.gen.js";
import {
  writeDescribeConfigsResponse,
  type DescribeConfigsResourceResult,
  type DescribeConfigsResponse,
  type DescribeConfigsResult,
} from "../protocol/generated/describe-configs-response.gen.js";
import { invalidTopicNameReason } from "../metadata/topic-names.js";
import { defineHandler, type RequestContext } from "./handler.js";
import { ConfigResourceType, currentBrokerConfig, resourceTypeName } from "./config-resources.js";
import type { BrokerConfig } from "../config/index.js";
import { configResourceDenied } from "../security/authorizer/config-resource-authorization.js";
import { AclOperation } from "../security/authorizer/acl-codes.js";

function toWire(c: DescribedConfig): DescribeConfigsResourceResult {
  return {
    name: c.name,
    value: c.value,
    readOnly: c.readOnly,
    isDefault: c.configSource === ConfigSource.DEFAULT_CONFIG,
    configSource: c.configSource,
    isSensitive: c.isSensitive,
    synonyms: c.synonyms.map((s) => ({ name: s.name, value: s.value, source: s.source })),
    configType: c.configType,
    documentation: c.documentation,
  };
}

function failed(resource: DescribeConfigsResource, error: KafkaErrorName, message: string | null): DescribeConfigsResult {
  return {
    errorCode: errorCode(error),
    errorMessage: message,
    resourceType: resource.resourceType,
    resourceName: resource.resourceName,
    configs: [],
  };
}

function describeResource(
  resource: DescribeConfigsResource,
  options: DescribeOptions,
  brokerConfig: () => BrokerConfig,
  ctx: RequestContext,
): DescribeConfigsResult {
  const { broker } = ctx;
  const { resourceType, resourceName } = resource;
  const denied = configResourceDenied(ctx, AclOperation.DESCRIBE_CONFIGS, resourceType, resourceName);
  if (denied) return failed(resource, denied, null);
  const ok = (configs: DescribedConfig[]): DescribeConfigsResult => ({
    errorCode: 0,
    errorMessage: null,
    resourceType,
    resourceName,
    configs: configs.map(toWire),
  });
  switch (resourceType) {
    case ConfigResourceType.TOPIC: {
      const nameProblem = invalidTopicNameReason(resourceName);
      if (nameProblem) return failed(resource, "INVALID_TOPIC_EXCEPTION", nameProblem);
      const topic = broker.metadata.topic(resourceName);
      if (!topic) return failed(resource, "UNKNOWN_TOPIC_OR_PARTITION", null);
      const described = describeTopicConfigs(topic.configs, brokerConfig(), options);
      if (!described.ok) {
        // Stored overrides were validated when written; this one no longer is (a newer broker?).
        ctx.log.warn({ topic: resourceName, reason: described.error.message }, "stored topic config is invalid");
        return failed(resource, "UNKNOWN_SERVER_ERROR", described.error.message);
      }
      return ok(described.value);
    }
    case ConfigResourceType.BROKER: {
      if (resourceName === "") return ok(describeBrokerConfigs(brokerConfig(), "", options));
      if (!/^-?[0-9]+$/.test(resourceName)) {
        return failed(resource, "INVALID_REQUEST", `Broker id must be an integer, but it is: ${resourceName}`);
      }
      if (Number(resourceName) !== broker.nodeId) {
        return failed(
          resource,
          "INVALID_REQUEST",
          `Unexpected broker id, expected ${broker.nodeId} or empty string, but received ${resourceName}`,
        );
      }
      return ok(describeBrokerConfigs(brokerConfig(), resourceName, options));
    }
    default:
      return failed(resource, "INVALID_REQUEST", `Unsupported resource type: ${resourceTypeName(resourceType)}`);
  }
}

export const describeConfigsHandler = defineHandler({
  meta: describeConfigsRequestMeta,
  minVersion: 1,
  maxVersion: 4,
  readRequest: readDescribeConfigsRequest,
  writeResponse: writeDescribeConfigsResponse,
  handle(request, ctx): DescribeConfigsResponse {
    let config: BrokerConfig | undefined;
    // Built once per request, and only when a resource needs it.
    const brokerConfig = () => (config ??= currentBrokerConfig(ctx.broker));
    return {
      throttleTimeMs: 0,
      results: request.resources.map((resource) =>
        describeResource(
          resource,
          {
            keys: resource.configurationKeys,
            includeSynonyms: ctx.apiVersion >= 1 && request.includeSynonyms,
            includeDocumentation: ctx.apiVersion >= 3 && request.includeDocumentation,
          },
          brokerConfig,
          ctx,
        ),
      ),
    };
  },
});
