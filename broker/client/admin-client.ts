// Millrace's admin client: the topic, config, SCRAM user, ACL and quota calls the operator's
// reconcilers need. Each call goes to any broker (brokers forward controller requests), retries
// transient errors with bounded backoff within its timeout, and turns Kafka's error codes into a
// typed result or a thrown KafkaAdminError naming the resource.
import type { Logger } from "pino";
import { ZERO_UUID, type Uuid } from "../protocol/primitives.js";
import type { ClientSecurity } from "../security/client-security.js";
import { aclBindingFromCodes, aclCodes, aclFilterFields, type AclBinding, type AclBindingFilter } from "./acl-binding.js";
import * as Calls from "./admin-calls.js";
import { withRetries } from "./admin-retry.js";
import { ClusterConnections } from "./cluster-connections.js";
import { throwIfError } from "./kafka-admin-error.js";
import type { ApiCall } from "./kafka-connection.js";
import { DEFAULT_SCRAM_ITERATIONS, newScramSalt, saltedScramPassword, scramMechanismCode, scramMechanismName, type ScramMechanismName } from "./scram-credential-upsert.js";
import { configSourceName, type TopicConfigEntry } from "./topic-config-entry.js";

const TOPIC_RESOURCE = 2; // ConfigResource.Type.TOPIC
const DEFAULT_TIMEOUT_MS = 30_000;

export interface AdminClientOptions {
  /** "host:port" addresses to start from. */
  readonly bootstrapServers: readonly string[];
  readonly clientId?: string;
  /** TLS and/or SASL for every connection; plaintext when absent. */
  readonly security?: ClientSecurity;
  /** Bound on each call, retries included (default 30 s). */
  readonly timeoutMs?: number;
  readonly log?: Logger;
}

export interface PartitionDescription {
  readonly partition: number;
  readonly leader: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
}

export interface TopicDescription {
  readonly name: string;
  readonly topicId: Uuid;
  readonly internal: boolean;
  readonly partitions: readonly PartitionDescription[];
}

/** The metadata quorum as its leader reports it (DescribeQuorum on __cluster_metadata). */
export interface QuorumDescription {
  readonly leaderId: number;
  readonly leaderEpoch: number;
  readonly highWatermark: bigint;
  readonly voters: readonly { readonly nodeId: number; readonly logEndOffset: bigint }[];
  readonly observers: readonly { readonly nodeId: number; readonly logEndOffset: bigint }[];
}

export interface NewTopic {
  readonly name: string;
  /** -1: the broker's num.partitions. */
  readonly partitions?: number;
  /** -1: the broker's default.replication.factor. */
  readonly replicationFactor?: number;
  readonly configs?: Readonly<Record<string, string>>;
}

export interface CreatedTopic {
  readonly name: string;
  readonly topicId: Uuid;
  readonly partitions: number;
  readonly replicationFactor: number;
}

export type ConfigChange = { readonly op: "SET"; readonly name: string; readonly value: string } | { readonly op: "DELETE"; readonly name: string };

export type ScramCredentialChange =
  | { readonly op: "UPSERT"; readonly user: string; readonly mechanism: ScramMechanismName; readonly password: string; readonly iterations?: number }
  | { readonly op: "DELETE"; readonly user: string; readonly mechanism: ScramMechanismName };

export interface UserScramCredentials {
  readonly user: string;
  readonly credentials: readonly { mechanism: ScramMechanismName | "UNKNOWN"; iterations: number }[];
}

/** A quota entity: {"user": "alice"}, {"client-id": "app"}; a null name is the default entity. */
export type QuotaEntity = Readonly<Record<string, string | null>>;

export interface QuotaChange {
  readonly entity: QuotaEntity;
  /** Quota key → value to set, or null to remove it. */
  readonly quotas: Readonly<Record<string, number | null>>;
}

export interface QuotaEntityFilter {
  readonly entityType: string;
  /** A name: that entity; null: the default entity; undefined: any entity of this type. */
  readonly name?: string | null;
}

export class AdminClient {
  private readonly cluster: ClusterConnections;
  private readonly timeoutMs: number;
  private readonly log: Logger | undefined;

