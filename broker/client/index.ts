// The client's public surface, for the operator: import from here rather than from single files.
export { AdminClient } from "./admin-client.js";
export type {
  AdminClientOptions,
  ConfigChange,
  CreatedTopic,
  NewTopic,
  PartitionDescription,
  QuorumDescription,
  QuotaChange,
  QuotaEntity,
  QuotaEntityFilter,
  ScramCredentialChange,
  TopicDescription,
  UserScramCredentials,
} from "./admin-client.js";
export type { AclBinding, AclBindingFilter, AclOperationName, AclPatternType, AclPermission, AclResourceType } from "./acl-binding.js";
export { ClusterConnections, ClusterUnreachableError, parseBrokerAddress } from "./cluster-connections.js";
export { KafkaAdminError } from "./kafka-admin-error.js";
export { ConnectionError, KafkaConnection } from "./kafka-connection.js";
export type { ScramMechanismName } from "./scram-credential-upsert.js";
export type { ConfigSourceName, TopicConfigEntry } from "./topic-config-entry.js";
export type { ClientSecurity, SaslClientCredentials } from "../security/client-security.js";
