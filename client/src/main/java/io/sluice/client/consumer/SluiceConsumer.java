package io.sluice.client.consumer;

import io.sluice.client.ClientConfigs;
import io.sluice.client.consumer.ConsumerProtocol.Assignment;
import io.sluice.client.consumer.PartitionAssignor.RebalanceProtocol;
import io.sluice.client.metadata.Cluster;
import io.sluice.client.metadata.Metadata;
import io.sluice.client.network.NetworkClient;
import io.sluice.client.serialization.Deserializer;
import io.sluice.client.serialization.SerializationException;
import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.common.Node;
import io.sluice.common.TopicPartition;
import io.sluice.common.config.ConfigDef;
import io.sluice.common.config.ConfigException;
import io.sluice.common.config.ConfigType;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.FetchRequest;
import io.sluice.protocol.message.FetchResponse;
import io.sluice.protocol.message.ListOffsetsRequest;
import io.sluice.protocol.message.ListOffsetsResponse;
import io.sluice.protocol.message.MetadataResponse;
import io.sluice.record.ControlRecordType;
import io.sluice.record.MemoryRecords;
import io.sluice.record.Record;
import io.sluice.record.RecordBatch;
import io.sluice.record.RecordIterator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Sluice's consumer: reads records from partitions it is given ({@link #assign}) or that a consumer group
 * hands it ({@link #subscribe}), over the Kafka protocol, from Sluice or Apache Kafka brokers.
 *
 * <p>{@link #poll} returns up to {@code max.poll.records} records; fetches to each partition leader run in the
 * background between polls (bounded by {@code fetch.min.bytes}, {@code fetch.max.wait.ms},
 * {@code max.partition.fetch.bytes}, {@code fetch.max.bytes}). A partition without a position starts from the
 * group's committed offset, else by {@code auto.offset.reset}. Control batches are skipped; with
 * {@code isolation.level=read_committed} records of aborted transactions are too.
 *
 * <p>Group members use the classic protocol with client-side assignors ({@code partition.assignment.strategy},
 * kafka-clients' names, default {@code range,cooperative-sticky}), so they can share a group with kafka-clients
 * consumers. A background thread heartbeats; a member that does not poll within {@code max.poll.interval.ms}
 * leaves the group. Rebalance listeners run inside {@link #poll}.
 *
 * <h2>Threads</h2>
 * Not thread-safe: one thread uses a consumer at a time (another thread's call throws
 * ConcurrentModificationException), except {@link #wakeup()}, which any thread may call to make the blocked
 * (or next) call throw {@link WakeupException}, and {@link #metrics()}.
 */
public final class SluiceConsumer<K, V> implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(SluiceConsumer.class);

    public static final String GROUP_ID = "group.id";
    public static final String GROUP_INSTANCE_ID = "group.instance.id";
    public static final String SESSION_TIMEOUT_MS = "session.timeout.ms";
    public static final String HEARTBEAT_INTERVAL_MS = "heartbeat.interval.ms";
    public static final String MAX_POLL_INTERVAL_MS = "max.poll.interval.ms";
    public static final String MAX_POLL_RECORDS = "max.poll.records";
    public static final String FETCH_MIN_BYTES = "fetch.min.bytes";
    public static final String FETCH_MAX_BYTES = "fetch.max.bytes";
    public static final String FETCH_MAX_WAIT_MS = "fetch.max.wait.ms";
    public static final String MAX_PARTITION_FETCH_BYTES = "max.partition.fetch.bytes";
    public static final String AUTO_OFFSET_RESET = "auto.offset.reset";
    public static final String ENABLE_AUTO_COMMIT = "enable.auto.commit";
    public static final String AUTO_COMMIT_INTERVAL_MS = "auto.commit.interval.ms";
    public static final String PARTITION_ASSIGNMENT_STRATEGY = "partition.assignment.strategy";
    public static final String ISOLATION_LEVEL = "isolation.level";
    public static final String DEFAULT_API_TIMEOUT_MS = "default.api.timeout.ms";
    public static final String CHECK_CRCS = "check.crcs";
    public static final String CLIENT_RACK = "client.rack";

    private static final ConfigDef CONFIG = ClientConfigs.common(30_000)
        .define(GROUP_ID, ConfigType.STRING, null, "The consumer group; none: no group, no commits")
        .define(GROUP_INSTANCE_ID, ConfigType.STRING, null, "Static membership id, unique in the group")
        .define(SESSION_TIMEOUT_MS, ConfigType.INT, 45_000, ConfigDef.atLeast(1),
            "The coordinator drops a member it has not heard from for this long")
        .define(HEARTBEAT_INTERVAL_MS, ConfigType.INT, 3_000, ConfigDef.atLeast(1), "Time between heartbeats")
        .define(MAX_POLL_INTERVAL_MS, ConfigType.INT, 300_000, ConfigDef.atLeast(1),
            "A member that does not poll for this long leaves the group; also the rebalance timeout")
        .define(MAX_POLL_RECORDS, ConfigType.INT, 500, ConfigDef.atLeast(1), "Records one poll returns at most")
        .define(FETCH_MIN_BYTES, ConfigType.INT, 1, ConfigDef.atLeast(0), "Bytes a fetch waits for")
        .define(FETCH_MAX_BYTES, ConfigType.INT, 52_428_800, ConfigDef.atLeast(0), "Bytes one fetch returns at most")
        .define(FETCH_MAX_WAIT_MS, ConfigType.INT, 500, ConfigDef.atLeast(0), "Longest wait for fetch.min.bytes")
        .define(MAX_PARTITION_FETCH_BYTES, ConfigType.INT, 1_048_576, ConfigDef.atLeast(0),
            "Bytes one partition contributes to a fetch at most")
        .define(AUTO_OFFSET_RESET, ConfigType.STRING, "latest", ConfigDef.oneOf("earliest", "latest", "none"),
            "Where to start without a (valid) committed offset")
        .define(ENABLE_AUTO_COMMIT, ConfigType.BOOLEAN, true, "Commit positions in the background (needs group.id)")
        .define(AUTO_COMMIT_INTERVAL_MS, ConfigType.INT, 5_000, ConfigDef.atLeast(0), "Time between auto commits")
        .define(PARTITION_ASSIGNMENT_STRATEGY, ConfigType.LIST, "range,cooperative-sticky",
            "Assignors by preference: range, roundrobin, sticky, cooperative-sticky (or kafka-clients class names), "
                + "or PartitionAssignor class names")
        .define(ISOLATION_LEVEL, ConfigType.STRING, "read_uncommitted",
            ConfigDef.oneOf("read_uncommitted", "read_committed"), "Whether to skip records of aborted transactions")
        .define(DEFAULT_API_TIMEOUT_MS, ConfigType.INT, 60_000, ConfigDef.atLeast(0),
            "Bound on blocking calls without a timeout argument")
        .define(CHECK_CRCS, ConfigType.BOOLEAN, true, "Verify each fetched batch's CRC")
        .define(CLIENT_RACK, ConfigType.STRING, "", "The consumer's rack (informational)");

    private enum Mode { NONE, TOPICS, PATTERN, ASSIGNED }

    private final Deserializer<K> keyDeserializer;
    private final Deserializer<V> valueDeserializer;
    private final NetworkClient network;
    private final Metadata metadata;
    private final GroupMember group;
    private final int maxPollRecords;
    private final int fetchMinBytes;
    private final int fetchMaxBytes;
    private final int fetchMaxWaitMs;
    private final int maxPartitionFetchBytes;
    private final PartitionState.Reset defaultReset;
    private final boolean autoCommit;
    private final long autoCommitIntervalNs;
    private final boolean readCommitted;
    private final long defaultApiTimeoutMs;
    private final long retryBackoffMs;
    private final long metadataMaxAgeMs;
    private final boolean checkCrcs;

    private Mode mode = Mode.NONE;
    private final Set<String> topics = new TreeSet<>();
    private Pattern pattern;
    private long patternCheckedNs;
    private ConsumerRebalanceListener listener = ConsumerRebalanceListener.noOp();
    private final Map<TopicPartition, PartitionState> assignment = new LinkedHashMap<>();
    private CompletableFuture<Assignment> joining;
    private long nextAutoCommitNs;
    private int nextDrainStart;

    /** Results of network work, applied on the polling thread. */
    private final ConcurrentLinkedQueue<Runnable> completions = new ConcurrentLinkedQueue<>();
    private final Set<Integer> fetchingNodes = ConcurrentHashMap.newKeySet();
    private final Object signal = new Object();
    private long signals;
    private final AtomicBoolean wakeup = new AtomicBoolean();
    private final AtomicLong owner = new AtomicLong(-1);
    private int ownerDepth;
    private volatile boolean closed;
    private final Map<MetricName, Double> metrics = new ConcurrentHashMap<>();
    private final AtomicLong recordsConsumed = new AtomicLong();

    private SluiceConsumer(ConfigDef.Values config, Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
        this.keyDeserializer = Objects.requireNonNull(keyDeserializer, "keyDeserializer");
        this.valueDeserializer = Objects.requireNonNull(valueDeserializer, "valueDeserializer");
        this.maxPollRecords = config.getInt(MAX_POLL_RECORDS);
        this.fetchMinBytes = config.getInt(FETCH_MIN_BYTES);
        this.fetchMaxBytes = config.getInt(FETCH_MAX_BYTES);
        this.fetchMaxWaitMs = config.getInt(FETCH_MAX_WAIT_MS);
        this.maxPartitionFetchBytes = config.getInt(MAX_PARTITION_FETCH_BYTES);
        String reset = config.getString(AUTO_OFFSET_RESET);
        this.defaultReset = switch (reset) {
            case "earliest" -> PartitionState.Reset.EARLIEST;
            case "latest" -> PartitionState.Reset.LATEST;
            default -> null;
        };
        String groupId = (String) config.get(GROUP_ID);
        if (groupId != null && groupId.isEmpty()) {
            groupId = null;
        }
        boolean explicitAutoCommit = config.getBoolean(ENABLE_AUTO_COMMIT);
        this.autoCommit = groupId != null && explicitAutoCommit;
        this.autoCommitIntervalNs = TimeUnit.MILLISECONDS.toNanos(config.getInt(AUTO_COMMIT_INTERVAL_MS));
        this.readCommitted = config.getString(ISOLATION_LEVEL).equals("read_committed");
        this.defaultApiTimeoutMs = config.getInt(DEFAULT_API_TIMEOUT_MS);
        this.retryBackoffMs = config.getLong(ClientConfigs.RETRY_BACKOFF_MS);
        this.metadataMaxAgeMs = config.getLong(ClientConfigs.METADATA_MAX_AGE_MS);
        this.checkCrcs = config.getBoolean(CHECK_CRCS);
        int sessionTimeoutMs = config.getInt(SESSION_TIMEOUT_MS);
        int heartbeatMs = config.getInt(HEARTBEAT_INTERVAL_MS);
        if (heartbeatMs >= sessionTimeoutMs) {
            throw new ConfigException(HEARTBEAT_INTERVAL_MS, heartbeatMs, "must be below " + SESSION_TIMEOUT_MS
                + " (" + sessionTimeoutMs + ")");
        }
        List<PartitionAssignor> assignors = new ArrayList<>();
        for (String name : config.getList(PARTITION_ASSIGNMENT_STRATEGY)) {
            assignors.add(assignor(name));
        }
        if (assignors.isEmpty()) {
            throw new ConfigException(PARTITION_ASSIGNMENT_STRATEGY, "", "needs at least one assignor");
        }
        this.network = new NetworkClient(ClientConfigs.networkSettings(config, "sluice-consumer", 5));
        this.metadata = new Metadata(network, ClientConfigs.bootstrapNodes(config.getList(ClientConfigs.BOOTSTRAP_SERVERS)),
            metadataMaxAgeMs, retryBackoffMs);
        String instanceId = (String) config.get(GROUP_INSTANCE_ID);
        this.group = groupId == null ? null : new GroupMember(new GroupMember.Settings(groupId,
            instanceId == null || instanceId.isEmpty() ? null : instanceId, sessionTimeoutMs,
            config.getInt(MAX_POLL_INTERVAL_MS), heartbeatMs, retryBackoffMs, List.copyOf(assignors)), network, metadata);
        this.nextAutoCommitNs = System.nanoTime() + autoCommitIntervalNs;
        metrics.put(MetricName.of("records-lag-max"), Double.NaN);
    }

    private static PartitionAssignor assignor(String name) {
        PartitionAssignor builtIn = PartitionAssignor.builtIn(name);
        if (builtIn != null) {
            return builtIn;
        }
        try {
            Object a = Class.forName(name.trim()).getDeclaredConstructor().newInstance();
            if (a instanceof PartitionAssignor assignor) {
                return assignor;
            }
            throw new ConfigException(PARTITION_ASSIGNMENT_STRATEGY, name, "must implement " + PartitionAssignor.class.getName());
        } catch (ReflectiveOperationException e) {
            throw new ConfigException(PARTITION_ASSIGNMENT_STRATEGY, name,
                "is not range, roundrobin, sticky, cooperative-sticky or a loadable PartitionAssignor class");
        }
    }

    /** Creates a consumer from Kafka-named properties; unknown keys are refused with a ConfigException. */
    public static <K, V> SluiceConsumer<K, V> create(Map<String, ?> config, Deserializer<K> keyDeserializer,
                                                     Deserializer<V> valueDeserializer) {
        return new SluiceConsumer<>(ClientConfigs.parse(CONFIG, config, "consumer"), keyDeserializer, valueDeserializer);
    }

    public static <K, V> SluiceConsumer<K, V> create(Properties config, Deserializer<K> keyDeserializer,
                                                     Deserializer<V> valueDeserializer) {
        return create(ClientConfigs.toMap(config), keyDeserializer, valueDeserializer);
    }

    public static <K, V> Builder<K, V> builder(Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
        return new Builder<>(keyDeserializer, valueDeserializer);
    }

    public static Set<String> configNames() {
        return CONFIG.names();
    }

    /** Typed settings; {@link #config} takes any supported key by its Kafka name. Not thread-safe. */
    public static final class Builder<K, V> {
        private final Map<String, Object> config = new LinkedHashMap<>();
        private final Deserializer<K> keyDeserializer;
        private final Deserializer<V> valueDeserializer;

        private Builder(Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
            this.keyDeserializer = keyDeserializer;
            this.valueDeserializer = valueDeserializer;
        }

        public Builder<K, V> bootstrapServers(String servers) {
            return config(ClientConfigs.BOOTSTRAP_SERVERS, servers);
        }

        public Builder<K, V> clientId(String clientId) {
            return config(ClientConfigs.CLIENT_ID, clientId);
        }

        public Builder<K, V> groupId(String groupId) {
            return config(GROUP_ID, groupId);
        }

        public Builder<K, V> groupInstanceId(String instanceId) {
            return config(GROUP_INSTANCE_ID, instanceId);
        }

        /** "earliest", "latest" or "none". */
        public Builder<K, V> autoOffsetReset(String reset) {
            return config(AUTO_OFFSET_RESET, reset);
        }

        public Builder<K, V> enableAutoCommit(boolean enable) {
            return config(ENABLE_AUTO_COMMIT, enable);
        }

        public Builder<K, V> maxPollRecords(int records) {
            return config(MAX_POLL_RECORDS, records);
        }

        public Builder<K, V> maxPollInterval(Duration interval) {
            return config(MAX_POLL_INTERVAL_MS, (int) interval.toMillis());
        }

        public Builder<K, V> sessionTimeout(Duration timeout) {
            return config(SESSION_TIMEOUT_MS, (int) timeout.toMillis());
        }

        public Builder<K, V> heartbeatInterval(Duration interval) {
            return config(HEARTBEAT_INTERVAL_MS, (int) interval.toMillis());
        }

        /** Assignor names by preference, e.g. "cooperative-sticky". */
        public Builder<K, V> assignors(String... names) {
            return config(PARTITION_ASSIGNMENT_STRATEGY, String.join(",", names));
        }

        public Builder<K, V> fetchMaxWait(Duration wait) {
            return config(FETCH_MAX_WAIT_MS, (int) wait.toMillis());
        }

        /** Any supported key by its Kafka name. */
        public Builder<K, V> config(String key, Object value) {
            config.put(key, value);
            return this;
        }

        public SluiceConsumer<K, V> build() {
            return create(config, keyDeserializer, valueDeserializer);
        }
    }

    // ------------------------------------------------------------------ subscription and assignment

    /** Joins the consumer's group for {@code topics}; {@code listener} hears of partition moves. */
    public void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
        acquire();
        try {
            requireGroup("subscribe");
            if (mode == Mode.ASSIGNED || mode == Mode.PATTERN) {
                throw new IllegalStateException("subscribe(topics) cannot follow assign() or subscribe(pattern); "
                    + "call unsubscribe() first");
            }
            if (topics.isEmpty()) {
                unsubscribeLocked();
                return;
            }
            for (String t : topics) {
                if (t == null || t.isBlank()) {
                    throw new IllegalArgumentException("Blank topic in subscription " + topics);
                }
            }
            this.listener = Objects.requireNonNull(listener, "listener");
            setSubscription(new TreeSet<>(topics));
            mode = Mode.TOPICS;
        } finally {
            release();
        }
    }

    public void subscribe(Collection<String> topics) {
        subscribe(topics, ConsumerRebalanceListener.noOp());
    }

    /** Joins the group for every topic whose whole name matches {@code pattern}, rechecked as metadata ages. */
    public void subscribe(Pattern pattern, ConsumerRebalanceListener listener) {
        acquire();
        try {
            requireGroup("subscribe");
            if (mode == Mode.ASSIGNED || mode == Mode.TOPICS) {
                throw new IllegalStateException("subscribe(pattern) cannot follow assign() or subscribe(topics); "
                    + "call unsubscribe() first");
            }
            this.pattern = Objects.requireNonNull(pattern, "pattern");
            this.listener = Objects.requireNonNull(listener, "listener");
            mode = Mode.PATTERN;
            patternCheckedNs = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(metadataMaxAgeMs) - 1;
        } finally {
            release();
        }
    }

    public void subscribe(Pattern pattern) {
        subscribe(pattern, ConsumerRebalanceListener.noOp());
    }

    private void setSubscription(Set<String> wanted) {
        if (!wanted.equals(topics)) {
            topics.clear();
            topics.addAll(wanted);
            metadata.addTopics(wanted);
            group.requestRejoin();
        }
    }

    private void requireGroup(String what) {
        if (group == null) {
            throw new IllegalStateException(what + " needs " + GROUP_ID);
        }
    }

    /** Stops consuming: revokes the group's partitions (through the listener) and leaves the group. */
    public void unsubscribe() {
        acquire();
        try {
            unsubscribeLocked();
        } finally {
            release();
        }
    }

    private void unsubscribeLocked() {
        if (group != null && (mode == Mode.TOPICS || mode == Mode.PATTERN)) {
            revokeForLeave();
            awaitQuietly(group.leave("the consumer unsubscribed"), defaultApiTimeoutMs);
            group.stopPollTimer();
        }
        joining = null;
        topics.clear();
        pattern = null;
        assignment.clear();
        mode = Mode.NONE;
        listener = ConsumerRebalanceListener.noOp();
    }

    /** Reads exactly {@code partitions}, without group management (committed offsets still apply with a group.id). */
    public void assign(Collection<TopicPartition> partitions) {
        acquire();
        try {
            if (mode == Mode.TOPICS || mode == Mode.PATTERN) {
                throw new IllegalStateException("assign() cannot follow subscribe(); call unsubscribe() first");
            }
            if (partitions.isEmpty()) {
                unsubscribeLocked();
                return;
            }
            Set<TopicPartition> wanted = new LinkedHashSet<>(partitions);
            assignment.keySet().retainAll(wanted);
            for (TopicPartition tp : wanted) {
                assignment.computeIfAbsent(Objects.requireNonNull(tp, "partition"), k -> new PartitionState());
            }
            metadata.addTopics(wanted.stream().map(TopicPartition::topic).toList());
            mode = Mode.ASSIGNED;
        } finally {
            release();
        }
    }

    /** The partitions this consumer currently reads. */
    public Set<TopicPartition> assignment() {
        acquire();
        try {
            return Set.copyOf(assignment.keySet());
        } finally {
            release();
        }
    }

    /** The subscribed topics (for a pattern, those that matched at the last check). */
    public Set<String> subscription() {
        acquire();
        try {
            return Set.copyOf(topics);
        } finally {
            release();
        }
    }

    // ------------------------------------------------------------------ positions

    /** The next fetch of {@code partition} starts at {@code offset}. */
    public void seek(TopicPartition partition, long offset) {
        seek(partition, new OffsetAndMetadata(offset));
    }

    public void seek(TopicPartition partition, OffsetAndMetadata offset) {
        acquire();
        try {
            state(partition).seek(offset.offset(), offset.leaderEpoch());
        } finally {
            release();
        }
    }

    public void seekToBeginning(Collection<TopicPartition> partitions) {
        seekTo(partitions, PartitionState.Reset.EARLIEST);
    }

    public void seekToEnd(Collection<TopicPartition> partitions) {
        seekTo(partitions, PartitionState.Reset.LATEST);
    }

    private void seekTo(Collection<TopicPartition> partitions, PartitionState.Reset reset) {
        acquire();
        try {
            for (TopicPartition tp : partitions.isEmpty() ? assignment.keySet() : partitions) {
                PartitionState s = state(tp);
                s.clearBuffer();
                s.pendingReset = reset;
            }
        } finally {
            release();
        }
    }

    /** The offset of the next record {@link #poll} returns for {@code partition}, looked up if not known yet. */
    public long position(TopicPartition partition) {
        return position(partition, Duration.ofMillis(defaultApiTimeoutMs));
    }

    public long position(TopicPartition partition, Duration timeout) {
        acquire();
        try {
            PartitionState s = state(partition);
            long deadlineNs = deadline(timeout);
            while (true) {
                checkWakeup();
                runCompletions();
                updatePositions();
                if (s.hasPosition()) {
                    return s.position;
                }
                if (System.nanoTime() - deadlineNs >= 0) {
                    throw new ApiException(Errors.REQUEST_TIMED_OUT, "The position of " + partition
                        + " could not be determined within " + timeout.toMillis() + " ms");
                }
                awaitSignal(deadlineNs);
            }
        } finally {
            release();
        }
    }

    public void pause(Collection<TopicPartition> partitions) {
        acquire();
        try {
            for (TopicPartition tp : partitions) {
                state(tp).paused = true;
            }
        } finally {
            release();
        }
    }

    public void resume(Collection<TopicPartition> partitions) {
        acquire();
        try {
            for (TopicPartition tp : partitions) {
                state(tp).paused = false;
            }
        } finally {
            release();
        }
    }

    public Set<TopicPartition> paused() {
        acquire();
        try {
            Set<TopicPartition> out = new LinkedHashSet<>();
            assignment.forEach((tp, s) -> {
                if (s.paused) {
                    out.add(tp);
                }
            });
            return out;
        } finally {
            release();
        }
    }

    private PartitionState state(TopicPartition tp) {
        PartitionState s = assignment.get(tp);
        if (s == null) {
            throw new IllegalStateException("Partition " + tp + " is not assigned to this consumer");
        }
        return s;
    }

    // ------------------------------------------------------------------ poll

    /**
     * Returns the records available now, or waits for some up to {@code timeout}; takes part in the group
     * (joining, rebalance listeners, auto commit) on the way. An empty result means none arrived in time.
     *
     * @throws WakeupException                after {@link #wakeup()}
     * @throws NoOffsetForPartitionException  a partition has no starting offset and auto.offset.reset is none
     * @throws OffsetOutOfRangeException      a position left the log and auto.offset.reset is none
     * @throws IllegalStateException          nothing is subscribed or assigned
     */
    public ConsumerRecords<K, V> poll(Duration timeout) {
        acquire();
        try {
            if (mode == Mode.NONE) {
                throw new IllegalStateException("Consumer is not subscribed to any topics or assigned any partitions");
            }
            long deadlineNs = deadline(timeout);
            if (group != null && mode != Mode.ASSIGNED) {
                group.recordPoll();
            }
            do {
                checkWakeup();
                runCompletions();
                if (!pollGroup(deadlineNs)) {
                    continue;
                }
                maybeAutoCommit();
                updatePositions();
                ConsumerRecords<K, V> records = drain();
                sendFetches();
                if (!records.isEmpty()) {
                    updateLagMetrics();
                    return records;
                }
                awaitSignal(deadlineNs);
            } while (System.nanoTime() - deadlineNs < 0);
            runCompletions();
            ConsumerRecords<K, V> records = mode == Mode.NONE ? ConsumerRecords.empty() : drain();
            updateLagMetrics();
            return records;
        } finally {
            release();
        }
    }

    /** Makes the blocked call of the polling thread (or its next one) throw {@link WakeupException}. */
    public void wakeup() {
        wakeup.set(true);
        signal();
    }

    private void checkWakeup() {
        if (wakeup.getAndSet(false)) {
            throw new WakeupException();
        }
    }

    // ------------------------------------------------------------------ group

    /** Advances group membership; true when the consumer holds a current assignment. */
    private boolean pollGroup(long deadlineNs) {
        if (group == null || mode == Mode.ASSIGNED) {
            return true;
        }
        RuntimeException fatal = group.fatalError();
        if (fatal != null) {
            throw fatal;
        }
        if (mode == Mode.PATTERN && System.nanoTime() - patternCheckedNs >= TimeUnit.MILLISECONDS.toNanos(metadataMaxAgeMs)) {
            refreshPattern(deadlineNs);
            if (topics.isEmpty()) {
                awaitSignal(Math.min(deadlineNs, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(retryBackoffMs)));
                return false;
            }
        }
        if (joining == null && group.rejoinNeeded()) {
            prepareJoin();
            List<TopicPartition> owned = List.copyOf(assignment.keySet());
            joining = group.join(List.copyOf(topics), owned);
            joining.whenComplete((a, e) -> signal());
        }
        if (joining == null) {
            return true;
        }
        if (!joining.isDone()) {
            awaitSignal(deadlineNs);
            if (!joining.isDone()) {
                return false;
            }
        }
        CompletableFuture<Assignment> done = joining;
        joining = null;
        Assignment result;
        try {
            result = done.join();
        } catch (RuntimeException e) {
            Throwable cause = unwrap(e);
            Errors error = ApiException.errorOf(cause);
            if (group.fatalError() != null) {
                throw group.fatalError();
            }
            if (error == Errors.INCONSISTENT_GROUP_PROTOCOL || error == Errors.INVALID_SESSION_TIMEOUT
                || error == Errors.GROUP_AUTHORIZATION_FAILED || error == Errors.INVALID_GROUP_ID
                || error == Errors.GROUP_MAX_SIZE_REACHED || error == Errors.UNSUPPORTED_VERSION) {
                throw cause instanceof RuntimeException r ? r : new ApiException(error, cause.getMessage(), cause);
            }
            LOG.info("Group {}: rebalance attempt failed ({}); retrying", group.groupId(), cause.getMessage());
            awaitSignal(Math.min(deadlineNs, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(retryBackoffMs)));
            return false;
        }
        completeJoin(result);
        return !group.rejoinNeeded();
    }

    private void refreshPattern(long deadlineNs) {
        patternCheckedNs = System.nanoTime();
        try {
            MetadataResponse all = await(metadata.fetch(null), deadlineNs);
            Set<String> matched = new TreeSet<>();
            for (MetadataResponse.Topic t : all.topics()) {
                if (t.name() != null && !t.isInternal() && pattern.matcher(t.name()).matches()) {
                    matched.add(t.name());
                }
            }
            setSubscription(matched);
        } catch (ApiException e) {
            patternCheckedNs = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(metadataMaxAgeMs)
                + TimeUnit.MILLISECONDS.toNanos(retryBackoffMs);
            LOG.debug("Pattern subscription: metadata refresh failed", e);
        }
    }

    /** Before (re)joining: hand partitions back (eager) or report them lost, committing first if we may. */
    private void prepareJoin() {
        if (assignment.isEmpty()) {
            if (group.generationLost()) {
                group.clearAssigned();
            }
            return;
        }
        List<TopicPartition> owned = List.copyOf(assignment.keySet());
        if (group.generationLost()) {
            LOG.info("Group {}: partitions {} lost", group.groupId(), owned);
            assignment.clear();
            group.clearAssigned();
            listener.onPartitionsLost(owned);
            return;
        }
        if (autoCommit) {
            commitQuietly();
        }
        if (group.protocol() == RebalanceProtocol.EAGER) {
            listener.onPartitionsRevoked(owned);
            assignment.clear();
        }
    }

    private void completeJoin(Assignment result) {
        Set<TopicPartition> assigned = new LinkedHashSet<>();
        for (TopicPartition tp : result.partitions()) {
            if (topics.contains(tp.topic())) {
                assigned.add(tp);
            }
        }
        metadata.addTopics(assigned.stream().map(TopicPartition::topic).toList());
        Set<TopicPartition> added = new LinkedHashSet<>(assigned);
        added.removeAll(assignment.keySet());
        Set<TopicPartition> revoked = new LinkedHashSet<>(assignment.keySet());
        revoked.removeAll(assigned);
        if (!revoked.isEmpty()) {
            listener.onPartitionsRevoked(List.copyOf(revoked));
            assignment.keySet().removeAll(revoked);
            group.requestRejoin();
        }
        for (TopicPartition tp : added) {
            assignment.put(tp, new PartitionState());
        }
        group.setAssigned(assignment.keySet());
        LOG.info("Group {}: assigned {} (added {}, revoked {})", group.groupId(), assigned, added, revoked);
        listener.onPartitionsAssigned(List.copyOf(added));
    }

    private void revokeForLeave() {
        if (assignment.isEmpty()) {
            return;
        }
        List<TopicPartition> owned = List.copyOf(assignment.keySet());
        try {
            if (group.generationLost()) {
                listener.onPartitionsLost(owned);
            } else {
                listener.onPartitionsRevoked(owned);
            }
        } catch (RuntimeException e) {
            LOG.warn("Rebalance listener failed on leaving", e);
        }
    }

    // ------------------------------------------------------------------ offsets

    /** Commits the current positions of all assigned partitions and waits for the answer. */
    public void commitSync() {
        commitSync(Duration.ofMillis(defaultApiTimeoutMs));
    }

    public void commitSync(Duration timeout) {
        acquire();
        try {
            commitSyncLocked(consumedOffsets(), timeout);
        } finally {
            release();
        }
    }

    /** Commits {@code offsets} (each the next offset to consume) and waits for the answer. */
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        acquire();
        try {
            commitSyncLocked(offsets, Duration.ofMillis(defaultApiTimeoutMs));
        } finally {
            release();
        }
    }

    private void commitSyncLocked(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
        requireGroup("commitSync");
        runCompletions();
        if (offsets.isEmpty()) {
            return;
        }
        long deadlineNs = deadline(timeout);
        while (true) {
            try {
                await(group.commit(offsets, isMember()), deadlineNs);
                return;
            } catch (ApiException e) {
                if (!e.retriable() || System.nanoTime() - deadlineNs >= 0) {
                    throw e;
                }
                awaitSignal(Math.min(deadlineNs, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(retryBackoffMs)));
            }
        }
    }

    /** Commits the current positions without waiting; {@code callback} runs inside a later poll or commit. */
    public void commitAsync(OffsetCommitCallback callback) {
        acquire();
        try {
            commitAsyncLocked(consumedOffsets(), callback);
        } finally {
            release();
        }
    }

    public void commitAsync() {
        commitAsync(null);
    }

    public void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
        acquire();
        try {
            commitAsyncLocked(Map.copyOf(offsets), callback);
        } finally {
            release();
        }
    }

    private void commitAsyncLocked(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
        requireGroup("commitAsync");
        if (offsets.isEmpty()) {
            if (callback != null) {
                completions.add(() -> callback.onComplete(offsets, null));
            }
            return;
        }
        group.commit(offsets, isMember()).whenComplete((x, e) -> {
            Throwable cause = e == null ? null : unwrap(e);
            if (cause != null) {
                LOG.debug("Async commit failed: {}", cause.getMessage());
            }
            if (callback != null) {
                completions.add(() -> callback.onComplete(offsets, cause == null ? null
                    : cause instanceof Exception ex ? ex : new RuntimeException(cause)));
            }
            signal();
        });
    }

    /** The committed offsets of {@code partitions}; partitions without one are absent from the map. */
    public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions) {
        return committed(partitions, Duration.ofMillis(defaultApiTimeoutMs));
    }

    public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions, Duration timeout) {
        acquire();
        try {
            requireGroup("committed");
            long deadlineNs = deadline(timeout);
            while (true) {
                try {
                    return await(group.fetchCommitted(partitions), deadlineNs);
                } catch (ApiException e) {
                    if (!e.retriable() || System.nanoTime() - deadlineNs >= 0) {
                        throw e;
                    }
                    awaitSignal(Math.min(deadlineNs, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(retryBackoffMs)));
                }
            }
        } finally {
            release();
        }
    }

    private boolean isMember() {
        return mode == Mode.TOPICS || mode == Mode.PATTERN;
    }

    private Map<TopicPartition, OffsetAndMetadata> consumedOffsets() {
        Map<TopicPartition, OffsetAndMetadata> out = new LinkedHashMap<>();
        assignment.forEach((tp, s) -> {
            if (s.hasPosition()) {
                out.put(tp, new OffsetAndMetadata(s.position, s.lastEpoch, ""));
            }
        });
        return out;
    }

    private void maybeAutoCommit() {
        if (!autoCommit || System.nanoTime() - nextAutoCommitNs < 0) {
            return;
        }
        nextAutoCommitNs = System.nanoTime() + autoCommitIntervalNs;
        if (isMember() && group.state() != GroupMember.State.STABLE) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = consumedOffsets();
        if (!offsets.isEmpty()) {
            commitAsyncLocked(offsets, null);
        }
    }

    private void commitQuietly() {
        Map<TopicPartition, OffsetAndMetadata> offsets = consumedOffsets();
        if (offsets.isEmpty()) {
            return;
        }
        try {
            commitSyncLocked(offsets, Duration.ofMillis(Math.min(defaultApiTimeoutMs, 10_000)));
        } catch (RuntimeException e) {
            LOG.warn("Auto commit of {} failed: {}", offsets, e.getMessage());
        }
    }

    // ------------------------------------------------------------------ positions: committed offsets and resets

    /** Starts lookups for partitions without a position: committed offsets first, then resets. */
    private void updatePositions() {
        List<TopicPartition> needCommitted = new ArrayList<>();
        Map<TopicPartition, PartitionState.Reset> needReset = new LinkedHashMap<>();
        Set<TopicPartition> noOffset = new TreeSet<>();
        assignment.forEach((tp, s) -> {
            if (s.lookupInFlight || s.hasPosition()) {
                return;
            }
            if (s.pendingReset != null) {
                needReset.put(tp, s.pendingReset);
            } else if (group != null) {
                needCommitted.add(tp);
            } else if (defaultReset != null) {
                s.pendingReset = defaultReset;
                needReset.put(tp, defaultReset);
            } else {
                noOffset.add(tp);
            }
        });
        if (!noOffset.isEmpty()) {
            throw new NoOffsetForPartitionException(noOffset);
        }
        if (!needCommitted.isEmpty()) {
            needCommitted.forEach(tp -> assignment.get(tp).lookupInFlight = true);
            group.fetchCommitted(needCommitted).whenComplete((offsets, e) -> {
                completions.add(() -> applyCommitted(needCommitted, offsets, e));
                signal();
            });
        }
        Map<Node, List<TopicPartition>> byLeader = new LinkedHashMap<>();
        Cluster cluster = metadata.cluster();
        for (TopicPartition tp : needReset.keySet()) {
            Node leader = cluster.leaderFor(tp).orElse(null);
            if (leader == null) {
                refreshMetadata();
                continue;
            }
            byLeader.computeIfAbsent(leader, k -> new ArrayList<>()).add(tp);
        }
        byLeader.forEach((leader, tps) -> listOffsets(leader, tps, needReset));
    }

    private void applyCommitted(List<TopicPartition> partitions, Map<TopicPartition, OffsetAndMetadata> offsets,
                                Throwable error) {
        Set<TopicPartition> noOffset = new TreeSet<>();
        for (TopicPartition tp : partitions) {
            PartitionState s = assignment.get(tp);
            if (s == null || !s.lookupInFlight) {
                continue;
            }
            s.lookupInFlight = false;
            if (error != null || s.hasPosition() || s.pendingReset != null) {
                continue;
            }
            OffsetAndMetadata committed = offsets.get(tp);
            if (committed != null) {
                s.position = committed.offset();
                s.lastEpoch = committed.leaderEpoch();
            } else if (defaultReset != null) {
                s.pendingReset = defaultReset;
            } else {
                noOffset.add(tp);
            }
        }
        if (error != null) {
            LOG.debug("Committed offset lookup failed: {}", unwrap(error).getMessage());
        }
        if (!noOffset.isEmpty()) {
            throw new NoOffsetForPartitionException(noOffset);
        }
    }

    private void listOffsets(Node leader, List<TopicPartition> partitions, Map<TopicPartition, PartitionState.Reset> resets) {
        Map<String, List<ListOffsetsRequest.Topic.Partition>> byTopic = new TreeMap<>();
        for (TopicPartition tp : partitions) {
            assignment.get(tp).lookupInFlight = true;
            long ts = resets.get(tp) == PartitionState.Reset.EARLIEST ? -2L : -1L;
            byTopic.computeIfAbsent(tp.topic(), k -> new ArrayList<>())
                .add(new ListOffsetsRequest.Topic.Partition(tp.partition(), -1, ts));
        }
        List<ListOffsetsRequest.Topic> request = byTopic.entrySet().stream()
            .map(e -> new ListOffsetsRequest.Topic(e.getKey(), e.getValue())).toList();
        byte isolation = (byte) (readCommitted ? 1 : 0);
        network.<ListOffsetsResponse>send(leader, ApiKey.LIST_OFFSETS, ApiKey.LIST_OFFSETS.latestVersion(),
            v -> new ListOffsetsRequest(-1, isolation, request)).whenComplete((r, e) -> {
                completions.add(() -> applyListOffsets(partitions, resets, r, e));
                signal();
            });
    }

    private void applyListOffsets(List<TopicPartition> partitions, Map<TopicPartition, PartitionState.Reset> resets,
                                  ListOffsetsResponse r, Throwable error) {
        Map<TopicPartition, ListOffsetsResponse.Topic.Partition> answers = new HashMap<>();
        if (r != null) {
            for (ListOffsetsResponse.Topic t : r.topics()) {
                for (ListOffsetsResponse.Topic.Partition p : t.partitions()) {
                    answers.put(new TopicPartition(t.name(), p.partitionIndex()), p);
                }
            }
        } else {
            metadata.requestUpdate();
        }
        for (TopicPartition tp : partitions) {
            PartitionState s = assignment.get(tp);
            if (s == null) {
                continue;
            }
            s.lookupInFlight = false;
            ListOffsetsResponse.Topic.Partition p = answers.get(tp);
            if (p == null || s.pendingReset != resets.get(tp)) {
                continue;
            }
            Errors err = Errors.forCode(p.errorCode());
            if (err != Errors.NONE) {
                LOG.debug("ListOffsets for {}: {}", tp, err);
                metadata.requestUpdate();
                continue;
            }
            s.seek(p.offset(), -1);
        }
        if (error != null) {
            LOG.debug("ListOffsets failed: {}", unwrap(error).getMessage());
        }
    }

    // ------------------------------------------------------------------ fetching

    private void sendFetches() {
        Cluster cluster = metadata.cluster();
        Map<Node, List<TopicPartition>> byLeader = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, PartitionState> e : assignment.entrySet()) {
            PartitionState s = e.getValue();
            if (!s.hasPosition() || s.paused || !s.buffered.isEmpty() || s.bufferedNextOffset >= 0) {
                continue;
            }
            Node leader = cluster.leaderFor(e.getKey()).orElse(null);
            if (leader == null) {
                refreshMetadata();
                continue;
            }
            if (!fetchingNodes.contains(leader.id())) {
                byLeader.computeIfAbsent(leader, k -> new ArrayList<>()).add(e.getKey());
            }
        }
        byLeader.forEach(this::fetch);
    }

    private void fetch(Node leader, List<TopicPartition> partitions) {
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        Map<String, List<FetchRequest.Topic.Partition>> byTopic = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            long position = assignment.get(tp).position;
            offsets.put(tp, position);
            byTopic.computeIfAbsent(tp.topic(), k -> new ArrayList<>())
                .add(new FetchRequest.Topic.Partition(tp.partition(), -1, position, -1, -1L, maxPartitionFetchBytes));
        }
        List<FetchRequest.Topic> request = byTopic.entrySet().stream()
            .map(e -> new FetchRequest.Topic(e.getKey(), e.getValue())).toList();
        byte isolation = (byte) (readCommitted ? 1 : 0);
        fetchingNodes.add(leader.id());
        network.<FetchResponse>send(leader, ApiKey.FETCH, ApiKey.FETCH.latestVersion(),
            v -> new FetchRequest(-1, fetchMaxWaitMs, fetchMinBytes, fetchMaxBytes, isolation, 0, -1, request,
                List.of(), "", null), network.settings().requestTimeoutMs() + (long) fetchMaxWaitMs)
            .whenComplete((r, e) -> {
                completions.add(() -> {
                    fetchingNodes.remove(leader.id());
                    applyFetch(offsets, r, e);
                });
                signal();
            });
    }

    private void applyFetch(Map<TopicPartition, Long> offsets, FetchResponse r, Throwable error) {
        if (error != null) {
            LOG.debug("Fetch failed: {}", unwrap(error).getMessage());
            metadata.requestUpdate();
            return;
        }
        Errors top = Errors.forCode(r.errorCode());
        if (top != Errors.NONE) {
            LOG.debug("Fetch failed: {}", top);
            metadata.requestUpdate();
            return;
        }
        Map<TopicPartition, Long> outOfRange = new TreeMap<>();
        for (FetchResponse.Response t : r.responses()) {
            for (FetchResponse.Response.Partition p : t.partitions()) {
                TopicPartition tp = new TopicPartition(t.topic(), p.partitionIndex());
                PartitionState s = assignment.get(tp);
                Long fetchOffset = offsets.get(tp);
                if (s == null || fetchOffset == null || s.position != fetchOffset || !s.hasPosition()) {
                    continue;
                }
                Errors err = Errors.forCode(p.errorCode());
                switch (err) {
                    case NONE -> {
                        s.highWatermark = p.highWatermark();
                        s.lastStableOffset = p.lastStableOffset();
                        s.logStartOffset = p.logStartOffset();
                        if (!s.paused) {
                            parse(tp, s, fetchOffset, p);
                        }
                    }
                    case OFFSET_OUT_OF_RANGE -> {
                        if (defaultReset == null) {
                            outOfRange.put(tp, fetchOffset);
                        } else {
                            LOG.info("Offset {} of {} is out of range; resetting to {}", fetchOffset, tp, defaultReset);
                            s.clearBuffer();
                            s.pendingReset = defaultReset;
                        }
                    }
                    case NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION, FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH,
                        LEADER_NOT_AVAILABLE, REPLICA_NOT_AVAILABLE, KAFKA_STORAGE_ERROR, OFFSET_NOT_AVAILABLE ->
                        metadata.requestUpdate();
                    default -> LOG.warn("Fetch of {} at {} failed: {}", tp, fetchOffset, err);
                }
            }
        }
        if (!outOfRange.isEmpty()) {
            throw new OffsetOutOfRangeException(outOfRange);
        }
    }

    /** Decodes a partition's fetched batches into the buffer, skipping control and aborted batches. */
    private void parse(TopicPartition tp, PartitionState s, long fetchOffset, FetchResponse.Response.Partition p) {
        if (!(p.records() instanceof MemoryRecords records) || records.sizeInBytes() == 0) {
            return;
        }
        TreeMap<Long, Long> aborted = new TreeMap<>();
        if (readCommitted && p.abortedTransactions() != null) {
            for (FetchResponse.Response.Partition.AbortedTransaction a : p.abortedTransactions()) {
                aborted.merge(a.firstOffset(), a.producerId(), (x, y) -> x);
            }
        }
        Set<Long> abortedProducers = new HashSet<>();
        long next = fetchOffset;
        List<ConsumerRecord<?, ?>> out = new ArrayList<>();
        for (RecordBatch batch : records.batches()) {
            if (batch.nextOffset() <= fetchOffset) {
                continue;
            }
            if (checkCrcs) {
                batch.ensureValid();
            }
            if (readCommitted) {
                while (!aborted.isEmpty() && aborted.firstKey() <= batch.lastOffset()) {
                    abortedProducers.add(aborted.pollFirstEntry().getValue());
                }
            }
            if (batch.isControlBatch()) {
                if (readCommitted && batch.isTransactional()) {
                    for (Record control : batch.records()) {
                        if (ControlRecordType.fromKey(control.key()) == ControlRecordType.ABORT) {
                            abortedProducers.remove(batch.producerId());
                        }
                    }
                }
                next = batch.nextOffset();
                continue;
            }
            if (readCommitted && batch.isTransactional() && abortedProducers.contains(batch.producerId())) {
                next = batch.nextOffset();
                continue;
            }
            try (RecordIterator it = batch.recordIterator()) {
                while (it.hasNext()) {
                    Record rec = it.next();
                    if (rec.offset() < fetchOffset) {
                        continue;
                    }
                    out.add(toConsumerRecord(tp, batch, rec));
                }
            }
            next = batch.nextOffset();
        }
        s.buffered.addAll(out);
        if (next > fetchOffset) {
            s.bufferedNextOffset = next;
        }
    }

    private ConsumerRecord<K, V> toConsumerRecord(TopicPartition tp, RecordBatch batch, Record rec) {
        byte[] keyBytes = rec.keyBytes();
        byte[] valueBytes = rec.valueBytes();
        K key;
        V value;
        try {
            key = keyDeserializer.deserialize(tp.topic(), keyBytes);
            value = valueDeserializer.deserialize(tp.topic(), valueBytes);
        } catch (RuntimeException e) {
            throw new SerializationException("Could not deserialize the record at offset " + rec.offset() + " of " + tp
                + "; seek past it to continue", e);
        }
        return new ConsumerRecord<>(tp.topic(), tp.partition(), rec.offset(), rec.timestamp(), batch.timestampType(),
            key, value, rec.headers(), batch.partitionLeaderEpoch(), keyBytes == null ? -1 : keyBytes.length,
            valueBytes == null ? -1 : valueBytes.length);
    }

    /**
     * Up to max.poll.records buffered records, advancing positions; starts where the last drain stopped (on the
     * partition it left records of, else the next one).
     */
    @SuppressWarnings("unchecked")
    private ConsumerRecords<K, V> drain() {
        Map<TopicPartition, List<ConsumerRecord<K, V>>> out = new LinkedHashMap<>();
        int left = maxPollRecords;
        List<TopicPartition> order = new ArrayList<>(assignment.keySet());
        int n = order.size();
        for (int i = 0; i < n && left > 0; i++) {
            TopicPartition tp = order.get((nextDrainStart + i) % n);
            PartitionState s = assignment.get(tp);
            if (s.paused || !s.hasPosition()) {
                continue;
            }
            List<ConsumerRecord<K, V>> mine = new ArrayList<>();
            while (left > 0 && !s.buffered.isEmpty()) {
                ConsumerRecord<K, V> rec = (ConsumerRecord<K, V>) s.buffered.pollFirst();
                if (rec.offset() < s.position) {
                    continue;
                }
                mine.add(rec);
                s.position = rec.offset() + 1;
                s.lastEpoch = rec.leaderEpoch();
                left--;
            }
            if (s.buffered.isEmpty() && s.bufferedNextOffset >= 0) {
                s.position = Math.max(s.position, s.bufferedNextOffset);
                s.bufferedNextOffset = -1;
            }
            if (!mine.isEmpty()) {
                out.put(tp, mine);
                if (left == 0) {
                    // Like Kafka's consumer, finish one partition's fetched data before the next: partitions then
                    // run dry one at a time and each is fetched again while the others still have records to
                    // return, instead of all running dry together and the consumer waiting for the broker.
                    nextDrainStart = (nextDrainStart + i + (s.buffered.isEmpty() ? 1 : 0)) % n;
                }
            }
        }
        if (out.isEmpty()) {
            return ConsumerRecords.empty();
        }
        int count = out.values().stream().mapToInt(List::size).sum();
        recordsConsumed.addAndGet(count);
        return new ConsumerRecords<>(out);
    }

    // ------------------------------------------------------------------ metrics

    /**
     * Current metrics: {@code records-lag-max} (the largest lag, in records, of any assigned partition after the
     * last poll; NaN before any is known), {@code records-lag} per partition (tags topic, partition) and
     * {@code records-consumed-total}. Safe to call from any thread.
     */
    public Map<MetricName, Double> metrics() {
        Map<MetricName, Double> out = new TreeMap<>((a, b) -> (a.name() + a.tags()).compareTo(b.name() + b.tags()));
        out.putAll(metrics);
        out.put(MetricName.of("records-consumed-total"), (double) recordsConsumed.get());
        return out;
    }

    private void updateLagMetrics() {
        long max = -1;
        Set<MetricName> current = new HashSet<>();
        for (Map.Entry<TopicPartition, PartitionState> e : assignment.entrySet()) {
            long lag = e.getValue().lag();
            if (lag < 0) {
                continue;
            }
            MetricName name = new MetricName("records-lag", Map.of("topic", e.getKey().topic(),
                "partition", Integer.toString(e.getKey().partition())));
            metrics.put(name, (double) lag);
            current.add(name);
            max = Math.max(max, lag);
        }
        metrics.keySet().removeIf(m -> m.name().equals("records-lag") && !current.contains(m));
        metrics.put(MetricName.of("records-lag-max"), max < 0 ? Double.NaN : (double) max);
    }

    // ------------------------------------------------------------------ close

    /** Commits (with auto commit), revokes partitions through the listener, leaves the group; waits up to 30 s. */
    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    public void close(Duration timeout) {
        if (closed) {
            return;
        }
        acquire();
        try {
            closed = true;
            wakeup.set(false);
            if (group != null) {
                try {
                    if (autoCommit && !group.generationLost()) {
                        commitQuietly();
                    }
                    if (isMember()) {
                        revokeForLeave();
                        awaitQuietly(group.leave("the consumer is being closed"), timeout.toMillis());
                    }
                    runCompletionsQuietly();
                } finally {
                    group.close();
                }
            }
        } finally {
            metadata.close();
            network.close();
            keyDeserializer.close();
            valueDeserializer.close();
            release();
        }
    }

    // ------------------------------------------------------------------ plumbing

    /** Refreshes metadata and wakes the polling thread when the answer is in. */
    private void refreshMetadata() {
        metadata.refresh().whenComplete((c, e) -> signal());
    }

    private void runCompletions() {
        Runnable r;
        while ((r = completions.poll()) != null) {
            r.run();
        }
    }

    private void runCompletionsQuietly() {
        try {
            runCompletions();
        } catch (RuntimeException e) {
            LOG.debug("Ignoring on close", e);
        }
    }

    private void signal() {
        synchronized (signal) {
            signals++;
            signal.notifyAll();
        }
    }

    /** Waits for any completion, a wakeup, or the deadline. */
    private void awaitSignal(long deadlineNs) {
        synchronized (signal) {
            long seen = signals;
            while (signals == seen && !wakeup.get() && completions.isEmpty()) {
                long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
                if (leftMs <= 0) {
                    return;
                }
                try {
                    signal.wait(leftMs);
                } catch (InterruptedException e) {
                    throw new InterruptException(e);
                }
            }
        }
    }

    /** Waits for {@code future} (throwing its ApiException, or a timeout one), wakeup-aware. */
    private <T> T await(CompletableFuture<T> future, long deadlineNs) {
        future.whenComplete((x, e) -> signal());
        while (!future.isDone()) {
            checkWakeup();
            if (System.nanoTime() - deadlineNs >= 0) {
                throw new ApiException(Errors.REQUEST_TIMED_OUT, "Timed out waiting for the broker");
            }
            synchronized (signal) {
                if (!future.isDone() && !wakeup.get()) {
                    long leftMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime()));
                    try {
                        signal.wait(Math.min(leftMs, 100));
                    } catch (InterruptedException e) {
                        throw new InterruptException(e);
                    }
                }
            }
        }
        try {
            return future.join();
        } catch (RuntimeException e) {
            Throwable cause = unwrap(e);
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new ApiException(Errors.UNKNOWN_SERVER_ERROR, String.valueOf(cause), cause);
        }
    }

    private void awaitQuietly(CompletableFuture<?> future, long timeoutMs) {
        try {
            future.get(Math.max(1, timeoutMs), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("Ignoring", e);
        }
    }

    private static long deadline(Duration timeout) {
        long ms = Math.max(0, Math.min(timeout.toMillis(), TimeUnit.DAYS.toMillis(365)));
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException)
            && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Single-thread guard (re-entrant, so listeners may call back into the consumer). */
    private void acquire() {
        long me = Thread.currentThread().getId();
        if (owner.get() == me) {
            ownerDepth++;
            return;
        }
        if (!owner.compareAndSet(-1, me)) {
            throw new ConcurrentModificationException("SluiceConsumer is not safe for multi-threaded access");
        }
        ownerDepth = 1;
        if (closed) {
            release();
            throw new IllegalStateException("This consumer has already been closed.");
        }
    }

    private void release() {
        if (--ownerDepth == 0) {
            owner.set(-1);
        }
    }
}
