// V8 settings for a broker process, applied when this module is first imported (main.ts imports
// it before anything else, so they hold before the heap fills up).
//
// --external-memory-accounted-in-global-limit: a broker moves hundreds of MB/s through Buffers,
// which live outside V8's heap (external memory). By default each ~64 MB of new external memory
// starts a full mark-compact of the JS heap even when that heap is 10 MB: ~110 full GCs for 1 GiB
// produced and consumed, 25 % of the broker's CPU and its worst latency spikes. With the flag the
// external bytes count toward the global heap limit instead, which grows with the live set:
// ~40 full GCs for the same work (measured with --trace-gc; see test/bench/README.md).
import { setFlagsFromString } from "node:v8";

const V8_FLAGS = ["--external-memory-accounted-in-global-limit"] as const;

for (const flag of V8_FLAGS) setFlagsFromString(flag);
