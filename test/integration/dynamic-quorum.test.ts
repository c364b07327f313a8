// A dynamic controller quorum (KIP-853, kraft.version 1): three dedicated controllers formatted
// with --initial-controllers and two brokers that know only controller.quorum.bootstrap.servers.
// Replacing a controller as an operator would with Kafka's own tool: one voter is killed (-9) for
// good; a new controller formatted with --no-initial-controllers starts, joins as an observer and
// catches up; `kafka-metadata-quorum add-controller` (its server.properties as --command-config)
// makes it a voter and `remove-controller` (through a broker, which forwards it) drops the dead one; `describe --status` shows the new
// set with directory ids. Then the active controller is killed: the new set elects a leader (the
// new controller's vote is needed for a majority) and a topic is created through a broker;
// `describe --replication` shows the leader and followers of the new set.
// Growing a quorum: one controller formatted --standalone, two more added with add-controller; when
// the first (the only bootstrap server anyone was given) dies, the two elect a leader and the broker
// finds it through the voter set it replicated.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { kafkaTool } from "./kafka-tool.js";
import { METADATA_QUORUM_COMMAND, quorumStatus as describeQuorumStatus } from "./metadata-quorum-tool.js";
import { brokersSeenBy, createTopicVia, describeQuorum, LocalCluster, partitionsSeenBy, type ClusterNode } from "./local-cluster.js";


/** `kafka-metadata-quorum --bootstrap-controller <address> describe --status`. */
function quorumStatus(address: string) {
  return describeQuorumStatus("--bootstrap-controller", address);
}

/** `kafka-metadata-quorum describe --replication`: node id, directory id and status (Leader, Follower, Observer) per row. */
function quorumReplication(address: string): { id: number; directoryId: string; status: string }[] {
  const r = kafkaTool(METADATA_QUORUM_COMMAND, ["--bootstrap-controller", address, "describe", "--replication"]);
  expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout
    .split("\n")
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((cells) => cells.length >= 7 && /^\d+$/.test(cells[0]!))
    .map((cells) => ({ id: Number(cells[0]), directoryId: cells[1]!, status: cells.at(-1)! }));
}

/** `kafka-metadata-quorum add-controller` for a node, with its server.properties as --command-config. */
function addController(cluster: LocalCluster, node: ClusterNode, via: ClusterNode): { status: number | null; stdout: string; stderr: string } {
  const config = join(node.dataDir, "server.properties");
  writeFileSync(config, cluster.serverProperties(node.id));
  return kafkaTool(METADATA_QUORUM_COMMAND, ["--bootstrap-controller", controllerAddress(via), "--command-config", config, "add-controller"]);
}

/** Waits until `node` fetches from the leader as an observer and has its whole log. */
async function caughtUpObserver(leader: ClusterNode, node: ClusterNode): Promise<void> {
  await vi.waitFor(
    async () => {
      const d = await describeQuorum(leader);
      const observer = d?.observers.find((o) => o.replicaId === node.id);
      const self = d?.currentVoters.find((v) => v.replicaId === leader.id);
      expect(observer?.logEndOffset).toBeGreaterThan(0n);
      expect(observer?.logEndOffset).toBe(self?.logEndOffset);
    },
    { timeout: 30_000, interval: 200 },
  );
}

const controllerAddress = (n: ClusterNode) => `127.0.0.1:${n.controllerPort}`;

