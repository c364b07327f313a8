// Changes to cluster metadata: each operation validates against the image, turns into metadata
// records and appends them to the metadata quorum's log; once committed, the records reach the
// image through the same path every node uses (QuorumNode.onCommitted), so a leader's image and
// a follower's are built alike. Operations run one at a time, each seeing its predecessors' effects.
// Readers use `image`. Where replicas go is decided by the caller (controller/replica-placer.ts).
// Snapshots (KIP-630): the image is written as a snapshot every so many committed bytes or so
// much time (snapshot-generator.ts decides when), is loaded from the latest snapshot at start-up,
// and is replaced by a snapshot the quorum fetched from the leader when this node fell behind.
import { existsSync, renameSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import { randomUuid, type Uuid } from "../protocol/primitives.js";
import { MetadataJournal } from "./metadata-journal.js";
import { CONFIG_RESOURCE_BROKER, CONFIG_RESOURCE_TOPIC, MetadataImage, type BrokerRegistration, type TopicImage } from "./metadata-image.js";
import { decodeMetadataRecord, encodeMetadataRecord, type MetadataRecord } from "./metadata-records.js";
import { batchValues } from "./raft/raft-batches.js";
import { QuorumNode, type QuorumNodeOptions } from "./raft/quorum-node.js";
import type { RaftSnapshot } from "./raft/raft-types.js";
import { SnapshotGenerator } from "./snapshot-generator.js";

/** The metadata file of versions before the quorum; imported once into the quorum's log. */
export const METADATA_JOURNAL_FILE = "__cluster_metadata.journal";

/** Producer ids are handed out in blocks, as KRaft's AllocateProducerIds does. */
const PRODUCER_ID_BLOCK = 1000n;

/** How long start-up waits for the quorum to elect a leader and this node to catch up. */
const CATCH_UP_TIMEOUT_MS = 120_000;

export class TopicExistsError extends Error {}

export class MetadataStore {
  readonly image = new MetadataImage();
  private queue: Promise<unknown> = Promise.resolve();

  /** Metadata records applied to the image since start-up (replay included). */
  private applied = 0;
  private readonly snapshots: SnapshotGenerator;

  private constructor(
    readonly quorum: QuorumNode,
    private readonly opts: QuorumNodeOptions,
  ) {
    this.snapshots = new SnapshotGenerator(quorum, this.image, opts);
    const start = quorum.startSnapshot;
    if (start) this.loadSnapshot(start, "start-up");
    quorum.onCommitted((batches) => {
      for (const batch of batches) {
        for (const bytes of batchValues(batch)) {
          const record = decodeMetadataRecord(bytes);
          if (record) this.image.apply(record);
          this.applied++;
        }
      }
      this.snapshots.committed(batches);
    });
    quorum.onSnapshotLoaded((snapshot) => this.loadSnapshot(snapshot, "leader"));
  }

  /** Replaces the image with a snapshot's (this node's own at start-up, or one fetched from the leader). */
  private loadSnapshot(snapshot: RaftSnapshot, source: "start-up" | "leader"): void {
    const records = this.snapshots.load(snapshot);
    this.applied += records;
    this.opts.logger.info(
      { snapshotOffset: snapshot.id.offset, snapshotEpoch: snapshot.id.epoch, source, records, topics: this.image.topicsByName.size, brokers: this.image.brokers.size },
      "metadata image loaded from a snapshot",
    );
  }

  /** Starts this node's quorum member; the image fills as records commit (see ready()). */
  static async open(opts: QuorumNodeOptions): Promise<MetadataStore> {
    return new MetadataStore(await QuorumNode.start(opts), opts);
  }

  /**
   * Resolves once the quorum has a leader and this node's image holds everything committed
   * (the controller listeners must be up meanwhile: the quorum elects its leader over them).
   */
  async ready(): Promise<void> {
    const { quorum, opts } = this;
    await quorum.caughtUp(CATCH_UP_TIMEOUT_MS);
    await this.importJournal(opts.metadataDir, opts.logger);
    opts.logger.info(
      { records: this.applied, topics: this.image.topicsByName.size, epoch: quorum.epoch, leaderId: quorum.leaderId },
      "metadata replayed",
    );
  }

  /** open() and ready() in one, for nodes that need no listener to reach their quorum. */
  static async openReady(opts: QuorumNodeOptions): Promise<MetadataStore> {
    const store = await MetadataStore.open(opts);
    await store.ready();
    return store;
  }

  /** Brings the records of a pre-quorum journal into the log, once; the journal is then set aside. */
  private async importJournal(metadataDir: string, log: Logger): Promise<void> {
    const path = join(metadataDir, METADATA_JOURNAL_FILE);
    if (!existsSync(path)) return;
    const { journal, records } = MetadataJournal.open(path, log);
    journal.close();
    if (records.length > 0) {
      if (!this.quorum.isLeader || this.quorum.voterIds.length !== 1) {
        throw new Error(`${path}: a metadata journal from an earlier version can only be imported by a single-node quorum`);
      }
      await this.quorum.append(records);
    }
    renameSync(path, `${path}.imported`);
    log.info({ path, records: records.length }, "metadata journal imported into the metadata log");
  }

  /** Runs an operation after the ones before it: it validates and builds records against their results. */
  private serialized<T>(op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(op, op);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async commit(records: MetadataRecord[]): Promise<void> {
    if (records.length > 0) await this.quorum.append(records.map(encodeMetadataRecord));
  }

  /** The last metadata log offset this node's image includes (Kafka's currentMetadataOffset); -1 before any. */
  get appliedOffset(): bigint {
    return this.quorum.appliedEnd - 1n;
  }

  topic(name: string): TopicImage | undefined {
    return this.image.topicsByName.get(name);
  }

  topicById(topicId: Uuid): TopicImage | undefined {
    return this.image.topicsById.get(topicId);
  }

  /** Creates a topic with these replica lists (leader first); the caller has validated everything. */
  createTopic(name: string, assignment: readonly (readonly number[])[], configs: Map<string, string>): Promise<TopicImage> {
    return this.serialized(async () => {
      if (this.image.topicsByName.has(name)) throw new TopicExistsError(`Topic '${name}' already exists.`);
      const topicId = newTopicId(this.image);
      const records: MetadataRecord[] = [{ type: "topic", record: { name, topicId } }];
      for (const [key, value] of configs) {
        records.push({ type: "config", record: { resourceType: CONFIG_RESOURCE_TOPIC, resourceName: name, name: key, value } });
      }
      assignment.forEach((replicas, p) => records.push(this.partitionRecord(topicId, p, replicas)));
      await this.commit(records);
      return this.image.topicsById.get(topicId)!;
    });
  }

  /** Grows a topic to `total` partitions. */
  /** Adds partitions after the existing ones, with these replica lists. */
  createPartitions(topic: TopicImage, assignment: readonly (readonly number[])[]): Promise<void> {
    return this.serialized(async () => {
      const first = topic.partitions.length;
      await this.commit(assignment.map((replicas, i) => this.partitionRecord(topic.topicId, first + i, replicas)));
    });
  }

  /** Registered, unfenced brokers: where new replicas may go. */
  usableBrokers(): { id: number; rack: string | null }[] {
    return [...this.image.brokers.values()].filter((b) => !b.fenced && !b.inControlledShutdown).map((b) => ({ id: b.id, rack: b.rack }));
  }

  /** Calls `listener` after each committed batch has been applied to the image, and after a snapshot from the leader replaced it. */
  onApplied(listener: () => void): void {
    this.quorum.onCommitted(() => listener());
    this.quorum.onSnapshotLoaded(() => listener());
  }

  deleteTopic(topic: TopicImage): Promise<void> {
    return this.serialized(async () => {
      if (!this.image.topicsById.has(topic.topicId)) return;
      await this.commit([{ type: "removeTopic", record: { topicId: topic.topicId } }]);
    });
  }

  /** Sets (value) or removes (null) topic config overrides. */
  alterTopicConfigs(topic: TopicImage, changes: Map<string, string | null>): Promise<void> {
    return this.serialized(() => this.commit(
      [...changes].map(([key, value]) => ({
        type: "config" as const,
        record: { resourceType: CONFIG_RESOURCE_TOPIC, resourceName: topic.name, name: key, value },
      })),
    ));
  }

  /** Sets or removes dynamic broker configs; resource "" is the cluster-wide default. */
  alterBrokerConfigs(resourceName: string, changes: Map<string, string | null>): Promise<void> {
    return this.serialized(() => this.commit(
      [...changes].map(([key, value]) => ({
        type: "config" as const,
        record: { resourceType: CONFIG_RESOURCE_BROKER, resourceName, name: key, value },
      })),
    ));
  }

  /** Reserves a block of producer ids and returns its first id. */
  allocateProducerIdBlock(): Promise<{ firstId: bigint; size: bigint }> {
    return this.serialized(async () => {
      const firstId = this.image.nextProducerId;
      await this.commit([
        { type: "producerIds", record: { brokerId: this.opts.nodeId, brokerEpoch: -1n, nextProducerId: firstId + PRODUCER_ID_BLOCK } },
      ]);
      return { firstId, size: PRODUCER_ID_BLOCK };
    });
  }

  /**
   * Registers a broker (fenced until it has caught up). Its epoch is the offset of its
   * RegisterBrokerRecord, as in Kafka: the record is the first of the batch appended next.
   * A retry of the same incarnation gets the registration it already has.
   */
  registerBroker(registration: Omit<BrokerRegistration, "epoch" | "fenced" | "inControlledShutdown">): Promise<bigint> {
    return this.serialized(async () => {
      const existing = this.image.brokers.get(registration.id);
      if (existing && existing.incarnationId === registration.incarnationId && !existing.inControlledShutdown) return existing.epoch;
      const epoch = this.quorum.logEndOffset;
      await this.commit([
        {
          type: "registerBroker",
          record: {
            brokerId: registration.id,
            isMigratingZkBroker: false,
            incarnationId: registration.incarnationId,
            brokerEpoch: epoch,
            endPoints: registration.endpoints.map((e) => ({ ...e })),
            features: [],
            rack: registration.rack,
            fenced: true,
            inControlledShutdown: false,
            logDirs: [],
          },
        },
      ]);
      return epoch;
    });
  }

  /**
   * A controller decision: `build` runs in turn (after every earlier operation has committed and
   * been applied), reads the image, and returns the records to commit and a result.
   */
  change<T>(build: () => { records: MetadataRecord[]; result: T }): Promise<T> {
    return this.serialized(async () => {
      const { records, result } = build();
      await this.commit(records);
      return result;
    });
  }

  /** Fences (true) or unfences (false) a broker's current registration; a stale epoch does nothing. */
  setBrokerFenced(id: number, epoch: bigint, fenced: boolean): Promise<void> {
    return this.serialized(async () => {
      const b = this.image.brokers.get(id);
      if (!b || b.epoch !== epoch || b.fenced === fenced) return;
      await this.commit([{ type: fenced ? "fenceBroker" : "unfenceBroker", record: { id, epoch } }]);
    });
  }

  private partitionRecord(topicId: Uuid, partitionId: number, replicas: readonly number[]): MetadataRecord {
    return {
      type: "partition",
      record: {
        partitionId,
        topicId,
        replicas: [...replicas],
        isr: [...replicas],
        removingReplicas: [],
        addingReplicas: [],
        leader: replicas[0]!,
        leaderRecoveryState: 0,
        leaderEpoch: 0,
        partitionEpoch: 0,
        directories: [],
        eligibleLeaderReplicas: null,
        lastKnownElr: null,
      },
    };
  }

  async close(): Promise<void> {
    await this.queue;
    this.snapshots.close();
    await this.quorum.close();
  }
}

/** A random topic id that is neither the zero UUID nor already used (Kafka's Uuid.randomUuid rules). */
function newTopicId(image: MetadataImage): Uuid {
  for (;;) {
    const id = randomUuid();
    if (!image.topicsById.has(id)) return id;
  }
}
