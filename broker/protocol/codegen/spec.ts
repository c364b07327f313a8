// Reads Apache Kafka's JSON message definitions (JSON with `//` comments) into typed specs.
import { readFileSync } from "node:fs";

/** An inclusive version range; `max` null means open-ended; `none` is represented by null range. */
export interface VersionRange {
  min: number;
  max: number | null;
}

export interface FieldSpec {
  name: string;
  type: string;
  versions: VersionRange | null;
  nullableVersions: VersionRange | null;
  taggedVersions: VersionRange | null;
  tag: number | null;
  /** A field-level override of the message's flexible versions (RequestHeader.ClientId uses "none"). */
  flexibleVersions: VersionRange | null | undefined;
  default: string | undefined;
  about: string | undefined;
  fields: FieldSpec[] | undefined;
}

export interface StructSpec {
  name: string;
  fields: FieldSpec[];
}

export interface MessageSpec {
  apiKey: number | null;
  type: string;
  name: string;
  validVersions: VersionRange;
  flexibleVersions: VersionRange | null;
  fields: FieldSpec[];
  commonStructs: StructSpec[];
  latestVersionUnstable: boolean;
}

/** Removes `//` comments outside string literals. */
export function stripComments(text: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      out += ch;
      if (ch === "\\") out += text[++i] ?? "";
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
      out += ch;
    } else if (ch === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else {
      out += ch;
    }
  }
  return out;
}

export function parseVersions(text: string | undefined, what: string): VersionRange | null {
  if (text === undefined || text === "none") return null;
  const plus = /^(\d+)\+$/.exec(text);
  if (plus) return { min: Number(plus[1]), max: null };
  const range = /^(\d+)-(\d+)$/.exec(text);
  if (range) return { min: Number(range[1]), max: Number(range[2]) };
  const single = /^(\d+)$/.exec(text);
  if (single) return { min: Number(single[1]), max: Number(single[1]) };
  throw new Error(`${what}: cannot parse version range ${JSON.stringify(text)}`);
}

function parseField(raw: Record<string, unknown>, where: string): FieldSpec {
  const name = String(raw.name);
  const at = `${where}.${name}`;
  return {
    name,
    type: String(raw.type),
    versions: parseVersions(raw.versions as string | undefined, at),
    nullableVersions: parseVersions(raw.nullableVersions as string | undefined, at),
    taggedVersions: parseVersions(raw.taggedVersions as string | undefined, at),
    tag: raw.tag === undefined ? null : Number(raw.tag),
    flexibleVersions:
      raw.flexibleVersions === undefined ? undefined : parseVersions(raw.flexibleVersions as string, at),
    default: raw.default === undefined ? undefined : String(raw.default),
    about: raw.about === undefined ? undefined : String(raw.about),
    fields: Array.isArray(raw.fields)
      ? (raw.fields as Record<string, unknown>[]).map((f) => parseField(f, at))
      : undefined,
  };
}

export function parseMessageSpec(text: string, file: string): MessageSpec {
  const raw = JSON.parse(stripComments(text)) as Record<string, unknown>;
  const name = String(raw.name);
  const validVersions = parseVersions(raw.validVersions as string, name);
  if (!validVersions) throw new Error(`${file}: message ${name} has no valid versions`);
  return {
    apiKey: raw.apiKey === undefined ? null : Number(raw.apiKey),
    type: String(raw.type),
    name,
    validVersions,
    flexibleVersions: parseVersions(raw.flexibleVersions as string | undefined, name),
    fields: ((raw.fields as Record<string, unknown>[]) ?? []).map((f) => parseField(f, name)),
    commonStructs: ((raw.commonStructs as Record<string, unknown>[]) ?? []).map((s) => ({
      name: String(s.name),
      fields: (s.fields as Record<string, unknown>[]).map((f) => parseField(f, String(s.name))),
    })),
    latestVersionUnstable: raw.latestVersionUnstable === true,
  };
}

export function readMessageSpec(path: string): MessageSpec {
  return parseMessageSpec(readFileSync(path, "utf8"), path);
}
