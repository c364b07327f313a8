// The ssl.* keys of one listener, read as Kafka reads them: `listener.name.<l>.ssl.*` before
// `ssl.*`. Nothing is loaded here; key-material.ts turns the store settings into key and
// certificate bytes. A setting Millrace cannot honour is a TlsConfigError naming the key.
import type { BrokerConfig, ParsedValue } from "../../config/index.js";
import { listenerSetting } from "../listener-settings.js";
import { TlsConfigError } from "./tls-config-error.js";

export type StoreType = "PEM" | "PKCS12";
export type ClientAuth = "none" | "requested" | "required";

/** Where a key store (our certificate and key) comes from. */
export interface KeystoreSettings {
  readonly type: StoreType;
  /** A file: PEM holding the private key and the certificate chain, or PKCS12. */
  readonly location: string | null;
  /** Inline PEM (ssl.keystore.key and ssl.keystore.certificate.chain), PEM type only. */
  readonly inlineKey: string | null;
  readonly inlineCertificateChain: string | null;
  /** The password of a PKCS12 file (ssl.keystore.password). */
  readonly storePassword: string | null;
  /** The password of an encrypted private key (ssl.key.password). */
  readonly keyPassword: string | null;
}

/** Where the certificates we trust come from (CA certificates). */
export interface TruststoreSettings {
  readonly type: StoreType;
  readonly location: string | null;
  readonly inlineCertificates: string | null;
  readonly password: string | null;
}

export interface TlsSettings {
  readonly listenerName: string;
  /** Null when no key store is configured (fine for a client that presents no certificate). */
  readonly keystore: KeystoreSettings | null;
  /** Null when no trust store is configured: Node's default CAs are trusted then. */
  readonly truststore: TruststoreSettings | null;
  readonly clientAuth: ClientAuth;
  /** Lowest and highest TLS versions from ssl.enabled.protocols. */
  readonly minVersion: "TLSv1.2" | "TLSv1.3";
  readonly maxVersion: "TLSv1.2" | "TLSv1.3";
  /** Kafka (IANA) cipher suite names; empty means Node's defaults. */
  readonly cipherSuites: readonly string[];
  /** ssl.endpoint.identification.algorithm: true (https) verifies the server's host name. */
  readonly verifyHostname: boolean;
  /** ssl.principal.mapping.rules, unparsed ("DEFAULT" when unset). */
  readonly principalMappingRules: string;
}

const SUPPORTED_PROTOCOLS = ["TLSv1.2", "TLSv1.3"] as const;

