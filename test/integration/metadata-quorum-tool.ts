// Apache Kafka's `kafka-metadata-quorum describe --status`, run against a cluster and parsed: the
// leader, the voters and the observers as the tool prints them.
import { expect } from "vitest";
import { kafkaTool } from "./kafka-tool.js";

export const METADATA_QUORUM_COMMAND = "org.apache.kafka.tools.MetadataQuorumCommand";

/** One replica of a `describe --status` line (directory id and endpoints only for dynamic quorums). */
export interface QuorumReplicaView {
  id: number;
  directoryId?: string;
  endpoints?: string[];
}

/** The replicas in a line such as `CurrentVoters: [{"id": 1, "directoryId": "…", "endpoints": […]}, …]`, by id. */
function replicasIn(stdout: string, field: string): QuorumReplicaView[] {
  const line = stdout.split("\n").find((l) => l.startsWith(`${field}:`));
  if (!line) throw new Error(`no ${field} in:\n${stdout}`);
  return (JSON.parse(line.slice(line.indexOf("["))) as QuorumReplicaView[]).sort((a, b) => a.id - b.id);
}

/** `describe --status` through `--bootstrap-server` (a broker) or `--bootstrap-controller`; fails the test if the tool fails. */
export function quorumStatus(
  how: "--bootstrap-server" | "--bootstrap-controller",
  address: string,
): { leader: number; voters: QuorumReplicaView[]; observers: QuorumReplicaView[] } {
  const r = kafkaTool(METADATA_QUORUM_COMMAND, [how, address, "describe", "--status"]);
  expect(r.status, `${how} ${address}: ${r.stdout}\n${r.stderr}`).toBe(0);
  return {
    leader: Number(/LeaderId:\s*(\d+)/.exec(r.stdout)![1]),
    voters: replicasIn(r.stdout, "CurrentVoters"),
    observers: replicasIn(r.stdout, "CurrentObservers"),
  };
}
