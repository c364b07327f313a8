// A metadata image as the records that rebuild it: what a snapshot holds (KIP-630). Applying
// these records to an empty image gives an equal image (metadata-snapshot.test.ts checks it for
// every kind of state the image keeps). Order matters only where the image needs it: a topic
// before its configs and partitions.
import { CONFIG_RESOURCE_BROKER, CONFIG_RESOURCE_TOPIC, type MetadataImage } from "./metadata-image.js";
import type { MetadataRecord } from "./metadata-records.js";

export function imageToRecords(image: MetadataImage): MetadataRecord[] {
  const records: MetadataRecord[] = [];
  if (image.nextProducerId > 0n) {
    records.push({ type: "producerIds", record: { brokerId: -1, brokerEpoch: -1n, nextProducerId: image.nextProducerId } });
  }
  for (const b of image.brokers.values()) {
    records.push({
      type: "registerBroker",
      record: {
        brokerId: b.id,
        isMigratingZkBroker: false,
        incarnationId: b.incarnationId,
        brokerEpoch: b.epoch,
        endPoints: b.endpoints.map((e) => ({ name: e.name, host: e.host, port: e.port, securityProtocol: e.securityProtocol })),
        features: [],
        rack: b.rack,
        fenced: b.fenced,
        inControlledShutdown: b.inControlledShutdown,
        logDirs: [],
      },
    });
  }
  for (const [resourceName, configs] of image.brokerConfigs) {
    for (const [name, value] of configs) {
      records.push({ type: "config", record: { resourceType: CONFIG_RESOURCE_BROKER, resourceName, name, value } });
    }
  }
  for (const topic of image.topicsById.values()) {
    records.push({ type: "topic", record: { name: topic.name, topicId: topic.topicId } });
    for (const [name, value] of topic.configs) {
      records.push({ type: "config", record: { resourceType: CONFIG_RESOURCE_TOPIC, resourceName: topic.name, name, value } });
    }
    for (const p of topic.partitions) {
      if (!p) continue;
      records.push({
        type: "partition",
        record: {
          partitionId: p.partition,
          topicId: topic.topicId,
          replicas: [...p.replicas],
          isr: [...p.isr],
          removingReplicas: [...p.removingReplicas],
          addingReplicas: [...p.addingReplicas],
          leader: p.leader,
          leaderRecoveryState: 0,
          leaderEpoch: p.leaderEpoch,
          partitionEpoch: p.partitionEpoch,
          directories: [],
          eligibleLeaderReplicas: null,
          lastKnownElr: null,
        },
      });
    }
  }
  for (const [name, byMechanism] of image.scramCredentials) {
    for (const c of byMechanism.values()) {
      records.push({
        type: "userScramCredential",
        record: { name, mechanism: c.mechanism, salt: c.salt, storedKey: c.storedKey, serverKey: c.serverKey, iterations: c.iterations },
      });
    }
  }
  for (const acl of image.acls.values()) records.push({ type: "accessControlEntry", record: { ...acl } });
  for (const quota of image.clientQuotas.values()) {
    for (const [key, value] of quota.values) {
      records.push({ type: "clientQuota", record: { entity: quota.entity.map((p) => ({ ...p })), key, value, remove: false } });
    }
  }
  return records;
}
