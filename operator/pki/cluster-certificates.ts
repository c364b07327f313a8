// The Secrets of a KafkaCluster's certificates, computed from the cluster, its nodes and the Secrets
// that already exist: two CAs (cluster, clients), their public trust bundles, one certificate per
// node and the operator's client certificate. What exists and still fits is returned as it is, so
// a reconcile that changes nothing writes nothing. The scheme (renewal, trust bundles) is in README.md.
import type { V1Secret } from "@kubernetes/client-node";
import type { Logger } from "pino";
import {
  bootstrapServiceName,
  clientsCaCertSecretName,
  clientsCaSecretName,
  clusterCaCertSecretName,
  clusterCaSecretName,
  nodeCertsSecretName,
  nodeHostName,
  nodePodName,
  operatorCertsSecretName,
} from "../controllers/kafkacluster/names.js";
import { certificateInfo, createCertificateAuthority, issueCertificate, needsRenewal, type CertificateAuthority, type CertificateUsage, type IssuedCertificate } from "./certificate-authority.js";
import { splitCertificateBundle } from "./certificate-info.js";
import { normalizeDistinguishedName } from "./distinguished-name.js";
import { nodeSubject, operatorSubject, userSubject } from "./principals.js";

export { nodePrincipal, operatorPrincipal, PRINCIPAL_MAPPING_RULES } from "./principals.js";
export type { CertificateAuthority, IssuedCertificate } from "./certificate-authority.js";

/** spec.certificateAuthorities.cluster / .clients (defaults 365 / 30). */
export interface CaSettings {
  validityDays: number;
  renewalDays: number;
}

export interface ClusterCertificateInput {
  clusterName: string;
  namespace: string;
  clusterCa: CaSettings;
  clientsCa: CaSettings;
  /** Every node the cluster should have; external listeners add the addresses clients outside Kubernetes dial. */
  nodes: { pool: string; nodeId: number; extraSubjectAltNames?: SubjectAltNames }[];
  /** The Secret of that name in the cluster's namespace, from the informer cache. */
  existing: (secretName: string) => V1Secret | undefined;
  now: Date;
  /** Where reissues of unusable Secrets are explained (warn); optional. */
  log?: Logger;
}

/** Subject alternative names beyond the node's Kubernetes DNS names (a load balancer's address, the Kubernetes node's IP). */
export interface SubjectAltNames {
  ipAddresses?: string[];
  dnsNames?: string[];
}

export type SecretChange = "created" | "renewed" | "unchanged";

export interface DesiredSecret {
  name: string;
  /** base64 values, as in V1Secret.data. */
  data: Record<string, string>;
  type?: string;
  reason?: SecretChange;
  /** Why it was created or renewed, for logs and Events ("issued by a previous CA", …). */
  detail?: string;
}

/** Data keys. */
export const TLS_CERT = "tls.crt";
export const TLS_KEY = "tls.key";
export const CA_CERT = "ca.crt";
/** In a CA Secret: the replaced CA certificates still valid, kept in the trust bundles until they expire. */
export const PREVIOUS_CA_CERTS = "previous-ca.crt";

const TLS_SECRET_TYPE = "kubernetes.io/tls";

/**
 * validityDays/renewalDays that cannot work (the CRD's CEL rule sees only values that are both set,
 * not a default against a set one). Retrying cannot fix it: a reconciler reports it as terminal.
 */
export class CertificateSettingsError extends Error {
  override name = "CertificateSettingsError";
}

