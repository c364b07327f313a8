/**
 * Merges the static config sources into one layer, lowest priority first:
 *   built-in defaults < --config FILE < MILLRACE_* environment variables < --override key=value
 * Each entry remembers where it came from so start-up errors can point at the exact line,
 * variable or flag.
 */
import { ConfigError } from "./errors.js";
import { parseProperties } from "./properties.js";
import type { StaticEntry } from "./synonyms.js";

export const ENV_PREFIX = "MILLRACE_";

/**
 * MILLRACE_ variables that belong to tooling, not to the broker config; everything else with the
 * prefix must name a config key. Add here rather than loosening the check.
 */
export const NON_CONFIG_ENV_VARS: ReadonlySet<string> = new Set([
  "MILLRACE_SKIP_COMPAT",
  // The log level of broker/logger.ts (pino: trace, debug, info, warn, error).
  "MILLRACE_LOG_LEVEL",
]);
/** Prefix reserved for test tooling. */
export const TEST_ENV_PREFIX = "MILLRACE_TEST_";

/**
 * MILLRACE_LOG_RETENTION_HOURS → log.retention.hours. As in Confluent's images, a double
 * underscore stands for "_" and a triple one for "-", for the rare key that contains them.
 */
export function envVarToKey(name: string): string | undefined {
  if (!name.startsWith(ENV_PREFIX) || name === ENV_PREFIX) return undefined;
  return name
    .slice(ENV_PREFIX.length)
    .toLowerCase()
    .replace(/___/g, "\u0001")
    .replace(/__/g, "\u0002")
    .replace(/_/g, ".")
    .replace(/\u0001/g, "-")
    .replace(/\u0002/g, "_");
}

/** The inverse of envVarToKey, for docs and error hints. */
export function keyToEnvVar(key: string): string {
  const encoded = [...key].map((c) => (c === "-" ? "___" : c === "_" ? "__" : c === "." ? "_" : c)).join("");
  return ENV_PREFIX + encoded.toUpperCase();
}

export interface StaticSources {
  /** Text of the --config file and the name to show in messages. */
  readonly file?: { readonly path: string; readonly text: string };
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Raw `key=value` arguments of --override, in command-line order. */
  readonly overrides?: readonly string[];
}

/**
 * Collects the static layer. Only syntax is checked here (file format, `key=value` shape); key
 * names and values are validated by buildBrokerConfig, which knows every definition.
 */
export function collectStaticConfig(sources: StaticSources): Map<string, StaticEntry> {
  const layer = new Map<string, StaticEntry>();

  if (sources.file !== undefined) {
    const { path, text } = sources.file;
    const parsed = parseProperties(text);
    if (!parsed.ok) throw new ConfigError(parsed.error.message, undefined, `${path}:${parsed.error.line}`);
    for (const e of parsed.value) {
      layer.set(e.key, { value: e.value, origin: "file", location: `${path}:${e.line}` });
    }
  }

  const envNames = Object.keys(sources.env ?? {}).filter((n) => n.startsWith(ENV_PREFIX)).sort();
  for (const name of envNames) {
    if (NON_CONFIG_ENV_VARS.has(name) || name.startsWith(TEST_ENV_PREFIX)) continue;
    const value = sources.env?.[name];
    const key = envVarToKey(name);
    if (value === undefined || key === undefined) continue;
    layer.set(key, { value, origin: "env", location: `environment variable ${name}` });
  }

  for (const arg of sources.overrides ?? []) {
    const eq = arg.indexOf("=");
    if (eq <= 0) {
      throw new ConfigError(`--override expects key=value, got '${arg}'`, undefined, "--override");
    }
    const key = arg.slice(0, eq).trim();
    layer.set(key, { value: arg.slice(eq + 1), origin: "override", location: `--override ${key}` });
  }
  return layer;
}
