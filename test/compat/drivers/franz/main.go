// Command franz-driver is the compat scenario driver on franz-go (kgo/kadm).
// It speaks the contract in test/compat/README.md: one command per run, JSON
// lines on stdout, the last one of type "result"; non-zero exit on failure.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

const clientID = "millrace-compat-franz"

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

var outMu sync.Mutex

func emit(v any) {
	b, _ := json.Marshal(v)
	outMu.Lock()
	defer outMu.Unlock()
	os.Stdout.Write(append(b, '\n'))
}

type obj = map[string]any // encoding/json sorts keys, which keeps output stable

// ---------------------------------------------------------------- content

type hdr struct {
	key   string
	value []byte
}

// content is the deterministic record content shared by every driver (README "Record content").
func content(seed string, i int64) (key, value []byte, headers []hdr) {
	id := seed + ":" + strconv.FormatInt(i, 10)
	h := sha256.Sum256([]byte(id))
	n := 16 + int(h[0])
	hx := hex.EncodeToString(h[:])
	var sb strings.Builder
	sb.WriteString(id)
	sb.WriteByte('|')
	for sb.Len() < n {
		sb.WriteString(hx)
	}
	value = []byte(sb.String())[:n]
	headers = []hdr{{"i", []byte(strconv.FormatInt(i, 10))}, {"h", append([]byte(nil), h[:8]...)}}
	if i%7 == 0 {
		headers = append(headers, hdr{"dup", []byte("a")}, hdr{"dup", []byte("b")})
	}
	return []byte(id), value, headers
}

type partitionDigest struct {
	md                 hash.Hash
	count, first, last int64
}

func newDigest() *partitionDigest { return &partitionDigest{md: sha256.New(), first: -1, last: -1} }

func (d *partitionDigest) add(offset, idx int64) {
	if d.count == 0 {
		d.first = offset
	}
	d.last = offset
	d.count++
	fmt.Fprintf(d.md, "%d %d\n", offset, idx)
}

func (d *partitionDigest) json() obj {
	return obj{"count": d.count, "first": d.first, "last": d.last, "digest": hex.EncodeToString(d.md.Sum(nil))}
}

func byNumber[T any](m map[int32]T) map[string]T {
	out := make(map[string]T, len(m))
	for k, v := range m {
		out[strconv.Itoa(int(k))] = v
	}
	return out
}

// ------------------------------------------------------------------- args

type args struct {
	command string
	m       map[string][]string
}

func parseArgs(argv []string) (*args, error) {
	if len(argv) == 0 {
		return nil, usageError{"driver <command> --bootstrap host:port [options]"}
	}
	a := &args{command: argv[0], m: map[string][]string{}}
	for i := 1; i < len(argv); i++ {
		if !strings.HasPrefix(argv[i], "--") {
			return nil, usageError{"unexpected " + argv[i]}
		}
		name, val := argv[i][2:], "true"
		if i+1 < len(argv) && !strings.HasPrefix(argv[i+1], "--") {
			val = argv[i+1]
			i++
		}
		a.m[name] = append(a.m[name], val)
	}
	return a, nil
}

func (a *args) has(n string) bool     { _, ok := a.m[n]; return ok }
func (a *args) all(n string) []string { return a.m[n] }
func (a *args) get(n, d string) string {
	if v, ok := a.m[n]; ok {
		return v[len(v)-1]
	}
	return d
}
func (a *args) req(n string) string {
	if !a.has(n) {
		panic(usageError{"--" + n + " is required for " + a.command})
	}
	return a.get(n, "")
}
func (a *args) int(n string, d int64) int64 {
	v, err := strconv.ParseInt(a.get(n, strconv.FormatInt(d, 10)), 10, 64)
	if err != nil {
		panic(usageError{"--" + n + " must be an integer"})
	}
	return v
}

func baseOpts(a *args) []kgo.Opt {
	return []kgo.Opt{
		kgo.SeedBrokers(a.req("bootstrap")),
		kgo.ClientID(a.get("client-id", clientID)),
		kgo.RetryBackoffFn(func(int) time.Duration { return 50 * time.Millisecond }),
	}
}

