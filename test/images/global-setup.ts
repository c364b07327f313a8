// Once per run: Docker up, kcat installed, the product image built (base images first).
// Each script is idempotent and quick when warm; they print KEY=value lines.
import { spawn } from "node:child_process";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

export interface ImageContext {
  docker: string;
  image: string;
  kcat: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    image: ImageContext;
  }
}

const repoRoot = new URL("../..", import.meta.url).pathname;

async function runScript(path: string): Promise<Record<string, string>> {
  const child = spawn("bash", [join(repoRoot, path)], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  if (code !== 0) throw new Error(`${path} failed with exit code ${code}`);
  const vars: Record<string, string> = {};
  for (const line of out.split("\n")) {
    const i = line.indexOf("=");
    if (i > 0) vars[line.slice(0, i)] = line.slice(i + 1);
  }
  return vars;
}

export default async function setup(project: TestProject): Promise<void> {
  const { DOCKER } = await runScript("test/tools/docker.sh");
  const { KCAT } = await runScript("test/tools/kcat.sh");
  const { IMAGE } = await runScript("test/images/build-millrace-image.sh");
  if (!DOCKER || !KCAT || !IMAGE) throw new Error(`setup scripts printed DOCKER=${DOCKER} KCAT=${KCAT} IMAGE=${IMAGE}`);
  project.provide("image", { docker: DOCKER, image: IMAGE, kcat: KCAT });
}
