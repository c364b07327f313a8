// The server side of TLS for one SSL or SASL_SSL listener: its tls.createServer options (key
// store, trust store, ssl.client.auth, protocol versions, cipher suites), the reload when the key
// and trust store files change or a dynamic config change names other ones (server.setSecureContext:
// new connections get the new context, established ones keep theirs; what does not load is
// logged and the old context kept), and the principal of each connection's client certificate.
import type { Server, TLSSocket, TlsOptions, SecureContextOptions } from "node:tls";
import type { Logger } from "pino";
import type { BrokerConfig } from "../../config/index.js";
import { opensslCipherList } from "./cipher-suites.js";
import { DEFAULT_POLL_INTERVAL_MS, FileChangeWatcher, type WatchedSources } from "./file-change-watcher.js";
import { loadKeyMaterial } from "./key-material.js";
import { PrincipalMappingRules } from "./principal-mapping-rules.js";
import { TlsConfigError } from "./tls-config-error.js";
import { tlsPeer, type TlsPeer } from "./tls-principal.js";
import { tlsSettingsFor, type TlsSettings } from "./tls-settings.js";

/** How long a client may take to finish its handshake before the socket is closed. */
const HANDSHAKE_TIMEOUT_MS = 30_000;

export class ListenerTls {
  private watcher: FileChangeWatcher | undefined;

  private constructor(
    private settings: TlsSettings,
    private readonly rules: PrincipalMappingRules,
    private contextOptions: SecureContextOptions,
    private readonly currentConfig: () => BrokerConfig,
    private readonly log: Logger,
  ) {}

  /**
   * Reads and checks the listener's TLS settings; throws TlsConfigError (start-up fails).
   * `currentConfig` gives the configuration with its dynamic changes, read again on each poll.
   */
  static create(config: BrokerConfig, listenerName: string, log: Logger, currentConfig: () => BrokerConfig = () => config): ListenerTls {
    const settings = usableSettings(config, listenerName);
    const rules = PrincipalMappingRules.parse(settings.principalMappingRules);
    const material = loadKeyMaterial(settings);
    return new ListenerTls(settings, rules, contextOptions(settings, material.options), currentConfig, log);
  }

  /** Options for tls.createServer. */
  serverOptions(): TlsOptions {
    return {
      ...this.contextOptions,
      requestCert: this.settings.clientAuth !== "none",
      // "requested" lets a client without a certificate in; one whose certificate does not verify
      // is refused after the handshake (tlsPeer), as Kafka's want-client-auth does.
      rejectUnauthorized: this.settings.clientAuth === "required",
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
    };
  }

  /** Starts watching the key and trust store (files and settings); a change reloads `server`'s context. */
  async watch(server: Server, intervalMs = DEFAULT_POLL_INTERVAL_MS): Promise<void> {
    this.watcher = new FileChangeWatcher(() => this.sources(), () => this.reload(server), intervalMs);
    await this.watcher.start();
  }

  /** What the watcher compares: the current settings and the files they name. */
  private sources(): WatchedSources {
    try {
      const settings = tlsSettingsFor(this.currentConfig(), this.settings.listenerName);
      return { files: storeFiles(settings), settings: JSON.stringify(settings) };
    } catch (err) {
      // An unusable dynamic setting: a change all the same, which the reload reports.
      return { files: storeFiles(this.settings), settings: `unusable: ${(err as Error).message}` };
    }
  }

  stop(): void {
    this.watcher?.stop();
  }

  /** The principal of an established connection (throws when it must be refused). */
  peer(socket: TLSSocket): TlsPeer {
    return tlsPeer(socket, this.rules);
  }

  private reload(server: Server): void {
    const listenerName = this.settings.listenerName;
    try {
      const settings = usableSettings(this.currentConfig(), listenerName);
      const material = loadKeyMaterial(settings);
      const options = contextOptions(settings, material.options);
      server.setSecureContext(options);
      if (settings.clientAuth !== this.settings.clientAuth) {
        this.log.warn({ from: this.settings.clientAuth, to: settings.clientAuth }, "ssl.client.auth changed: it takes effect when the broker restarts");
      }
      this.settings = settings;
      this.contextOptions = options;
      this.log.info({ files: material.files }, "TLS key store or trust store changed: new connections use the new certificates");
    } catch (err) {
      this.log.error({ files: storeFiles(this.settings), err: (err as Error).message }, "TLS key store or trust store changed but cannot be used: keeping the previous certificates");
    }
  }
}

/** The settings of a TLS listener, which must have a key store (and a trust store to verify clients). */
function usableSettings(config: BrokerConfig, listenerName: string): TlsSettings {
  const settings = tlsSettingsFor(config, listenerName);
  if (settings.keystore === null) {
    throw new TlsConfigError(
      `listener ${listenerName} uses TLS but has no key store: set ssl.keystore.type=PEM with ssl.keystore.location ` +
        `(or ssl.keystore.key and ssl.keystore.certificate.chain), or ssl.keystore.type=PKCS12 with ssl.keystore.location ` +
        `(listener.name.${listenerName.toLowerCase()}.ssl.* for this listener only)`,
    );
  }
  if (settings.clientAuth !== "none" && settings.truststore === null) {
    throw new TlsConfigError(`listener ${listenerName}: ssl.client.auth=${settings.clientAuth} needs a trust store (ssl.truststore.location or ssl.truststore.certificates) to verify client certificates`);
  }
  return settings;
}

/** The key and trust store files `settings` name. */
function storeFiles(settings: TlsSettings): string[] {
  return [settings.keystore?.location, settings.truststore?.location].filter((f): f is string => typeof f === "string");
}

function contextOptions(settings: TlsSettings, material: SecureContextOptions): SecureContextOptions {
  return {
    ...material,
    minVersion: settings.minVersion,
    maxVersion: settings.maxVersion,
    ciphers: opensslCipherList(settings.cipherSuites, settings.listenerName),
  };
}