func withAdmin(a *args, f func(ctx context.Context, adm *kadm.Client) error) error {
	cl, err := kgo.NewClient(baseOpts(a)...)
	if err != nil {
		return err
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return f(ctx, kadm.NewClient(cl))
}

func result(command string, fields obj) obj {
	fields["type"] = "result"
	fields["command"] = command
	return fields
}

// ------------------------------------------------------------------ admin

func createTopic(a *args) int {
	topic := a.req("topic")
	configs := map[string]*string{}
	for _, kv := range a.all("config") {
		k, v, _ := strings.Cut(kv, "=")
		configs[k] = &v
	}
	must(withAdmin(a, func(ctx context.Context, adm *kadm.Client) error {
		r, err := adm.CreateTopic(ctx, int32(a.int("partitions", 1)), int16(a.int("replication-factor", -1)), configs, topic)
		if err != nil {
			return err
		}
		return r.Err
	}))
	emit(result("create-topic", obj{"topic": topic}))
	return 0
}

func listOffsets(a *args) int {
	topic, ts := a.req("topic"), a.req("timestamp")
	parts := map[int32]obj{}
	must(withAdmin(a, func(ctx context.Context, adm *kadm.Client) error {
		var (
			lo  kadm.ListedOffsets
			err error
		)
		switch ts {
		case "earliest":
			lo, err = adm.ListStartOffsets(ctx, topic)
		case "latest":
			lo, err = adm.ListEndOffsets(ctx, topic)
		case "max-timestamp":
			return usageError{"max-timestamp is not wired for franz"}
		default:
			ms, perr := strconv.ParseInt(ts, 10, 64)
			if perr != nil {
				return usageError{"--timestamp must be earliest, latest or milliseconds"}
			}
			lo, err = adm.ListOffsetsAfterMilli(ctx, ms, topic)
		}
		if err != nil {
			return err
		}
		if err := lo.Error(); err != nil {
			return err
		}
		lo.Each(func(o kadm.ListedOffset) {
			if a.has("partition") && int64(o.Partition) != a.int("partition", -1) {
				return
			}
			parts[o.Partition] = obj{"offset": o.Offset, "timestamp": o.Timestamp}
		})
		return nil
	}))
	emit(result("list-offsets", obj{"partitions": byNumber(parts)}))
	return 0
}

func deleteRecords(a *args) int {
	topic, partition := a.req("topic"), int32(a.int("partition", 0))
	var low int64
	must(withAdmin(a, func(ctx context.Context, adm *kadm.Client) error {
		offs := kadm.Offsets{}
		offs.AddOffset(topic, partition, a.int("offset", 0), -1)
		rs, err := adm.DeleteRecords(ctx, offs)
		if err != nil {
			return err
		}
		r, ok := rs.Lookup(topic, partition)
		if !ok {
			return errors.New("no delete-records response for the partition")
		}
		low = r.LowWatermark
		return r.Err
	}))
	emit(result("delete-records", obj{"partition": partition, "lowWatermark": low}))
	return 0
}

func describeConfigs(a *args) int {
	topic := a.req("topic")
	configs := map[string]any{}
	dynamic := []string{}
	must(withAdmin(a, func(ctx context.Context, adm *kadm.Client) error {
		rcs, err := adm.DescribeTopicConfigs(ctx, topic)
		if err != nil {
			return err
		}
		rc, err := rcs.On(topic, nil)
		if err != nil {
			return err
		}
		if rc.Err != nil {
			return rc.Err
		}
		for _, c := range rc.Configs {
			if c.Value == nil {
				configs[c.Key] = nil
			} else {
				configs[c.Key] = *c.Value
			}
			if c.Source == kmsg.ConfigSourceDynamicTopicConfig {
				dynamic = append(dynamic, c.Key)
			}
		}
		return nil
	}))
	sort.Strings(dynamic)
	emit(result("describe-configs", obj{"configs": configs, "dynamic": dynamic}))
	return 0
}

func alterConfigs(a *args) int {
	topic := a.req("topic")
	var alters []kadm.AlterConfig
	for _, kv := range a.all("set") {
		k, v, _ := strings.Cut(kv, "=")
		alters = append(alters, kadm.AlterConfig{Op: kadm.SetConfig, Name: k, Value: &v})
	}
	for _, k := range a.all("delete") {
		alters = append(alters, kadm.AlterConfig{Op: kadm.DeleteConfig, Name: k})
	}
	must(withAdmin(a, func(ctx context.Context, adm *kadm.Client) error {
		rs, err := adm.AlterTopicConfigs(ctx, alters, topic)
		if err != nil {
			return err
		}
		for _, r := range rs {
			if r.Err != nil {
				return fmt.Errorf("%w: %s", r.Err, r.ErrMessage)
			}
		}
		return nil
	}))
	emit(result("alter-configs", obj{"topic": topic}))
	return 0
}

func metadata(a *args) int {
	var out obj
	must(withAdmin(a, func(ctx context.Context, adm *kadm.Client) error {
		var topics []string
		if a.has("topic") {
			topics = []string{a.req("topic")}
		}
		md, err := adm.Metadata(ctx, topics...)
		if err != nil {
			return err
		}
		brokers := []obj{}
		for _, b := range md.Brokers {
			brokers = append(brokers, obj{"id": b.NodeID, "host": b.Host, "port": b.Port})
		}
		sort.Slice(brokers, func(i, j int) bool { return brokers[i]["id"].(int32) < brokers[j]["id"].(int32) })
		ts := obj{}
		for name, t := range md.Topics {
			if t.Err == nil {
				ts[name] = obj{"partitions": len(t.Partitions)}
			}
		}
		out = obj{"brokers": brokers, "topics": ts}
		return nil
	}))
	emit(result("metadata", out))
	return 0
}

// ---------------------------------------------------------------- produce

func produce(a *args) int {
	topic, seed, count := a.req("topic"), a.req("seed"), a.int("count", 0)
	codecs := map[string]kgo.CompressionCodec{
		"none": kgo.NoCompression(), "gzip": kgo.GzipCompression(), "snappy": kgo.SnappyCompression(),
		"lz4": kgo.Lz4Compression(), "zstd": kgo.ZstdCompression(),
	}
	codec, ok := codecs[a.get("codec", "none")]
	if !ok {
		panic(usageError{"unknown codec " + a.get("codec", "")})
	}
	opts := append(baseOpts(a),
		kgo.ProducerBatchCompression(codec),
		kgo.ProducerLinger(time.Duration(a.int("linger-ms", 5))*time.Millisecond),
	)
	switch a.get("acks", "all") {
	case "all", "-1":
		opts = append(opts, kgo.RequiredAcks(kgo.AllISRAcks()))
	case "1":
		opts = append(opts, kgo.RequiredAcks(kgo.LeaderAck()), kgo.DisableIdempotentWrite())
	case "0":
		opts = append(opts, kgo.RequiredAcks(kgo.NoAck()), kgo.DisableIdempotentWrite())
	}
	if a.has("no-idempotent") {
		opts = append(opts, kgo.DisableIdempotentWrite())
	}
	if a.has("request-timeout-ms") {
		opts = append(opts, kgo.ProduceRequestTimeout(time.Duration(a.int("request-timeout-ms", 0))*time.Millisecond))
	}
	if a.has("max-in-flight") {
		opts = append(opts, kgo.MaxProduceRequestsInflightPerBroker(int(a.int("max-in-flight", 1))))
	}
	if a.has("batch-size") {
		opts = append(opts, kgo.ProducerBatchMaxBytes(int32(a.int("batch-size", 0))))
	}
	fixed := a.has("partition")
	if fixed {
		opts = append(opts, kgo.RecordPartitioner(kgo.ManualPartitioner()))
	}
	cl, err := kgo.NewClient(opts...)
	must(err)

	var mu sync.Mutex
	acked := map[int32][][2]int64{}
	var nAcked, nErr int64
	var firstErr any
	start := time.Now()
	ctx := context.Background()
	for i := int64(0); i < count; i++ {
		k, v, hs := content(seed, i)
		r := &kgo.Record{Topic: topic, Key: k, Value: v}
		for _, h := range hs {
			r.Headers = append(r.Headers, kgo.RecordHeader{Key: h.key, Value: h.value})
		}
		if a.has("timestamp-base") {
			r.Timestamp = time.UnixMilli(a.int("timestamp-base", 0) + i)
		}
		if fixed {
			r.Partition = int32(a.int("partition", 0))
		}
		idx := i
		cl.Produce(ctx, r, func(r *kgo.Record, err error) {
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				nErr++
				if firstErr == nil {
					firstErr = err.Error()
				}
				return
			}
			nAcked++
			acked[r.Partition] = append(acked[r.Partition], [2]int64{r.Offset, idx})
		})
	}
	must(cl.Flush(ctx))
	cl.Close()
	parts := map[int32]obj{}
	for p, l := range acked {
		sort.Slice(l, func(i, j int) bool { return l[i][0] < l[j][0] })
		d := newDigest()
		for _, e := range l {
			d.add(e[0], e[1])
		}
		parts[p] = d.json()
	}
	emit(result("produce", obj{"acked": nAcked, "errors": nErr, "firstError": firstErr,
		"partitions": byNumber(parts), "elapsedMs": time.Since(start).Milliseconds()}))
	if nErr > 0 {
		return 1
	}
	return 0
}

