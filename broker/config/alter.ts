/**
 * IncrementalAlterConfigs (and the SET/DELETE subset legacy AlterConfigs needs) applied to a
 * stored config map: a topic's overrides, or the broker's dynamic configs (per broker id or the
 * cluster default). Pure: the caller persists the returned map (as metadata ConfigRecords).
 *
 * Error codes and texts follow Kafka 4.0, where a request first passes the broker's
 * ConfigAdminManager.preprocess (INVALID_REQUEST for request-shape and broker-config problems,
 * KAFKA-13609) and then the controller (INVALID_CONFIG for topic configs).
 */
import { type ConfigKeyDef } from "./config-def.js";
import { type BrokerConfig, unknownKeyMessage, withDynamicLayers } from "./broker-config.js";
import { resolveBrokerKey } from "./definitions.js";
import { type ConfigApiError, type Result, fail, invalidConfig, invalidRequest, ok } from "./errors.js";
import { topicKeyDef } from "./topic-definitions.js";
import { validateTopicConfig } from "./topic-config.js";
import { parseValue } from "./values.js";

/** AlterConfigOp.OpType, with its wire ids. */
export const AlterOp = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;
export type AlterOpName = keyof typeof AlterOp;

export interface AlterConfigOp {
  readonly name: string;
  /** The op name or its wire id (IncrementalAlterConfigs' ConfigOperation). */
  readonly op: AlterOpName | number;
  /** null is allowed only for DELETE. */
  readonly value: string | null;
}

function opName(op: AlterOpName | number): AlterOpName | undefined {
  if (typeof op === "string") return op in AlterOp ? op : undefined;
  return (Object.keys(AlterOp) as AlterOpName[]).find((k) => AlterOp[k] === op);
}

/** Java's String.split(","): trailing empty strings are dropped, inner ones kept. */
function javaSplitComma(s: string): string[] {
  const parts = s.split(",");
  while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  return parts.length === 0 ? [""] : parts;
}

/** ConfigAdminManager.preprocess's request-shape checks, common to every resource type. */
function checkShape(ops: readonly AlterConfigOp[]): ConfigApiError | undefined {
  const seen = new Set<string>();
  for (const o of ops) {
    if (seen.has(o.name)) return invalidRequest("Error due to duplicate config keys");
    seen.add(o.name);
  }
  const nulls = ops.filter((o) => o.value === null && opName(o.op) !== "DELETE").map((o) => o.name);
  if (nulls.length > 0) return invalidRequest(`Null value not supported for : ${nulls.join(", ")}`);
  const unknown = ops.find((o) => opName(o.op) === undefined);
  if (unknown !== undefined) return invalidRequest(`Unknown operations type ${String(unknown.op)}`);
  return undefined;
}

/**
 * APPEND/SUBTRACT as the KRaft controller applies them: start from the stored value, else the
 * key's built-in default; APPEND adds elements not yet present, SUBTRACT removes one
 * occurrence of each; empty elements are dropped.
 */
function applyListOp(current: string | undefined, def: ConfigKeyDef, op: "APPEND" | "SUBTRACT", value: string): string {
  const start = current ?? (def.default ?? null);
  const list = start === null ? [] : start.split(",").filter((p) => p !== "");
  for (const v of javaSplitComma(value)) {
    if (op === "APPEND") {
      if (!list.includes(v)) list.push(v);
    } else {
      const i = list.indexOf(v);
      if (i >= 0) list.splice(i, 1);
    }
  }
  return list.join(",");
}

/**
 * Applies IncrementalAlterConfigs ops to a topic's overrides and validates the result (against
 * the broker's topic defaults when `broker` is given). Returns the new override map or Kafka's
 * error; never throws on user input.
 */
export function alterTopicConfigs(
  current: ReadonlyMap<string, string>,
  ops: readonly AlterConfigOp[],
  broker?: BrokerConfig,
): Result<Map<string, string>, ConfigApiError> {
  const shape = checkShape(ops);
  if (shape !== undefined) return fail(shape);
  const next = new Map(current);
  for (const o of ops) {
    const op = opName(o.op) as AlterOpName;
    if (op === "SET") next.set(o.name, o.value as string);
    else if (op === "DELETE") next.delete(o.name);
    else {
      const def = topicKeyDef(o.name);
      if (def === undefined || def.type !== "list") {
        return fail(invalidConfig(`Can't ${op} to key ${o.name} because its type is not LIST.`));
      }
      next.set(o.name, applyListOp(next.get(o.name), def, op, o.value as string));
    }
  }
  const validated = validateTopicConfig(next, broker);
  return validated.ok ? ok(next) : validated;
}

/**
 * Legacy AlterConfigs replaces a resource's whole config set; null values are refused up front.
 */
