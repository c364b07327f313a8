// Global setup of the cluster suite: Kafka's Java clients and tools (Maven Central jars, cached in
// ~/.cache/millrace by test/tools/install.sh; instant when warm), for kafka-tools.test.ts.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

export default function setup(): void {
  const install = resolve(import.meta.dirname, "../tools/install.sh");
  const r = spawnSync("bash", [install, "java-clients"], { stdio: ["ignore", "ignore", "inherit"], timeout: 900_000 });
  if (r.status !== 0) throw new Error(`test/tools/install.sh java-clients failed (${r.status ?? r.signal})`);
}
