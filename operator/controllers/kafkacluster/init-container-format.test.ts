// The init container's command, run for real: `storage format` (the broker's own CLI) reads the
// server.properties the reconciler writes and formats the node's log directory. The one change
// is log.dirs, overridden to a temp dir (in the Pod it is the mounted volume).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runStorageCommand } from "../../../broker/cli/storage-command.js";
import { nodePrincipal, operatorPrincipal, PRINCIPAL_MAPPING_RULES } from "../../pki/cluster-certificates.js";
import { newClusterId } from "./cluster-id.js";
import { planNodes } from "./node-layout.js";
import { CONFIG_FILE, nodePod } from "./node-pod.js";
import { serverProperties } from "./server-properties.js";
import { exampleCluster } from "./test-fixtures.js";

describe("the init container's storage format", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "millrace-format-"));
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it("formats every node of the example with its id and the cluster id, and again is a no-op (--ignore-formatted)", () => {
    const cluster = exampleCluster("kafka");
    const { nodes } = planNodes("demo", cluster.spec, []);
    const clusterId = newClusterId();
    for (const node of nodes) {
      const text = serverProperties({
        clusterName: "demo",
        namespace: "kafka",
        spec: cluster.spec,
        node,
        nodes,
        nodePrincipal: nodePrincipal("demo"),
        operatorPrincipal: operatorPrincipal("demo"),
        principalMappingRules: PRINCIPAL_MAPPING_RULES,
      });
      const pool = cluster.spec.nodePools.find((p) => p.name === node.pool)!;
      const pod = nodePod({ clusterName: "demo", namespace: "kafka", spec: cluster.spec, pool, node, image: "millrace:0.1.0", version: "0.1.0", clusterId, serverProperties: text });
      const configFile = join(dir, `${node.podName}.properties`);
      writeFileSync(configFile, text);
      const logDir = join(dir, node.podName);
      // The Pod's arguments, with the config path and the log dir pointed at the temp dir.
      const [command, ...args] = pod.spec!.initContainers![0]!.args!.map((a) => (a === CONFIG_FILE ? configFile : a));
      expect(command).toBe("storage");
      expect(runStorageCommand([...args, "--override", `log.dirs=${logDir}`])).toBe(0);
      const meta = readFileSync(join(logDir, "meta.properties"), "utf8");
      expect(meta).toContain(`cluster.id=${clusterId}`);
      expect(meta).toContain(`node.id=${node.nodeId}`);
      expect(runStorageCommand([...args, "--override", `log.dirs=${logDir}`])).toBe(0);
    }
  });
});
