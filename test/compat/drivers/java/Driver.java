package dev.millrace.compat;

import java.io.BufferedWriter;
import java.io.FileWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.LinkedHashMap;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Compat scenario driver on Apache Kafka's own Java client. Speaks the
 * contract in test/compat/README.md: one command per run, JSON lines on
 * stdout, the last one of type "result"; non-zero exit on failure.
 */
public final class Driver {
    static final PrintStream OUT = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, StandardCharsets.UTF_8);

    public static void main(String[] argv) {
        int code;
        try {
            Args a = new Args(argv);
            code = switch (a.command) {
                case "create-topic" -> createTopic(a);
                case "produce" -> produce(a);
                case "consume" -> consume(a);
                case "list-offsets" -> listOffsets(a);
                case "delete-records" -> deleteRecords(a);
                case "describe-configs" -> describeConfigs(a);
                case "alter-configs" -> alterConfigs(a);
                case "metadata" -> metadata(a);
                default -> throw new UsageException("unknown command " + a.command);
            };
        } catch (UsageException e) {
            System.err.println("usage: " + e.getMessage());
            code = 2;
        } catch (Throwable e) {
            Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            emit(Json.obj("type", "error", "error", c.getClass().getSimpleName() + ": " + c.getMessage()));
            c.printStackTrace();
            code = 1;
        }
        OUT.flush();
        System.exit(code);
    }

    // ---------------------------------------------------------------- admin

    static Admin admin(Args a) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, a.req("bootstrap"));
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, a.get("client-id", "millrace-compat-java"));
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return Admin.create(p);
    }

    static int createTopic(Args a) throws Exception {
        String topic = a.req("topic");
        NewTopic nt = new NewTopic(topic, a.integer("partitions", 1), (short) a.integer("replication-factor", -1));
        Map<String, String> configs = new HashMap<>();
        for (String kv : a.all("config")) configs.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        nt.configs(configs);
        try (Admin admin = admin(a)) {
            admin.createTopics(List.of(nt)).all().get();
        }
        emit(Json.obj("type", "result", "command", "create-topic", "topic", topic));
        return 0;
    }

    static List<TopicPartition> partitions(Admin admin, String topic) throws Exception {
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        List<TopicPartition> out = new ArrayList<>();
        d.partitions().forEach(p -> out.add(new TopicPartition(topic, p.partition())));
        return out;
    }

    static int listOffsets(Args a) throws Exception {
        String topic = a.req("topic");
        String ts = a.req("timestamp");
        OffsetSpec spec = switch (ts) {
            case "earliest" -> OffsetSpec.earliest();
            case "latest" -> OffsetSpec.latest();
            case "max-timestamp" -> OffsetSpec.maxTimestamp();
            default -> OffsetSpec.forTimestamp(Long.parseLong(ts));
        };
        Map<String, Object> parts = new TreeMap<>(Driver::byNumber);
        try (Admin admin = admin(a)) {
            Map<TopicPartition, OffsetSpec> req = new HashMap<>();
            for (TopicPartition tp : partitions(admin, topic)) {
                if (a.has("partition") && tp.partition() != a.integer("partition", -1)) continue;
                req.put(tp, spec);
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> res = admin.listOffsets(req).all().get();
            res.forEach((tp, info) -> parts.put(String.valueOf(tp.partition()),
                Json.obj("offset", info.offset(), "timestamp", info.timestamp())));
        }
        emit(Json.obj("type", "result", "command", "list-offsets", "partitions", parts));
        return 0;
    }

    static int deleteRecords(Args a) throws Exception {
        TopicPartition tp = new TopicPartition(a.req("topic"), a.integer("partition", 0));
        long low;
        try (Admin admin = admin(a)) {
            low = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(Long.parseLong(a.req("offset")))))
                .lowWatermarks().get(tp).get().lowWatermark();
        }
        emit(Json.obj("type", "result", "command", "delete-records", "partition", tp.partition(), "lowWatermark", low));
        return 0;
    }

    static int describeConfigs(Args a) throws Exception {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, a.req("topic"));
        Map<String, Object> configs = new TreeMap<>();
        List<Object> dynamic = new ArrayList<>();
        try (Admin admin = admin(a)) {
            Config c = admin.describeConfigs(List.of(r)).all().get().get(r);
            for (ConfigEntry e : c.entries()) {
                configs.put(e.name(), e.value());
                if (e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) dynamic.add(e.name());
            }
        }
        emit(Json.obj("type", "result", "command", "describe-configs", "configs", configs, "dynamic", dynamic));
        return 0;
    }

    static int alterConfigs(Args a) throws Exception {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, a.req("topic"));
        List<AlterConfigOp> ops = new ArrayList<>();
        for (String kv : a.all("set")) {
            int i = kv.indexOf('=');
            ops.add(new AlterConfigOp(new ConfigEntry(kv.substring(0, i), kv.substring(i + 1)), AlterConfigOp.OpType.SET));
        }
        for (String k : a.all("delete")) ops.add(new AlterConfigOp(new ConfigEntry(k, null), AlterConfigOp.OpType.DELETE));
        try (Admin admin = admin(a)) {
            admin.incrementalAlterConfigs(Map.of(r, ops)).all().get();
        }
        emit(Json.obj("type", "result", "command", "alter-configs", "topic", r.name()));
        return 0;
    }

    static int metadata(Args a) throws Exception {
        List<Object> brokers = new ArrayList<>();
        Map<String, Object> topics = new TreeMap<>();
        try (Admin admin = admin(a)) {
            for (Node n : admin.describeCluster().nodes().get()) {
                brokers.add(Json.obj("id", n.id(), "host", n.host(), "port", n.port()));
            }
            Collection<String> names = a.has("topic") ? List.of(a.req("topic")) : admin.listTopics().names().get();
            for (Map.Entry<String, TopicDescription> e : admin.describeTopics(names).allTopicNames().get().entrySet()) {
                topics.put(e.getKey(), Json.obj("partitions", e.getValue().partitions().size()));
            }
        }
        emit(Json.obj("type", "result", "command", "metadata", "brokers", brokers, "topics", topics));
        return 0;
    }

    // ------------------------------------------------------------- produce

    static int produce(Args a) throws Exception {
        String topic = a.req("topic");
        String seed = a.req("seed");
        long count = Long.parseLong(a.req("count"));
        Long tsBase = a.has("timestamp-base") ? Long.parseLong(a.req("timestamp-base")) : null;
        Integer fixedPartition = a.has("partition") ? a.integer("partition", 0) : null;

        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, a.req("bootstrap"));
        p.put(ProducerConfig.CLIENT_ID_CONFIG, a.get("client-id", "millrace-compat-java"));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, a.get("codec", "none"));
        p.put(ProducerConfig.LINGER_MS_CONFIG, a.get("linger-ms", "5"));
        p.put(ProducerConfig.ACKS_CONFIG, a.get("acks", "all"));
        if (a.has("idempotent")) p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        if (a.has("no-idempotent")) p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        if (a.has("request-timeout-ms")) p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, a.req("request-timeout-ms"));
        if (a.has("delivery-timeout-ms")) p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, a.req("delivery-timeout-ms"));
        if (a.has("max-in-flight")) p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, a.req("max-in-flight"));
        if (a.has("batch-size")) p.put(ProducerConfig.BATCH_SIZE_CONFIG, a.req("batch-size"));
        // Retry fast: fault-injection runs make the client retry on purpose.
        p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "50");
        p.put(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, "20");
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");

        Acks acks = new Acks();
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long i = 0; i < count; i++) {
                Content.Record r = Content.record(seed, i);
                RecordHeaders hs = new RecordHeaders();
                for (Content.Hdr h : r.headers()) hs.add(h.key(), h.value());
                ProducerRecord<byte[], byte[]> rec = new ProducerRecord<>(topic, fixedPartition,
                    tsBase == null ? null : tsBase + i, r.key(), r.value(), hs);
                final long idx = i;
                producer.send(rec, (md, err) -> acks.add(md == null ? -1 : md.partition(), md == null ? -1 : md.offset(), idx, err));
            }
            producer.flush();
        }
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        emit(acks.result(elapsed));
        return acks.errors == 0 ? 0 : 1;
    }

    /** Collects acknowledgements; the digest is over (offset, index) in offset order per partition. */
    static final class Acks {
        final Map<Integer, List<long[]>> byPartition = new TreeMap<>();
        long acked, errors;
        String firstError;

        synchronized void add(int partition, long offset, long idx, Exception err) {
            if (err != null) {
                errors++;
                if (firstError == null) firstError = err.getClass().getSimpleName() + ": " + err.getMessage();
                return;
            }
            acked++;
            byPartition.computeIfAbsent(partition, k -> new ArrayList<>()).add(new long[] {offset, idx});
        }

        synchronized Map<String, Object> result(long elapsedMs) {
            Map<String, Object> parts = new TreeMap<>(Driver::byNumber);
            byPartition.forEach((p, list) -> {
                list.sort((x, y) -> Long.compare(x[0], y[0]));
                PartitionDigest d = new PartitionDigest();
                for (long[] e : list) d.add(e[0], e[1]);
                parts.put(String.valueOf(p), d.json());
            });
            return Json.obj("type", "result", "command", "produce", "acked", acked, "errors", errors,
                "firstError", firstError, "partitions", parts, "elapsedMs", elapsedMs);
        }
    }

    // ------------------------------------------------------------- consume

    enum Stop { NONE, DONE, LEAVE, TIMEOUT }

    static volatile boolean termRequested;

    static int consume(Args a) throws Exception {
        String topic = a.req("topic");
        String group = a.get("group", null);
        long count = Long.parseLong(a.get("count", "0"));
        long stopAfter = Long.parseLong(a.get("stop-after", "0"));
        long commitEvery = Long.parseLong(a.get("commit-every", "0"));
        long timeoutMs = Long.parseLong(a.get("timeout-ms", "60000"));
        String seed = a.get("seed", null);
        Long tsBase = a.has("timestamp-base") ? Long.parseLong(a.req("timestamp-base")) : null;
        boolean progress = a.has("progress");

        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, a.req("bootstrap"));
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, a.get("client-id", "millrace-compat-java"));
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        if (group != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            String proto = a.get("group-protocol", "classic");
            p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, proto);
            if (proto.equals("classic")) p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        }

        Verifier v = new Verifier(seed, tsBase, a.get("out", null));
        Map<TopicPartition, Long> processed = new HashMap<>();
        Map<TopicPartition, Long> committed = new HashMap<>();
        Stop[] stop = {Stop.NONE};
        CountDownLatch mainDone = new CountDownLatch(1);
        // Success only once the result is out: a failure that skips it must not exit 0 via the hook.
        int[] exitCode = {1};

        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            termRequested = true;
            try {
                consumer.wakeup();
            } catch (RuntimeException ignored) {
                // already closed: main is finishing on its own
            }
            try {
                if (mainDone.await(20, TimeUnit.SECONDS)) {
                    OUT.flush();
                    Runtime.getRuntime().halt(exitCode[0]);
                }
            } catch (InterruptedException ignored) {
            }
        }));

        try {
            if (group != null) {
                java.util.Set<TopicPartition> owned = new java.util.HashSet<>();
                consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> parts) {
                        // A consumer that stays commits what it processed before giving
                        // partitions away; the one told to leave deliberately does not.
                        if (commitEvery > 0 && stop[0] != Stop.LEAVE) commit(consumer, processed, committed, parts);
                        owned.removeAll(parts);
                        emit(Json.obj("type", "revoked", "partitions", numbers(parts)));
                    }

                    @Override
                    public void onPartitionsLost(Collection<TopicPartition> parts) {
                        owned.removeAll(parts);
                        emit(Json.obj("type", "revoked", "partitions", numbers(parts), "lost", true));
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> parts) {
                        // Incremental under cooperative and KIP-848 rebalancing, the full set under eager.
                        owned.addAll(parts);
                        emit(Json.obj("type", "assignment", "partitions", numbers(owned)));
                    }
                });
            } else {
                List<TopicPartition> tps = new ArrayList<>();
                for (PartitionInfo pi : consumer.partitionsFor(topic)) tps.add(new TopicPartition(topic, pi.partition()));
                consumer.assign(tps);
                consumer.seekToBeginning(tps);
                emit(Json.obj("type", "assignment", "partitions", numbers(tps)));
            }

            long deadline = System.currentTimeMillis() + timeoutMs;
            outer:
            while (!termRequested) {
                if (System.currentTimeMillis() > deadline) { stop[0] = Stop.TIMEOUT; break; }
                ConsumerRecords<byte[], byte[]> recs;
                try {
                    recs = consumer.poll(Duration.ofMillis(100));
                } catch (WakeupException e) {
                    break;
                }
                Map<Integer, long[]> batch = new TreeMap<>();
                for (ConsumerRecord<byte[], byte[]> r : recs) {
                    v.check(r.partition(), r.offset(), r.key(), r.value(), r.headers().toArray(), r.timestamp());
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    processed.put(tp, r.offset() + 1);
                    long[] b = batch.computeIfAbsent(r.partition(), k -> new long[2]);
                    b[0] = r.offset(); b[1]++;
                    if (commitEvery > 0 && v.total % commitEvery == 0) commit(consumer, processed, committed, processed.keySet());
                    if (stopAfter > 0 && v.total >= stopAfter) { stop[0] = Stop.LEAVE; break; }
                    if (count > 0 && v.total >= count) { stop[0] = Stop.DONE; break; }
                }
                if (progress) batch.forEach((part, b) -> emit(Json.obj("type", "progress", "partition", part, "lastOffset", b[0], "count", b[1])));
                if (stop[0] != Stop.NONE) break outer;
            }
            if (stop[0] != Stop.LEAVE && stop[0] != Stop.TIMEOUT && commitEvery > 0 && group != null) {
                commit(consumer, processed, committed, processed.keySet());
            }
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(10)));
            v.close();
            boolean ok = stop[0] != Stop.TIMEOUT && v.mismatches == 0;
            Map<String, Object> res = v.result();
            res.put("stopped", termRequested && stop[0] == Stop.NONE ? "signal" : stop[0].name().toLowerCase());
            res.put("committed", offsetsJson(committed));
            emit(res);
            exitCode[0] = ok ? 0 : (stop[0] == Stop.TIMEOUT ? 3 : 1);
        } finally {
            mainDone.countDown();
        }
        return exitCode[0];
    }

    static void commit(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> processed,
                       Map<TopicPartition, Long> committed, Collection<TopicPartition> parts) {
        Map<TopicPartition, OffsetAndMetadata> offs = new HashMap<>();
        for (TopicPartition tp : parts) {
            Long o = processed.get(tp);
            if (o != null && !o.equals(committed.get(tp))) offs.put(tp, new OffsetAndMetadata(o));
        }
        if (offs.isEmpty()) return;
        try {
            c.commitSync(offs);
        } catch (WakeupException e) {
            // SIGTERM's hook woke the consumer while it committed rather than polled: a wakeup is
            // used up by the call it interrupts, so commit again (the same offsets: idempotent).
            c.commitSync(offs);
        }
        Map<String, Object> j = new TreeMap<>(Driver::byNumber);
        offs.forEach((tp, om) -> { committed.put(tp, om.offset()); j.put(String.valueOf(tp.partition()), om.offset()); });
        emit(Json.obj("type", "commit", "offsets", j));
    }

    static Map<String, Object> offsetsJson(Map<TopicPartition, Long> m) {
        Map<String, Object> j = new TreeMap<>(Driver::byNumber);
        m.forEach((tp, o) -> j.put(String.valueOf(tp.partition()), o));
        return j;
    }

    static List<Object> numbers(Collection<TopicPartition> parts) {
        List<Integer> l = new ArrayList<>();
        for (TopicPartition tp : parts) l.add(tp.partition());
        l.sort(Integer::compare);
        return new ArrayList<>(l);
    }

    /** Checks each record against the content the seed and index imply, and keeps per-partition digests. */
    static final class Verifier {
        final String seed;
        final Long tsBase;
        final BufferedWriter out;
        final Map<Integer, PartitionDigest> parts = new TreeMap<>();
        final BitSet seen = new BitSet();
        long total, duplicates, mismatches, rewinds;
        String firstMismatch;

        Verifier(String seed, Long tsBase, String outPath) throws IOException {
            this.seed = seed;
            this.tsBase = tsBase;
            this.out = outPath == null ? null : new BufferedWriter(new FileWriter(outPath, StandardCharsets.UTF_8));
        }

        void check(int partition, long offset, byte[] key, byte[] value, Header[] headers, long timestamp) throws IOException {
            total++;
            String problem = null;
            long idx = -1;
            String k = key == null ? null : new String(key, StandardCharsets.UTF_8);
            int colon = k == null ? -1 : k.lastIndexOf(':');
            if (colon < 0) {
                problem = "key is not seed:index";
            } else {
                idx = Long.parseLong(k.substring(colon + 1));
                String s = k.substring(0, colon);
                Content.Record want = Content.record(s, idx);
                if (seed != null && !seed.equals(s)) problem = "seed " + s + " != " + seed;
                else if (!Arrays.equals(want.value(), value)) problem = "value differs";
                else if (!sameHeaders(want.headers(), headers)) problem = "headers differ";
                else if (tsBase != null && timestamp != tsBase + idx) problem = "timestamp " + timestamp + " != " + (tsBase + idx);
            }
            PartitionDigest d = parts.computeIfAbsent(partition, x -> new PartitionDigest());
            // Going back is a re-delivery (a rebalance resumed from a commit), not bad content.
            if (d.count > 0 && offset <= d.last) rewinds++;
            if (problem != null) {
                mismatches++;
                if (firstMismatch == null) firstMismatch = "p" + partition + "@" + offset + ": " + problem;
            }
            if (idx >= 0 && idx < Integer.MAX_VALUE) {
                if (seen.get((int) idx)) duplicates++;
                seen.set((int) idx);
            }
            d.add(offset, idx);
            if (out != null) out.write(partition + " " + offset + " " + idx + "\n");
        }

        static boolean sameHeaders(List<Content.Hdr> want, Header[] got) {
            if (want.size() != got.length) return false;
            for (int i = 0; i < got.length; i++) {
                if (!want.get(i).key().equals(got[i].key()) || !Arrays.equals(want.get(i).value(), got[i].value())) return false;
            }
            return true;
        }

        void close() throws IOException {
            if (out != null) out.close();
        }

        Map<String, Object> result() {
            Map<String, Object> ps = new TreeMap<>(Driver::byNumber);
            parts.forEach((p, d) -> ps.put(String.valueOf(p), d.json()));
            return Json.obj("type", "result", "command", "consume", "total", total, "unique", seen.cardinality(),
                "duplicates", duplicates, "rewinds", rewinds, "mismatches", mismatches, "firstMismatch", firstMismatch, "partitions", ps);
        }
    }

    /** count, first/last offset and SHA-256 over "offset index\n" lines, in the order seen. */
    static final class PartitionDigest {
        final MessageDigest md = sha256();
        long count, first = -1, last = -1;

        void add(long offset, long idx) {
            if (count == 0) first = offset;
            last = offset;
            count++;
            md.update((offset + " " + idx + "\n").getBytes(StandardCharsets.US_ASCII));
        }

        Map<String, Object> json() {
            return Json.obj("count", count, "first", first, "last", last, "digest", hex(md.digest()));
        }
    }

    // ------------------------------------------------------------- content

    /** The deterministic record content shared by every driver (see README "Record content"). */
    static final class Content {
        record Hdr(String key, byte[] value) {}
        record Record(byte[] key, byte[] value, List<Hdr> headers) {}

        static Record record(String seed, long i) {
            String id = seed + ":" + i;
            byte[] h = sha256().digest(id.getBytes(StandardCharsets.UTF_8));
            int len = 16 + (h[0] & 0xff);
            String hx = hex(h);
            StringBuilder sb = new StringBuilder(len + 64).append(id).append('|');
            while (sb.length() < len) sb.append(hx);
            byte[] value = Arrays.copyOf(sb.toString().getBytes(StandardCharsets.UTF_8), len);
            List<Hdr> hs = new ArrayList<>(4);
            hs.add(new Hdr("i", Long.toString(i).getBytes(StandardCharsets.US_ASCII)));
            hs.add(new Hdr("h", Arrays.copyOf(h, 8)));
            if (i % 7 == 0) {
                hs.add(new Hdr("dup", new byte[] {'a'}));
                hs.add(new Hdr("dup", new byte[] {'b'}));
            }
            return new Record(id.getBytes(StandardCharsets.UTF_8), value, hs);
        }
    }

    // ------------------------------------------------------------- plumbing

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        return sb.toString();
    }

    static int byNumber(String x, String y) {
        return Integer.compare(Integer.parseInt(x), Integer.parseInt(y));
    }

    static synchronized void emit(Map<String, Object> o) {
        OUT.println(Json.write(o));
        OUT.flush();
    }

    static final class UsageException extends RuntimeException {
        UsageException(String m) { super(m); }
    }

    /** --name value pairs (repeatable) and bare --flags after the command. */
    static final class Args {
        final String command;
        final Map<String, List<String>> m = new HashMap<>();

        Args(String[] argv) {
            if (argv.length == 0) throw new UsageException("driver <command> --bootstrap host:port [options]");
            command = argv[0];
            for (int i = 1; i < argv.length; i++) {
                if (!argv[i].startsWith("--")) throw new UsageException("unexpected " + argv[i]);
                String name = argv[i].substring(2);
                String val = (i + 1 < argv.length && !argv[i + 1].startsWith("--")) ? argv[++i] : "true";
                m.computeIfAbsent(name, k -> new ArrayList<>()).add(val);
            }
        }

        boolean has(String n) { return m.containsKey(n); }
        List<String> all(String n) { return m.getOrDefault(n, List.of()); }
        String get(String n, String d) { return has(n) ? m.get(n).get(m.get(n).size() - 1) : d; }
        int integer(String n, int d) { return Integer.parseInt(get(n, String.valueOf(d))); }
        String req(String n) {
            if (!has(n)) throw new UsageException("--" + n + " is required for " + command);
            return get(n, null);
        }
    }

    /** Just enough JSON for flat results: maps, lists, strings, numbers, booleans, null. */
    static final class Json {
        static Map<String, Object> obj(Object... kv) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
            return m;
        }

        static String write(Object o) {
            StringBuilder sb = new StringBuilder();
            write(sb, o);
            return sb.toString();
        }

        @SuppressWarnings("unchecked")
        static void write(StringBuilder sb, Object o) {
            if (o == null) sb.append("null");
            else if (o instanceof String s) str(sb, s);
            else if (o instanceof Number || o instanceof Boolean) sb.append(o);
            else if (o instanceof Map<?, ?> m) {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
                    if (!first) sb.append(',');
                    first = false;
                    str(sb, e.getKey());
                    sb.append(':');
                    write(sb, e.getValue());
                }
                sb.append('}');
            } else if (o instanceof List<?> l) {
                sb.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) sb.append(',');
                    write(sb, l.get(i));
                }
                sb.append(']');
            } else str(sb, o.toString());
        }

        static void str(StringBuilder sb, String s) {
            sb.append('"');
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\t' -> sb.append("\\t");
                    default -> {
                        if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                        else sb.append(c);
                    }
                }
            }
            sb.append('"');
        }
    }
}
