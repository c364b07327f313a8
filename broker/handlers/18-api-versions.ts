// ApiVersions: v0–v4. The version table comes from the handler registry (never hand-written).
// v3+ carries the client's software name/version (KIP-511) and finalized features; an
// unsupported request version is answered (in v0 form) with UNSUPPORTED_VERSION and our
// table, so the client can pick a version — that path lives in the connection, which sees
// the version before decoding.
import { apiVersionsRequestMeta, readApiVersionsRequest } from "../protocol/generated/api-versions-request.gen.js";
import { writeApiVersionsResponse, type ApiVersionsResponse } from "../protocol/generated/api-versions-response.gen.js";
import { errorCode } from "../protocol/errors.js";
import { defineHandler } from "./handler.js";
import type { HandlerRegistry } from "./registry.js";

/** The response listing every API the registry serves. */
export function apiVersionsResponse(registry: HandlerRegistry, error: "NONE" | "UNSUPPORTED_VERSION" | "INVALID_REQUEST"): ApiVersionsResponse {
  return {
    errorCode: errorCode(error),
    apiKeys: registry.supported().map((a) => ({ apiKey: a.apiKey, minVersion: a.minVersion, maxVersion: a.maxVersion })),
    throttleTimeMs: 0,
    supportedFeatures: [],
    finalizedFeaturesEpoch: -1n,
    finalizedFeatures: [],
    zkMigrationReady: false,
  };
}

// A client software name/version must match this (KIP-511); otherwise INVALID_REQUEST.
const SOFTWARE_FIELD = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

export const apiVersionsHandler = defineHandler({
  meta: apiVersionsRequestMeta,
  minVersion: 0,
  maxVersion: 4,
  readRequest: readApiVersionsRequest,
  writeResponse: writeApiVersionsResponse,
  handle(request, ctx) {
    if (ctx.apiVersion >= 3) {
      const { clientSoftwareName: name, clientSoftwareVersion: version } = request;
      if (!SOFTWARE_FIELD.test(name) || !SOFTWARE_FIELD.test(version)) {
        return apiVersionsResponse(ctx.broker.handlers, "INVALID_REQUEST");
      }
    }
    return apiVersionsResponse(ctx.broker.handlers, "NONE");
  },
});
