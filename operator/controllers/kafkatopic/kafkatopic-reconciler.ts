// KafkaTopic → a topic on its KafkaCluster's brokers, through the admin client.
//
// One reconcile: finalizer first (before anything exists in Kafka); then the topic is created,
// or adopted when it already exists with what the spec asks for (status.topicId says it is ours);
// partitions grow; config drift is corrected (topic-plan.ts says which keys are managed) and
// reported as an Event; status reports what the broker actually has. Deletion deletes the topic
// (deletionPolicy Delete) or leaves it (Retain); a cluster that is gone releases the finalizer.
import type { Logger } from "pino";
import { KafkaAdminError, type AdminClient, type TopicDescription } from "../../../broker/client/index.js";
import type { KafkaCluster } from "../../api/v1alpha1/kafkacluster.js";
import type { KafkaTopic, KafkaTopicStatus } from "../../api/v1alpha1/kafkatopic.js";
import { markDegraded, markReady, markReconciling, type Condition } from "../../runtime/conditions.js";
import { ensureFinalizer, finalizeIfDeleting, isBeingDeleted } from "../../runtime/finalizers.js";
import { ContentType } from "../../runtime/kube-http.js";
import type { Manager } from "../../runtime/manager.js";
import type { ReconcileContext, ReconcileRequest, ReconcileResult, Reconciler } from "../../runtime/reconciler.js";
import { objectPath } from "../../runtime/resource-type.js";
import { isClusterUnreachable, type ClusterAdminProvider } from "../cluster-admin.js";
import { KafkaClusterType, KafkaTopicType, type KafkaClusterObject, type KafkaTopicObject } from "../resource-types.js";
import {
  adoptionMismatches,
  configPlan,
  desiredConfig,
  desiredPartitions,
  desiredReplicas,
  formatManagedKeys,
  managedKeysOf,
  MANAGED_CONFIG_ANNOTATION,
  replicationFactorOf,
  topicNameOf,
  topicOverrides,
} from "./topic-plan.js";

export const TOPIC_FINALIZER = "kafka.millrace.dev/topic";
/** How often a Ready topic is compared with the broker again (drift made by others). */
export const TOPIC_RESYNC_MS = 60_000;

const DRIFT_NOTE = "; drift corrected: ";

export class KafkaTopicReconciler implements Reconciler {
  /**
   * What each topic's last status write said (by uid): a reconcile can run before the cache has
   * our own last write (an event during the previous reconcile queues the next one at once).
   */
  private readonly lastWrite = new Map<string, WrittenStatus>();

  constructor(
    private readonly m: Manager,
    private readonly admins: ClusterAdminProvider,
    private readonly resyncMs = TOPIC_RESYNC_MS,
  ) {}

  async reconcile(req: ReconcileRequest, ctx: ReconcileContext): Promise<ReconcileResult | void> {
    const topic = this.m.cache.get<KafkaTopicObject>(KafkaTopicType, req.namespace, req.name);
    if (!topic) return;
    const name = topicNameOf(topic);
    const log = ctx.log.child({ topic: name });
    const cluster = this.m.cache.get<KafkaClusterObject>(KafkaClusterType, req.namespace, topic.spec.clusterRef.name);
    const clusterGone = !cluster || isBeingDeleted(cluster);

    const finalized = await finalizeIfDeleting({
      http: this.m.http,
      type: KafkaTopicType,
      obj: topic,
      finalizer: TOPIC_FINALIZER,
      target: () => (clusterGone ? "gone" : "available"),
      cleanup: () => this.deleteFromKafka(topic, cluster!, log),
      log,
    });
    if (finalized !== "not-deleting") {
      if (topic.metadata?.uid) this.lastWrite.delete(topic.metadata.uid);
      return;
    }

    if (!cluster) return this.writeNotReady(topic, "ClusterNotFound", `KafkaCluster ${topic.spec.clusterRef.name} does not exist in namespace ${req.namespace}`);
    if (clusterGone) return this.writeNotReady(topic, "ClusterDeleting", `KafkaCluster ${topic.spec.clusterRef.name} is being deleted`);

    // Before anything exists in Kafka: a deleted KafkaTopic must always pass through cleanup.
    await ensureFinalizer(this.m.http, KafkaTopicType, topic, TOPIC_FINALIZER);

    try {
      const admin = await this.admins.adminFor(cluster);
      return await this.sync(topic, name, admin, log);
    } catch (err) {
      if (isClusterUnreachable(err)) {
        await this.writeNotReady(topic, "ClusterUnreachable", `cannot reach KafkaCluster ${cluster.metadata?.name}: ${(err as Error).message}`);
        throw err; // retried with backoff
      }
      if (err instanceof KafkaAdminError && !err.retriable) {
        // A refusal (an invalid config value, say) that retrying cannot fix: shown until the spec changes; looked at again at resync.
        log.warn({ err: err.message, errorName: err.errorName }, "the cluster refused a topic change");
        await this.writeStatus(topic, {}, (c, g) => markDegraded(c, "TopicRejected", err.message, g));
        return { requeueAfterMs: this.resyncMs };
      }
      throw err;
    }
  }

