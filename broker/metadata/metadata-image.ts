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

  /** Forgets everything: the state about to be loaded from a snapshot replaces it. */
  clear(): void {
    this.topicsByName.clear();
    this.topicsById.clear();
    this.brokerConfigs.clear();
    this.brokers.clear();
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