  constructor(options: AdminClientOptions) {
    this.cluster = new ClusterConnections({
      bootstrapServers: options.bootstrapServers,
      clientId: options.clientId,
      security: options.security,
      connectTimeoutMs: options.timeoutMs,
      log: options.log,
    });
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.log = options.log;
  }

  close(): void {
    this.cluster.close();
  }

  async listTopics(options: { includeInternal?: boolean } = {}): Promise<string[]> {
    return this.call("listTopics", Calls.METADATA, { topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false }, (response) => {
      return response.topics.filter((t) => options.includeInternal || !t.isInternal).map((t) => t.name ?? "").sort();
    });
  }

  /** Partitions, replicas and topic id of each topic; UNKNOWN_TOPIC_OR_PARTITION if one does not exist. */
  async describeTopics(names: readonly string[]): Promise<TopicDescription[]> {
    return this.retried("describeTopics", async (remainingMs) => {
      const response = await this.send(Calls.METADATA, {
        topics: names.map((name) => ({ topicId: ZERO_UUID, name })),
        allowAutoTopicCreation: false,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      }, remainingMs);
      return response.topics.map((t) => {
        throwIfError(t.errorCode, null, `topic ${t.name}`);
        return {
          name: t.name ?? "",
          topicId: t.topicId,
          internal: t.isInternal,
          partitions: t.partitions
            .map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, replicas: p.replicaNodes, isr: p.isrNodes }))
            .sort((a, b) => a.partition - b.partition),
        };
      });
    });
  }

  async createTopics(topics: readonly NewTopic[], options: { validateOnly?: boolean } = {}): Promise<CreatedTopic[]> {
    return this.call("createTopics", Calls.CREATE_TOPICS, {
      topics: topics.map((t) => ({
        name: t.name,
        numPartitions: t.partitions ?? -1,
        replicationFactor: t.replicationFactor ?? -1,
        assignments: [],
        configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
      })),
      timeoutMs: this.timeoutMs,
      validateOnly: options.validateOnly ?? false,
    }, (response) => {
      return response.topics.map((t) => {
        throwIfError(t.errorCode, t.errorMessage, `topic ${t.name}`);
        return { name: t.name, topicId: t.topicId, partitions: t.numPartitions, replicationFactor: t.replicationFactor };
      });
    });
  }

  async deleteTopics(names: readonly string[]): Promise<void> {
    return this.call("deleteTopics", Calls.DELETE_TOPICS, {
      topics: names.map((name) => ({ name, topicId: ZERO_UUID })),
      topicNames: [],
      timeoutMs: this.timeoutMs,
    }, (response) => {
      for (const r of response.responses) throwIfError(r.errorCode, r.errorMessage, `topic ${r.name}`);
    });
  }

  /** Grows each topic to `totalCount` partitions (INVALID_PARTITIONS when that is not more). */
  async createPartitions(increases: readonly { topic: string; totalCount: number }[], options: { validateOnly?: boolean } = {}): Promise<void> {
    return this.call("createPartitions", Calls.CREATE_PARTITIONS, {
      topics: increases.map((i) => ({ name: i.topic, count: i.totalCount, assignments: null })),
      timeoutMs: this.timeoutMs,
      validateOnly: options.validateOnly ?? false,
    }, (response) => {
      for (const r of response.results) throwIfError(r.errorCode, r.errorMessage, `topic ${r.name}`);
    });
  }

  /** Every config of the topic, with its source; `isTopicOverride` marks those set on the topic. */
  async describeTopicConfigs(topic: string): Promise<TopicConfigEntry[]> {
    return this.call("describeTopicConfigs", Calls.DESCRIBE_CONFIGS, {
      resources: [{ resourceType: TOPIC_RESOURCE, resourceName: topic, configurationKeys: null }],
      includeSynonyms: false,
      includeDocumentation: false,
    }, (response) => {
      const result = response.results[0];
      if (!result) throw new Error(`DescribeConfigs for topic ${topic}: empty response`);
      throwIfError(result.errorCode, result.errorMessage, `topic ${topic}`);
      return result.configs.map((c) => ({
        name: c.name,
        value: c.value,
        source: configSourceName(c.configSource),
        isTopicOverride: configSourceName(c.configSource) === "DYNAMIC_TOPIC_CONFIG",
        readOnly: c.readOnly,
        sensitive: c.isSensitive,
      }));
    });
  }

  async incrementalAlterTopicConfigs(topic: string, changes: readonly ConfigChange[], options: { validateOnly?: boolean } = {}): Promise<void> {
    return this.call("incrementalAlterTopicConfigs", Calls.INCREMENTAL_ALTER_CONFIGS, {
      resources: [
        {
          resourceType: TOPIC_RESOURCE,
          resourceName: topic,
          // AlterConfigOp.OpType: SET 0, DELETE 1.
          configs: changes.map((c) => ({ name: c.name, configOperation: c.op === "SET" ? 0 : 1, value: c.op === "SET" ? c.value : null })),
        },
      ],
      validateOnly: options.validateOnly ?? false,
    }, (response) => {
      for (const r of response.responses) throwIfError(r.errorCode, r.errorMessage, `topic ${topic}`);
    });
  }

  /** Upserts (salted client-side, the password never leaves this process) and deletes SCRAM credentials. */
  async alterUserScramCredentials(changes: readonly ScramCredentialChange[]): Promise<void> {
    const deletions = changes.filter((c) => c.op === "DELETE").map((c) => ({ name: c.user, mechanism: scramMechanismCode(c.mechanism) }));
    const upsertions = changes
      .filter((c) => c.op === "UPSERT")
      .map((c) => {
        const iterations = c.iterations ?? DEFAULT_SCRAM_ITERATIONS;
        const salt = newScramSalt();
        return { name: c.user, mechanism: scramMechanismCode(c.mechanism), iterations, salt, saltedPassword: saltedScramPassword(c.mechanism, c.password, salt, iterations) };
      });
    return this.call("alterUserScramCredentials", Calls.ALTER_SCRAM, { deletions, upsertions }, (response) => {
      for (const r of response.results) throwIfError(r.errorCode, r.errorMessage, `user ${r.user}`);
    });
  }

  /** The SCRAM mechanisms each user has (all users when `users` is omitted); RESOURCE_NOT_FOUND for a named user without any. */
  async describeUserScramCredentials(users?: readonly string[]): Promise<UserScramCredentials[]> {
    return this.call("describeUserScramCredentials", Calls.DESCRIBE_SCRAM, { users: users ? users.map((name) => ({ name })) : null }, (response) => {
      throwIfError(response.errorCode, response.errorMessage, "DescribeUserScramCredentials");
      return response.results.map((r) => {
        throwIfError(r.errorCode, r.errorMessage, `user ${r.user}`);
        return { user: r.user, credentials: r.credentialInfos.map((i) => ({ mechanism: scramMechanismName(i.mechanism), iterations: i.iterations })) };
      });
    });
  }

  /** The Raft metadata quorum: leader, epoch, voters and observers (a broker forwards it to the active controller). */
  async describeQuorum(): Promise<QuorumDescription> {
    const request = { topics: [{ topicName: "__cluster_metadata", partitions: [{ partitionIndex: 0 }] }] };
    return this.call("describeQuorum", Calls.DESCRIBE_QUORUM, request, (response) => {
      throwIfError(response.errorCode, response.errorMessage, "DescribeQuorum");
      const p = response.topics[0]?.partitions[0];
      if (!p) throw new Error("DescribeQuorum: the answer has no __cluster_metadata partition");
      throwIfError(p.errorCode, p.errorMessage, "DescribeQuorum __cluster_metadata-0");
      const replica = (r: { replicaId: number; logEndOffset: bigint }) => ({ nodeId: r.replicaId, logEndOffset: r.logEndOffset });
      return { leaderId: p.leaderId, leaderEpoch: p.leaderEpoch, highWatermark: p.highWatermark, voters: p.currentVoters.map(replica), observers: p.observers.map(replica) };
    });
  }

  async createAcls(bindings: readonly AclBinding[]): Promise<void> {
    return this.call("createAcls", Calls.CREATE_ACLS, {
      creations: bindings.map((b) => {
        const codes = aclCodes(b);
        return {
          resourceType: codes.resourceType,
          resourceName: b.resourceName,
          resourcePatternType: codes.patternType,
          principal: b.principal,
          host: b.host,
          operation: codes.operation,
          permissionType: codes.permissionType,
        };
      }),
    }, (response) => {
      response.results.forEach((r, i) => throwIfError(r.errorCode, r.errorMessage, `ACL ${JSON.stringify(bindings[i])}`));
    });
  }

  async describeAcls(filter: AclBindingFilter): Promise<AclBinding[]> {
    return this.call("describeAcls", Calls.DESCRIBE_ACLS, aclFilterFields(filter), (response) => {
      throwIfError(response.errorCode, response.errorMessage, "DescribeAcls");
      return response.resources.flatMap((res) =>
        res.acls.map((a) => aclBindingFromCodes({ resourceType: res.resourceType, resourceName: res.resourceName, patternType: res.patternType, ...a })),
      );
    });
  }

  /** Deletes the ACLs matching each filter and returns those deleted. */
  async deleteAcls(filters: readonly AclBindingFilter[]): Promise<AclBinding[]> {
    return this.call("deleteAcls", Calls.DELETE_ACLS, {
      filters: filters.map(aclFilterFields),
    }, (response) => {
      return response.filterResults.flatMap((r) => {
        throwIfError(r.errorCode, r.errorMessage, "DeleteAcls");
        return r.matchingAcls.map((m) => {
          throwIfError(m.errorCode, m.errorMessage, "DeleteAcls");
          return aclBindingFromCodes(m);
        });
      });
    });
  }

  async alterClientQuotas(changes: readonly QuotaChange[], options: { validateOnly?: boolean } = {}): Promise<void> {
    return this.call("alterClientQuotas", Calls.ALTER_CLIENT_QUOTAS, {
      entries: changes.map((c) => ({
        entity: Object.entries(c.entity).map(([entityType, entityName]) => ({ entityType, entityName })),
        ops: Object.entries(c.quotas).map(([key, value]) => ({ key, value: value ?? 0, remove: value === null })),
      })),
      validateOnly: options.validateOnly ?? false,
    }, (response) => {
      for (const e of response.entries) {
        throwIfError(e.errorCode, e.errorMessage, `quota entity ${JSON.stringify(Object.fromEntries(e.entity.map((x) => [x.entityType, x.entityName])))}`);
      }
    });
  }

  /** Quotas of the entities matching every filter component; `strict`: entities with no other component. */
  async describeClientQuotas(filter: readonly QuotaEntityFilter[], options: { strict?: boolean } = {}): Promise<{ entity: QuotaEntity; quotas: Record<string, number> }[]> {
    return this.call("describeClientQuotas", Calls.DESCRIBE_CLIENT_QUOTAS, {
      // matchType: EXACT 0, DEFAULT 1, ANY 2.
      components: filter.map((f) => ({ entityType: f.entityType, matchType: f.name === undefined ? 2 : f.name === null ? 1 : 0, match: f.name ?? null })),
      strict: options.strict ?? false,
    }, (response) => {
      throwIfError(response.errorCode, response.errorMessage, "DescribeClientQuotas");
      return (response.entries ?? []).map((e) => ({
        entity: Object.fromEntries(e.entity.map((x) => [x.entityType, x.entityName])),
        quotas: Object.fromEntries(e.values.map((v) => [v.key, v.value])),
      }));
    });
  }

  /**
   * Sends `request` and reads the answer with `interpret`, which throws KafkaAdminError for the
   * errors it carries; both are inside the retries so that a retriable per-resource error
   * (NOT_CONTROLLER on one topic) is retried like a lost connection.
   */
  private call<Req, Res, T>(what: string, api: ApiCall<Req, Res>, request: Req, interpret: (response: Res) => T): Promise<T> {
    return this.retried(what, async (remainingMs) => interpret(await this.send(api, request, remainingMs)));
  }

  private retried<T>(what: string, attempt: (remainingMs: number) => Promise<T>): Promise<T> {
    return withRetries(what, this.timeoutMs, this.log, attempt);
  }

  private async send<Req, Res>(api: ApiCall<Req, Res>, request: Req, timeoutMs: number): Promise<Res> {
    // Learn the brokers once, so that losing the bootstrap addresses later still leaves somewhere to go.
    if (this.cluster.knownBrokers.size === 0) await this.cluster.refreshMetadata(timeoutMs);
    const conn = await this.cluster.anyBroker(timeoutMs);
    return conn.send(api, request, timeoutMs);
  }
}
