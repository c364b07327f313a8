// The server-side assignors by name (group.consumer.assignors picks which are offered).
import type { ServerAssignor } from "./assignor.js";
import { RangeAssignor } from "./range-assignor.js";
import { UniformAssignor } from "./uniform-assignor.js";

const KNOWN: Record<string, () => ServerAssignor> = {
  uniform: () => new UniformAssignor(),
  range: () => new RangeAssignor(),
};

/** The configured assignors, in order; unknown names are rejected. */
export function serverAssignors(names: readonly string[]): Map<string, ServerAssignor> {
  const out = new Map<string, ServerAssignor>();
  for (const name of names) {
    // Kafka also accepts the class names of its built-in assignors.
    const short = name.replace(/^org\.apache\.kafka\.coordinator\.group\.assignor\./, "").replace(/Assignor$/, "").toLowerCase();
    const make = KNOWN[short];
    if (!make) throw new Error(`unknown server assignor ${name}`);
    const assignor = make();
    out.set(assignor.name, assignor);
  }
  if (out.size === 0) throw new Error("at least one server assignor must be configured");
  return out;
}
