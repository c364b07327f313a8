// The benchmark's pure arithmetic and table building (no brokers are started here).
// Run: npm exec -- vitest run --config test/bench/vitest.config.ts (the root config leaves test/bench out).
import { describe, expect, it } from "vitest";
import { formatRatio, formatSpread, median, percentile, ratio, spread, sumOrNaN } from "./stats.js";
import { markdownTable, ratioOf, summarize, type Sample } from "./report.js";
import { callersOf, summarizeProfile, type CpuProfile } from "./cpuprofile-top.js";
import { halfRandomRecord, payloadCount } from "./payload.js";

describe("median and spread", () => {
  it("takes the middle value, or the mean of the middle two", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });
  it("ignores missing values and is NaN when nothing is left", () => {
    expect(median([Number.NaN, 5, Number.POSITIVE_INFINITY, 1])).toBe(3);
    expect(median([])).toBeNaN();
    expect(spread([Number.NaN])).toEqual({ median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 });
  });
  it("reports min and max beside the median", () => {
    expect(spread([10, 30, 20])).toEqual({ median: 20, min: 10, max: 30, n: 3 });
  });
});

describe("percentile (nearest rank)", () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
  it("matches the nearest-rank definition", () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 99.9)).toBe(100);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([5, 1, 3], 50)).toBe(3);
    expect(percentile([2], 1)).toBe(2);
  });
  it("rejects p outside (0, 100]", () => {
    expect(() => percentile(hundred, 0)).toThrow(RangeError);
    expect(() => percentile(hundred, 101)).toThrow(RangeError);
  });
});

describe("ratio", () => {
  it("is ours / theirs, NaN when undefined", () => {
    expect(ratio(150, 100)).toBe(1.5);
    expect(ratio(1, 0)).toBeNaN();
    expect(ratio(Number.NaN, 2)).toBeNaN();
  });
  it("formats to three significant digits", () => {
    expect(formatRatio(1.23456)).toBe("1.23");
    expect(formatRatio(0.061234)).toBe("0.0612");
    expect(formatRatio(12.345)).toBe("12.3");
    expect(formatRatio(1234.5)).toBe("1235");
    expect(formatRatio(Number.NaN)).toBe("nan");
  });
  it("shows a spread as median (min–max)", () => {
    expect(formatSpread(spread([100, 120, 110]))).toBe("110 (100–120)");
    expect(formatSpread(spread([1.5]))).toBe("1.50");
    expect(formatSpread(spread([]))).toBe("–");
  });
});

describe("sum over a cluster's processes", () => {
  it("adds every node's figure", () => {
    expect(sumOrNaN([100, 200, 300])).toBe(600);
  });
  it("is NaN when a node could not be read or there is none, rather than a smaller total", () => {
    expect(sumOrNaN([100, Number.NaN, 300])).toBeNaN();
    expect(sumOrNaN([])).toBeNaN();
  });
});

describe("summary rows", () => {
  const s = (broker: "kafka" | "millrace", metric: Sample["metric"], run: number, value: number, workload = "1KiB×16p"): Sample =>
    ({ broker, mode: "pagecache", workload, metric, run, value });
  const samples = [
    s("kafka", "produceMiBs", 1, 100), s("kafka", "produceMiBs", 2, 120), s("kafka", "produceMiBs", 3, 110),
    s("millrace", "produceMiBs", 1, 50), s("millrace", "produceMiBs", 2, 60), s("millrace", "produceMiBs", 3, 55),
    s("kafka", "rssLoad", 1, 1000, "broker"), s("millrace", "rssLoad", 1, 400, "broker"),
  ];
  it("groups by workload and metric, with the ratio of medians", () => {
    const rows = summarize(samples);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ workload: "1KiB×16p", metric: "produceMiBs", kafka: { median: 110, min: 100, max: 120 }, millrace: { median: 55 } });
    expect(ratioOf(rows, "pagecache", "1KiB×16p", "produceMiBs")).toBe(0.5);
    expect(ratioOf(rows, "pagecache", "broker", "rssLoad")).toBe(0.4);
    expect(ratioOf(rows, "fsync", "broker", "rssLoad")).toBeNaN();
  });
  it("renders one markdown table per workload", () => {
    const md = markdownTable(summarize(samples), "3 nodes");
    expect(md).toContain("| produce, max rate | MiB/s | 110 (100–120) | 55.0 (50.0–60.0) | 0.500 (higher is better) |");
    expect(md.match(/^#### /gm)).toHaveLength(2);
    expect(md.match(/^#### .* — 3 nodes — /gm)).toHaveLength(2);
  });
});

describe("cpuprofile summary", () => {
  // root → main → (leaf A self 30 µs, leaf B self 10 µs); one idle sample.
  const profile: CpuProfile = {
    startTime: 1000,
    endTime: 1060,
    nodes: [
      { id: 1, callFrame: { functionName: "(root)", url: "", lineNumber: -1, columnNumber: -1 }, children: [2, 5] },
      { id: 2, callFrame: { functionName: "main", url: "file:///repo/dist/a.js", lineNumber: 0, columnNumber: 0 }, children: [3, 4] },
      { id: 3, callFrame: { functionName: "leafA", url: "file:///repo/dist/a.js", lineNumber: 9, columnNumber: 0 } },
      { id: 4, callFrame: { functionName: "leafB", url: "file:///repo/node_modules/pkg/b.js", lineNumber: 4, columnNumber: 0 } },
      { id: 5, callFrame: { functionName: "(idle)", url: "", lineNumber: -1, columnNumber: -1 } },
    ],
    // Each sample stands for the gap to the next one; the last stands for nothing.
    samples: [3, 3, 4, 5, 3],
    timeDeltas: [0, 10, 20, 10, 20],
  };
  it("attributes self and inclusive time, and leaves idle out of busy time", () => {
    const s = summarizeProfile(profile, "/repo");
    expect(s.totalUs).toBe(60);
    expect(s.idleUs).toBe(20);
    expect(s.busyUs).toBe(40);
    const a = s.functions.find((f) => f.name === "leafA")!;
    expect(a).toMatchObject({ selfUs: 30, totalUs: 30, file: "dist/a.js", line: 10 });
    expect(s.functions.find((f) => f.name === "main")).toMatchObject({ selfUs: 0, totalUs: 40 });
    expect(s.functions.find((f) => f.name === "leafB")?.file).toBe("node_modules/pkg/b.js");
    expect(s.files[0]).toEqual({ file: "dist/a.js", selfUs: 30 });
  });
  it("restricts to a time window and finds callers", () => {
    // Sample times are 1000, 1010, 1030, 1040, 1060.
    const s = summarizeProfile(profile, "/repo", { fromUs: 1005, toUs: 1035 });
    expect(s.totalUs).toBe(30);
    expect(s.functions.find((f) => f.name === "leafA")?.selfUs).toBe(20);
    expect(callersOf(profile, "leafA")).toEqual([{ path: ["main (a.js)"], selfUs: 30 }]);
  });
});

describe("payloads", () => {
  it("are exactly the record size, half random ASCII, no newline", () => {
    for (const size of [100, 1024, 65536]) {
      const r = halfRandomRecord(size);
      expect(r.length).toBe(size);
      expect(r.includes(10)).toBe(false);
      expect(r.subarray(size / 2).every((b) => b === 0x78)).toBe(true);
      expect(new Set(r.subarray(0, size / 2)).size).toBeGreaterThan(Math.min(40, size / 4));
    }
    expect(payloadCount(1024)).toBe(1000);
    expect(payloadCount(65536)).toBe(1000);
    expect(payloadCount(1 << 24)).toBe(16);
  });
});
