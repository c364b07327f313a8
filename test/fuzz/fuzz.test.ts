// The CI-sized fuzz run: 50,000 mutated frames (fixed seed) against a broker process, which must
// keep answering liveness checks, log no error, and hand back the data produced before, byte for
// byte, before and after a restart. `npm run fuzz -- --frames 1000000` is the full run.
import { describe, expect, it } from "vitest";
import { runFuzz } from "./fuzz-run.js";
import { summaryLine } from "./fuzz-summary.js";

const FRAMES = 50_000;
const SEED = 20_251_201;

describe("fuzzing the broker with mutated real-client frames", () => {
  it(`survives ${FRAMES} mutated frames with the earlier data intact`, async () => {
    const result = await runFuzz({ frames: FRAMES, seed: SEED });
    const summary = summaryLine(result);
    expect(result.failures, summary).toEqual([]);
    expect(result.traffic.sent).toBe(FRAMES);
    // Every frame was read by the broker: answered, followed by a close, or held past the stall time.
    expect(result.traffic.answered + result.traffic.closedByBroker + result.traffic.stalled).toBeGreaterThanOrEqual(FRAMES);
    expect(result.dataProblem).toBeNull();
    // At most one warn line per bad frame, and no line carrying whole buffers.
    expect(result.log.byLevel.warn ?? 0).toBeLessThanOrEqual(FRAMES);
    expect(result.log.longestLine).toBeLessThan(4_096);
  }, 300_000);
});
