/**
 * Java `.properties` text → ordered key/value entries, following java.util.Properties.load
 * (its LineReader and loadConvert) rather than any looser dialect, because server.properties
 * files are written for Kafka and must mean the same thing here.
 *
 * We wrote this instead of depending on an npm parser: the format is ~100 lines of well-specified
 * behaviour, the tests pin it against outputs captured from Java 17, and a dependency would have
 * to match Java on the same corner cases anyway.
 */
import { type Result, fail, ok } from "./errors.js";

export interface PropertyEntry {
  readonly key: string;
  readonly value: string;
  /** 1-based number of the natural line where the logical line starts. */
  readonly line: number;
}

export interface PropertiesSyntaxError {
  readonly line: number;
  readonly message: string;
}

const isBlank = (c: string) => c === " " || c === "\t" || c === "\f";
const isEol = (c: string) => c === "\n" || c === "\r";

interface LogicalLine {
  readonly text: string;
  readonly line: number;
}

/** Java's LineReader: joins continuation lines, drops comments and blank lines. */
function logicalLines(input: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  let i = 0;
  let lineNo = 1;
  const n = input.length;
  while (i < n) {
    // Start of a natural line that may begin a logical line.
    while (i < n && isBlank(input[i] as string)) i++;
    if (i >= n) break;
    const first = input[i] as string;
    if (isEol(first)) {
      i += first === "\r" && input[i + 1] === "\n" ? 2 : 1;
      lineNo++;
      continue;
    }
    if (first === "#" || first === "!") {
      // A comment ends at the end of its natural line, whatever it ends with.
      while (i < n && !isEol(input[i] as string)) i++;
      continue;
    }
    const startLine = lineNo;
    let buf = "";
    let precedingBackslash = false;
    for (;;) {
      if (i >= n) {
        // A backslash before end of input continues into nothing: Java drops it.
        if (precedingBackslash) buf = buf.slice(0, -1);
        break;
      }
      const c = input[i] as string;
      if (!isEol(c)) {
        buf += c;
        precedingBackslash = c === "\\" ? !precedingBackslash : false;
        i++;
        continue;
      }
      i += c === "\r" && input[i + 1] === "\n" ? 2 : 1;
      lineNo++;
      if (!precedingBackslash) break;
      buf = buf.slice(0, -1);
      precedingBackslash = false;
      // The continuation line's leading blanks are not part of the value.
      while (i < n && isBlank(input[i] as string)) i++;
    }
    out.push({ text: buf, line: startLine });
  }
  return out;
}

/** Java's loadConvert: resolves \t \n \r \f \uXXXX and "backslash + any char → that char". */
function unescape(s: string): string | undefined {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c !== "\\") {
      out += c;
      continue;
    }
    i++;
    if (i >= s.length) break;
    const e = s[i] as string;
    if (e === "u") {
      const hex = s.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return undefined;
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else if (e === "t") out += "\t";
    else if (e === "r") out += "\r";
    else if (e === "n") out += "\n";
    else if (e === "f") out += "\f";
    else out += e;
  }
  return out;
}

/** Splits a logical line into key and value the way Properties.load0 does. */
function splitKeyValue(text: string): { key: string; value: string } {
  let keyLen = 0;
  let valueStart = text.length;
  let hasSep = false;
  let precedingBackslash = false;
  while (keyLen < text.length) {
    const c = text[keyLen] as string;
    if ((c === "=" || c === ":") && !precedingBackslash) {
      valueStart = keyLen + 1;
      hasSep = true;
      break;
    }
    if (isBlank(c) && !precedingBackslash) {
      valueStart = keyLen + 1;
      break;
    }
    precedingBackslash = c === "\\" ? !precedingBackslash : false;
    keyLen++;
  }
  while (valueStart < text.length) {
    const c = text[valueStart] as string;
    if (!isBlank(c)) {
      if (!hasSep && (c === "=" || c === ":")) hasSep = true;
      else break;
    }
    valueStart++;
  }
  return { key: text.slice(0, keyLen), value: text.slice(valueStart) };
}

/** Parses `.properties` text. Later duplicates are kept in the list; `toMap` lets the last win. */
export function parseProperties(input: string): Result<PropertyEntry[], PropertiesSyntaxError> {
  const entries: PropertyEntry[] = [];
  for (const { text, line } of logicalLines(input)) {
    const raw = splitKeyValue(text);
    const key = unescape(raw.key);
    const value = unescape(raw.value);
    if (key === undefined || value === undefined) {
      return fail({ line, message: "Malformed \\uxxxx encoding." });
    }
    entries.push({ key, value, line });
  }
  return ok(entries);
}

/** Last occurrence wins, as with java.util.Properties. */
export function toMap(entries: readonly PropertyEntry[]): Map<string, string> {
  return new Map(entries.map((e) => [e.key, e.value]));
}

/** Writes entries in a form `parseProperties` (and Java) reads back to the same strings. */
export function formatProperties(entries: Iterable<readonly [string, string]>): string {
  const escape = (s: string, isKey: boolean) => {
    let out = "";
    for (let i = 0; i < s.length; i++) {
      const c = s[i] as string;
      const code = c.charCodeAt(0);
      if (c === "\\") out += "\\\\";
      else if (c === "\t") out += "\\t";
      else if (c === "\n") out += "\\n";
      else if (c === "\r") out += "\\r";
      else if (c === "\f") out += "\\f";
      else if (c === "=" || c === ":" || c === "#" || c === "!") out += `\\${c}`;
      else if (c === " " && (isKey || i === 0)) out += "\\ ";
      else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, "0")}`;
      else out += c;
    }
    return out;
  };
  let text = "";
  for (const [k, v] of entries) text += `${escape(k, true)}=${escape(v, false)}\n`;
  return text;
}
