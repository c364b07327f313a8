import { describe, expect, it } from "vitest";
import { type ConfigKeyDef, atLeast, between, oneOf } from "./config-def.js";
import { formatValue, javaDoubleToString, javaTrim, parseList, parseValue } from "./values.js";

function def(type: ConfigKeyDef["type"], extra: Partial<ConfigKeyDef> = {}): ConfigKeyDef {
  return { name: "k", type, default: null, importance: "low", doc: "", updateMode: "read-only", implementation: "implemented", ...extra };
}

const value = (d: ConfigKeyDef, raw: string) => {
  const r = parseValue(d, raw);
  return r.ok ? r.value : `ERR ${r.error}`;
};

describe("parseValue follows ConfigDef.parseType", () => {
  it("booleans are case-insensitive and trimmed", () => {
    expect(value(def("boolean"), " TRUE ")).toBe(true);
    expect(value(def("boolean"), "False")).toBe(false);
    expect(value(def("boolean"), "yes")).toBe("ERR Invalid value yes for configuration k: Expected value to be either true or false");
  });

  it("ints, shorts and longs check their Java range", () => {
    expect(value(def("int"), " 42 ")).toBe(42);
    expect(value(def("int"), "+7")).toBe(7);
    expect(value(def("int"), "2147483648")).toBe("ERR Invalid value 2147483648 for configuration k: Not a number of type INT");
    expect(value(def("short"), "32768")).toBe("ERR Invalid value 32768 for configuration k: Not a number of type SHORT");
    expect(value(def("long"), "9223372036854775807")).toBe(9223372036854775807n);
    expect(value(def("long"), "9223372036854775808")).toMatch(/Not a number of type LONG/);
    expect(value(def("long"), "1e3")).toMatch(/Not a number of type LONG/);
    expect(value(def("int"), "")).toMatch(/Not a number of type INT/);
  });

  it("doubles accept Java's grammar", () => {
    expect(value(def("double"), "0.5")).toBe(0.5);
    expect(value(def("double"), "1e-3")).toBe(0.001);
    expect(value(def("double"), ".5d")).toBe(0.5);
    expect(value(def("double"), "abc")).toMatch(/Not a number of type DOUBLE/);
    expect(value(def("double"), "0x10")).toMatch(/Not a number of type DOUBLE/);
  });

  it("lists split on commas with blanks and drop trailing empties like String.split", () => {
    expect(parseList(" a , b,c ")).toEqual(["a", "b", "c"]);
    expect(parseList("")).toEqual([]);
    expect(parseList("   ")).toEqual([]);
    expect(parseList("a,,b")).toEqual(["a", "", "b"]);
    expect(parseList("a,b,,")).toEqual(["a", "b"]);
  });

  it("strings are trimmed the Java way (control characters too)", () => {
    expect(javaTrim("\u0001 x \t")).toBe("x");
    expect(value(def("string"), "  CreateTime ")).toBe("CreateTime");
  });
});

describe("validators give Kafka's messages", () => {
  it("range", () => {
    expect(value(def("long", { name: "retention.ms", validator: atLeast(-1) }), "-5")).toBe(
      "ERR Invalid value -5 for configuration retention.ms: Value must be at least -1",
    );
    expect(value(def("double", { validator: between(0, 1) }), "1.5")).toBe(
      "ERR Invalid value 1.5 for configuration k: Value must be no more than 1",
    );
  });

  it("one-of", () => {
    expect(value(def("string", { name: "compression.type", validator: oneOf("gzip", "producer") }), "GZIP")).toBe(
      "ERR Invalid value GZIP for configuration compression.type: String must be one of: gzip, producer",
    );
  });
});

describe("formatValue is ConfigDef.convertToString", () => {
  it("prints doubles like Java", () => {
    expect(javaDoubleToString(0.5)).toBe("0.5");
    expect(javaDoubleToString(1)).toBe("1.0");
    expect(javaDoubleToString(1e7)).toBe("1.0E7");
    expect(javaDoubleToString(9.999e-4)).toBe("9.999E-4");
    expect(javaDoubleToString(123456789)).toBe("1.23456789E8");
    expect(javaDoubleToString(Number.MAX_VALUE)).toBe("1.7976931348623157E308");
    expect(javaDoubleToString(-0)).toBe("-0.0");
    expect(javaDoubleToString(0.1 + 0.2)).toBe("0.30000000000000004");
  });

  it("canonicalises every type", () => {
    expect(formatValue(["a", "b"], "list")).toBe("a,b");
    expect(formatValue(12n, "long")).toBe("12");
    expect(formatValue(true, "boolean")).toBe("true");
    expect(formatValue(null, "string")).toBeNull();
  });
});
