import { describe, expect, it } from "vitest";
import { formatProperties, parseProperties, toMap } from "./properties.js";

// Inputs and the maps java.util.Properties.load (OpenJDK 17) produced for them, captured once
// with a small Java program so these tests need no JVM.
const JAVA_CASES: Record<string, [string, Record<string, string>]> = {
  "basic": ["a=1\nb : 2\nc 3\n", {"a": "1", "b": "2", "c": "3"}],
  "comments": ["# comment\n! bang\n  # indented comment\nx=1 # not a comment\n#cont \\\ny=2\n", {"x": "1 # not a comment", "y": "2"}],
  "cont_comment": ["k=a\\\n# not comment\n", {"k": "a# not comment"}],
  "cont_empty": ["k=a\\\n\nb=c\n", {"b": "c", "k": "a"}],
  "continuation": ["long=first \\\n     second \\\n\tthird\nafter=ok\n", {"after": "ok", "long": "first second third"}],
  "cr_only": ["a=1\rb=2\r", {"a": "1", "b": "2"}],
  "crlf": ["a=1\r\nb=2\\\r\n   3\r\nc=4\r", {"a": "1", "b": "23", "c": "4"}],
  "double_bs": ["k=a\\\\\nnext=1\n", {"k": "a\\", "next": "1"}],
  "dup": ["a=1\na=2\n", {"a": "2"}],
  "empty_values": ["a=\nb\nc:\n=emptykey\n:x\n", {"": "x", "a": "", "b": "", "c": ""}],
  "eof_bs": ["k=abc\\", {"k": "abc"}],
  "eq_in_value": ["a=b=c:d\n", {"a": "b=c:d"}],
  "escaped_first_ws": ["k=\\  leading\n", {"k": "  leading"}],
  "escapes": ["tab=a\\tb\nnl=a\\nb\nu=caf\\u00e9\ncolon\\:key=v\\=x\nsp\\ ace=1\nbs=a\\\\\\\\b\nother=\\q\\z\n", {"bs": "a\\\\b", "colon:key": "v=x", "nl": "a\nb", "other": "qz", "sp ace": "1", "tab": "a\tb", "u": "caf\u00e9"}],
  "key_only_ws": ["key   \n", {"key": ""}],
  "mixed": ["listeners=PLAINTEXT://:9092,CONTROLLER://:9093\nlog.dirs=/tmp/a,\\\n  /tmp/b\n", {"listeners": "PLAINTEXT://:9092,CONTROLLER://:9093", "log.dirs": "/tmp/a,/tmp/b"}],
  "sep_chain": ["a==b\nc::d\ne :=f\ng = = h\ni  j  k\n", {"a": "=b", "c": ":d", "e": "=f", "g": "= h", "i": "j  k"}],
  "unicode_key": ["\\u0041BC=1\n", {"ABC": "1"}],
  "ws": ["   key1   =   value with trailing   \n\tkey2\t:\tv2\n\fkey3 v3\n", {"key1": "value with trailing   ", "key2": "v2", "key3": "v3"}],
};

function parse(text: string): Record<string, string> {
  const r = parseProperties(text);
  if (!r.ok) throw new Error(r.error.message);
  return Object.fromEntries(toMap(r.value));
}

describe("parseProperties matches java.util.Properties", () => {
  for (const [name, [input, expected]] of Object.entries(JAVA_CASES)) {
    it(name, () => {
      expect(parse(input)).toEqual(expected);
    });
  }
});

describe("parseProperties", () => {
  it("reports the line where each logical line starts", () => {
    const r = parseProperties("# c\n\na=1\nb=x\\\n  y\nc=3\n");
    expect(r.ok && r.value.map((e) => [e.key, e.line])).toEqual([["a", 3], ["b", 4], ["c", 6]]);
  });

  it("keeps duplicates in order and lets the last win in the map", () => {
    const r = parseProperties("a=1\na=2\n");
    expect(r.ok && r.value.map((e) => e.value)).toEqual(["1", "2"]);
    expect(parse("a=1\na=2\n")).toEqual({ a: "2" });
  });

  it("rejects a malformed \\u escape with its line", () => {
    const r = parseProperties("ok=1\nbad=\\u12G4\n");
    expect(r).toEqual({ ok: false, error: { line: 2, message: "Malformed \\uxxxx encoding." } });
    expect(parseProperties("bad=\\u12").ok).toBe(false);
  });

  it("handles empty input", () => {
    expect(parse("")).toEqual({});
    expect(parse("\n\n   \n")).toEqual({});
  });
});

describe("formatProperties", () => {
  it("round-trips awkward keys and values", () => {
    const entries: [string, string][] = [
      ["a b", " leading and trailing "],
      ["k=:#!", "v=:#!\\"],
      ["tab\tnl\n", "caf\u00e9 \u2603"],
      ["", "empty key"],
    ];
    expect(parse(formatProperties(entries))).toEqual(Object.fromEntries(entries));
  });
});
