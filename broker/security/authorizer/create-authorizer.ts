// The authorizer a node runs, from its configuration: none when authorizer.class.name is empty,
// otherwise the StandardAuthorizer over this node's metadata image (its ACLs come from the
// metadata log, so every broker and controller decides alike).
import type { BrokerConfig } from "../../config/index.js";
import type { MetadataImage } from "../../metadata/metadata-image.js";
import { authorizerSettings } from "./authorizer-settings.js";
import { NO_AUTHORIZER, StandardAuthorizer, type Authorizer } from "./standard-authorizer.js";

export function createAuthorizer(config: BrokerConfig, image: Pick<MetadataImage, "acls" | "aclsVersion">): Authorizer {
  const settings = authorizerSettings(config);
  return settings.enabled ? new StandardAuthorizer(image, settings) : NO_AUTHORIZER;
}
