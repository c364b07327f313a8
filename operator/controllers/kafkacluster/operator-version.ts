// The operator's own version (package.json's), which is also the brokers' version when a
// KafkaCluster leaves spec.version empty: the product image carries both.
import { existsSync, readFileSync } from "node:fs";

/** package.json's version, found by walking up from this file (source tree or dist/ in the image). */
export function operatorVersion(from: URL = new URL(".", import.meta.url)): string {
  let dir = from;
  for (let i = 0; i < 6; i++) {
    const file = new URL("package.json", dir);
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "millrace" && pkg.version) return pkg.version;
    }
    dir = new URL("..", dir);
  }
  throw new Error(`no millrace package.json above ${from.pathname}: cannot tell the operator's version`);
}