export async function desiredClusterSecrets(input: ClusterCertificateInput): Promise<DesiredSecret[]> {
  validateSettings("clusterCa", input.clusterCa);
  validateSettings("clientsCa", input.clientsCa);
  const { clusterName: cluster, namespace } = input;
  const clusterCa = await ensureCertificateAuthority(input, clusterCaSecretName(cluster), `${cluster}-cluster-ca`, input.clusterCa);
  const clientsCa = await ensureCertificateAuthority(input, clientsCaSecretName(cluster), `${cluster}-clients-ca`, input.clientsCa);
  const secrets: DesiredSecret[] = [
    clusterCa.secret,
    trustBundleSecret(input, clusterCaCertSecretName(cluster), clusterCa.trustBundle),
    clientsCa.secret,
    trustBundleSecret(input, clientsCaCertSecretName(cluster), clientsCa.trustBundle),
  ];
  for (const node of input.nodes) {
    const host = nodeHostName(cluster, node.pool, node.nodeId, namespace);
    const bootstrap = bootstrapServiceName(cluster);
    const dnsNames = [
      host,
      `${host}.cluster.local`,
      bootstrap,
      `${bootstrap}.${namespace}`,
      `${bootstrap}.${namespace}.svc`,
      `${bootstrap}.${namespace}.svc.cluster.local`,
      nodePodName(cluster, node.pool, node.nodeId),
      ...(node.extraSubjectAltNames?.dnsNames ?? []),
    ];
    secrets.push(
      await ensureLeafCertificate(input, nodeCertsSecretName(cluster, node.pool, node.nodeId), clusterCa, input.clusterCa, {
        subject: nodeSubject(cluster),
        dnsNames,
        ipAddresses: node.extraSubjectAltNames?.ipAddresses ?? [],
        usage: "server-and-client",
      }),
    );
  }
  secrets.push(await ensureLeafCertificate(input, operatorCertsSecretName(cluster), clusterCa, input.clusterCa, { subject: operatorSubject(cluster), dnsNames: [], usage: "client" }));
  for (const s of secrets) {
    if (s.reason !== "unchanged") input.log?.info({ secret: s.name, reason: s.reason, detail: s.detail }, "certificate secret changes");
  }
  return secrets;
}

/** A KafkaUser's client certificate (subject `CN=<username>`, principal `User:<username>`), valid for `validityDays` capped at the CA's expiry. */
export async function issueUserCertificate(clientsCa: CertificateAuthority, username: string, validityDays: number, now: Date): Promise<IssuedCertificate> {
  if (username === "") throw new Error("a user certificate needs a username");
  return issueCertificate(clientsCa, { subject: userSubject(username), usage: "client", validityDays }, now);
}

/**
 * Whether a KafkaUser's certificate can stay: signed by the clients CA, subject `CN=<username>`,
 * key matching and not within `renewalDays` of expiry. Returns why not, or undefined when it can.
 */
export function userCertificateProblem(clientsCa: CertificateAuthority, certPem: string, keyPem: string, username: string, renewalDays: number, now: Date): string | undefined {
  return leafProblem({ ca: clientsCa, previous: [] }, certPem, keyPem, { subject: userSubject(username), dnsNames: [], usage: "client" }, renewalDays, now);
}

/** The CA (tls.crt, tls.key) in a CA Secret, or undefined when the Secret is missing or unusable. */
export function certificateAuthorityFromSecret(secret: V1Secret | undefined): CertificateAuthority | undefined {
  const certPem = decoded(secret, TLS_CERT);
  const keyPem = decoded(secret, TLS_KEY);
  if (!certPem || !keyPem) return undefined;
  return caProblem({ certPem, keyPem }) === undefined ? { certPem, keyPem } : undefined;
}

interface EnsuredCa {
  ca: CertificateAuthority;
  /** The CA certificates it replaced that are still valid (PEM each). */
  previous: string[];
  /** This CA's certificate first, then the previous ones not yet expired (PEM). */
  trustBundle: string;
  secret: DesiredSecret;
}

async function ensureCertificateAuthority(input: ClusterCertificateInput, secretName: string, commonName: string, settings: CaSettings): Promise<EnsuredCa> {
  const { now } = input;
  const existing = input.existing(secretName);
  const { certPem, keyPem, reason, missing } = storedPair(existing, "no CA yet");
  const storedPrevious = decoded(existing, PREVIOUS_CA_CERTS) ?? "";
  const previous = stillValidCertificates(storedPrevious, now);

  let problem = missing;
  if (!problem) {
    problem = caProblem({ certPem: certPem!, keyPem: keyPem! });
    if (!problem && needsRenewal(certPem!, settings.renewalDays, now)) problem = `the CA expires ${certificateInfo(certPem!).notAfter.toISOString()}, within ${settings.renewalDays} days`;
  }

  if (!problem) {
    const ca = { certPem: certPem!, keyPem: keyPem! };
    const previousPem = previous.join("");
    if (previousPem === storedPrevious) {
      return { ca, previous, trustBundle: certPem! + previousPem, secret: { name: secretName, type: TLS_SECRET_TYPE, data: pick(existing!, caSecretKeys(previousPem)), reason: "unchanged" } };
    }
    const data = caSecretData(ca, previousPem);
    return { ca, previous, trustBundle: certPem! + previousPem, secret: { name: secretName, type: TLS_SECRET_TYPE, data, reason: "renewed", detail: "an expired previous CA certificate left the trust bundle" } };
  }

  // A replaced CA that still parses stays trusted until it expires: the certificates it signed
  // keep working while they are reissued.
  const replaced = certPem && isUsableCaCertificate(certPem, now) ? [certPem] : [];
  const stillTrusted = [...replaced, ...previous];
  const previousPem = stillTrusted.join("");
  const generation = nextGeneration([certPem ?? "", storedPrevious].join(""));
  const ca = await createCertificateAuthority(`${commonName} v${generation}`, settings.validityDays, now);
  if (reason === "renewed") input.log?.warn({ secret: secretName, problem }, "certificate authority replaced");
  return {
    ca,
    previous: stillTrusted,
    trustBundle: ca.certPem + previousPem,
    secret: { name: secretName, type: TLS_SECRET_TYPE, data: caSecretData(ca, previousPem), reason, detail: problem },
  };
}

