// ssl.cipher.suites names suites as Java and the IANA registry do (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256);
// OpenSSL, under node:tls, names the TLS 1.2 ones its own way (ECDHE-RSA-AES128-GCM-SHA256). TLS 1.3
// suites have the same name in both. The table holds the suites worth enabling today (AEAD, and
// ECDHE CBC for old clients); a name outside it is a configuration error rather than a silent drop.
import { TlsConfigError } from "./tls-config-error.js";

const IANA_TO_OPENSSL: ReadonlyMap<string, string> = new Map([
  ["TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256"],
  ["TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384"],
  ["TLS_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256"],
  ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"],
  ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384"],
  ["TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305"],
  ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256"],
  ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384"],
  ["TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305"],
  ["TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "DHE-RSA-AES128-GCM-SHA256"],
  ["TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "DHE-RSA-AES256-GCM-SHA384"],
  ["TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256"],
  ["TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384"],
  ["TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "ECDHE-ECDSA-AES128-SHA256"],
  ["TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "ECDHE-ECDSA-AES256-SHA384"],
  ["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "ECDHE-RSA-AES128-SHA256"],
  ["TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "ECDHE-RSA-AES256-SHA384"],
]);

/** The node:tls `ciphers` string for Kafka suite names; undefined (Node's defaults) for none. */
export function opensslCipherList(suites: readonly string[], listenerName: string): string | undefined {
  if (suites.length === 0) return undefined;
  return suites
    .map((suite) => {
      const name = IANA_TO_OPENSSL.get(suite.toUpperCase());
      if (!name) {
        throw new TlsConfigError(`listener ${listenerName}: ssl.cipher.suites: ${suite} is not a supported cipher suite (supported: ${[...IANA_TO_OPENSSL.keys()].join(", ")})`);
      }
      return name;
    })
    .join(":");
}