// ---------------------------------------------------------------- consume

type verifier struct {
	seed          string
	tsBase        int64
	hasTS         bool
	parts         map[int32]*partitionDigest
	seen          map[int64]bool
	total, dups   int64
	rewinds       int64
	mismatches    int64
	firstMismatch any
	out           *bufio.Writer
	outFile       *os.File
}

func (v *verifier) check(r *kgo.Record) {
	v.total++
	problem := ""
	idx := int64(-1)
	k := string(r.Key)
	colon := strings.LastIndexByte(k, ':')
	if r.Key == nil || colon < 0 {
		problem = "key is not seed:index"
	} else {
		s := k[:colon]
		idx, _ = strconv.ParseInt(k[colon+1:], 10, 64)
		_, wantV, wantH := content(s, idx)
		switch {
		case v.seed != "" && s != v.seed:
			problem = fmt.Sprintf("seed %s != %s", s, v.seed)
		case !bytes.Equal(wantV, r.Value):
			problem = "value differs"
		case !sameHeaders(wantH, r.Headers):
			problem = "headers differ"
		case v.hasTS && r.Timestamp.UnixMilli() != v.tsBase+idx:
			problem = fmt.Sprintf("timestamp %d != %d", r.Timestamp.UnixMilli(), v.tsBase+idx)
		}
	}
	d := v.parts[r.Partition]
	if d == nil {
		d = newDigest()
		v.parts[r.Partition] = d
	}
	// Going back is a re-delivery (a rebalance resumed from a commit), not bad content.
	if d.count > 0 && r.Offset <= d.last {
		v.rewinds++
	}
	if problem != "" {
		v.mismatches++
		if v.firstMismatch == nil {
			v.firstMismatch = fmt.Sprintf("p%d@%d: %s", r.Partition, r.Offset, problem)
		}
	}
	if idx >= 0 {
		if v.seen[idx] {
			v.dups++
		}
		v.seen[idx] = true
	}
	d.add(r.Offset, idx)
	if v.out != nil {
		fmt.Fprintf(v.out, "%d %d %d\n", r.Partition, r.Offset, idx)
	}
}

