"""Compat scenario driver on librdkafka (confluent-kafka).

Speaks the contract in test/compat/README.md: one command per run, JSON lines
on stdout, the last one of type "result"; non-zero exit on failure.
"""

import hashlib
import json
import os
import signal
import sys
import time
import uuid

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import (
    AdminClient,
    AlterConfigOpType,
    ConfigEntry,
    ConfigResource,
    ConfigSource,
    NewTopic,
    OffsetSpec,
    ResourceType,
)

CLIENT_ID = "millrace-compat-python"
# librdkafka is silent unless asked: COMPAT_RDKAFKA_DEBUG=cgrp,protocol (etc.) logs to stderr.
DEBUG = os.environ.get("COMPAT_RDKAFKA_DEBUG")


def with_debug(conf):
    if DEBUG:
        conf["debug"] = DEBUG
    return conf


class UsageError(Exception):
    pass


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


# ----------------------------------------------------------------- content


def content(seed, i):
    """The deterministic record content shared by every driver (README "Record content")."""
    rid = f"{seed}:{i}"
    h = hashlib.sha256(rid.encode()).digest()
    length = 16 + h[0]
    hx = h.hex()
    s = rid + "|"
    if len(s) < length:
        s += hx * ((length - len(s)) // 64 + 1)
    value = s.encode()[:length]
    headers = [("i", str(i).encode()), ("h", h[:8])]
    if i % 7 == 0:
        headers += [("dup", b"a"), ("dup", b"b")]
    return rid.encode(), value, headers


class PartitionDigest:
    """count, first/last offset and SHA-256 over "offset index\\n" lines, in the order seen."""

    def __init__(self):
        self.md = hashlib.sha256()
        self.count = 0
        self.first = -1
        self.last = -1

    def add(self, offset, idx):
        if self.count == 0:
            self.first = offset
        self.last = offset
        self.count += 1
        self.md.update(f"{offset} {idx}\n".encode())

    def json(self):
        return {"count": self.count, "first": self.first, "last": self.last, "digest": self.md.hexdigest()}


def by_number(d):
    return {str(k): d[k] for k in sorted(d)}


# ------------------------------------------------------------------- args


class Args:
    def __init__(self, argv):
        if not argv:
            raise UsageError("driver <command> --bootstrap host:port [options]")
        self.command = argv[0]
        self.m = {}
        i = 1
        while i < len(argv):
            if not argv[i].startswith("--"):
                raise UsageError(f"unexpected {argv[i]}")
            name = argv[i][2:]
            if i + 1 < len(argv) and not argv[i + 1].startswith("--"):
                val = argv[i + 1]
                i += 2
            else:
                val = "true"
                i += 1
            self.m.setdefault(name, []).append(val)

    def has(self, n):
        return n in self.m

    def all(self, n):
        return self.m.get(n, [])

    def get(self, n, d=None):
        return self.m[n][-1] if n in self.m else d

    def req(self, n):
        if n not in self.m:
            raise UsageError(f"--{n} is required for {self.command}")
        return self.m[n][-1]


# ------------------------------------------------------------------ admin


def admin(a):
    return AdminClient(with_debug({"bootstrap.servers": a.req("bootstrap"), "client.id": a.get("client-id", CLIENT_ID)}))


def wait_all(futures):
    return {k: f.result(timeout=30) for k, f in futures.items()}


def partitions_of(adm, topic):
    md = adm.list_topics(topic=topic, timeout=30)
    t = md.topics[topic]
    if t.error is not None:
        raise KafkaException(t.error)
    return sorted(t.partitions)


def create_topic(a):
    topic = a.req("topic")
    configs = dict(kv.split("=", 1) for kv in a.all("config"))
    nt = NewTopic(topic, num_partitions=int(a.get("partitions", "1")),
                  replication_factor=int(a.get("replication-factor", "-1")), config=configs)
    adm = admin(a)  # the handle must outlive its futures
    wait_all(adm.create_topics([nt], operation_timeout=30))
    emit({"type": "result", "command": "create-topic", "topic": topic})
    return 0


def list_offsets(a):
    topic = a.req("topic")
    ts = a.req("timestamp")
    spec = {"earliest": OffsetSpec.earliest, "latest": OffsetSpec.latest,
            "max-timestamp": OffsetSpec.max_timestamp}.get(ts)
    spec = spec() if spec else OffsetSpec.for_timestamp(int(ts))
    adm = admin(a)
    parts = partitions_of(adm, topic)
    if a.has("partition"):
        parts = [int(a.req("partition"))]
    res = wait_all(adm.list_offsets({TopicPartition(topic, p): spec for p in parts}, request_timeout=30))
    out = {tp.partition: {"offset": info.offset, "timestamp": info.timestamp} for tp, info in res.items()}
    emit({"type": "result", "command": "list-offsets", "partitions": by_number(out)})
    return 0


def delete_records(a):
    tp = TopicPartition(a.req("topic"), int(a.get("partition", "0")), int(a.req("offset")))
    adm = admin(a)
    res = wait_all(adm.delete_records([tp], operation_timeout=30))
    low = list(res.values())[0].low_watermark
    emit({"type": "result", "command": "delete-records", "partition": tp.partition, "lowWatermark": low})
    return 0


def describe_configs(a):
    r = ConfigResource(ResourceType.TOPIC, a.req("topic"))
    adm = admin(a)
    entries = list(wait_all(adm.describe_configs([r])).values())[0]
    configs = {name: e.value for name, e in sorted(entries.items())}
    dynamic = sorted(name for name, e in entries.items() if e.source == ConfigSource.DYNAMIC_TOPIC_CONFIG.value)
    emit({"type": "result", "command": "describe-configs", "configs": configs, "dynamic": dynamic})
    return 0


def alter_configs(a):
    ops = []
    for kv in a.all("set"):
        k, v = kv.split("=", 1)
        ops.append(ConfigEntry(k, v, incremental_operation=AlterConfigOpType.SET))
    for k in a.all("delete"):
        ops.append(ConfigEntry(k, None, incremental_operation=AlterConfigOpType.DELETE))
    r = ConfigResource(ResourceType.TOPIC, a.req("topic"), incremental_configs=ops)
    adm = admin(a)
    wait_all(adm.incremental_alter_configs([r]))
    emit({"type": "result", "command": "alter-configs", "topic": a.req("topic")})
    return 0


def metadata(a):
    adm = admin(a)
    md = adm.list_topics(topic=a.get("topic"), timeout=30)
    brokers = [{"id": b.id, "host": b.host, "port": b.port} for b in sorted(md.brokers.values(), key=lambda b: b.id)]
    topics = {name: {"partitions": len(t.partitions)} for name, t in sorted(md.topics.items()) if t.error is None}
    emit({"type": "result", "command": "metadata", "brokers": brokers, "topics": topics})
    return 0


# ---------------------------------------------------------------- produce


def produce(a):
    topic, seed, count = a.req("topic"), a.req("seed"), int(a.req("count"))
    ts_base = int(a.req("timestamp-base")) if a.has("timestamp-base") else None
    fixed_partition = int(a.req("partition")) if a.has("partition") else None
    conf = {
        "bootstrap.servers": a.req("bootstrap"),
        "client.id": a.get("client-id", CLIENT_ID),
        "compression.type": a.get("codec", "none"),
        "linger.ms": int(a.get("linger-ms", "5")),
        "acks": a.get("acks", "all"),
        "retry.backoff.ms": 50,
        "reconnect.backoff.ms": 20,
    }
    if a.has("idempotent"):
        conf["enable.idempotence"] = True
    if a.has("no-idempotent"):
        conf["enable.idempotence"] = False
    if a.has("request-timeout-ms"):
        conf["request.timeout.ms"] = int(a.req("request-timeout-ms"))
    if a.has("delivery-timeout-ms"):
        conf["delivery.timeout.ms"] = int(a.req("delivery-timeout-ms"))
    if a.has("max-in-flight"):
        conf["max.in.flight"] = int(a.req("max-in-flight"))
    if a.has("batch-size"):
        conf["batch.size"] = int(a.req("batch-size"))

    acked = {}
    state = {"acked": 0, "errors": 0, "firstError": None}

    def on_delivery(err, msg):
        if err is not None:
            state["errors"] += 1
            if state["firstError"] is None:
                state["firstError"] = str(err)
            return
        state["acked"] += 1
        idx = int(msg.key().rsplit(b":", 1)[1])
        acked.setdefault(msg.partition(), []).append((msg.offset(), idx))

    p = Producer(with_debug(conf))
    start = time.monotonic()
    for i in range(count):
        key, value, headers = content(seed, i)
        kw = {"key": key, "value": value, "headers": headers, "on_delivery": on_delivery}
        if ts_base is not None:
            kw["timestamp"] = ts_base + i
        if fixed_partition is not None:
            kw["partition"] = fixed_partition
        while True:
            try:
                p.produce(topic, **kw)
                break
            except BufferError:
                p.poll(0.05)
        if i % 1000 == 0:
            p.poll(0)
    remaining = p.flush(120)
    if remaining:
        state["errors"] += remaining
        state["firstError"] = state["firstError"] or f"{remaining} messages still queued after flush"
    parts = {}
    for part, pairs in acked.items():
        d = PartitionDigest()
        for off, idx in sorted(pairs):
            d.add(off, idx)
        parts[part] = d.json()
    emit({"type": "result", "command": "produce", "acked": state["acked"], "errors": state["errors"],
          "firstError": state["firstError"], "partitions": by_number(parts),
          "elapsedMs": int((time.monotonic() - start) * 1000)})
    return 0 if state["errors"] == 0 else 1


# ---------------------------------------------------------------- consume


class Verifier:
    def __init__(self, seed, ts_base, out_path):
        self.seed, self.ts_base = seed, ts_base
        self.out = open(out_path, "w") if out_path else None
        self.parts = {}
        self.seen = set()
        self.total = self.duplicates = self.mismatches = self.rewinds = 0
        self.first_mismatch = None

    def check(self, msg):
        self.total += 1
        problem, idx = None, -1
        key = msg.key()
        partition, offset = msg.partition(), msg.offset()
        if key is None or b":" not in key:
            problem = "key is not seed:index"
        else:
            s, _, i = key.decode().rpartition(":")
            idx = int(i)
            _, want_value, want_headers = content(s, idx)
            got_headers = [(k, v) for k, v in (msg.headers() or [])]
            if self.seed is not None and s != self.seed:
                problem = f"seed {s} != {self.seed}"
            elif msg.value() != want_value:
                problem = "value differs"
            elif got_headers != want_headers:
                problem = "headers differ"
            elif self.ts_base is not None and msg.timestamp()[1] != self.ts_base + idx:
                problem = f"timestamp {msg.timestamp()[1]} != {self.ts_base + idx}"
        d = self.parts.get(partition)
        if d is None:
            d = self.parts[partition] = PartitionDigest()
        # Going back is a re-delivery (a rebalance resumed from a commit), not bad content.
        if d.count > 0 and offset <= d.last:
            self.rewinds += 1
        if problem is not None:
            self.mismatches += 1
            if self.first_mismatch is None:
                self.first_mismatch = f"p{partition}@{offset}: {problem}"
        if idx >= 0:
            if idx in self.seen:
                self.duplicates += 1
            self.seen.add(idx)
        d.add(offset, idx)
        if self.out:
            self.out.write(f"{partition} {offset} {idx}\n")

    def result(self):
        if self.out:
            self.out.close()
        return {"type": "result", "command": "consume", "total": self.total, "unique": len(self.seen),
                "duplicates": self.duplicates, "rewinds": self.rewinds, "mismatches": self.mismatches,
                "firstMismatch": self.first_mismatch,
                "partitions": by_number({p: d.json() for p, d in self.parts.items()})}


def consume(a):
    topic = a.req("topic")
    group = a.get("group")
    count = int(a.get("count", "0"))
    stop_after = int(a.get("stop-after", "0"))
    commit_every = int(a.get("commit-every", "0"))
    timeout_ms = int(a.get("timeout-ms", "60000"))
    progress = a.has("progress")
    v = Verifier(a.get("seed"), int(a.req("timestamp-base")) if a.has("timestamp-base") else None, a.get("out"))

    conf = {
        "bootstrap.servers": a.req("bootstrap"),
        "client.id": a.get("client-id", CLIENT_ID),
        # librdkafka insists on a group.id even for assign(); a throw-away one is never joined.
        "group.id": group or f"millrace-compat-assign-{uuid.uuid4()}",
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
    }
    proto = a.get("group-protocol", "classic")
    conf["group.protocol"] = proto
    if proto == "classic":
        conf["session.timeout.ms"] = 10000
    c = Consumer(with_debug(conf))

    processed, committed, owned = {}, {}, set()
    state = {"stop": None, "term": False}

    def on_term(_sig, _frame):
        state["term"] = True

    signal.signal(signal.SIGTERM, on_term)

    def commit(parts):
        offs = [TopicPartition(topic, p, processed[p]) for p in sorted(parts)
                if p in processed and committed.get(p) != processed[p]]
        if not offs:
            return
        c.commit(offsets=offs, asynchronous=False)
        for tp in offs:
            committed[tp.partition] = tp.offset
        emit({"type": "commit", "offsets": by_number({tp.partition: tp.offset for tp in offs})})

    def on_assign(_c, parts):
        owned.update(tp.partition for tp in parts)
        emit({"type": "assignment", "partitions": sorted(owned)})

    def on_revoke(_c, parts):
        # A consumer that stays commits what it processed before giving
        # partitions away; the one told to leave deliberately does not.
        if commit_every > 0 and state["stop"] != "leave":
            commit([tp.partition for tp in parts])
        owned.difference_update(tp.partition for tp in parts)
        emit({"type": "revoked", "partitions": sorted(tp.partition for tp in parts)})

    def on_lost(_c, parts):
        owned.difference_update(tp.partition for tp in parts)
        emit({"type": "revoked", "partitions": sorted(tp.partition for tp in parts), "lost": True})

    if a.has("group"):
        c.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke, on_lost=on_lost)
    else:
        md = c.list_topics(topic=topic, timeout=30)
        tps = [TopicPartition(topic, p, -2) for p in sorted(md.topics[topic].partitions)]  # -2: beginning
        c.assign(tps)
        emit({"type": "assignment", "partitions": [tp.partition for tp in tps]})

    deadline = time.monotonic() + timeout_ms / 1000
    while not state["term"] and state["stop"] is None:
        if time.monotonic() > deadline:
            state["stop"] = "timeout"
            break
        msgs = c.consume(num_messages=500, timeout=0.1)
        batch = {}
        for m in msgs:
            if m.error():
                if m.error().retriable() or m.error().code() == -191:  # _PARTITION_EOF
                    continue
                raise KafkaException(m.error())
            v.check(m)
            processed[m.partition()] = m.offset() + 1
            b = batch.setdefault(m.partition(), [0, 0])
            b[0] = m.offset()
            b[1] += 1
            if commit_every > 0 and v.total % commit_every == 0:
                commit(list(processed))
            if stop_after > 0 and v.total >= stop_after:
                state["stop"] = "leave"
                break
            if count > 0 and v.total >= count:
                state["stop"] = "done"
                break
        if progress:
            for p in sorted(batch):
                emit({"type": "progress", "partition": p, "lastOffset": batch[p][0], "count": batch[p][1]})
    if state["stop"] not in ("leave", "timeout") and commit_every > 0 and group:
        commit(list(processed))
    c.close()
    res = v.result()
    res["stopped"] = state["stop"] or "signal"
    res["committed"] = by_number(committed)
    emit(res)
    if state["stop"] == "timeout":
        return 3
    return 0 if v.mismatches == 0 else 1


COMMANDS = {
    "create-topic": create_topic,
    "produce": produce,
    "consume": consume,
    "list-offsets": list_offsets,
    "delete-records": delete_records,
    "describe-configs": describe_configs,
    "alter-configs": alter_configs,
    "metadata": metadata,
}


def main(argv):
    try:
        a = Args(argv)
        if a.command not in COMMANDS:
            raise UsageError(f"unknown command {a.command}")
        return COMMANDS[a.command](a)
    except UsageError as e:
        print(f"usage: {e}", file=sys.stderr)
        return 2
    except Exception as e:  # noqa: BLE001 - every failure becomes an error line and exit 1
        emit({"type": "error", "error": f"{type(e).__name__}: {e}"})
        import traceback

        traceback.print_exc()
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
