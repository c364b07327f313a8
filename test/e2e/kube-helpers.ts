// What the e2e test files share: kubectl on the kind cluster, a bounded condition wait, the
// restricted security context our Pods run with, and Pod waits. The cluster comes from the
// global setup (inject("kind")).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import * as k8s from "@kubernetes/client-node";
import type { KindContext } from "./global-setup.js";

const execFileP = promisify(execFile);

export function kubectlOf(kind: KindContext): (...args: string[]) => Promise<string> {
  return async (...args: string[]) => {
    const { stdout } = await execFileP(kind.kubectl, ["--kubeconfig", kind.kubeconfig, ...args], { maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  };
}

/** Polls probe until it returns a value (not undefined); throws after timeoutMs with the last state. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = String(err);
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${last}` : ""}`);
    await new Promise((r) => setTimeout(r, 1000)); // poll interval of a bounded condition wait
  }
}

export function isNotFound(err: unknown): boolean {
  return (err as { code?: number }).code === 404;
}

/** Pod security: the "restricted" Pod Security Standard, the user of our image. */
export const securedPod = {
  runAsNonRoot: true,
  runAsUser: 10001,
  runAsGroup: 10001,
  fsGroup: 10001,
  seccompProfile: { type: "RuntimeDefault" },
};
export const securedContainer = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };

export function isPodReady(pod: k8s.V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

export async function waitPodReady(core: k8s.CoreV1Api, namespace: string, name: string, timeoutMs: number): Promise<k8s.V1Pod> {
  return waitFor(`pod ${name} Ready`, timeoutMs, async () => {
    const pod = await core.readNamespacedPod({ name, namespace });
    return isPodReady(pod) ? pod : undefined;
  });
}

export async function waitPodGone(core: k8s.CoreV1Api, namespace: string, name: string, timeoutMs: number): Promise<void> {
  await waitFor(`pod ${name} deleted`, timeoutMs, async () => {
    try {
      await core.readNamespacedPod({ name, namespace });
      return undefined;
    } catch (err) {
      if (isNotFound(err)) return true;
      throw err;
    }
  });
}

/** The result line every client.mjs run prints last. */
export interface ClientResult {
  ok: boolean;
  received?: number;
  sha256?: string;
  partitions?: unknown;
  brokers?: { nodeId: number; host: string; port: number }[];
  ms?: number;
  problems?: string[];
  error?: string;
}

/** Creates a client Pod, waits (bounded) until it ends, prints its log and returns its RESULT line. */
export async function runClientPod(core: k8s.CoreV1Api, namespace: string, pod: k8s.V1Pod, timeoutMs: number): Promise<{ result: ClientResult; node: string }> {
  const name = pod.metadata!.name!;
  await core.createNamespacedPod({ namespace, body: pod });
  const done = await waitFor(`client pod ${name} to finish`, timeoutMs, async () => {
    const p = await core.readNamespacedPod({ name, namespace });
    return p.status?.phase === "Succeeded" || p.status?.phase === "Failed" ? p : undefined;
  });
  const logs = await core.readNamespacedPodLog({ name, namespace });
  console.log(`--- ${name} (${done.status?.phase}) on ${done.spec?.nodeName}:\n${logs.trimEnd()}`);
  const line = logs.split("\n").find((l) => l.startsWith("RESULT "));
  if (!line) throw new Error(`client ${name} printed no RESULT line (phase ${done.status?.phase})`);
  return { result: JSON.parse(line.slice("RESULT ".length)) as ClientResult, node: done.spec?.nodeName ?? "" };
}