  private async sync(topic: KafkaTopic, name: string, admin: AdminClient, log: Logger): Promise<ReconcileResult> {
    const changed = this.lastObservedGeneration(topic) !== topic.metadata?.generation;
    let existing = await describeTopic(admin, name);
    let adopted = false;
    let createdNow = false;
    if (!existing) {
      topic = await this.rememberManagedKeys(topic, Object.keys(desiredConfig(topic)));
      createdNow = await createTopic(admin, topic, name);
      existing = await describeTopic(admin, name);
      if (!existing) throw new Error(`topic ${name} was created but the cluster does not describe it yet`);
      if (createdNow) {
        log.info({ topicId: existing.topicId, partitions: existing.partitions.length }, "topic created");
        await this.event(topic, "Normal", "TopicCreated", "Create", `created topic ${name} with ${desiredPartitions(topic)} partitions, ${desiredReplicas(topic)} replicas`);
      }
    }
    if (!createdNow && topic.status?.topicId !== existing.topicId) {
      // Not known as ours (never seen, or deleted and recreated by someone): adopt only a match.
      const overrides = topicOverrides(await admin.describeTopicConfigs(name));
      const mismatches = adoptionMismatches(topic, existing, overrides);
      if (mismatches.length > 0) {
        const message = `topic ${name} already exists and differs from the spec; it is left unchanged: ${mismatches.join("; ")}`;
        log.warn({ mismatches }, "existing topic not adopted");
        // Once per finding, not at every resync.
        const ready = topic.status?.conditions?.find((c) => c.type === "Ready");
        if (ready?.reason !== "TopicExistsMismatch" || ready.message !== message) await this.event(topic, "Warning", "TopicExistsMismatch", "Adopt", message);
        // What the broker has, but no topicId: the topic is not this object's.
        const fields = { topicName: name, topicId: undefined, partitions: existing.partitions.length, replicas: replicationFactorOf(existing), config: overrides };
        await this.writeStatus(topic, fields, (c, g) => markDegraded(c, "TopicExistsMismatch", message, g));
        return { requeueAfterMs: this.resyncMs };
      }
      adopted = true;
      log.info({ topicId: existing.topicId }, "existing topic adopted");
      await this.event(topic, "Normal", "TopicAdopted", "Adopt", `adopted existing topic ${name} (id ${existing.topicId})`);
    }

    const corrections: string[] = [];
    const wantPartitions = desiredPartitions(topic);
    if (existing.partitions.length < wantPartitions) {
      await createPartitions(admin, name, wantPartitions);
      corrections.push(`partitions: ${existing.partitions.length} -> ${wantPartitions}`);
    }

    const plan = configPlan(desiredConfig(topic), topicOverrides(await admin.describeTopicConfigs(name)), managedKeysOf(topic));
    if (plan.changes.length > 0) {
      topic = await this.rememberManagedKeys(topic, [...managedKeysOf(topic), ...Object.keys(desiredConfig(topic))]);
      await admin.incrementalAlterTopicConfigs(name, plan.changes);
      corrections.push(...plan.descriptions);
    }
    // Keys dropped from the spec are deleted now: forget them.
    topic = await this.rememberManagedKeys(topic, Object.keys(desiredConfig(topic)), { exactly: true });

    if (corrections.length > 0) {
      // A changed spec is an update; an unchanged spec with a different broker is drift someone made.
      const reason = changed || adopted ? "TopicUpdated" : "TopicDriftCorrected";
      log.info({ corrections }, reason === "TopicUpdated" ? "topic updated" : "topic drift corrected");
      await this.event(topic, reason === "TopicUpdated" ? "Normal" : "Warning", reason, "Update", `${name}: ${corrections.join("; ")}`);
    }

    const observed = (await describeTopic(admin, name)) ?? existing;
    const overrides = topicOverrides(await admin.describeTopicConfigs(name));
    const status: Partial<KafkaTopicStatus> = {
      topicName: name,
      topicId: observed.topicId,
      partitions: observed.partitions.length,
      replicas: replicationFactorOf(observed),
      config: overrides,
    };
    const problems = observedProblems(topic, observed);
    // The last drift correction stays in the Ready message until the spec changes.
    const previousNote = changed ? "" : this.lastDriftNote(topic);
    const driftNote = corrections.length > 0 && !changed && !adopted ? `${DRIFT_NOTE}${corrections.join("; ")}` : previousNote;
    if (problems.length > 0) {
      await this.writeStatus(topic, status, (c, g) => markDegraded(c, problems[0]!.reason, problems.map((p) => p.message).join("; "), g));
    } else {
      await this.writeStatus(topic, status, (c, g) => markReady(c, "TopicReady", `topic ${name} is as specified${driftNote}`, g), driftNote);
    }
    return { requeueAfterMs: this.resyncMs };
  }

