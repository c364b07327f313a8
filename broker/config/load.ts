/**
 * Start-up entry point: command line + environment + file → a validated BrokerConfig, or a
 * ConfigError the CLI prints on one line before exiting 1.
 */
import { readFileSync } from "node:fs";
import { parseConfigArgs } from "./args.js";
import { type BrokerConfig, buildBrokerConfig } from "./broker-config.js";
import { ConfigError } from "./errors.js";
import { collectStaticConfig } from "./sources.js";

export interface LoadOptions {
  /** Arguments after `millrace broker`; only config flags are read, the rest is ignored here. */
  readonly argv?: readonly string[];
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Injected for tests; defaults to reading UTF-8 from disk. */
  readonly readFile?: (path: string) => string;
}

export function loadBrokerConfig(options: LoadOptions = {}): BrokerConfig {
  const args = parseConfigArgs(options.argv ?? []);
  let file: { path: string; text: string } | undefined;
  if (args.configFile !== undefined) {
    const path = args.configFile;
    try {
      // UTF-8, where Kafka reads ISO-8859-1: identical for ASCII, and right for non-ASCII paths.
      file = { path, text: (options.readFile ?? ((p) => readFileSync(p, "utf8")))(path) };
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      throw new ConfigError(`cannot read config file ${path}: ${reason}`);
    }
  }
  const staticLayer = collectStaticConfig({
    ...(file !== undefined ? { file } : {}),
    env: options.env ?? {},
    overrides: args.overrides,
  });
  return buildBrokerConfig({ static: staticLayer, dynamicDefault: new Map(), dynamicBroker: new Map() });
}
