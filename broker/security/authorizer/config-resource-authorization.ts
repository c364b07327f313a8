// Who may read or change the configs of a config resource (DescribeConfigs, AlterConfigs,
// IncrementalAlterConfigs), as Kafka decides: a TOPIC's on the topic, a BROKER's, BROKER_LOGGER's
// or CLIENT_METRICS' on the cluster, a GROUP's on the group — each with its own error.
import type { RequestContext } from "../../handlers/handler.js";
import { CLUSTER_NAME, ResourceType } from "./acl-codes.js";
import { authorize } from "./request-authorization.js";

/** ConfigResource.Type codes (not ACL resource types). */
const CONFIG_TOPIC = 2;
const CONFIG_BROKER = 4;
const CONFIG_BROKER_LOGGER = 8;
const CONFIG_CLIENT_METRICS = 16;
const CONFIG_GROUP = 32;

export type ConfigAuthorizationError = "TOPIC_AUTHORIZATION_FAILED" | "CLUSTER_AUTHORIZATION_FAILED" | "GROUP_AUTHORIZATION_FAILED";

/**
 * The error for a config resource the principal may not `operation` (DESCRIBE_CONFIGS or
 * ALTER_CONFIGS); null when allowed, or when the type is unknown (the handler refuses it itself).
 */
export function configResourceDenied(ctx: RequestContext, operation: number, configResourceType: number, resourceName: string): ConfigAuthorizationError | null {
  switch (configResourceType) {
    case CONFIG_TOPIC:
      return authorize(ctx, operation, ResourceType.TOPIC, resourceName) ? null : "TOPIC_AUTHORIZATION_FAILED";
    case CONFIG_BROKER:
    case CONFIG_BROKER_LOGGER:
    case CONFIG_CLIENT_METRICS:
      return authorize(ctx, operation, ResourceType.CLUSTER, CLUSTER_NAME) ? null : "CLUSTER_AUTHORIZATION_FAILED";
    case CONFIG_GROUP:
      return authorize(ctx, operation, ResourceType.GROUP, resourceName) ? null : "GROUP_AUTHORIZATION_FAILED";
    default:
      return null;
  }
}
