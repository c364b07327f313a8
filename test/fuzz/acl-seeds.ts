// ACL requests for the core fuzzer, built here (the capture sessions send none): CreateAcls,
// DescribeAcls and DeleteAcls at every version, valid (principals nobody else uses) and the bad
// ones the broker must refuse with Kafka's error — filter-only codes in a creation (pattern MATCH
// or ANY, resource type ANY, operation ANY), an empty resource name, a CLUSTER resource not named
// kafka-cluster, a principal without "Type:", a PREFIXED "*" (accepted, as Kafka does) — and codes
// Kafka cannot even parse (UNKNOWN, out of range), which close the connection. The fuzzed broker runs StandardAuthorizer with User:ANONYMOUS as super user (see
// FUZZ_AUTHORIZER_OVERRIDES), so these reach the ACL code rather than SECURITY_DISABLED. They join
// the corpus as source frames, so the fuzzer mutates them like any other.
import * as CreateReq from "../../broker/protocol/generated/create-acls-request.gen.js";
import * as DeleteReq from "../../broker/protocol/generated/delete-acls-request.gen.js";
import * as DescribeReq from "../../broker/protocol/generated/describe-acls-request.gen.js";
import { Writer } from "../../broker/protocol/primitives.js";
import { requestFrame } from "../kafka/wire.js";

/** The fuzzed broker authorizes every request, as User:ANONYMOUS is a super user. */
export const FUZZ_AUTHORIZER_OVERRIDES = ["authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer", "super.users=User:ANONYMOUS"];

const TOPIC = 2;
const GROUP = 3;
const CLUSTER = 4;
const LITERAL = 3;
const PREFIXED = 4;
const ALLOW = 3;
const DENY = 2;
const READ = 3;

function creation(c: Partial<CreateReq.AclCreation>): CreateReq.AclCreation {
  return { resourceType: TOPIC, resourceName: "fuzz-acl-topic", resourcePatternType: LITERAL, principal: "User:fuzz-acl", host: "*", operation: READ, permissionType: ALLOW, ...c };
}

const CREATIONS: CreateReq.AclCreation[][] = [
  // Accepted.
  [creation({}), creation({ resourceName: "fuzz-acl-", resourcePatternType: PREFIXED, permissionType: DENY }), creation({ resourceType: GROUP, resourceName: "fuzz-acl-group" })],
  [creation({ resourceType: CLUSTER, resourceName: "kafka-cluster", operation: 8 }), creation({ resourceName: "*", resourcePatternType: PREFIXED })],
  // Refused one by one with INVALID_REQUEST.
  [
    creation({ resourcePatternType: 2 }),
    creation({ resourcePatternType: 1 }),
    creation({ resourceType: 1 }),
    creation({ operation: 1 }),
    creation({ permissionType: 1 }),
    creation({ resourceName: "" }),
    creation({ resourceType: CLUSTER, resourceName: "not-the-cluster" }),
    creation({ principal: "fuzz-acl-no-type" }),
  ],
];

/** Codes Kafka cannot parse: the connection is closed. */
const UNPARSEABLE: CreateReq.AclCreation[] = [creation({ resourcePatternType: 0 }), creation({ resourceType: 99 }), creation({ operation: 42 }), creation({ permissionType: 0 })];

function filter(f: Partial<DescribeReq.DescribeAclsRequest>): DescribeReq.DescribeAclsRequest {
  return { resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1, ...f };
}

const FILTERS: DescribeReq.DescribeAclsRequest[] = [
  filter({}),
  filter({ resourceTypeFilter: TOPIC, resourceNameFilter: "fuzz-acl-topic", patternTypeFilter: 2 }),
  filter({ resourceTypeFilter: TOPIC, patternTypeFilter: PREFIXED, principalFilter: "User:fuzz-acl" }),
  filter({ principalFilter: "User:fuzz-acl", hostFilter: "*", operation: READ, permissionType: DENY }),
  filter({ resourceTypeFilter: 0 }),
  filter({ patternTypeFilter: 9 }),
];

function frame(meta: { apiKey: number; flexibleMinVersion: number }, version: number, write: (w: Writer) => void): Buffer {
  const w = new Writer();
  write(w);
  return requestFrame(meta.apiKey, version, 1, "fuzz-acl-seed", meta.flexibleMinVersion >= 0 && version >= meta.flexibleMinVersion, w.finish());
}

export function aclSeedFrames(): Buffer[] {
  const frames: Buffer[] = [];
  for (const version of [0, 1, 2, 3]) {
    // v0 predates pattern types (none on the wire): only literal creations and filters are sent at v0.
    const literalOnly = (c: CreateReq.AclCreation) => version > 0 || c.resourcePatternType === LITERAL;
    for (const creations of CREATIONS) {
      const sent = creations.filter(literalOnly);
      if (sent.length > 0) frames.push(frame(CreateReq.createAclsRequestMeta, version, (w) => CreateReq.writeCreateAclsRequest(w, version, { creations: sent })));
    }
    for (const bad of UNPARSEABLE) {
      frames.push(frame(CreateReq.createAclsRequestMeta, version, (w) => CreateReq.writeCreateAclsRequest(w, version, { creations: [bad] })));
    }
    for (const f of FILTERS) {
      const sent = version === 0 ? { ...f, patternTypeFilter: LITERAL } : f;
      frames.push(frame(DescribeReq.describeAclsRequestMeta, version, (w) => DescribeReq.writeDescribeAclsRequest(w, version, sent)));
      frames.push(frame(DeleteReq.deleteAclsRequestMeta, version, (w) => DeleteReq.writeDeleteAclsRequest(w, version, { filters: [{ ...sent, principalFilter: sent.principalFilter ?? "User:fuzz-acl" }] })));
    }
  }
  return frames;
}
