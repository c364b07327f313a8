// DescribeUserScramCredentials: v0 (flexible). Answered from this node's metadata image (brokers
// and controllers alike, as in Kafka): each user's SCRAM mechanisms and iteration counts, never
// salts or keys. Rules in security/sasl/scram-credential-descriptions.ts.
import {
  describeUserScramCredentialsRequestMeta,
  readDescribeUserScramCredentialsRequest,
} from "../protocol/generated/describe-user-scram-credentials-request.gen.js";
import {
  writeDescribeUserScramCredentialsResponse,
  type DescribeUserScramCredentialsResponse,
} from "../protocol/generated/describe-user-scram-credentials-response.gen.js";
import { describeScramCredentials } from "../security/sasl/scram-credential-descriptions.js";
import { defineHandler } from "./handler.js";
import { authorizeApiOnCluster } from "../security/authorizer/api-authorization.js";
import { errorCode } from "../protocol/errors.js";

export const describeUserScramCredentialsHandler = defineHandler({
  meta: describeUserScramCredentialsRequestMeta,
  minVersion: 0,
  maxVersion: 0,
  readRequest: readDescribeUserScramCredentialsRequest,
  writeResponse: writeDescribeUserScramCredentialsResponse,
  handle(request, ctx): DescribeUserScramCredentialsResponse {
    if (!authorizeApiOnCluster(ctx)) return { throttleTimeMs: 0, errorCode: errorCode("CLUSTER_AUTHORIZATION_FAILED"), errorMessage: null, results: [] };
    const users = request.users === null ? null : request.users.map((u) => u.name);
    return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, results: describeScramCredentials(ctx.broker.metadata.image, users) };
  },
});
