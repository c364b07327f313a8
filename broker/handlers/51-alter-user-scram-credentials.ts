// AlterUserScramCredentials: v0 (flexible). Adds or replaces (upsertion: salt and salted password
// computed by the client) and deletes users' SCRAM-SHA-256/512 credentials, written through the
// metadata quorum as UserScramCredentialRecord / RemoveUserScramCredentialRecord, so every node's
// image — and so every broker's SCRAM logins — follows. Validation as Kafka's controller
// (security/sasl/scram-credential-changes.ts); one result per user named. Off the quorum leader
// the request is forwarded to the active controller.
import { errorCode } from "../protocol/errors.js";
import {
  alterUserScramCredentialsRequestMeta,
  readAlterUserScramCredentialsRequest,
  writeAlterUserScramCredentialsRequest,
} from "../protocol/generated/alter-user-scram-credentials-request.gen.js";
import {
  readAlterUserScramCredentialsResponse,
  writeAlterUserScramCredentialsResponse,
  type AlterUserScramCredentialsResponse,
} from "../protocol/generated/alter-user-scram-credentials-response.gen.js";
import { scramCredentialChanges } from "../security/sasl/scram-credential-changes.js";
import { forwardedToController } from "./controller-forwarding.js";
import { defineHandler } from "./handler.js";
import { authorizeApiOnCluster } from "../security/authorizer/api-authorization.js";

const localAlterUserScramCredentialsHandler = defineHandler({
  meta: alterUserScramCredentialsRequestMeta,
  minVersion: 0,
  maxVersion: 0,
  readRequest: readAlterUserScramCredentialsRequest,
  writeResponse: writeAlterUserScramCredentialsResponse,
  async handle(request, ctx): Promise<AlterUserScramCredentialsResponse> {
    if (!authorizeApiOnCluster(ctx)) {
      const users = [...new Set([...request.deletions.map((d) => d.name), ...request.upsertions.map((u) => u.name)])];
      return { throttleTimeMs: 0, results: users.map((user) => ({ user, errorCode: errorCode("CLUSTER_AUTHORIZATION_FAILED"), errorMessage: null })) };
    }
    // Checked and built inside the change, so a deletion sees the image it applies to.
    const results = await ctx.broker.metadata.change(() => {
      const { results, records } = scramCredentialChanges(request.deletions, request.upsertions, ctx.broker.metadata.image);
      return { records, result: results };
    });
    for (const r of results) {
      if (r.error === "NONE") ctx.log.info({ user: r.user }, "SCRAM credentials altered");
      else ctx.log.info({ user: r.user, error: r.error, reason: r.message }, "SCRAM credential change refused");
    }
    return {
      throttleTimeMs: 0,
      results: results.map((r) => ({ user: r.user, errorCode: errorCode(r.error), errorMessage: r.message })),
    };
  },
});

/** Off the quorum leader, the request goes to the active controller (controller-forwarding.ts). */
export const alterUserScramCredentialsHandler = forwardedToController(localAlterUserScramCredentialsHandler, {
  writeRequest: writeAlterUserScramCredentialsRequest,
  readResponse: readAlterUserScramCredentialsResponse,
  refused: (request) => {
    const users = [...new Set([...request.deletions.map((d) => d.name), ...request.upsertions.map((u) => u.name)])];
    return { throttleTimeMs: 0, results: users.map((user) => ({ user, errorCode: errorCode("NOT_CONTROLLER"), errorMessage: null })) };
  },
});