describe("dynamic quorum (KIP-853) with kafka-metadata-quorum", () => {
  let cluster: LocalCluster | undefined;
  afterAll(() => cluster?.close());

  it("adds a new controller, removes a dead one, and the new set elects a leader", async () => {
    cluster = await LocalCluster.startDynamic({ controllers: 3, brokers: 2 }, ["broker.heartbeat.interval.ms=200", "broker.session.timeout.ms=2000"]);
    const first = await cluster.quorumLeader();
    expect(first.voters).toBe(3);
    const [b4, b5] = cluster.brokers;
    for (const n of cluster.brokers) {
      await vi.waitFor(async () => expect((await brokersSeenBy(n)).map(([id]) => id)).toEqual([4, 5]), { timeout: 30_000, interval: 100 });
    }

    // Kafka's tool shows the initial voters with the directory ids they were formatted with.
    const initial = quorumStatus(controllerAddress(first.node));
    expect(initial.leader).toBe(first.node.id);
    expect(initial.voters.map((v) => [v.id, v.directoryId])).toEqual([1, 2, 3].map((id) => [id, cluster!.directoryIdOf(id)]));
    expect(initial.voters[0]!.endpoints).toEqual([`CONTROLLER://127.0.0.1:${cluster.node(1).controllerPort}`]);
    expect(initial.observers.map((o) => o.id)).toEqual([4, 5]);
    expect(await createTopicVia(b4!, "before", 2, 2)).toBe(0);

    // One voter dies for good.
    const dead = cluster.controllers.find((n) => n.id !== first.node.id)!;
    await cluster.kill(dead.id);

    // Its replacement starts with no voter set: an observer that finds the leader through the bootstrap servers and catches up.
    const fresh = await cluster.addController();
    expect(fresh.id).toBe(6);
    await caughtUpObserver(first.node, fresh);

    // kafka-metadata-quorum add-controller, with the new controller's own configuration.
    const added = addController(cluster, fresh, first.node);
    expect(added.status, `${added.stdout}\n${added.stderr}`).toBe(0);
    expect(added.stdout).toContain(`Added controller ${fresh.id}`);
    const grown = quorumStatus(controllerAddress(first.node));
    expect(grown.voters.map((v) => v.id)).toEqual([1, 2, 3, 6]);
    const freshDirectoryId = grown.voters.find((v) => v.id === fresh.id)!.directoryId!;
    expect(freshDirectoryId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(grown.voters.find((v) => v.id === fresh.id)!.endpoints).toEqual([`CONTROLLER://127.0.0.1:${fresh.controllerPort}`]);

    // Adding it again is refused (DUPLICATE_VOTER).
    const again = addController(cluster, fresh, first.node);
    expect(again.status).not.toBe(0);
    expect(again.stderr + again.stdout).toMatch(/DuplicateVoter|already/i);

    // kafka-metadata-quorum remove-controller drops the dead voter: sent to a broker, which forwards it to the active controller.
    const removed = kafkaTool(METADATA_QUORUM_COMMAND, [
      "--bootstrap-server",
      `127.0.0.1:${b4!.port}`,
      "remove-controller",
      "--controller-id",
      String(dead.id),
      "--controller-directory-id",
      cluster.directoryIdOf(dead.id)!,
    ]);
    expect(removed.status, `${removed.stdout}\n${removed.stderr}`).toBe(0);
    const replaced = quorumStatus(controllerAddress(first.node));
    const newVoters = [1, 2, 3, 6].filter((id) => id !== dead.id);
    expect(replaced.voters.map((v) => v.id)).toEqual(newVoters);

    // The active controller dies: the two voters left (one of them the new controller) elect a leader.
    await cluster.kill(first.node.id);
    const next = await cluster.quorumLeader(45_000);
    expect(newVoters).toContain(next.node.id);
    expect(next.node.id).not.toBe(first.node.id);
    expect(next.voters).toBe(3);
    expect(next.epoch).toBeGreaterThan(first.epoch);
    const after = quorumStatus(controllerAddress(next.node));
    expect(after.leader).toBe(next.node.id);
    expect(after.voters.map((v) => v.id)).toEqual(newVoters);
    const rows = quorumReplication(controllerAddress(next.node));
    expect(rows.filter((r) => r.status === "Leader").map((r) => r.id)).toEqual([next.node.id]);
    expect(rows.filter((r) => r.status !== "Observer").map((r) => r.id).sort()).toEqual(newVoters);
    expect(rows.find((r) => r.id === fresh.id)?.directoryId).toBe(freshDirectoryId);

    // Brokers find the new leader (they knew only the bootstrap servers) and topic creation works.
    await vi.waitFor(async () => expect(await createTopicVia(b5!, "after", 2, 2)).toBe(0), { timeout: 45_000, interval: 500 });
    for (const n of cluster.brokers) await vi.waitFor(() => partitionsSeenBy(n, "after"), { timeout: 30_000, interval: 100 });
  });

  it("grows a quorum formatted --standalone, and brokers that knew only the first controller follow the new set", async () => {
    await cluster?.close();
    cluster = await LocalCluster.startDynamic({ controllers: 1, brokers: 1, standalone: true }, ["broker.heartbeat.interval.ms=200", "broker.session.timeout.ms=2000"]);
    const first = await cluster.quorumLeader();
    expect(first.node.id).toBe(1);
    expect(quorumStatus(controllerAddress(first.node)).voters).toEqual([
      { id: 1, directoryId: cluster.directoryIdOf(1), endpoints: [`CONTROLLER://127.0.0.1:${first.node.controllerPort}`] },
    ]);
    const broker = cluster.brokers[0]!;
    await vi.waitFor(async () => expect((await brokersSeenBy(broker)).map(([id]) => id)).toEqual([2]), { timeout: 30_000, interval: 100 });

    for (const id of [3, 4]) {
      const node = await cluster.addController();
      expect(node.id).toBe(id);
      await caughtUpObserver(first.node, node);
      const added = addController(cluster, node, first.node);
      expect(added.status, `${added.stdout}\n${added.stderr}`).toBe(0);
    }
    expect(quorumStatus(controllerAddress(first.node)).voters.map((v) => v.id)).toEqual([1, 3, 4]);

    // The first controller, the only bootstrap server anyone was given, dies: the other two elect a
    // leader, and the broker finds it through the voter set it replicated.
    await cluster.kill(1);
    const next = await cluster.quorumLeader(45_000);
    expect([3, 4]).toContain(next.node.id);
    await vi.waitFor(async () => expect(await createTopicVia(broker, "grown", 1, 1)).toBe(0), { timeout: 45_000, interval: 500 });
    await vi.waitFor(() => partitionsSeenBy(broker, "grown"), { timeout: 30_000, interval: 100 });
  });
});
