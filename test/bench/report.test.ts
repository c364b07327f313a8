// The floor table: each fixed-rate figure's floor (median and spread over the runs) beside both
// brokers' medians, and floor / Kafka.
import { describe, expect, it } from "vitest";
import { markdownFloorTable, summarize, summarizeFloor, type FloorSample, type Sample } from "./report.js";

const brokerSample = (broker: "kafka" | "millrace", run: number, value: number): Sample => ({ broker, mode: "pagecache", workload: "1KiB×16p @50%", metric: "latencyP99", run, value });
const floorSample = (run: number, value: number): FloorSample => ({ mode: "pagecache", workload: "1KiB×16p @50%", metric: "latencyP99", run, value });

describe("floor table", () => {
  const rows = summarize([brokerSample("kafka", 1, 24), brokerSample("kafka", 2, 11), brokerSample("kafka", 3, 36), brokerSample("millrace", 1, 14), brokerSample("millrace", 2, 12), brokerSample("millrace", 3, 39)]);

  it("gives the floor's median and spread, both brokers' medians, and floor / Kafka", () => {
    const [row, ...rest] = summarizeFloor([floorSample(1, 8), floorSample(2, 18), floorSample(3, 8)], rows);
    expect(rest).toEqual([]);
    expect(row).toMatchObject({ workload: "1KiB×16p @50%", metric: "latencyP99", floor: { median: 8, min: 8, max: 18, n: 3 }, kafka: 24, millrace: 14 });
    expect(row!.bestRatio).toBeCloseTo(8 / 24);
  });

  it("renders one line per figure, and nothing without floor samples", () => {
    const table = markdownFloorTable(summarizeFloor([floorSample(1, 8)], rows));
    expect(table).toContain("| 1KiB×16p @50% | pagecache | produce→ack p99 | ms | 8.00 | 24.0 | 14.0 | 0.333 |");
    expect(markdownFloorTable([])).toBe("");
  });
});
