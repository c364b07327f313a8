// KafkaUser → a principal User:<name> on its KafkaCluster: credentials in a Secret named as the
// user (owned by it, so garbage-collected with it), the SCRAM credential or client certificate,
// ACL bindings and client quotas.
//
// One reconcile: finalizer first; credentials (scram-sha-512: password stable while the Secret
// exists, upserted when the fingerprint of the password the broker was given differs or the
// broker has no credential; tls: a certificate from the clients CA, reissued when it is near expiry
// or no longer matches the CA); then ACLs and quotas brought to the spec; status. Deletion removes
// the credential, the principal's ACLs and its quotas; the Secret goes by garbage collection.
import type { V1Secret } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { KafkaAdminError, type AdminClient } from "../../../broker/client/index.js";
import type { KafkaCluster } from "../../api/v1alpha1/kafkacluster.js";
import type { KafkaUserStatus } from "../../api/v1alpha1/kafkauser.js";
import { certificateAuthorityFromSecret, issueUserCertificate, userCertificateProblem } from "../../pki/cluster-certificates.js";
import { markDegraded, markReady, markReconciling, type Condition } from "../../runtime/conditions.js";
import { ensureFinalizer, finalizeIfDeleting, isBeingDeleted } from "../../runtime/finalizers.js";
import { isNotFound } from "../../runtime/kube-http.js";
import type { Manager } from "../../runtime/manager.js";
import { controllerOf, withControllerReference } from "../../runtime/owner-references.js";
import type { ReconcileContext, ReconcileRequest, ReconcileResult, Reconciler } from "../../runtime/reconciler.js";
import { BuiltinTypes, objectPath, type KubeObject } from "../../runtime/resource-type.js";
import { isClusterUnreachable, type ClusterAdminProvider } from "../cluster-admin.js";
import { clientsCaSecretName, clusterLabels } from "../kafkacluster/names.js";
import { KafkaClusterType, KafkaUserType, type KafkaClusterObject, type KafkaUserObject } from "../resource-types.js";
import { aclPlan, describeBinding, desiredBindings, exactFilter, principalFilter } from "./acl-plan.js";
import { desiredQuotas, quotaChanges } from "./quota-plan.js";
import {
  choosePassword,
  credentialHash,
  CREDENTIAL_HASH_ANNOTATION,
  JAAS_KEY,
  PASSWORD_KEY,
  SCRAM_ITERATIONS,
  SCRAM_MECHANISM,
  scramJaasConfig,
} from "./user-credentials.js";

export const USER_FINALIZER = "kafka.millrace.dev/user";
export const USER_RESYNC_MS = 60_000;
export const USER_CERT_KEY = "user.crt";
export const USER_KEY_KEY = "user.key";
export const CA_CERT_KEY = "ca.crt";
const DEFAULT_CA_VALIDITY_DAYS = 365;
const DEFAULT_CA_RENEWAL_DAYS = 30;

type SecretObject = KubeObject & { data?: Record<string, string>; type?: string };

