// Once per e2e run: the kind cluster (test/kind/up.sh: Docker, tools, node image, broker image,
// cluster "millrace" created or reused, broker image loaded, nodes Ready, CoreDNS up) and the
// client image (client-image.sh, loaded into the zone-b worker). Each script is idempotent and
// prints KEY=value lines; warm, this takes seconds. A cluster this run created is deleted at the
// end (so `npm test` leaves no containers behind) unless MILLRACE_KIND_KEEP=1; one that was
// already running (`npm run kind:up`) is reused and left running. Each test file makes and
// deletes its own namespace.
import { spawn } from "node:child_process";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

export interface KindContext {
  kubeconfig: string;
  kubectl: string;
  cluster: string;
  brokerImage: string;
  clientImage: string;
  /** node name per zone label value (zone-a, zone-b, zone-c) */
  zones: Record<string, string>;
}

declare module "vitest" {
  export interface ProvidedContext {
    kind: KindContext;
  }
}

const repoRoot = new URL("../..", import.meta.url).pathname;

async function run(cmd: string, args: string[]): Promise<string> {
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  if (code !== 0) throw new Error(`${cmd} ${args.join(" ")} failed with exit code ${code}`);
  return out;
}

function keyValues(out: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of out.split("\n")) {
    const i = line.indexOf("=");
    if (i > 0) vars[line.slice(0, i)] = line.slice(i + 1);
  }
  return vars;
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const t0 = Date.now();
  const up = keyValues(await run("bash", [join(repoRoot, "test/kind/up.sh")]));
  const { KUBECONFIG, KUBECTL, KIND_CLUSTER, MILLRACE_IMAGE } = up;
  if (!KUBECONFIG || !KUBECTL || !KIND_CLUSTER || !MILLRACE_IMAGE) {
    throw new Error(`test/kind/up.sh printed ${JSON.stringify(up)}`);
  }
  const rows = await run(KUBECTL, [
    "--kubeconfig", KUBECONFIG, "get", "nodes", "-l", "topology.kubernetes.io/zone",
    "-o", 'jsonpath={range .items[*]}{.metadata.labels.topology\\.kubernetes\\.io/zone}={.metadata.name}{"\\n"}{end}',
  ]);
  const zones = keyValues(rows);
  for (const z of ["zone-a", "zone-b", "zone-c"]) {
    if (!zones[z]) throw new Error(`no node labelled topology.kubernetes.io/zone=${z}: ${rows}`);
  }
  const client = keyValues(
    await run("bash", [join(repoRoot, "test/e2e/client-image.sh"), MILLRACE_IMAGE, KIND_CLUSTER, zones["zone-b"]!]),
  );
  if (!client.CLIENT_IMAGE) throw new Error("test/e2e/client-image.sh printed no CLIENT_IMAGE");
  console.log(`e2e global setup: cluster ${KIND_CLUSTER} ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  project.provide("kind", {
    kubeconfig: KUBECONFIG,
    kubectl: KUBECTL,
    cluster: KIND_CLUSTER,
    brokerImage: MILLRACE_IMAGE,
    clientImage: client.CLIENT_IMAGE,
    zones,
  });
  if (up.KIND_CREATED !== "1" || process.env.MILLRACE_KIND_KEEP === "1") return undefined;
  return async () => {
    const t = Date.now();
    await run("bash", [join(repoRoot, "test/kind/down.sh")]);
    console.log(`e2e global teardown: cluster ${KIND_CLUSTER} (created by this run) deleted in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  };
}
