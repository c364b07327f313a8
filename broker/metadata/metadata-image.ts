// The broker's in-memory view of cluster metadata, built only by applying metadata records
// (so a replay of the journal — or later of the Raft log — rebuilds exactly the same image).
import type { Uuid } from "../protocol/primitives.js";
import type { MetadataRecord } from "./metadata-records.js";

export interface PartitionState {
  readonly partition: number;
  leader: number;
  leaderEpoch: number;
  partitionEpoch: number;
  /** During a reassignment (KIP-455): the target replicas first, then the ones being removed. */
  replicas: number[];
  isr: number[];
  /** Replicas a reassignment adds (in replicas, catching up) and removes (still in replicas). */
  addingReplicas: number[];
  removingReplicas: number[];
}

export interface TopicImage {
  readonly name: string;
  readonly topicId: Uuid;
  readonly partitions: PartitionState[];
  /** Topic-level config overrides (DescribeConfigs source DYNAMIC_TOPIC_CONFIG). */
  readonly configs: Map<string, string>;
}

export interface BrokerEndpoint {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly securityProtocol: number;
}

/** A registered broker, as the controller recorded it (RegisterBrokerRecord and later changes). */
export interface BrokerRegistration {
  readonly id: number;
  /** The offset of its RegisterBrokerRecord: a new registration (restart) gets a new epoch. */
  readonly epoch: bigint;
  readonly incarnationId: Uuid;
  readonly endpoints: readonly BrokerEndpoint[];
  readonly rack: string | null;
  fenced: boolean;
  inControlledShutdown: boolean;
}

/** A user's SCRAM credential for one mechanism (Kafka's ScramMechanism: 1 SHA-256, 2 SHA-512). */
export interface ScramCredential {
  readonly mechanism: number;
  readonly salt: Buffer;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
  readonly iterations: number;
}

/** One ACL binding, as AccessControlEntryRecord holds it (Kafka's numeric resource, pattern, operation and permission codes). */
export interface AclBinding {
  readonly id: Uuid;
  readonly resourceType: number;
  readonly resourceName: string;
  readonly patternType: number;
  readonly principal: string;
  readonly host: string;
  readonly operation: number;
  readonly permissionType: number;
}

/** One part of a client quota entity: type "user", "client-id" or "ip"; name null for the default. */
export interface QuotaEntityPart {
  readonly entityType: string;
  readonly entityName: string | null;
}

/** A quota entity (its parts sorted by type) and its quota values (e.g. producer_byte_rate). */
export interface ClientQuotaEntry {
  readonly entity: readonly QuotaEntityPart[];
  readonly values: Map<string, number>;
}

/** The map key of a quota entity: its parts sorted by type, so equal entities share one key. */
export function quotaEntityKey(entity: readonly QuotaEntityPart[]): string {
  return JSON.stringify(sortedEntity(entity).map((p) => [p.entityType, p.entityName]));
}

export function sortedEntity(entity: readonly QuotaEntityPart[]): QuotaEntityPart[] {
  return [...entity].sort((a, b) => (a.entityType < b.entityType ? -1 : a.entityType > b.entityType ? 1 : 0));
}

/** ConfigRecord resource types, as in Kafka's ConfigResource.Type. */
export const CONFIG_RESOURCE_TOPIC = 2;
export const CONFIG_RESOURCE_BROKER = 4;

export class MetadataImage {
  readonly topicsByName = new Map<string, TopicImage>();
  readonly topicsById = new Map<Uuid, TopicImage>();
  /** Dynamic broker configs: the key "" holds cluster-wide defaults, a node id its own. */
  readonly brokerConfigs = new Map<string, Map<string, string>>();
  nextProducerId = 0n;
  readonly brokers = new Map<number, BrokerRegistration>();
  /** SCRAM credentials by user name, then by mechanism. */
  readonly scramCredentials = new Map<string, Map<number, ScramCredential>>();
  /** ACL bindings by id. */
  readonly acls = new Map<Uuid, AclBinding>();
  /** Counts changes to `acls`, so the authorizer's index knows when to rebuild without comparing bindings. */
  aclsVersion = 0;
  /** Client quotas by quotaEntityKey. */
  readonly clientQuotas = new Map<string, ClientQuotaEntry>();
  /** Counts changes to clientQuotas, so quota enforcement knows when its resolved limits are stale. */
  clientQuotasVersion = 0;

  /** Forgets everything: the state about to be loaded from a snapshot replaces it. */
  clear(): void {
    this.topicsByName.clear();
    this.topicsById.clear();
    this.brokerConfigs.clear();
    this.brokers.clear();
    this.scramCredentials.clear();
    this.acls.clear();
    this.aclsVersion++;
    this.clientQuotas.clear();
    this.clientQuotasVersion++;
    this.nextProducerId = 0n;
  }