/** Something the user must fix (a missing Secret, a conflicting name): shown as Ready=False, looked at again when it changes. */
class UserNotReady extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export class KafkaUserReconciler implements Reconciler {
  constructor(
    private readonly m: Manager,
    private readonly admins: ClusterAdminProvider,
    private readonly resyncMs = USER_RESYNC_MS,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async reconcile(req: ReconcileRequest, ctx: ReconcileContext): Promise<ReconcileResult | void> {
    const user = this.m.cache.get<KafkaUserObject>(KafkaUserType, req.namespace, req.name);
    if (!user) return;
    const username = req.name;
    const log = ctx.log.child({ username });
    const cluster = this.m.cache.get<KafkaClusterObject>(KafkaClusterType, req.namespace, user.spec.clusterRef.name);
    const clusterGone = !cluster || isBeingDeleted(cluster);

    const finalized = await finalizeIfDeleting({
      http: this.m.http,
      type: KafkaUserType,
      obj: user,
      finalizer: USER_FINALIZER,
      target: () => (clusterGone ? "gone" : "available"),
      cleanup: () => this.removeFromKafka(user, cluster!, log),
      log,
    });
    if (finalized !== "not-deleting") return;

    if (!cluster) return this.writeNotReady(user, "ClusterNotFound", `KafkaCluster ${user.spec.clusterRef.name} does not exist in namespace ${req.namespace}`);
    if (clusterGone) return this.writeNotReady(user, "ClusterDeleting", `KafkaCluster ${user.spec.clusterRef.name} is being deleted`);

    await ensureFinalizer(this.m.http, KafkaUserType, user, USER_FINALIZER);

    try {
      const admin = await this.admins.adminFor(cluster);
      const notes: string[] = [];
      if (user.spec.authentication.type === "scram-sha-512") notes.push(...(await this.ensureScramCredential(user, admin, log)));
      else notes.push(...(await this.ensureCertificate(user, cluster, admin, log)));
      notes.push(...(await this.ensureAcls(user, admin, log)));
      notes.push(...(await this.ensureQuotas(user, admin, log)));
      if (notes.length > 0) await this.event(user, "Normal", "UserUpdated", "Update", `${username}: ${notes.join("; ")}`);
      await this.writeStatus(user, (c, g) => markReady(c, "UserReady", `user ${username} is as specified`, g));
      return { requeueAfterMs: this.resyncMs };
    } catch (err) {
      if (err instanceof UserNotReady) {
        log.info({ reason: err.reason, message: err.message }, "user not ready");
        await this.writeStatus(user, (c, g) => markDegraded(c, err.reason, err.message, g));
        return { requeueAfterMs: this.resyncMs };
      }
      if (isClusterUnreachable(err)) {
        await this.writeNotReady(user, "ClusterUnreachable", `cannot reach KafkaCluster ${cluster.metadata?.name}: ${(err as Error).message}`);
        throw err; // retried with backoff
      }
      if (err instanceof KafkaAdminError && !err.retriable) {
        log.warn({ err: err.message, errorName: err.errorName }, "the cluster refused a user change");
        await this.writeStatus(user, (c, g) => markDegraded(c, "UserRejected", err.message, g));
        return { requeueAfterMs: this.resyncMs };
      }
      throw err;
    }
  }

  // --- SCRAM ---------------------------------------------------------------------------------

  private async ensureScramCredential(user: KafkaUserObject, admin: AdminClient, log: Logger): Promise<string[]> {
    const username = user.metadata!.name!;
    const secret = await this.ownSecret(user);
    const referenced = this.referencedPassword(user);
    const { password, generated } = choosePassword(referenced, decode(secret?.data?.[PASSWORD_KEY]));
    const hash = credentialHash(username, password);
    const recordedHash = secret?.metadata?.annotations?.[CREDENTIAL_HASH_ANNOTATION];
    if (generated) {
      // Kept before the broker hears of it: a crash after the upsert must not lose the password.
      await this.applySecret(user, { [PASSWORD_KEY]: password, [JAAS_KEY]: scramJaasConfig(username, password) }, recordedHash);
    }
    const notes: string[] = [];
    const brokerHas = await hasScramCredential(admin, username);
    if (!brokerHas || recordedHash !== hash) {
      await admin.alterUserScramCredentials([{ op: "UPSERT", user: username, mechanism: SCRAM_MECHANISM, password, iterations: SCRAM_ITERATIONS }]);
      const what = !brokerHas ? "SCRAM-SHA-512 credential created" : "SCRAM-SHA-512 password changed";
      log.info({ generated }, what);
      notes.push(what);
    }
    await this.applySecret(user, { [PASSWORD_KEY]: password, [JAAS_KEY]: scramJaasConfig(username, password) }, hash);
    return notes;
  }

  /** The password from spec.authentication.password, or undefined when the spec names none. */
  private referencedPassword(user: KafkaUserObject): string | undefined {
    const ref = user.spec.authentication.password?.secretKeyRef;
    if (!ref) return undefined;
    const namespace = user.metadata!.namespace!;
    if (ref.name === user.metadata!.name) {
      throw new UserNotReady("PasswordSecretConflict", `the password Secret ${ref.name} has the user's name, which is the Secret the operator writes the credentials to: use another Secret`);
    }
    const secret = this.m.cache.get<SecretObject>(BuiltinTypes.Secret, namespace, ref.name);
    if (!secret) throw new UserNotReady("PasswordSecretNotFound", `Secret ${namespace}/${ref.name} (spec.authentication.password) does not exist`);
    const value = decode(secret.data?.[ref.key]);
    if (!value) throw new UserNotReady("PasswordSecretNotFound", `Secret ${namespace}/${ref.name} has no key ${ref.key} (spec.authentication.password)`);
    return value;
  }

  // --- TLS -----------------------------------------------------------------------------------

  private async ensureCertificate(user: KafkaUserObject, cluster: KafkaCluster, admin: AdminClient, log: Logger): Promise<string[]> {
    const username = user.metadata!.name!;
    const namespace = user.metadata!.namespace!;
    const clusterName = cluster.metadata!.name!;
    const caSecret = this.m.cache.get<SecretObject>(BuiltinTypes.Secret, namespace, clientsCaSecretName(clusterName));
    const ca = certificateAuthorityFromSecret(caSecret as V1Secret | undefined);
    if (!ca) throw new UserNotReady("ClientsCaNotReady", `the clients CA of KafkaCluster ${clusterName} (Secret ${clientsCaSecretName(clusterName)}) is not there yet`);
    const settings = cluster.spec.certificateAuthorities?.clients;
    const validityDays = settings?.validityDays ?? DEFAULT_CA_VALIDITY_DAYS;
    const renewalDays = settings?.renewalDays ?? DEFAULT_CA_RENEWAL_DAYS;
    const secret = await this.ownSecret(user);
    const certPem = decode(secret?.data?.[USER_CERT_KEY]);
    const keyPem = decode(secret?.data?.[USER_KEY_KEY]);
    const now = this.now();
    const problem = certPem && keyPem ? userCertificateProblem(ca, certPem, keyPem, username, renewalDays, now) : "no certificate yet";
    const notes: string[] = [];
    let cert = { certPem: certPem ?? "", keyPem: keyPem ?? "" };
    if (problem) {
      cert = await issueUserCertificate(ca, username, validityDays, now);
      log.info({ why: problem }, "user certificate issued");
      notes.push(`client certificate issued (${problem})`);
    }
    await this.applySecret(user, { [USER_CERT_KEY]: cert.certPem, [USER_KEY_KEY]: cert.keyPem, [CA_CERT_KEY]: ca.certPem }, undefined);
    // A user switched from SCRAM to TLS keeps no password login.
    if (await hasScramCredential(admin, username)) {
      await deleteScramCredential(admin, username);
      notes.push("SCRAM-SHA-512 credential removed (authentication is tls)");
    }
    return notes;
  }

  // --- ACLs and quotas -----------------------------------------------------------------------

  private async ensureAcls(user: KafkaUserObject, admin: AdminClient, log: Logger): Promise<string[]> {
    const username = user.metadata!.name!;
    const desired = desiredBindings(username, user.spec.authorization?.acls ?? []);
    let current;
    try {
      current = await admin.describeAcls(principalFilter(username));
    } catch (err) {
      // A cluster without an authorizer has no ACLs to manage, which is fine while the spec wants none.
      if (err instanceof KafkaAdminError && err.errorName === "SECURITY_DISABLED") {
        if (desired.length === 0) return [];
        throw new UserNotReady("AuthorizationNotEnabled", `the user has ACL rules but KafkaCluster ${user.spec.clusterRef.name} runs without an authorizer (spec.authorization)`);
      }
      throw err;
    }
    const plan = aclPlan(desired, current);
    const notes: string[] = [];
    if (plan.create.length > 0) {
      await admin.createAcls(plan.create);
      notes.push(`ACLs added: ${plan.create.map(describeBinding).join(", ")}`);
    }
    if (plan.delete.length > 0) {
      await admin.deleteAcls(plan.delete.map(exactFilter));
      notes.push(`ACLs removed: ${plan.delete.map(describeBinding).join(", ")}`);
    }
    if (notes.length > 0) log.info({ created: plan.create.length, deleted: plan.delete.length }, "ACLs synced");
    return notes;
  }

  private async ensureQuotas(user: KafkaUserObject, admin: AdminClient, log: Logger): Promise<string[]> {
    const username = user.metadata!.name!;
    const current = await currentQuotas(admin, username);
    const changes = quotaChanges(desiredQuotas(user.spec.quotas), current);
    if (Object.keys(changes).length === 0) return [];
    await admin.alterClientQuotas([{ entity: { user: username }, quotas: changes }]);
    log.info({ changes }, "quotas synced");
    return [`quotas: ${Object.entries(changes).map(([k, v]) => `${k}=${v ?? "removed"}`).join(", ")}`];
  }

  // --- deletion ------------------------------------------------------------------------------

  private async removeFromKafka(user: KafkaUserObject, cluster: KafkaCluster, log: Logger): Promise<void> {
    const username = user.metadata!.name!;
    const admin = await this.admins.adminFor(cluster);
    await deleteScramCredential(admin, username);
    try {
      await admin.deleteAcls([principalFilter(username)]);
    } catch (err) {
      if (!(err instanceof KafkaAdminError && err.errorName === "SECURITY_DISABLED")) throw err;
    }
    const quotas = await currentQuotas(admin, username);
    if (Object.keys(quotas).length > 0) {
      await admin.alterClientQuotas([{ entity: { user: username }, quotas: Object.fromEntries(Object.keys(quotas).map((k) => [k, null])) }]);
    }
    log.info("user removed from the cluster (credential, ACLs, quotas)");
  }

  // --- the user's Secret ---------------------------------------------------------------------

  /**
   * The user's Secret: from the cache, else from the API server (a Secret written a moment ago
   * may not be in the cache yet, and a generated password must never be replaced while it
   * exists). One not controlled by this KafkaUser is refused, never taken over.
   */
  private async ownSecret(user: KafkaUserObject): Promise<SecretObject | undefined> {
    const namespace = user.metadata!.namespace!;
    const name = user.metadata!.name!;
    let secret = this.m.cache.get<SecretObject>(BuiltinTypes.Secret, namespace, name);
    if (!secret) {
      try {
        secret = await this.m.http.send<SecretObject>({ verb: "GET", path: objectPath(BuiltinTypes.Secret, namespace, name) });
      } catch (err) {
        if (!isNotFound(err)) throw err;
        return undefined;
      }
    }
    const owner = controllerOf(secret);
    if (owner?.uid !== user.metadata?.uid) {
      throw new UserNotReady("SecretConflict", `Secret ${namespace}/${name} exists and is not managed by this KafkaUser; the operator will not overwrite it`);
    }
    return secret;
  }

  private async applySecret(user: KafkaUserObject, data: Record<string, string>, hash: string | undefined): Promise<void> {
    const namespace = user.metadata!.namespace!;
    const name = user.metadata!.name!;
    const desired = withControllerReference<SecretObject>(
      {
        apiVersion: "v1",
        kind: "Secret",
        metadata: {
          name,
          namespace,
          labels: { ...clusterLabels(user.spec.clusterRef.name), "kafka.millrace.dev/user": name },
          ...(hash ? { annotations: { [CREDENTIAL_HASH_ANNOTATION]: hash } } : {}),
        },
        type: "Opaque",
        data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, "utf8").toString("base64")])),
      },
      user,
    );
    const live = this.m.cache.get<SecretObject>(BuiltinTypes.Secret, namespace, name);
    await this.m.applier.apply(BuiltinTypes.Secret, desired, live);
  }

  // --- status --------------------------------------------------------------------------------

  private async writeNotReady(user: KafkaUserObject, reason: string, message: string): Promise<ReconcileResult> {
    await this.writeStatus(user, (c, g) => markReconciling(c, reason, message, g));
    return { requeueAfterMs: this.resyncMs };
  }

  private async writeStatus(user: KafkaUserObject, conditions: (c: Condition[] | undefined, generation: number | undefined) => Condition[]): Promise<void> {
    const live = this.m.cache.get<KafkaUserObject>(KafkaUserType, user.metadata?.namespace, user.metadata!.name!) ?? user;
    const generation = user.metadata?.generation;
    const status: KafkaUserStatus = {
      ...(live.status ?? {}),
      username: user.metadata!.name!,
      secretName: user.metadata!.name!,
      observedGeneration: generation,
      conditions: conditions(live.status?.conditions, generation),
    };
    await this.m.status.update(KafkaUserType, live, status as Record<string, unknown>);
  }

  private async event(user: KafkaUserObject, type: "Normal" | "Warning", reason: string, action: string, note: string): Promise<void> {
    await this.m.events.record(user, { type, reason, action, note });
  }
}

function decode(b64: string | undefined): string | undefined {
  return b64 === undefined ? undefined : Buffer.from(b64, "base64").toString("utf8");
}

async function hasScramCredential(admin: AdminClient, username: string): Promise<boolean> {
  try {
    const [u] = await admin.describeUserScramCredentials([username]);
    return !!u?.credentials.some((c) => c.mechanism === SCRAM_MECHANISM);
  } catch (err) {
    if (err instanceof KafkaAdminError && err.errorName === "RESOURCE_NOT_FOUND") return false;
    throw err;
  }
}

async function deleteScramCredential(admin: AdminClient, username: string): Promise<void> {
  try {
    await admin.alterUserScramCredentials([{ op: "DELETE", user: username, mechanism: SCRAM_MECHANISM }]);
  } catch (err) {
    if (!(err instanceof KafkaAdminError && err.errorName === "RESOURCE_NOT_FOUND")) throw err;
  }
}

async function currentQuotas(admin: AdminClient, username: string): Promise<Record<string, number>> {
  const entries = await admin.describeClientQuotas([{ entityType: "user", name: username }], { strict: true });
  return entries.find((e) => e.entity.user === username)?.quotas ?? {};
}
