// DescribeLogDirs: v1–v4 (v0 was dropped in Kafka 4; Java's admin client and franz-go send v4).
// One result per configured log dir (absolute path, as Kafka reports it): the partitions it holds
// with their size on disk and offset lag (0 for a leader: high watermark minus log end, floored
// at 0), v3+ a top-level error code, v4+ the file system's total and usable bytes. A null topic
// list means every partition. A dir that cannot be read, or holds a log taken offline by a disk
// error, answers KAFKA_STORAGE_ERROR, as Kafka does for an offline log dir. Topics with none of
// the requested partitions in a dir are left out (Kafka sends them with an empty list).
import { statfs } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { errorCode } from "../protocol/errors.js";
import { describeLogDirsRequestMeta, readDescribeLogDirsRequest } from "../protocol/generated/describe-log-dirs-request.gen.js";
import {
  writeDescribeLogDirsResponse,
  type DescribeLogDirsResponse,
  type DescribeLogDirsResult,
  type DescribeLogDirsTopic,
} from "../protocol/generated/describe-log-dirs-response.gen.js";
import type { PartitionLog } from "../storage/index.js";
import { defineHandler, type RequestContext } from "./handler.js";
import { authorizeApiOnCluster } from "../security/authorizer/api-authorization.js";

/** What Kafka reports for space it could not measure. */
const UNKNOWN_VOLUME_BYTES = -1n;

async function describeDir(dir: string, logs: PartitionLog[], wanted: ((topic: string, partition: number) => boolean), ctx: RequestContext): Promise<DescribeLogDirsResult> {
  const logDir = resolve(dir);
  const failed = (): DescribeLogDirsResult => ({
    errorCode: errorCode("KAFKA_STORAGE_ERROR"),
    logDir,
    topics: [],
    totalBytes: UNKNOWN_VOLUME_BYTES,
    usableBytes: UNKNOWN_VOLUME_BYTES,
  });
  if (logs.some((l) => l.offline)) return failed();
  let space;
  try {
    space = await statfs(logDir, { bigint: true });
  } catch (err) {
    ctx.log.warn({ logDir, err }, "cannot describe log dir");
    return failed();
  }
  const byTopic = new Map<string, DescribeLogDirsTopic>();
  for (const log of logs) {
    if (!wanted(log.topic, log.partition)) continue;
    let topic = byTopic.get(log.topic);
    if (!topic) byTopic.set(log.topic, (topic = { name: log.topic, partitions: [] }));
    const lag = log.highWatermark - log.logEndOffset;
    topic.partitions.push({
      partitionIndex: log.partition,
      partitionSize: BigInt(log.sizeInBytes),
      offsetLag: lag > 0n ? lag : 0n,
      isFutureKey: false,
    });
  }
  return {
    errorCode: 0,
    logDir,
    topics: [...byTopic.values()],
    totalBytes: space.blocks * space.bsize,
    usableBytes: space.bavail * space.bsize,
  };
}

export const describeLogDirsHandler = defineHandler({
  meta: describeLogDirsRequestMeta,
  minVersion: 1,
  maxVersion: 4,
  readRequest: readDescribeLogDirsRequest,
  writeResponse: writeDescribeLogDirsResponse,
  async handle(request, ctx): Promise<DescribeLogDirsResponse> {
    const { broker } = ctx;
    if (!authorizeApiOnCluster(ctx)) return { throttleTimeMs: 0, errorCode: errorCode("CLUSTER_AUTHORIZATION_FAILED"), results: [] };
    let wanted: (topic: string, partition: number) => boolean = () => true;
    if (request.topics !== null) {
      const set = new Set(request.topics.flatMap((t) => t.partitions.map((p) => `${p}:${t.topic}`)));
      wanted = (topic, partition) => set.has(`${partition}:${topic}`);
    }
    const logsByDir = new Map<string, PartitionLog[]>();
    for (const log of broker.logs.allLogs()) {
      const dir = resolve(dirname(log.dir));
      let list = logsByDir.get(dir);
      if (!list) logsByDir.set(dir, (list = []));
      list.push(log);
    }
    const dirs = [...new Set(broker.config.logDirs.map((d) => resolve(d)))];
    const results = await Promise.all(dirs.map((d) => describeDir(d, logsByDir.get(d) ?? [], wanted, ctx)));
    return { throttleTimeMs: 0, errorCode: 0, results };
  },
});
