/**
 * The shape of one configuration key, as data. Broker and topic definitions are both lists of
 * these; everything else in this folder (parsing, describing, altering) is driven by them so that
 * a key's type, default and update mode are written down exactly once.
 */

/** Kafka's ConfigDef.Type, lower-cased. */
export type ConfigType =
  | "boolean"
  | "string"
  | "int"
  | "short"
  | "long"
  | "double"
  | "list"
  | "class"
  | "password";

/**
 * DescribeConfigs' ConfigType field (DescribeConfigsResponse v3+). Numbers are wire values.
 */
export const DescribeConfigType = {
  UNKNOWN: 0,
  BOOLEAN: 1,
  STRING: 2,
  INT: 3,
  SHORT: 4,
  LONG: 5,
  DOUBLE: 6,
  LIST: 7,
  CLASS: 8,
  PASSWORD: 9,
} as const;
export type DescribeConfigTypeId = (typeof DescribeConfigType)[keyof typeof DescribeConfigType];

export function describeConfigTypeOf(type: ConfigType): DescribeConfigTypeId {
  switch (type) {
    case "boolean":
      return DescribeConfigType.BOOLEAN;
    case "string":
      return DescribeConfigType.STRING;
    case "int":
      return DescribeConfigType.INT;
    case "short":
      return DescribeConfigType.SHORT;
    case "long":
      return DescribeConfigType.LONG;
    case "double":
      return DescribeConfigType.DOUBLE;
    case "list":
      return DescribeConfigType.LIST;
    case "class":
      return DescribeConfigType.CLASS;
    case "password":
      return DescribeConfigType.PASSWORD;
  }
}

/**
 * DescribeConfigs' ConfigSource field (v1+). The admin client calls 1 DYNAMIC_TOPIC_CONFIG; the
 * broker's own enum calls it TOPIC_CONFIG. Same wire value.
 */
export const ConfigSource = {
  UNKNOWN: 0,
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
  CLIENT_METRICS_CONFIG: 7,
  GROUP_CONFIG: 8,
} as const;
export type ConfigSourceId = (typeof ConfigSource)[keyof typeof ConfigSource];

export type Importance = "high" | "medium" | "low";

/**
 * Kafka's DynamicBrokerConfig classes: read-only keys need a restart, per-broker keys may be set
 * for one broker id only, cluster-wide keys may be set for one broker or as the cluster default.
 */
export type UpdateMode = "read-only" | "per-broker" | "cluster-wide";

/**
 * Whether Millrace honours the key. `noop` keys are accepted silently because Node's model makes
 * them meaningless (thread pools, socket buffer sizes); `unimplemented` keys are valid Kafka keys
 * accepted with a start-up warning until the feature behind them exists.
 */
export type Implementation = "implemented" | "noop" | "unimplemented";

/** A validator, as data, so that its message can mirror Kafka's ConfigDef validators exactly. */
export type Validator =
  /** ConfigDef.Range: inclusive bounds; either may be absent. */
  | { readonly kind: "range"; readonly min?: number | bigint; readonly max?: number | bigint }
  /** ConfigDef.ValidString.in (case-sensitive unless stated) for string keys. */
  | { readonly kind: "oneOf"; readonly values: readonly string[]; readonly caseInsensitive?: boolean }
  /** ConfigDef.ValidList.in: every list element must be one of `values`. */
  | { readonly kind: "listOf"; readonly values: readonly string[]; readonly nonEmpty?: boolean; readonly noDuplicates?: boolean }
  /**
   * Anything else: returns the reason (the part after "Invalid value V for configuration K: ")
   * or undefined when valid. `describe` is the "Valid Values" text for docs.
   */
  | { readonly kind: "custom"; readonly describe: string; readonly check: (value: ParsedValue) => string | undefined };

/**
 * A parsed value. LONG keys are bigint here so that Long.MAX_VALUE round-trips exactly; typed
 * views (BrokerConfig, TopicConfig) convert to number.
 */
export type ParsedValue = boolean | number | bigint | string | readonly string[] | null;

export interface ConfigKeyDef {
  readonly name: string;
  readonly type: ConfigType;
  /**
   * The default in Kafka's string form (what DescribeConfigs reports for DEFAULT_CONFIG), after
   * Millrace's embedded defaults are applied; null = no value; undefined = required, no default.
   */
  readonly default: string | null | undefined;
  /** Apache Kafka's own default where Millrace's embedded default differs from it. */
  readonly kafkaDefault?: string | null | undefined;
  readonly validator?: Validator;
  readonly importance: Importance;
  /** One line, our own words. */
  readonly doc: string;
  readonly updateMode: UpdateMode;
  readonly implementation: Implementation;
  /**
   * SSL keystore/truststore keys: Kafka lets these change dynamically only with a
   * `listener.name.<listener>.` prefix.
   */
  readonly dynamicOnlyWithListenerPrefix?: boolean;
}

export const INT_MAX = 2147483647;
export const INT_MIN = -2147483648;
export const LONG_MAX = 9223372036854775807n;
export const LONG_MIN = -9223372036854775808n;
export const LONG_MAX_STRING = "9223372036854775807";
export const DOUBLE_MAX_STRING = "1.7976931348623157E308";

export function atLeast(min: number | bigint): Validator {
  return { kind: "range", min };
}

export function between(min: number | bigint, max: number | bigint): Validator {
  return { kind: "range", min, max };
}

export function oneOf(...values: string[]): Validator {
  return { kind: "oneOf", values };
}

export function listOf(...values: string[]): Validator {
  return { kind: "listOf", values };
}

/** Human text for a validator, in the form Kafka's docs use under "Valid Values". */
export function describeValidator(v: Validator | undefined): string {
  if (v === undefined) return "";
  switch (v.kind) {
    case "range":
      if (v.min !== undefined && v.max !== undefined) return `[${v.min},...,${v.max}]`;
      if (v.min !== undefined) return `[${v.min},...]`;
      return `[...,${v.max}]`;
    case "oneOf":
    case "listOf":
      return `[${v.values.join(", ")}]`;
    case "custom":
      return v.describe;
  }
}