export function replaceTopicConfigs(
  configs: ReadonlyMap<string, string | null>,
  broker?: BrokerConfig,
): Result<Map<string, string>, ConfigApiError> {
  const nulls = [...configs].filter(([, v]) => v === null).map(([k]) => k);
  if (nulls.length > 0) return fail(invalidRequest(`Null value not supported for : ${nulls.join(", ")}`));
  const next = new Map(configs as ReadonlyMap<string, string>);
  const validated = validateTopicConfig(next, broker);
  return validated.ok ? ok(next) : validated;
}

/** Scala's Set.toString, which Kafka's DynamicBrokerConfig messages contain. */
function scalaSet(names: readonly string[]): string {
  return `Set(${names.join(", ")})`;
}

export interface BrokerAlterTarget {
  /** false for the cluster-wide default resource (name ""), true for one broker id. */
  readonly perBroker: boolean;
  /**
   * The running configuration. When given, the change is also checked in combination with every
   * other key (e.g. a new listeners value must still contain the inter-broker listener), as
   * Kafka does by building the would-be KafkaConfig.
   */
  readonly broker?: BrokerConfig;
}

/** Checks a dynamic broker config set the way DynamicBrokerConfig.validateConfigs does. */
function validateDynamicBrokerConfigs(props: ReadonlyMap<string, string>, perBroker: boolean): ConfigApiError | undefined {
  const nonDynamic: string[] = [];
  const needPrefix: string[] = [];
  const brokerOnly: string[] = [];
  for (const name of props.keys()) {
    const resolved = resolveBrokerKey(name);
    if (resolved === undefined) return invalidRequest(unknownKeyMessage(name));
    if (resolved.def.updateMode === "read-only") nonDynamic.push(name);
    else if (resolved.def.dynamicOnlyWithListenerPrefix && resolved.listener === undefined) needPrefix.push(name);
    else if (resolved.def.updateMode === "per-broker") brokerOnly.push(name);
  }
  if (nonDynamic.length > 0) return invalidRequest(`Cannot update these configs dynamically: ${scalaSet(nonDynamic)}`);
  if (needPrefix.length > 0) {
    return invalidRequest(
      `These security configs can be dynamically updated only per-listener using the listener prefix: ${scalaSet(needPrefix)}`,
    );
  }
  for (const [name, value] of props) {
    const def = (resolveBrokerKey(name) as { def: ConfigKeyDef }).def;
    const parsed = parseValue(def, value);
    if (!parsed.ok) return invalidRequest(parsed.error);
  }
  if (!perBroker && brokerOnly.length > 0) {
    return invalidRequest(
      `Cannot update these configs at default cluster level, broker id must be specified: ${scalaSet(brokerOnly)}`,
    );
  }
  return undefined;
}

/**
 * Applies IncrementalAlterConfigs ops to the broker's dynamic configs (one broker's, or the
 * cluster default) and validates the result. Returns the new dynamic map or Kafka's error.
 */
export function alterBrokerConfigs(
  current: ReadonlyMap<string, string>,
  ops: readonly AlterConfigOp[],
  target: BrokerAlterTarget,
): Result<Map<string, string>, ConfigApiError> {
  const shape = checkShape(ops);
  if (shape !== undefined) return fail(shape);
  const next = new Map(current);
  for (const o of ops) {
    const op = opName(o.op) as AlterOpName;
    if (op === "SET") next.set(o.name, o.value as string);
    else if (op === "DELETE") next.delete(o.name);
    else {
      const def = resolveBrokerKey(o.name)?.def;
      if (def === undefined) return fail(invalidConfig(`Unknown config name: ${o.name}`));
      if (def.type !== "list") {
        return fail(invalidRequest(`Config value ${op.toLowerCase()} is not allowed for config key: ${o.name}`));
      }
      next.set(o.name, applyListOp(next.get(o.name), def, op, o.value as string));
    }
  }
  const problem = validateDynamicBrokerConfigs(next, target.perBroker);
  if (problem !== undefined) return fail(problem);
  if (target.broker !== undefined) {
    const combined = withDynamicLayers(target.broker, target.perBroker ? { dynamicBroker: next } : { dynamicDefault: next });
    if (!combined.ok) return fail(invalidRequest(combined.error.message));
  }
  return ok(next);
}

/**
 * A broker resource name must be "" (cluster default) or this node's id; Kafka's checks.
 */
export function checkBrokerResourceName(name: string, nodeId: number): ConfigApiError | undefined {
  if (name === "") return undefined;
  if (!/^-?[0-9]+$/.test(name)) return invalidRequest(`Node id must be an integer, but it is: ${name}`);
  if (Number(name) !== nodeId) return invalidRequest(`Unexpected broker id, expected ${nodeId}, but received ${name}`);
  return undefined;
}
