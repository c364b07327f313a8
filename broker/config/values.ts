/**
 * Parsing, validating and printing one value the way Kafka's ConfigDef does (parseType,
 * validators, convertToString), so that what a client sees in DescribeConfigs and in error
 * messages is what Apache Kafka would have shown for the same input.
 */
import {
  type ConfigKeyDef,
  type ParsedValue,
  type Validator,
  INT_MAX,
  INT_MIN,
  LONG_MAX,
  LONG_MIN,
} from "./config-def.js";
import { type Result, fail, invalidValueMessage, ok } from "./errors.js";

/** Java's String.trim(): strips every char <= U+0020, not just Unicode whitespace. */
export function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return s.slice(start, end);
}

// ConfigDef's COMMA_WITH_WHITESPACE; Java's \s is exactly these six characters.
const COMMA_WITH_WHITESPACE = /[ \t\n\x0B\f\r]*,[ \t\n\x0B\f\r]*/;

/** ConfigDef's LIST parsing: trim, then split as Java's String.split (trailing empties dropped). */
export function parseList(raw: string): string[] {
  const trimmed = javaTrim(raw);
  if (trimmed === "") return [];
  const parts = trimmed.split(COMMA_WITH_WHITESPACE);
  while (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

const INTEGER = /^[+-]?[0-9]+$/;
// Double.parseDouble's decimal grammar (hex floats left out: nobody configures a broker in them).
const DOUBLE = /^[+-]?(NaN|Infinity|(([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?)[fFdD]?)$/;

function parseIntegral(trimmed: string, min: bigint, max: bigint): bigint | undefined {
  if (!INTEGER.test(trimmed)) return undefined;
  const n = BigInt(trimmed);
  return n < min || n > max ? undefined : n;
}

/** Java's Double.toString, which Kafka uses when it prints a DOUBLE config. */
export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return "NaN";
  if (d === Infinity) return "Infinity";
  if (d === -Infinity) return "-Infinity";
  if (d === 0) return Object.is(d, -0) ? "-0.0" : "0.0";
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(d);
    return s.includes(".") ? s : `${s}.0`;
  }
  const [mantissa = "", exponent = ""] = d.toExponential().split("e");
  return `${mantissa.includes(".") ? mantissa : `${mantissa}.0`}E${exponent.replace("+", "")}`;
}

/** ConfigDef.convertToString: the canonical text of a parsed value. */
export function formatValue(value: ParsedValue, type: ConfigKeyDef["type"]): string | null {
  if (value === null) return null;
  if (type === "double" && typeof value === "number") return javaDoubleToString(value);
  if (Array.isArray(value)) return value.join(",");
  return String(value);
}

function shown(value: ParsedValue, type: ConfigKeyDef["type"]): string {
  return formatValue(value, type) ?? "null";
}

/** Runs a validator; returns Kafka's full ConfigException message when the value is invalid. */
export function checkValidator(def: ConfigKeyDef, validator: Validator, value: ParsedValue): string | undefined {
  switch (validator.kind) {
    case "range": {
      if (value === null) return invalidValueMessage(def.name, null, "Value must be non-null");
      const n = value as number | bigint;
      const below =
        validator.min !== undefined && (typeof n === "bigint" ? n < BigInt(validator.min) : n < Number(validator.min));
      if (below) return invalidValueMessage(def.name, shown(value, def.type), `Value must be at least ${validator.min}`);
      const above =
        validator.max !== undefined && (typeof n === "bigint" ? n > BigInt(validator.max) : n > Number(validator.max));
      if (above) return invalidValueMessage(def.name, shown(value, def.type), `Value must be no more than ${validator.max}`);
      return undefined;
    }
    case "oneOf": {
      if (value === null) return undefined;
      const s = String(value);
      const found = validator.caseInsensitive
        ? validator.values.some((v) => v.toLowerCase() === s.toLowerCase())
        : validator.values.includes(s);
      if (found) return undefined;
      const label = validator.caseInsensitive ? "String must be one of (case insensitive): " : "String must be one of: ";
      return invalidValueMessage(def.name, s, label + validator.values.join(", "));
    }
    case "listOf": {
      if (value === null) return undefined;
      const list = value as readonly string[];
      if (validator.nonEmpty && list.length === 0) {
        return invalidValueMessage(def.name, "", "Empty list is not allowed");
      }
      for (const element of list) {
        if (!validator.values.includes(element)) {
          return invalidValueMessage(def.name, element, `String must be one of: ${validator.values.join(", ")}`);
        }
      }
      if (validator.noDuplicates && new Set(list).size !== list.length) {
        return invalidValueMessage(def.name, list.join(","), `Configuration '${def.name}' values must not be duplicated.`);
      }
      return undefined;
    }
    case "custom": {
      const reason = validator.check(value);
      return reason === undefined ? undefined : invalidValueMessage(def.name, shown(value, def.type), reason);
    }
  }
}

/** Parses the raw text of a value for `def` and validates it. Never throws. */
export function parseValue(def: ConfigKeyDef, raw: string | null): Result<ParsedValue, string> {
  const parsed = parseType(def, raw);
  if (!parsed.ok) return parsed;
  if (def.validator !== undefined && parsed.value !== null) {
    const problem = checkValidator(def, def.validator, parsed.value);
    if (problem !== undefined) return fail(problem);
  }
  return parsed;
}

function parseType(def: ConfigKeyDef, raw: string | null): Result<ParsedValue, string> {
  if (raw === null) return ok(null);
  const trimmed = javaTrim(raw);
  const notA = (type: string) => fail(invalidValueMessage(def.name, raw, `Not a number of type ${type}`));
  switch (def.type) {
    case "boolean": {
      const lower = trimmed.toLowerCase();
      if (lower === "true") return ok(true);
      if (lower === "false") return ok(false);
      return fail(invalidValueMessage(def.name, raw, "Expected value to be either true or false"));
    }
    case "int": {
      const n = parseIntegral(trimmed, BigInt(INT_MIN), BigInt(INT_MAX));
      return n === undefined ? notA("INT") : ok(Number(n));
    }
    case "short": {
      const n = parseIntegral(trimmed, -32768n, 32767n);
      return n === undefined ? notA("SHORT") : ok(Number(n));
    }
    case "long": {
      const n = parseIntegral(trimmed, LONG_MIN, LONG_MAX);
      return n === undefined ? notA("LONG") : ok(n);
    }
    case "double": {
      if (!DOUBLE.test(trimmed)) return notA("DOUBLE");
      return ok(Number(trimmed.replace(/[fFdD]$/, "")));
    }
    case "list":
      return ok(parseList(raw));
    case "string":
    case "class":
    case "password":
      return ok(trimmed);
  }
}

/** The parsed form of a def's default; definitions are tested to parse, so a failure is a bug. */
export function parsedDefault(def: ConfigKeyDef): ParsedValue {
  if (def.default === undefined || def.default === null) return null;
  const parsed = parseType(def, def.default);
  if (!parsed.ok) throw new Error(`bad built-in default for ${def.name}: ${parsed.error}`);
  return parsed.value;
}

/** LONG values as numbers: exact below 2^53, and Kafka's Long.MAX_VALUE "never" stays huge. */
export function longToNumber(value: ParsedValue): number {
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "number") return value;
  throw new Error(`expected a number, got ${String(value)}`);
}