  apply(entry: MetadataRecord): void {
    switch (entry.type) {
      case "topic": {
        const topic: TopicImage = { name: entry.record.name, topicId: entry.record.topicId, partitions: [], configs: new Map() };
        this.topicsByName.set(topic.name, topic);
        this.topicsById.set(topic.topicId, topic);
        return;
      }
      case "partition": {
        const r = entry.record;
        const topic = this.requireTopic(r.topicId);
        topic.partitions[r.partitionId] = {
          partition: r.partitionId,
          leader: r.leader,
          leaderEpoch: r.leaderEpoch,
          partitionEpoch: r.partitionEpoch,
          replicas: r.replicas,
          isr: r.isr,
          addingReplicas: r.addingReplicas,
          removingReplicas: r.removingReplicas,
        };
        return;
      }
      case "partitionChange": {
        const r = entry.record;
        const p = this.requireTopic(r.topicId).partitions[r.partitionId];
        if (!p) throw new Error(`metadata: change for unknown partition ${r.topicId}-${r.partitionId}`);
        // Leader -2 means "unchanged"; a leader change bumps the leader epoch, as KRaft does.
        if (r.leader !== -2 && r.leader !== p.leader) {
          p.leader = r.leader;
          p.leaderEpoch += 1;
        }
        if (r.isr !== null) p.isr = r.isr;
        if (r.replicas !== null) p.replicas = r.replicas;
        if (r.addingReplicas !== null) p.addingReplicas = r.addingReplicas;
        if (r.removingReplicas !== null) p.removingReplicas = r.removingReplicas;
        p.partitionEpoch += 1;
        return;
      }
      case "config": {
        const r = entry.record;
        const target = this.configsFor(r.resourceType, r.resourceName);
        if (!target) return;
        if (r.value === null) target.delete(r.name);
        else target.set(r.name, r.value);
        return;
      }
      case "removeTopic": {
        const topic = this.topicsById.get(entry.record.topicId);
        if (!topic) return;
        this.topicsById.delete(topic.topicId);
        this.topicsByName.delete(topic.name);
        return;
      }
      case "producerIds":
        this.nextProducerId = entry.record.nextProducerId;
        return;
      case "registerBroker": {
        const r = entry.record;
        this.brokers.set(r.brokerId, {
          id: r.brokerId,
          epoch: r.brokerEpoch,
          incarnationId: r.incarnationId,
          endpoints: r.endPoints.map((e) => ({ name: e.name, host: e.host, port: e.port, securityProtocol: e.securityProtocol })),
          rack: r.rack,
          fenced: r.fenced,
          inControlledShutdown: r.inControlledShutdown,
        });
        return;
      }
      case "unregisterBroker": {
        const b = this.brokers.get(entry.record.brokerId);
        if (b && b.epoch === entry.record.brokerEpoch) this.brokers.delete(b.id);
        return;
      }
      case "fenceBroker":
      case "unfenceBroker": {
        const b = this.brokers.get(entry.record.id);
        if (b && b.epoch === entry.record.epoch) b.fenced = entry.type === "fenceBroker";
        return;
      }
      case "brokerRegistrationChange": {
        const r = entry.record;
        const b = this.brokers.get(r.brokerId);
        if (!b || b.epoch !== r.brokerEpoch) return;
        // Kafka's change codes: fenced 1 = fence, -1 = unfence, 0 = unchanged; inControlledShutdown 1 = entered.
        if (r.fenced === 1) b.fenced = true;
        else if (r.fenced === -1) b.fenced = false;
        if (r.inControlledShutdown === 1) b.inControlledShutdown = true;
        return;
      }
      case "userScramCredential": {
        const { name, mechanism, salt, storedKey, serverKey, iterations } = entry.record;
        let byMechanism = this.scramCredentials.get(name);
        if (!byMechanism) this.scramCredentials.set(name, (byMechanism = new Map()));
        byMechanism.set(mechanism, { mechanism, salt, storedKey, serverKey, iterations });
        return;
      }
      case "removeUserScramCredential": {
        const { name, mechanism } = entry.record;
        const byMechanism = this.scramCredentials.get(name);
        byMechanism?.delete(mechanism);
        if (byMechanism?.size === 0) this.scramCredentials.delete(name);
        return;
      }
      case "accessControlEntry":
        this.acls.set(entry.record.id, { ...entry.record });
        this.aclsVersion++;
        return;
      case "removeAccessControlEntry":
        this.acls.delete(entry.record.id);
        this.aclsVersion++;
        return;
      case "clientQuota": {
        const r = entry.record;
        this.clientQuotasVersion++;
        const key = quotaEntityKey(r.entity);
        let quota = this.clientQuotas.get(key);
        if (r.remove) {
          quota?.values.delete(r.key);
          if (quota?.values.size === 0) this.clientQuotas.delete(key);
          return;
        }
        if (!quota) this.clientQuotas.set(key, (quota = { entity: sortedEntity(r.entity), values: new Map() }));
        quota.values.set(r.key, r.value);
        return;
      }
    }
  }

  private configsFor(resourceType: number, resourceName: string): Map<string, string> | undefined {
    if (resourceType === CONFIG_RESOURCE_TOPIC) return this.topicsByName.get(resourceName)?.configs;
    if (resourceType === CONFIG_RESOURCE_BROKER) {
      let configs = this.brokerConfigs.get(resourceName);
      if (!configs) this.brokerConfigs.set(resourceName, (configs = new Map()));
      return configs;
    }
    return undefined;
  }

  private requireTopic(topicId: Uuid): TopicImage {
    const topic = this.topicsById.get(topicId);
    if (!topic) throw new Error(`metadata: record for unknown topic id ${topicId}`);
    return topic;
  }
}