  /** deletionPolicy Delete: the topic goes, but only the one this KafkaTopic created or adopted (its id). */
  private async deleteFromKafka(topic: KafkaTopic, cluster: KafkaCluster, log: Logger): Promise<void> {
    const name = topicNameOf(topic);
    if ((topic.spec.deletionPolicy ?? "Delete") === "Retain") {
      log.info("deletionPolicy Retain: the topic stays in Kafka");
      return;
    }
    const admin = await this.admins.adminFor(cluster);
    const existing = await describeTopic(admin, name);
    if (!existing) return;
    if (!topic.status?.topicId || existing.topicId !== topic.status.topicId) {
      log.warn({ topicId: existing.topicId, ours: topic.status?.topicId }, "the topic in Kafka is not the one this KafkaTopic managed; not deleting it");
      return;
    }
    try {
      await admin.deleteTopics([name]);
    } catch (err) {
      if (!(err instanceof KafkaAdminError && err.errorName === "UNKNOWN_TOPIC_OR_PARTITION")) throw err;
    }
    log.info({ topicId: existing.topicId }, "topic deleted");
  }

  /**
   * Writes the managed config keys annotation before the keys are set (a crash in between
   * still remembers them); with exactly, the annotation becomes keys (after the deletions).
   * Returns the object as the API server now has it.
   */
  private async rememberManagedKeys(topic: KafkaTopic, keys: string[], opts: { exactly?: boolean } = {}): Promise<KafkaTopic> {
    const current = managedKeysOf(topic);
    const next = opts.exactly ? formatManagedKeys(keys) : formatManagedKeys([...current, ...keys]);
    if (next === formatManagedKeys(current)) return topic;
    const { namespace, name } = topic.metadata!;
    return this.m.http.send<KafkaTopic>({
      verb: "PATCH",
      path: objectPath(KafkaTopicType, namespace, name!),
      body: { metadata: { annotations: { [MANAGED_CONFIG_ANNOTATION]: next === "" ? null : next } } },
      contentType: ContentType.mergePatch,
    });
  }

  private async writeNotReady(topic: KafkaTopic, reason: string, message: string): Promise<ReconcileResult> {
    await this.writeStatus(topic, {}, (c, g) => markReconciling(c, reason, message, g));
    return { requeueAfterMs: this.resyncMs };
  }