function trustBundleSecret(input: ClusterCertificateInput, secretName: string, bundle: string): DesiredSecret {
  const existing = input.existing(secretName);
  const data = { [CA_CERT]: encode(bundle) };
  if (!existing) return { name: secretName, data, reason: "created", detail: "no trust bundle yet" };
  if (decoded(existing, CA_CERT) === bundle) return { name: secretName, data: pick(existing, [CA_CERT]), reason: "unchanged" };
  return { name: secretName, data, reason: "renewed", detail: "the CA's trust bundle changed" };
}

interface LeafWanted {
  subject: string;
  dnsNames: string[];
  ipAddresses?: string[];
  usage: CertificateUsage;
}

async function ensureLeafCertificate(input: ClusterCertificateInput, secretName: string, issuer: EnsuredCa, settings: CaSettings, wanted: LeafWanted): Promise<DesiredSecret> {
  const existing = input.existing(secretName);
  const { certPem, keyPem, reason, missing } = storedPair(existing, "no certificate yet");
  const problem = missing ?? leafProblem(issuer, certPem!, keyPem!, wanted, settings.renewalDays, input.now);

  if (!problem) {
    if (decoded(existing, CA_CERT) === issuer.trustBundle) {
      return { name: secretName, type: TLS_SECRET_TYPE, data: pick(existing!, [TLS_CERT, TLS_KEY, CA_CERT]), reason: "unchanged" };
    }
    return {
      name: secretName,
      type: TLS_SECRET_TYPE,
      data: { ...pick(existing!, [TLS_CERT, TLS_KEY]), [CA_CERT]: encode(issuer.trustBundle) },
      reason: "renewed",
      detail: "the CA's trust bundle changed",
    };
  }

  if (reason === "renewed" && !isUsableKeyPair(certPem, keyPem)) {
    input.log?.warn({ secret: secretName, problem }, "unusable certificate secret: issuing a new certificate");
  }
  const issued = await issueCertificate(issuer.ca, { ...wanted, validityDays: settings.validityDays }, input.now);
  return {
    name: secretName,
    type: TLS_SECRET_TYPE,
    data: { [TLS_CERT]: encode(issued.certPem), [TLS_KEY]: encode(issued.keyPem), [CA_CERT]: encode(issuer.trustBundle) },
    reason,
    detail: problem,
  };
}

/**
 * Why this certificate cannot stay (first reason found), or undefined. A certificate of a replaced
 * CA that is still trusted stays until halfway through its renewal window (the hand-over: see
 * README.md), so clients that still trust only the old CA keep connecting meanwhile.
 */
function leafProblem(issuer: { ca: CertificateAuthority; previous: string[] }, certPem: string, keyPem: string, wanted: LeafWanted, renewalDays: number, now: Date): string | undefined {
  let info;
  try {
    info = certificateInfo(certPem);
  } catch (err) {
    return `${TLS_CERT}: ${(err as Error).message}`;
  }
  if (!info.keyMatches(keyPem)) return `${TLS_KEY} is not the key of ${TLS_CERT}`;
  const fromCurrentCa = info.issuerMatches(issuer.ca.certPem);
  if (!fromCurrentCa && !issuer.previous.some((pem) => info.issuerMatches(pem))) return `issued by ${info.issuer}, not by the current CA`;
  if (info.subject !== normalizeDistinguishedName(wanted.subject)) return `subject is ${info.subject}, wanted ${normalizeDistinguishedName(wanted.subject)}`;
  if (!sameSet(info.dnsNames, wanted.dnsNames) || !sameSet(info.ipAddresses, wanted.ipAddresses ?? [])) return "the subject alternative names changed";
  if (!fromCurrentCa && needsRenewal(certPem, renewalDays / 2, now)) return `issued by the replaced CA ${info.issuer}: handed over to the new CA halfway through the renewal window`;
  if (fromCurrentCa && needsRenewal(certPem, renewalDays, now)) return `expires ${info.notAfter.toISOString()}, within ${renewalDays} days`;
  return undefined;
}