func sameHeaders(want []hdr, got []kgo.RecordHeader) bool {
	if len(want) != len(got) {
		return false
	}
	for i := range want {
		if want[i].key != got[i].Key || !bytes.Equal(want[i].value, got[i].Value) {
			return false
		}
	}
	return true
}

func (v *verifier) result() obj {
	if v.out != nil {
		v.out.Flush()
		v.outFile.Close()
	}
	parts := map[int32]obj{}
	for p, d := range v.parts {
		parts[p] = d.json()
	}
	return result("consume", obj{"total": v.total, "unique": len(v.seen), "duplicates": v.dups, "rewinds": v.rewinds,
		"mismatches": v.mismatches, "firstMismatch": v.firstMismatch, "partitions": byNumber(parts)})
}

func consume(a *args) int {
	topic, group := a.req("topic"), a.get("group", "")
	count, stopAfter, commitEvery := a.int("count", 0), a.int("stop-after", 0), a.int("commit-every", 0)
	v := &verifier{seed: a.get("seed", ""), parts: map[int32]*partitionDigest{}, seen: map[int64]bool{}}
	if a.has("timestamp-base") {
		v.hasTS, v.tsBase = true, a.int("timestamp-base", 0)
	}
	if a.has("out") {
		f, err := os.Create(a.req("out"))
		must(err)
		v.outFile, v.out = f, bufio.NewWriter(f)
	}
	progress := a.has("progress")

	var (
		mu        sync.Mutex // guards processed/committed/owned/stop against rebalance callbacks
		processed = map[int32]int64{}
		committed = map[int32]int64{}
		owned     = map[int32]bool{}
		stop      string
		cl        *kgo.Client
	)
	ctx := context.Background()
	commit := func(parts []int32) {
		offs := map[int32]kgo.EpochOffset{}
		for _, p := range parts {
			if o, ok := processed[p]; ok && committed[p] != o {
				offs[p] = kgo.EpochOffset{Epoch: -1, Offset: o}
			}
		}
		if len(offs) == 0 {
			return
		}
		var cerr error
		cl.CommitOffsetsSync(ctx, map[string]map[int32]kgo.EpochOffset{topic: offs},
			func(_ *kgo.Client, _ *kmsg.OffsetCommitRequest, resp *kmsg.OffsetCommitResponse, err error) {
				if err != nil {
					cerr = err
					return
				}
				for _, t := range resp.Topics {
					for _, p := range t.Partitions {
						if e := kerrOf(p.ErrorCode); e != nil && cerr == nil {
							cerr = e
						}
					}
				}
			})
		must(cerr)
		j := map[int32]int64{}
		for p, eo := range offs {
			committed[p] = eo.Offset
			j[p] = eo.Offset
		}
		emit(obj{"type": "commit", "offsets": byNumber(j)})
	}
	sortedOwned := func() []int32 {
		l := []int32{}
		for p := range owned {
			l = append(l, p)
		}
		sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
		return l
	}

	opts := append(baseOpts(a),
		kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchMaxWait(500*time.Millisecond),
	)
	if group != "" {
		opts = append(opts,
			kgo.ConsumerGroup(group),
			kgo.DisableAutoCommit(),
			// Rebalances wait until a polled batch is processed (AllowRebalance
			// below), so commits and revocations never interleave mid-batch.
			kgo.BlockRebalanceOnPoll(),
			kgo.SessionTimeout(10*time.Second),
			kgo.OnPartitionsAssigned(func(_ context.Context, _ *kgo.Client, m map[string][]int32) {
				mu.Lock()
				defer mu.Unlock()
				for _, p := range m[topic] {
					owned[p] = true
				}
				emit(obj{"type": "assignment", "partitions": sortedOwned()})
			}),
			kgo.OnPartitionsRevoked(func(_ context.Context, _ *kgo.Client, m map[string][]int32) {
				mu.Lock()
				defer mu.Unlock()
				// A consumer that stays commits what it processed before giving
				// partitions away; the one told to leave deliberately does not.
				if commitEvery > 0 && stop != "leave" {
					commit(m[topic])
				}
				for _, p := range m[topic] {
					delete(owned, p)
				}
				emit(obj{"type": "revoked", "partitions": sorted32(m[topic])})
			}),
			kgo.OnPartitionsLost(func(_ context.Context, _ *kgo.Client, m map[string][]int32) {
				mu.Lock()
				defer mu.Unlock()
				for _, p := range m[topic] {
					delete(owned, p)
				}
				emit(obj{"type": "revoked", "partitions": sorted32(m[topic]), "lost": true})
			}),
		)
		if a.get("group-protocol", "classic") == "consumer" {
			must(require848(a))
			opts = append(opts, kgo.ServerSideBalancer(), kgo.Balancers(kgo.RangeBalancer()))
		}
	}
	var err error
	cl, err = kgo.NewClient(opts...)
	must(err)
	if group == "" {
		emit(obj{"type": "assignment", "partitions": "all"})
	}

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	pollCtx, cancel := context.WithTimeout(ctx, time.Duration(a.int("timeout-ms", 60000))*time.Millisecond)
	defer cancel()
	go func() {
		<-sig
		mu.Lock()
		if stop == "" {
			stop = "signal"
		}
		mu.Unlock()
		cancel()
	}()

	for {
		mu.Lock()
		s := stop
		mu.Unlock()
		if s != "" {
			break
		}
		fs := cl.PollRecords(pollCtx, 500)
		if pollCtx.Err() != nil {
			mu.Lock()
			if stop == "" {
				stop = "timeout"
			}
			mu.Unlock()
			break
		}
		for _, fe := range fs.Errors() {
			if !errors.Is(fe.Err, context.Canceled) && !errors.Is(fe.Err, context.DeadlineExceeded) {
				must(fmt.Errorf("fetch %s/%d: %w", fe.Topic, fe.Partition, fe.Err))
			}
		}
		batch := map[int32][2]int64{}
		mu.Lock()
		for _, r := range fs.Records() {
			v.check(r)
			processed[r.Partition] = r.Offset + 1
			b := batch[r.Partition]
			batch[r.Partition] = [2]int64{r.Offset, b[1] + 1}
			if commitEvery > 0 && v.total%commitEvery == 0 {
				commit(keys(processed))
			}
			if stopAfter > 0 && v.total >= stopAfter {
				stop = "leave"
				break
			}
			if count > 0 && v.total >= count {
				stop = "done"
				break
			}
		}
		mu.Unlock()
		cl.AllowRebalance()
		if progress {
			for p, b := range batch {
				emit(obj{"type": "progress", "partition": p, "lastOffset": b[0], "count": b[1]})
			}
		}
	}
	mu.Lock()
	if stop != "leave" && stop != "timeout" && commitEvery > 0 && group != "" {
		commit(keys(processed))
	}
	mu.Unlock()
	// Leaves the group (autocommit is off, so nothing else is committed). Plain
	// Close would wait forever for the rebalance that BlockRebalanceOnPoll holds.
	cl.CloseAllowingRebalance()
	res := v.result()
	res["stopped"] = stop
	res["committed"] = byNumber(committed)
	emit(res)
	if stop == "timeout" {
		return 3
	}
	if v.mismatches > 0 {
		return 1
	}
	return 0
}

