// Generates every message of a spec folder into an output folder, and an index of API keys.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { emitMessage, GENERATED_MARKER, kebab } from "./emit.js";
import { readMessageSpec, type MessageSpec } from "./spec.js";

export interface GenerateResult {
  written: number;
  /** Files whose content differs from what would be generated (only filled in check mode). */
  stale: string[];
}

/** The folder of primitives.ts and codec-helpers.ts, which generated modules import. */
export const RUNTIME_DIR = "broker/protocol";

export function generatedFiles(specDir: string, outDir: string): Map<string, string> {
  const runtimeImport = relative(outDir, RUNTIME_DIR).split("\\").join("/");
  const specs: MessageSpec[] = readdirSync(specDir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => readMessageSpec(join(specDir, f)));
  const files = new Map<string, string>();
  for (const spec of specs) files.set(`${kebab(spec.name)}.gen.ts`, emitMessage(spec, runtimeImport));
  files.set("index.gen.ts", emitIndex(specs));
  return files;
}

function emitIndex(specs: MessageSpec[]): string {
  const lines = [GENERATED_MARKER, "// Every message module of this folder, re-exported by name.", ""];
  for (const spec of specs) {
    lines.push(`export * as ${spec.name} from "./${kebab(spec.name)}.gen.js";`);
  }
  const apis = specs.filter((s) => s.type === "request" && s.apiKey !== null);
  if (apis.length > 0) {
    lines.push("", "/** Every API key in the specs with its valid and flexible versions. */");
    lines.push("export const API_KEYS = [");
    for (const s of apis) {
      lines.push(
        `  { apiKey: ${s.apiKey}, name: ${JSON.stringify(s.name.replace(/Request$/, ""))}, ` +
          `minVersion: ${s.validVersions.min}, maxVersion: ${s.validVersions.max ?? s.validVersions.min}, ` +
          `flexibleMinVersion: ${s.flexibleVersions ? s.flexibleVersions.min : -1} },`,
      );
    }
    lines.push("] as const;");
  }
  return lines.join("\n") + "\n";
}

export function generateAll(specDir: string, outDir: string, opts: { check: boolean }): GenerateResult {
  const files = generatedFiles(specDir, outDir);
  const stale: string[] = [];
  if (!opts.check) mkdirSync(outDir, { recursive: true });
  for (const [name, content] of files) {
    const path = join(outDir, name);
    if (opts.check) {
      if (!existsSync(path) || readFileSync(path, "utf8") !== content) stale.push(name);
    } else {
      writeFileSync(path, content);
    }
  }
  if (opts.check) {
    for (const existing of readdirSync(outDir)) {
      if (existing.endsWith(".gen.ts") && !files.has(existing)) stale.push(`${existing} (no longer generated)`);
    }
  }
  return { written: files.size, stale };
}