  /**
   * Status as fields + conditions; fields not given keep their last value (what the broker had).
   * driftNote: the drift correction the Ready message now names ("" for none).
   */
  private async writeStatus(
    topic: KafkaTopic,
    fields: Partial<KafkaTopicStatus>,
    conditions: (c: Condition[] | undefined, generation: number | undefined) => Condition[],
    driftNote = "",
  ): Promise<void> {
    const live = this.m.cache.get<KafkaTopicObject>(KafkaTopicType, topic.metadata?.namespace, topic.metadata!.name!) ?? topic;
    const generation = topic.metadata?.generation;
    const status: KafkaTopicStatus = { ...(live.status ?? {}), ...fields, observedGeneration: generation, conditions: conditions(live.status?.conditions, generation) };
    await this.m.status.update(KafkaTopicType, live as never, status as Record<string, unknown>);
    const uid = topic.metadata?.uid;
    if (uid && generation !== undefined) this.lastWrite.set(uid, { generation, driftNote });
  }

  private lastObservedGeneration(topic: KafkaTopic): number | undefined {
    const fromCache = topic.status?.observedGeneration;
    const written = this.lastWriteOf(topic)?.generation;
    if (fromCache === undefined) return written;
    return written === undefined ? fromCache : Math.max(fromCache, written);
  }

  /** The drift note of the last Ready message at this generation: ours if we wrote one, else the cache's (after a restart). */
  private lastDriftNote(topic: KafkaTopic): string {
    const written = this.lastWriteOf(topic);
    if (written && written.generation === topic.metadata?.generation) return written.driftNote;
    const ready = topic.status?.conditions?.find((c) => c.type === "Ready")?.message ?? "";
    return ready.includes(DRIFT_NOTE) ? ready.slice(ready.indexOf(DRIFT_NOTE)) : "";
  }

  private lastWriteOf(topic: KafkaTopic): WrittenStatus | undefined {
    return topic.metadata?.uid ? this.lastWrite.get(topic.metadata.uid) : undefined;
  }

  private async event(topic: KafkaTopic, type: "Normal" | "Warning", reason: string, action: string, note: string): Promise<void> {
    await this.m.events.record(topic as never, { type, reason, action, note });
  }
}

interface WrittenStatus {
  generation: number;
  driftNote: string;
}

interface Problem {
  reason: string;
  message: string;
}

/** What the broker has that the spec does not want and the operator cannot change. */
function observedProblems(topic: KafkaTopic, observed: TopicDescription): Problem[] {
  const out: Problem[] = [];
  if (observed.partitions.length > desiredPartitions(topic)) {
    out.push({ reason: "PartitionsExceedSpec", message: `the topic has ${observed.partitions.length} partitions, more than the ${desiredPartitions(topic)} of the spec (Kafka cannot remove partitions)` });
  }
  const replicas = replicationFactorOf(observed);
  if (replicas !== desiredReplicas(topic)) {
    out.push({ reason: "ReplicasMismatch", message: `the topic has ${replicas} replicas per partition, the spec ${desiredReplicas(topic)} (the operator does not reassign replicas yet)` });
  }
  return out;
}

async function describeTopic(admin: AdminClient, name: string): Promise<TopicDescription | undefined> {
  try {
    const [t] = await admin.describeTopics([name]);
    return t;
  } catch (err) {
    if (err instanceof KafkaAdminError && err.errorName === "UNKNOWN_TOPIC_OR_PARTITION") return undefined;
    throw err;
  }
}

/**
 * Creates the topic; false when it already existed (someone created it meanwhile, or a retried
 * create whose first try succeeded): the caller then adopts it only if it matches.
 */
async function createTopic(admin: AdminClient, topic: KafkaTopic, name: string): Promise<boolean> {
  try {
    await admin.createTopics([{ name, partitions: desiredPartitions(topic), replicationFactor: desiredReplicas(topic), configs: desiredConfig(topic) }]);
    return true;
  } catch (err) {
    if (err instanceof KafkaAdminError && err.errorName === "TOPIC_ALREADY_EXISTS") return false;
    throw err;
  }
}

async function createPartitions(admin: AdminClient, name: string, totalCount: number): Promise<void> {
  await admin.createPartitions([{ topic: name, totalCount }]);
}
