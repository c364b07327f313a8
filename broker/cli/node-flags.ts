// The Node (V8) flags every broker process starts with. V8 takes heap sizing only on the command
// line (NODE_OPTIONS refuses it, and v8.setFlagsFromString is too late once the heap exists), so
// each launcher passes them: the image's ENTRYPOINT, the CLI's shebang (broker/main.ts),
// `npm start`, and the nodes `millrace cluster up` spawns. node-flags.test.ts keeps them in step.
//
// --initial-old-space-size=256: a broker's JS heap is small (~10–20 MB live) while hundreds of
// MB/s of Buffers pass through it. With external memory counted toward the global heap limit
// (v8-flags.ts), that limit starts from the tiny initial heap, so every few tens of MB of Buffers
// started a full mark-compact: 18 in 12 s at 55 MB/s of produce, 5–12 ms pauses plus incremental
// marking steps up to 15 ms, the whole of the p99 produce→ack tail. Starting the limit at 256 MB
// lets scavenges (which free dead young Buffers) keep up: 0 mark-compacts in 40 s at the same rate,
// p99 25 → 11 ms. It is a threshold, not a reservation: idle memory is unchanged.
export const BROKER_NODE_FLAGS: readonly string[] = ["--initial-old-space-size=256"];