// sorted32 never returns nil, so JSON gets [] rather than null.
func sorted32(in []int32) []int32 {
	out := append([]int32{}, in...)
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// require848 fails unless every broker offers ConsumerGroupHeartbeat v1+:
// without it franz-go silently falls back to the classic protocol, and a
// KIP-848 scenario would pass without testing KIP-848.
func require848(a *args) error {
	return withAdmin(a, func(ctx context.Context, adm *kadm.Client) error {
		vs, err := adm.ApiVersions(ctx)
		if err != nil {
			return err
		}
		for _, v := range vs.Sorted() {
			if v.Err != nil {
				return v.Err
			}
			if max, ok := v.KeyMaxVersion(int16(kmsg.ConsumerGroupHeartbeat)); !ok || max < 1 {
				return fmt.Errorf("broker %d does not offer ConsumerGroupHeartbeat v1 (max %d, offered %v), which franz-go needs for KIP-848", v.NodeID, max, ok)
			}
		}
		return nil
	})
}

func keys(m map[int32]int64) []int32 {
	l := make([]int32, 0, len(m))
	for k := range m {
		l = append(l, k)
	}
	return l
}

func kerrOf(code int16) error {
	if code == 0 {
		return nil
	}
	return fmt.Errorf("kafka error code %d", code)
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(argv []string) (code int) {
	defer func() {
		if r := recover(); r != nil {
			var ue usageError
			if e, ok := r.(error); ok && errors.As(e, &ue) {
				fmt.Fprintln(os.Stderr, "usage:", ue.msg)
				code = 2
				return
			}
			emit(obj{"type": "error", "error": fmt.Sprint(r)})
			code = 1
		}
	}()
	a, err := parseArgs(argv)
	if err != nil {
		panic(err)
	}
	cmds := map[string]func(*args) int{
		"create-topic": createTopic, "produce": produce, "consume": consume, "list-offsets": listOffsets,
		"delete-records": deleteRecords, "describe-configs": describeConfigs, "alter-configs": alterConfigs,
		"metadata": metadata,
	}
	f, ok := cmds[a.command]
	if !ok {
		panic(usageError{"unknown command " + a.command})
	}
	return f(a)
}
