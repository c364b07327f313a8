// Every API the broker serves. Adding a handler file means adding it here; ApiVersions then
// advertises it automatically.
import { produceHandler } from "./00-produce.js";
import { fetchHandler } from "./01-fetch.js";
import { metadataHandler } from "./03-metadata.js";
import { apiVersionsHandler } from "./18-api-versions.js";
import type { HandlerRegistry } from "./registry.js";

export function registerAllHandlers(registry: HandlerRegistry): void {
  for (const handler of [produceHandler, fetchHandler, metadataHandler, apiVersionsHandler]) {
    registry.register(handler);
  }
}
