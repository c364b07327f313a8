// The metadata quorum is static (controller.quorum.voters in every node's configuration): a
// change of the controllers would give nodes different voter sets during the rolling
// replacement, and Raft is not safe across nodes that disagree on the voters. So a spec that
// changes the voter set of a running cluster is refused until dynamic quorum changes
// (KIP-853: add/remove controller) are driven by the operator, a later issue.
import type { KubeObject } from "../../runtime/resource-type.js";
import { SERVER_PROPERTIES_KEY } from "./node-configmap.js";

const VOTERS_LINE = /^controller\.quorum\.voters=(.*)$/m;

/** The voters line of the live nodes' server.properties that differ from `desired`, if any (undefined: no change). */
export function voterChange(liveConfigMaps: readonly KubeObject[], desired: string): string | undefined {
  for (const cm of liveConfigMaps) {
    const text = (cm.data as Record<string, string> | undefined)?.[SERVER_PROPERTIES_KEY];
    const live = text?.match(VOTERS_LINE)?.[1];
    if (live !== undefined && live !== desired) return live;
  }
  return undefined;
}

/** The ids of a voters value ("0@host:9090,1@host:9090" → "0, 1"), for messages. */
export function voterIds(value: string): string {
  return value
    .split(",")
    .map((v) => v.split("@")[0])
    .join(", ");
}