/** Reads (but does not load) the TLS settings of `listenerName`. */
export function tlsSettingsFor(config: BrokerConfig, listenerName: string): TlsSettings {
  const get = (key: string): ParsedValue => listenerSetting(config, listenerName, key);
  const text = (key: string): string | null => {
    const v = get(key);
    return typeof v === "string" && v.trim() !== "" ? v : null;
  };
  const list = (key: string): string[] => {
    const v = get(key);
    if (Array.isArray(v)) return v.map((s: string) => s.trim()).filter((s) => s !== "");
    if (typeof v === "string") return v.split(",").map((s) => s.trim()).filter((s) => s !== "");
    return [];
  };
  const where = (key: string): string => `listener ${listenerName}: ${key}`;

  const keystoreType = storeType(text("ssl.keystore.type") ?? "JKS", where("ssl.keystore.type"));
  const keystoreLocation = text("ssl.keystore.location");
  const inlineKey = text("ssl.keystore.key");
  const inlineChain = text("ssl.keystore.certificate.chain");
  let keystore: KeystoreSettings | null = null;
  if (keystoreLocation !== null || inlineKey !== null || inlineChain !== null) {
    requireSupported(keystoreType, "ssl.keystore.type", listenerName);
    if ((inlineKey === null) !== (inlineChain === null)) {
      throw new TlsConfigError(where("ssl.keystore.key and ssl.keystore.certificate.chain must be set together"));
    }
    if (inlineKey !== null && keystoreLocation !== null) {
      throw new TlsConfigError(where("set either ssl.keystore.location or ssl.keystore.key/ssl.keystore.certificate.chain, not both"));
    }
    if (inlineKey !== null && keystoreType !== "PEM") {
      throw new TlsConfigError(where(`ssl.keystore.key needs ssl.keystore.type=PEM (it is ${keystoreType})`));
    }
    keystore = {
      type: keystoreType as StoreType,
      location: keystoreLocation,
      inlineKey,
      inlineCertificateChain: inlineChain,
      storePassword: text("ssl.keystore.password"),
      keyPassword: text("ssl.key.password"),
    };
  }

  const truststoreType = storeType(text("ssl.truststore.type") ?? "JKS", where("ssl.truststore.type"));
  const truststoreLocation = text("ssl.truststore.location");
  const inlineCertificates = text("ssl.truststore.certificates");
  let truststore: TruststoreSettings | null = null;
  if (truststoreLocation !== null || inlineCertificates !== null) {
    requireSupported(truststoreType, "ssl.truststore.type", listenerName);
    if (truststoreLocation !== null && inlineCertificates !== null) {
      throw new TlsConfigError(where("set either ssl.truststore.location or ssl.truststore.certificates, not both"));
    }
    if (inlineCertificates !== null && truststoreType !== "PEM") {
      throw new TlsConfigError(where(`ssl.truststore.certificates needs ssl.truststore.type=PEM (it is ${truststoreType})`));
    }
    truststore = { type: truststoreType as StoreType, location: truststoreLocation, inlineCertificates, password: text("ssl.truststore.password") };
  }

  const clientAuth = (text("ssl.client.auth") ?? "none").toLowerCase();
  if (clientAuth !== "none" && clientAuth !== "requested" && clientAuth !== "required") {
    throw new TlsConfigError(where(`ssl.client.auth must be none, requested or required (got ${clientAuth})`));
  }

  const protocols = list("ssl.enabled.protocols");
  const enabled = protocols.length > 0 ? protocols : [...SUPPORTED_PROTOCOLS];
  for (const p of enabled) {
    if (!(SUPPORTED_PROTOCOLS as readonly string[]).includes(p)) {
      throw new TlsConfigError(where(`ssl.enabled.protocols: ${p} is not supported; Millrace speaks ${SUPPORTED_PROTOCOLS.join(" and ")} only`));
    }
  }
  const minVersion = enabled.includes("TLSv1.2") ? "TLSv1.2" : "TLSv1.3";
  const maxVersion = enabled.includes("TLSv1.3") ? "TLSv1.3" : "TLSv1.2";

  const endpointIdentification = (text("ssl.endpoint.identification.algorithm") ?? "").toLowerCase();
  if (endpointIdentification !== "" && endpointIdentification !== "https") {
    throw new TlsConfigError(where(`ssl.endpoint.identification.algorithm must be https or empty (got ${endpointIdentification})`));
  }

  return {
    listenerName,
    keystore,
    truststore,
    clientAuth,
    minVersion,
    maxVersion,
    cipherSuites: list("ssl.cipher.suites"),
    // The key's default is https; only an explicitly empty value turns verification off.
    verifyHostname: endpointIdentification === "https",
    principalMappingRules: text("ssl.principal.mapping.rules") ?? "DEFAULT",
  };
}

function storeType(value: string, where: string): string {
  const upper = value.trim().toUpperCase();
  if (upper === "PEM" || upper === "PKCS12" || upper === "JKS") return upper;
  throw new TlsConfigError(`${where}: unknown store type ${value} (PEM or PKCS12)`);
}

function requireSupported(type: string, key: string, listenerName: string): void {
  if (type === "JKS") {
    throw new TlsConfigError(
      `listener ${listenerName}: ${key}=JKS is not supported (Node cannot read Java key stores); ` +
        `set ${key}=PEM (or PKCS12) and convert the store, e.g. keytool -importkeystore -deststoretype PKCS12`,
    );
  }
}
