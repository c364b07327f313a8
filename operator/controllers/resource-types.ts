// The operator's own kinds as the runtime addresses them (group, version, plural, scope):
// what the reconcilers watch, read from the cache and write status to.
import { API_GROUP, API_VERSION } from "../api/v1alpha1/common.js";
import type { KafkaCluster } from "../api/v1alpha1/kafkacluster.js";
import type { KafkaTopic } from "../api/v1alpha1/kafkatopic.js";
import type { KafkaUser } from "../api/v1alpha1/kafkauser.js";
import type { KubeObject, ResourceType } from "../runtime/resource-type.js";

export const KafkaClusterType: ResourceType = { group: API_GROUP, version: API_VERSION, kind: "KafkaCluster", plural: "kafkaclusters", namespaced: true };
export const KafkaTopicType: ResourceType = { group: API_GROUP, version: API_VERSION, kind: "KafkaTopic", plural: "kafkatopics", namespaced: true };
export const KafkaUserType: ResourceType = { group: API_GROUP, version: API_VERSION, kind: "KafkaUser", plural: "kafkausers", namespaced: true };

/** The kinds as plain JSON objects the runtime reads and writes. */
export type KafkaClusterObject = KafkaCluster & KubeObject;
export type KafkaTopicObject = KafkaTopic & KubeObject;
export type KafkaUserObject = KafkaUser & KubeObject;
