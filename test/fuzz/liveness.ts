// "The broker keeps serving": on a fresh connection, ApiVersions v3 and Metadata v12 for the known
// topic must both be answered correctly within a deadline, and the process must still be running.
import type { BrokerUnderFuzz } from "./broker-under-fuzz.js";
import { RawClient } from "./raw-client.js";

export interface LivenessResult {
  ok: boolean;
  latencyMs: number;
  problem?: string;
}

export async function checkLiveness(broker: BrokerUnderFuzz, topic: string, partitions: number, timeoutMs = 10_000): Promise<LivenessResult> {
  const started = Date.now();
  const fail = (problem: string): LivenessResult => ({ ok: false, latencyMs: Date.now() - started, problem });
  if (broker.exit) return fail(`broker process exited (code ${broker.exit.code}, signal ${broker.exit.signal})`);
  let client: RawClient | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stage = "connect";
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms (waiting for ${stage})`)), timeoutMs);
  });
  try {
    return await Promise.race([
      deadline,
      (async () => {
        client = await RawClient.connect(broker.port);
        stage = "ApiVersions";
        const versions = await client.apiVersions();
        if (versions.errorCode !== 0) return fail(`ApiVersions error ${versions.errorCode}`);
        if (!versions.apiKeys.some((a) => a.apiKey === 3)) return fail("ApiVersions does not list Metadata");
        stage = "Metadata";
        const metadata = await client.metadata([topic]);
        const t = metadata.topics.find((x) => x.name === topic);
        if (!t || t.errorCode !== 0) return fail(`Metadata for ${topic}: ${t ? `error ${t.errorCode}` : "missing"}`);
        if (t.partitions.length !== partitions || t.partitions.some((p) => p.errorCode !== 0)) {
          return fail(`Metadata for ${topic}: ${t.partitions.length} partitions, errors ${t.partitions.map((p) => p.errorCode)}`);
        }
        return { ok: true, latencyMs: Date.now() - started };
      })(),
    ]);
  } catch (err) {
    return fail((err as Error).message);
  } finally {
    clearTimeout(timer);
    client?.close();
  }
}