function caProblem(ca: CertificateAuthority): string | undefined {
  let info;
  try {
    info = certificateInfo(ca.certPem);
  } catch (err) {
    return `${TLS_CERT}: ${(err as Error).message}`;
  }
  if (!info.isCa) return `${TLS_CERT} is not a CA certificate`;
  if (!info.keyMatches(ca.keyPem)) return `${TLS_KEY} is not the key of ${TLS_CERT}`;
  return undefined;
}

function isUsableCaCertificate(certPem: string, now: Date): boolean {
  try {
    const info = certificateInfo(certPem);
    return info.isCa && info.notAfter.getTime() > now.getTime();
  } catch {
    return false;
  }
}

/** Whether the Secret holds a readable certificate and its key (else someone or something broke it: worth a warning). */
function isUsableKeyPair(certPem: string | undefined, keyPem: string | undefined): boolean {
  if (!certPem || !keyPem) return false;
  try {
    return certificateInfo(certPem).keyMatches(keyPem);
  } catch {
    return false;
  }
}

/** The certificates of a PEM bundle that are still valid at `now` (an unreadable bundle counts as empty). */
function stillValidCertificates(bundlePem: string, now: Date): string[] {
  let blocks: string[];
  try {
    blocks = splitCertificateBundle(bundlePem);
  } catch {
    return [];
  }
  return blocks.filter((pem) => certificateInfo(pem).notAfter.getTime() > now.getTime());
}

/** CA common names end in " v<n>": each replacement gets the next n, so old and new never share a subject. */
function nextGeneration(knownCaPems: string): number {
  let highest = -1;
  let blocks: string[] = [];
  try {
    blocks = splitCertificateBundle(knownCaPems);
  } catch {
    blocks = [];
  }
  for (const pem of blocks) {
    const match = /^CN=.* v(\d+),/.exec(certificateInfo(pem).subject);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  return highest + 1;
}

function caSecretKeys(previousPem: string): string[] {
  return previousPem ? [TLS_CERT, TLS_KEY, PREVIOUS_CA_CERTS] : [TLS_CERT, TLS_KEY];
}

function caSecretData(ca: CertificateAuthority, previousPem: string): Record<string, string> {
  const data: Record<string, string> = { [TLS_CERT]: encode(ca.certPem), [TLS_KEY]: encode(ca.keyPem) };
  if (previousPem) data[PREVIOUS_CA_CERTS] = encode(previousPem);
  return data;
}

function validateSettings(field: string, settings: CaSettings): void {
  const { validityDays, renewalDays } = settings;
  if (!Number.isFinite(validityDays) || validityDays <= 0) throw new CertificateSettingsError(`${field}.validityDays must be a positive number of days, got ${validityDays}`);
  if (!Number.isFinite(renewalDays) || renewalDays < 0) throw new CertificateSettingsError(`${field}.renewalDays must be zero or more days, got ${renewalDays}`);
  if (renewalDays >= validityDays) throw new CertificateSettingsError(`${field}.renewalDays (${renewalDays}) must be less than validityDays (${validityDays}), or every certificate would be renewed at once, again and again`);
}

/**
 * The certificate and key a Secret holds, and what a replacement would be: "created" when there
 * is no Secret (`missing` = `absent`), else "renewed" (`missing` set when either part is absent).
 */
function storedPair(existing: V1Secret | undefined, absent: string): { certPem?: string; keyPem?: string; reason: SecretChange; missing?: string } {
  if (!existing) return { reason: "created", missing: absent };
  const certPem = decoded(existing, TLS_CERT);
  const keyPem = decoded(existing, TLS_KEY);
  if (!certPem || !keyPem) return { certPem, keyPem, reason: "renewed", missing: `${TLS_CERT} or ${TLS_KEY} is missing` };
  return { certPem, keyPem, reason: "renewed" };
}

function decoded(secret: V1Secret | undefined, key: string): string | undefined {
  const value = secret?.data?.[key];
  return value === undefined ? undefined : Buffer.from(value, "base64").toString("utf8");
}

function pick(secret: V1Secret, keys: string[]): Record<string, string> {
  const data: Record<string, string> = {};
  for (const key of keys) {
    const value = secret.data?.[key];
    if (value !== undefined) data[key] = value;
  }
  return data;
}

function encode(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}

function sameSet(a: string[], b: string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}
