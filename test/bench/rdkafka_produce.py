"""Producer benchmark on librdkafka (confluent-kafka), for test/bench.

    python rdkafka_produce.py --bootstrap H:P --topic T --records N --size S
        [--rate R] [--warmup W] [--set key=value]...

Produces N records of S bytes (half random, as payload.ts) with the benchmark's producer
settings; --rate R paces sends at R records/s (0 = as fast as possible). Latency is librdkafka's
own produce()-to-acknowledgement time per record (Message.latency(), microsecond resolution),
for the records after the first W. Prints one JSON line.
"""

import argparse
import json
import math
import os
import sys
import time

from confluent_kafka import KafkaException, Producer

ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def payloads(size, count):
    out = []
    half = (size + 1) // 2
    for _ in range(count):
        rnd = bytes(ALPHABET[b & 63] for b in os.urandom(half))
        out.append(rnd + b"x" * (size - half))
    return out


def percentile(sorted_values, p):
    """Nearest rank, as stats.ts."""
    if not sorted_values:
        return float("nan")
    rank = math.ceil(p / 100 * len(sorted_values))
    return sorted_values[max(1, min(rank, len(sorted_values))) - 1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bootstrap", required=True)
    ap.add_argument("--topic", required=True)
    ap.add_argument("--records", type=int, required=True)
    ap.add_argument("--size", type=int, required=True)
    ap.add_argument("--rate", type=float, default=0)
    ap.add_argument("--warmup", type=int, default=0)
    ap.add_argument("--set", action="append", default=[])
    a = ap.parse_args()

    conf = {
        "bootstrap.servers": a.bootstrap,
        "client.id": "millrace-bench-rdkafka",
        "acks": "all",
        "linger.ms": 5,
        "batch.size": 1 << 20,
        "compression.type": "none",
        "queue.buffering.max.messages": 2_000_000,
        "queue.buffering.max.kbytes": 1 << 20,
    }
    for kv in a.set:
        k, v = kv.split("=", 1)
        conf[k] = v
    p = Producer(conf)
    values = payloads(a.size, max(16, min(1000, (64 << 20) // a.size)))
    nvalues = len(values)

    latencies = []
    errors = [0, None]
    acked = [0]
    steady_first = [None]  # time the first steady-state record was sent

    def on_delivery(err, msg):
        if err is not None:
            errors[0] += 1
            if errors[1] is None:
                errors[1] = str(err)
            return
        acked[0] += 1
        latencies.append(msg.latency())

    produce = p.produce
    topic = a.topic
    start = time.perf_counter()
    interval = 1.0 / a.rate if a.rate > 0 else 0.0
    for i in range(a.records):
        if i == a.warmup:
            steady_first[0] = time.perf_counter()
        if interval:
            due = start + i * interval
            now = time.perf_counter()
            if due > now:
                if due - now > 0.002:
                    time.sleep(due - now - 0.001)
                p.poll(0)
        while True:
            try:
                produce(topic, values[i % nvalues], on_delivery=on_delivery)
                break
            except BufferError:
                p.poll(0.001)
        if i & 1023 == 0:
            p.poll(0)
    remaining = p.flush(300)
    end = time.perf_counter()
    if remaining:
        raise SystemExit(f"{remaining} records not delivered within 300 s")

    # Delivery reports arrive in send order per partition, not globally: the first `warmup`
    # reports are near enough the warmup records for a latency distribution.
    steady = sorted(latencies[a.warmup:])
    t0 = steady_first[0] if steady_first[0] is not None else start
    n = a.records - min(a.warmup, a.records)
    secs = end - t0
    ms = lambda x: round(x * 1000, 3)  # noqa: E731
    print(json.dumps({
        "records": n,
        "seconds": round(secs, 3),
        "recordsPerSec": n / secs if secs > 0 else 0,
        "mibPerSec": n * a.size / secs / (1 << 20) if secs > 0 else 0,
        "p50Ms": ms(percentile(steady, 50)),
        "p99Ms": ms(percentile(steady, 99)),
        "p999Ms": ms(percentile(steady, 99.9)),
        "maxMs": ms(steady[-1]) if steady else None,
        "acked": acked[0],
        "errors": errors[0],
        "firstError": errors[1],
    }))


if __name__ == "__main__":
    try:
        main()
    except KafkaException as e:
        sys.stderr.write(f"kafka error: {e}\n")
        sys.exit(1)
