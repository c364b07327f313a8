// The API versions the admin client speaks: the newest each of our handlers serves, which are
// also what current Apache Kafka clients send.
import * as MetadataReq from "../protocol/generated/metadata-request.gen.js";
import * as MetadataRes from "../protocol/generated/metadata-response.gen.js";
import * as CreateTopicsReq from "../protocol/generated/create-topics-request.gen.js";
import * as CreateTopicsRes from "../protocol/generated/create-topics-response.gen.js";
import * as DeleteTopicsReq from "../protocol/generated/delete-topics-request.gen.js";
import * as DeleteTopicsRes from "../protocol/generated/delete-topics-response.gen.js";
import * as CreatePartitionsReq from "../protocol/generated/create-partitions-request.gen.js";
import * as CreatePartitionsRes from "../protocol/generated/create-partitions-response.gen.js";
import * as DescribeConfigsReq from "../protocol/generated/describe-configs-request.gen.js";
import * as DescribeConfigsRes from "../protocol/generated/describe-configs-response.gen.js";
import * as IncAlterReq from "../protocol/generated/incremental-alter-configs-request.gen.js";
import * as IncAlterRes from "../protocol/generated/incremental-alter-configs-response.gen.js";
import * as AlterScramReq from "../protocol/generated/alter-user-scram-credentials-request.gen.js";
import * as AlterScramRes from "../protocol/generated/alter-user-scram-credentials-response.gen.js";
import * as DescribeScramReq from "../protocol/generated/describe-user-scram-credentials-request.gen.js";
import * as DescribeScramRes from "../protocol/generated/describe-user-scram-credentials-response.gen.js";
import * as CreateAclsReq from "../protocol/generated/create-acls-request.gen.js";
import * as CreateAclsRes from "../protocol/generated/create-acls-response.gen.js";
import * as DescribeAclsReq from "../protocol/generated/describe-acls-request.gen.js";
import * as DescribeAclsRes from "../protocol/generated/describe-acls-response.gen.js";
import * as DeleteAclsReq from "../protocol/generated/delete-acls-request.gen.js";
import * as DeleteAclsRes from "../protocol/generated/delete-acls-response.gen.js";
import * as AlterQuotasReq from "../protocol/generated/alter-client-quotas-request.gen.js";
import * as AlterQuotasRes from "../protocol/generated/alter-client-quotas-response.gen.js";
import * as DescribeQuotasReq from "../protocol/generated/describe-client-quotas-request.gen.js";
import * as DescribeQuotasRes from "../protocol/generated/describe-client-quotas-response.gen.js";
import * as DescribeQuorumReq from "../protocol/generated/describe-quorum-request.gen.js";
import * as DescribeQuorumRes from "../protocol/generated/describe-quorum-response.gen.js";
import { apiCall } from "./kafka-connection.js";

export const METADATA = apiCall(MetadataReq.metadataRequestMeta, 12, MetadataReq.writeMetadataRequest, MetadataRes.readMetadataResponse);
export const CREATE_TOPICS = apiCall(CreateTopicsReq.createTopicsRequestMeta, 7, CreateTopicsReq.writeCreateTopicsRequest, CreateTopicsRes.readCreateTopicsResponse);
export const DELETE_TOPICS = apiCall(DeleteTopicsReq.deleteTopicsRequestMeta, 6, DeleteTopicsReq.writeDeleteTopicsRequest, DeleteTopicsRes.readDeleteTopicsResponse);
export const CREATE_PARTITIONS = apiCall(
  CreatePartitionsReq.createPartitionsRequestMeta,
  3,
  CreatePartitionsReq.writeCreatePartitionsRequest,
  CreatePartitionsRes.readCreatePartitionsResponse,
);
export const DESCRIBE_CONFIGS = apiCall(DescribeConfigsReq.describeConfigsRequestMeta, 4, DescribeConfigsReq.writeDescribeConfigsRequest, DescribeConfigsRes.readDescribeConfigsResponse);
export const INCREMENTAL_ALTER_CONFIGS = apiCall(
  IncAlterReq.incrementalAlterConfigsRequestMeta,
  1,
  IncAlterReq.writeIncrementalAlterConfigsRequest,
  IncAlterRes.readIncrementalAlterConfigsResponse,
);
export const ALTER_SCRAM = apiCall(
  AlterScramReq.alterUserScramCredentialsRequestMeta,
  0,
  AlterScramReq.writeAlterUserScramCredentialsRequest,
  AlterScramRes.readAlterUserScramCredentialsResponse,
);
export const DESCRIBE_SCRAM = apiCall(
  DescribeScramReq.describeUserScramCredentialsRequestMeta,
  0,
  DescribeScramReq.writeDescribeUserScramCredentialsRequest,
  DescribeScramRes.readDescribeUserScramCredentialsResponse,
);
export const CREATE_ACLS = apiCall(CreateAclsReq.createAclsRequestMeta, 3, CreateAclsReq.writeCreateAclsRequest, CreateAclsRes.readCreateAclsResponse);
export const DESCRIBE_ACLS = apiCall(DescribeAclsReq.describeAclsRequestMeta, 3, DescribeAclsReq.writeDescribeAclsRequest, DescribeAclsRes.readDescribeAclsResponse);
export const DELETE_ACLS = apiCall(DeleteAclsReq.deleteAclsRequestMeta, 3, DeleteAclsReq.writeDeleteAclsRequest, DeleteAclsRes.readDeleteAclsResponse);
export const ALTER_CLIENT_QUOTAS = apiCall(AlterQuotasReq.alterClientQuotasRequestMeta, 1, AlterQuotasReq.writeAlterClientQuotasRequest, AlterQuotasRes.readAlterClientQuotasResponse);
export const DESCRIBE_CLIENT_QUOTAS = apiCall(
  DescribeQuotasReq.describeClientQuotasRequestMeta,
  1,
  DescribeQuotasReq.writeDescribeClientQuotasRequest,
  DescribeQuotasRes.readDescribeClientQuotasResponse,
);
export const DESCRIBE_QUORUM = apiCall(DescribeQuorumReq.describeQuorumRequestMeta, 1, DescribeQuorumReq.writeDescribeQuorumRequest, DescribeQuorumRes.readDescribeQuorumResponse);
