package io.sluice.client.producer;

import io.sluice.client.ClientConfigs;
import io.sluice.client.metadata.Cluster;
import io.sluice.client.metadata.Metadata;
import io.sluice.client.metadata.TopicInfo;
import io.sluice.client.network.NetworkClient;
import io.sluice.client.serialization.Serializer;
import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.common.Node;
import io.sluice.common.TopicPartition;
import io.sluice.common.config.ConfigDef;
import io.sluice.common.config.ConfigException;
import io.sluice.common.config.ConfigType;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.InitProducerIdRequest;
import io.sluice.protocol.message.InitProducerIdResponse;
import io.sluice.protocol.message.ProduceRequest;
import io.sluice.protocol.message.ProduceResponse;
import io.sluice.record.CompressionType;
import io.sluice.record.Header;
import io.sluice.record.RecordBatch;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Sluice's producer: sends records to topics over the Kafka protocol, to Sluice or Apache Kafka brokers.
 *
 * <p>{@link #send} serializes and partitions the record on the calling thread and appends it to the batch of
 * its partition (at most {@code batch.size} bytes); one I/O thread sends a batch when it is full, when it is
 * {@code linger.ms} old, on {@link #flush()} or on close, grouping the ready batches of one broker into one
 * Produce request, with at most {@code max.in.flight.requests.per.connection} unanswered requests per broker.
 * Batches use {@code compression.type}. Memory for unsent batches is bounded by {@code buffer.memory}; when it
 * is used up, {@code send} blocks up to {@code max.block.ms} (also the bound on waiting for a topic's
 * metadata).
 *
 * <p>Retriable errors are retried (up to {@code retries} times) until {@code delivery.timeout.ms} after the
 * send. With {@code enable.idempotence} (the default, which needs {@code acks=all}) the producer gets a
 * producer id and numbers each partition's batches, so retries neither duplicate nor reorder records, with up
 * to 5 requests in flight.
 *
 * <h2>Threads</h2>
 * Thread-safe: share one producer among threads. Futures and callbacks complete on the I/O thread; do not
 * block in them.
 */
public final class SluiceProducer<K, V> implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(SluiceProducer.class);

    public static final String ACKS = "acks";
    public static final String BATCH_SIZE = "batch.size";
    public static final String LINGER_MS = "linger.ms";
    public static final String BUFFER_MEMORY = "buffer.memory";
    public static final String MAX_BLOCK_MS = "max.block.ms";
    public static final String COMPRESSION_TYPE = "compression.type";
    public static final String DELIVERY_TIMEOUT_MS = "delivery.timeout.ms";
    public static final String RETRIES = "retries";
    public static final String ENABLE_IDEMPOTENCE = "enable.idempotence";
    public static final String MAX_IN_FLIGHT = "max.in.flight.requests.per.connection";
    public static final String MAX_REQUEST_SIZE = "max.request.size";
    public static final String PARTITIONER_CLASS = "partitioner.class";

    private static final ConfigDef CONFIG = ClientConfigs.common(30_000)
        .define(ACKS, ConfigType.STRING, "all", ConfigDef.oneOf("all", "-1", "0", "1"),
            "Acknowledgements the leader waits for: 0 none, 1 its own write, all the in-sync replicas")
        .define(BATCH_SIZE, ConfigType.INT, 16_384, ConfigDef.atLeast(1), "Upper bound of one partition batch")
        .define(LINGER_MS, ConfigType.LONG, 5L, ConfigDef.atLeast(0), "How long a batch waits for more records")
        .define(BUFFER_MEMORY, ConfigType.LONG, 33_554_432L, ConfigDef.atLeast(1), "Memory for unsent batches")
        .define(MAX_BLOCK_MS, ConfigType.LONG, 60_000L, ConfigDef.atLeast(0),
            "How long send waits for buffer memory or metadata")
        .define(COMPRESSION_TYPE, ConfigType.STRING, "none", ConfigDef.oneOf("none", "gzip", "snappy", "lz4", "zstd"),
            "Batch compression")
        .define(DELIVERY_TIMEOUT_MS, ConfigType.INT, 120_000, ConfigDef.atLeast(1),
            "Bound on the time from send to success or failure, retries included")
        .define(RETRIES, ConfigType.INT, Integer.MAX_VALUE, ConfigDef.atLeast(0), "Retries of a failed batch")
        .define(ENABLE_IDEMPOTENCE, ConfigType.BOOLEAN, true, "Exactly one copy of each record, in order")
        .define(MAX_IN_FLIGHT, ConfigType.INT, 5, ConfigDef.atLeast(1), "Unanswered requests per broker")
        .define(MAX_REQUEST_SIZE, ConfigType.INT, 1_048_576, ConfigDef.atLeast(1),
            "Largest record, and largest request")
        .define(PARTITIONER_CLASS, ConfigType.CLASS, null,
            "A Partitioner class with a public no-argument constructor; default: DefaultPartitioner");

    private final Serializer<K> keySerializer;
    private final Serializer<V> valueSerializer;
    private final Partitioner partitioner;
    private final boolean stickyBuiltIn;
    private final NetworkClient network;
    private final Metadata metadata;
    private final short acks;
    private final int batchSize;
    private final long lingerNs;
    private final long bufferMemory;
    private final long maxBlockMs;
    private final CompressionType compression;
    private final long deliveryTimeoutNs;
    private final int retries;
    private final boolean idempotent;
    private final int maxInFlight;
    private final int maxRequestSize;
    private final int requestTimeoutMs;
    private final long retryBackoffMs;

    /** Guards everything below up to the sender thread. */
    private final Object lock = new Object();
    private final Map<TopicPartition, ArrayDeque<ProducerBatch>> batches = new LinkedHashMap<>();
    /** Sequence numbers, per partition: the next one to give out. Sender thread only. */
    private final Map<TopicPartition, Integer> nextSequence = new HashMap<>();
    /** Batches sent and unanswered, per partition (for ordering). Guarded by lock. */
    private final Map<TopicPartition, Integer> inFlightBatches = new HashMap<>();
    /** Partitions where a batch is being retried: one batch in flight until it succeeds. Guarded by lock. */
    private final Set<TopicPartition> retrying = new java.util.HashSet<>();
    private long usedMemory;
    private int flushesInProgress;
    private int incomplete;
    private boolean closing;
    private boolean forceClose;
    private boolean wakeup;

    private volatile long producerId = RecordBatch.NO_PRODUCER_ID;
    private volatile short producerEpoch = RecordBatch.NO_PRODUCER_EPOCH;
    private final Thread sender;

    private SluiceProducer(ConfigDef.Values config, Serializer<K> keySerializer, Serializer<V> valueSerializer) {
        this.keySerializer = Objects.requireNonNull(keySerializer, "keySerializer");
        this.valueSerializer = Objects.requireNonNull(valueSerializer, "valueSerializer");
        String acksText = config.getString(ACKS);
        this.acks = acksText.equals("all") ? -1 : Short.parseShort(acksText);
        this.batchSize = config.getInt(BATCH_SIZE);
        this.lingerNs = TimeUnit.MILLISECONDS.toNanos(config.getLong(LINGER_MS));
        this.bufferMemory = config.getLong(BUFFER_MEMORY);
        this.maxBlockMs = config.getLong(MAX_BLOCK_MS);
        this.compression = CompressionType.forConfigName(config.getString(COMPRESSION_TYPE));
        this.deliveryTimeoutNs = TimeUnit.MILLISECONDS.toNanos(config.getInt(DELIVERY_TIMEOUT_MS));
        this.retries = config.getInt(RETRIES);
        this.idempotent = config.getBoolean(ENABLE_IDEMPOTENCE);
        this.maxInFlight = config.getInt(MAX_IN_FLIGHT);
        this.maxRequestSize = config.getInt(MAX_REQUEST_SIZE);
        this.requestTimeoutMs = config.getInt(ClientConfigs.REQUEST_TIMEOUT_MS);
        this.retryBackoffMs = config.getLong(ClientConfigs.RETRY_BACKOFF_MS);
        if (idempotent) {
            if (acks != -1) {
                throw new ConfigException(ENABLE_IDEMPOTENCE + " needs " + ACKS + "=all (got " + acksText
                    + "); set " + ENABLE_IDEMPOTENCE + "=false for acks=" + acksText);
            }
            if (maxInFlight > 5) {
                throw new ConfigException(ENABLE_IDEMPOTENCE + " needs " + MAX_IN_FLIGHT + " <= 5 (got " + maxInFlight + ")");
            }
            if (retries == 0) {
                throw new ConfigException(ENABLE_IDEMPOTENCE + " needs " + RETRIES + " > 0");
            }
        }
        if ((long) config.getInt(DELIVERY_TIMEOUT_MS) < config.getLong(LINGER_MS) + requestTimeoutMs) {
            throw new ConfigException(DELIVERY_TIMEOUT_MS, config.getInt(DELIVERY_TIMEOUT_MS),
                "must be at least " + LINGER_MS + " + " + ClientConfigs.REQUEST_TIMEOUT_MS);
        }
        String partitionerClass = (String) config.get(PARTITIONER_CLASS);
        this.partitioner = partitionerClass == null ? new DefaultPartitioner() : instantiate(partitionerClass);
        this.stickyBuiltIn = partitioner instanceof DefaultPartitioner || partitioner instanceof UniformStickyPartitioner;
        this.network = new NetworkClient(ClientConfigs.networkSettings(config, "sluice-producer", maxInFlight));
        this.metadata = new Metadata(network, ClientConfigs.bootstrapNodes(config.getList(ClientConfigs.BOOTSTRAP_SERVERS)),
            config.getLong(ClientConfigs.METADATA_MAX_AGE_MS), retryBackoffMs);
        metadata.allowAutoTopicCreation(true);   // as Kafka's producer: the broker's auto.create.topics.enable decides
        this.sender = new Thread(this::runSender, "sluice-producer-sender-" + network.settings().clientId());
        sender.setDaemon(true);
        sender.start();
    }

    private static Partitioner instantiate(String className) {
        String name = className.startsWith("class ") ? className.substring(6) : className;
        try {
            Object p = Class.forName(name).getDeclaredConstructor().newInstance();
            if (!(p instanceof Partitioner partitioner)) {
                throw new ConfigException(PARTITIONER_CLASS, name, "must implement " + Partitioner.class.getName());
            }
            return partitioner;
        } catch (ReflectiveOperationException e) {
            throw new ConfigException(PARTITIONER_CLASS, name, "could not be instantiated: " + e);
        }
    }

    /** Creates a producer from Kafka-named properties; unknown keys are refused with a ConfigException. */
    public static <K, V> SluiceProducer<K, V> create(Map<String, ?> config, Serializer<K> keySerializer,
                                                     Serializer<V> valueSerializer) {
        Map<String, Object> copy = new LinkedHashMap<>(config);
        Object partitionerClass = copy.get(PARTITIONER_CLASS);
        if (partitionerClass instanceof Class<?> c) {
            copy.put(PARTITIONER_CLASS, c.getName());
        }
        return new SluiceProducer<>(ClientConfigs.parse(CONFIG, copy, "producer"), keySerializer, valueSerializer);
    }

    public static <K, V> SluiceProducer<K, V> create(Properties config, Serializer<K> keySerializer,
                                                     Serializer<V> valueSerializer) {
        return create(ClientConfigs.toMap(config), keySerializer, valueSerializer);
    }

    public static <K, V> Builder<K, V> builder(Serializer<K> keySerializer, Serializer<V> valueSerializer) {
        return new Builder<>(keySerializer, valueSerializer);
    }

    public static Set<String> configNames() {
        return CONFIG.names();
    }

    /** Typed settings; {@link #config} takes any supported key by its Kafka name. Not thread-safe. */
    public static final class Builder<K, V> {
        private final Map<String, Object> config = new LinkedHashMap<>();
        private final Serializer<K> keySerializer;
        private final Serializer<V> valueSerializer;

        private Builder(Serializer<K> keySerializer, Serializer<V> valueSerializer) {
            this.keySerializer = keySerializer;
            this.valueSerializer = valueSerializer;
        }

        public Builder<K, V> bootstrapServers(String servers) {
            return config(ClientConfigs.BOOTSTRAP_SERVERS, servers);
        }

        public Builder<K, V> clientId(String clientId) {
            return config(ClientConfigs.CLIENT_ID, clientId);
        }

        /** "0", "1" or "all". */
        public Builder<K, V> acks(String acks) {
            return config(ACKS, acks);
        }

        public Builder<K, V> linger(Duration linger) {
            return config(LINGER_MS, linger.toMillis());
        }

        public Builder<K, V> batchSize(int bytes) {
            return config(BATCH_SIZE, bytes);
        }

        public Builder<K, V> bufferMemory(long bytes) {
            return config(BUFFER_MEMORY, bytes);
        }

        public Builder<K, V> maxBlock(Duration maxBlock) {
            return config(MAX_BLOCK_MS, maxBlock.toMillis());
        }

        public Builder<K, V> compression(CompressionType type) {
            return config(COMPRESSION_TYPE, type.configName());
        }

        public Builder<K, V> deliveryTimeout(Duration timeout) {
            return config(DELIVERY_TIMEOUT_MS, (int) timeout.toMillis());
        }

        public Builder<K, V> requestTimeout(Duration timeout) {
            return config(ClientConfigs.REQUEST_TIMEOUT_MS, (int) timeout.toMillis());
        }

        public Builder<K, V> idempotence(boolean enabled) {
            return config(ENABLE_IDEMPOTENCE, enabled);
        }

        public Builder<K, V> partitioner(Class<? extends Partitioner> type) {
            return config(PARTITIONER_CLASS, type.getName());
        }

        public Builder<K, V> config(String key, Object value) {
            config.put(key, value);
            return this;
        }

        public SluiceProducer<K, V> build() {
            return create(config, keySerializer, valueSerializer);
        }
    }

    // ------------------------------------------------------------------ sending

    /** Sends {@code record}; the future completes when it is acknowledged (or failed for good). */
    public CompletableFuture<RecordMetadata> send(ProducerRecord<K, V> record) {
        try {
            return doSend(record);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Like {@link #send(ProducerRecord)}, also calling {@code callback} on the I/O thread. */
    public CompletableFuture<RecordMetadata> send(ProducerRecord<K, V> record, Callback callback) {
        CompletableFuture<RecordMetadata> f = send(record);
        if (callback != null) {
            f.whenComplete((m, e) -> callback.onCompletion(m, e == null ? null
                : (e instanceof Exception ex ? unwrap(ex) : new RuntimeException(e))));
        }
        return f;
    }

    private static Exception unwrap(Exception e) {
        return e instanceof java.util.concurrent.CompletionException && e.getCause() instanceof Exception c ? c : e;
    }

    private CompletableFuture<RecordMetadata> doSend(ProducerRecord<K, V> record) {
        synchronized (lock) {
            if (closing) {
                throw new IllegalStateException("The producer is closed");
            }
        }
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxBlockMs);
        TopicInfo topic = awaitMetadata(record.topic(), maxBlockMs);
        byte[] key = keySerializer.serialize(record.topic(), record.key());
        byte[] value = valueSerializer.serialize(record.topic(), record.value());
        long timestamp = record.timestamp() != null ? record.timestamp() : System.currentTimeMillis();
        int size = RecordBatch.HEADER_SIZE + recordSizeUpperBound(key, value, record.headers());
        if (size > maxRequestSize || size > bufferMemory) {
            throw new ApiException(Errors.MESSAGE_TOO_LARGE, "The record is " + size + " bytes, more than "
                + (size > maxRequestSize ? MAX_REQUEST_SIZE + " (" + maxRequestSize : BUFFER_MEMORY + " (" + bufferMemory)
                + ")");
        }
        Cluster cluster = metadata.cluster();
        int partition;
        if (record.partition() != null) {
            partition = record.partition();
            if (partition >= topic.partitions().size()) {
                throw new ApiException(Errors.UNKNOWN_TOPIC_OR_PARTITION, "Partition " + partition + " of topic "
                    + record.topic() + " does not exist (it has " + topic.partitions().size() + ")");
            }
        } else {
            partition = partitioner.partition(record.topic(), record.key(), key, record.value(), value, cluster);
        }
        boolean mayAbort = record.partition() == null && (stickyBuiltIn && (key == null
            || partitioner instanceof UniformStickyPartitioner) || !stickyBuiltIn);
        CompletableFuture<RecordMetadata> f = append(new TopicPartition(record.topic(), partition), timestamp, key, value,
            record.headers(), size, deadlineNs, mayAbort);
        if (f == null) {
            partitioner.onNewBatch(record.topic(), cluster, partition);
            partition = partitioner.partition(record.topic(), record.key(), key, record.value(), value, cluster);
            f = append(new TopicPartition(record.topic(), partition), timestamp, key, value, record.headers(), size,
                deadlineNs, false);
        }
        return f;
    }

    private TopicInfo awaitMetadata(String topic, long timeoutMs) {
        try {
            return metadata.awaitTopic(topic, timeoutMs).get(timeoutMs + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new ApiException(Errors.UNKNOWN_SERVER_ERROR,
                e.getCause().toString(), e.getCause());
        } catch (TimeoutException e) {
            throw new ApiException(Errors.REQUEST_TIMED_OUT, "Topic " + topic + " not present in metadata after "
                + timeoutMs + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(Errors.UNKNOWN_SERVER_ERROR, "Interrupted while waiting for metadata", e);
        }
    }

    /**
     * Appends to the partition's open batch, or starts one (blocking for memory). With {@code abortOnNewBatch},
     * returns null instead of starting a batch, so a sticky partitioner can move first.
     */
    private CompletableFuture<RecordMetadata> append(TopicPartition tp, long timestamp, byte[] key, byte[] value,
                                                     List<Header> headers, int size, long deadlineNs,
                                                     boolean abortOnNewBatch) {
        synchronized (lock) {
            while (true) {
                if (closing) {
                    throw new IllegalStateException("The producer is closed");
                }
                ArrayDeque<ProducerBatch> deque = batches.computeIfAbsent(tp, k -> new ArrayDeque<>());
                ProducerBatch last = deque.peekLast();
                if (last != null && last.hasRoomFor(timestamp, key, value, headers, batchSize)) {
                    CompletableFuture<RecordMetadata> f = last.append(timestamp, key, value, headers);
                    incomplete++;
                    if (last.isFull(batchSize)) {
                        wakeSender();
                    }
                    return f;
                }
                if (abortOnNewBatch) {
                    return null;
                }
                int reserve = Math.max(batchSize, size);
                if (usedMemory + reserve <= bufferMemory) {
                    usedMemory += reserve;
                    if (last != null) {
                        last.closed = true;
                    }
                    ProducerBatch batch = new ProducerBatch(tp, compression, System.nanoTime(), reserve);
                    deque.addLast(batch);
                    CompletableFuture<RecordMetadata> f = batch.append(timestamp, key, value, headers);
                    incomplete++;
                    wakeSender();
                    return f;
                }
                long leftNs = deadlineNs - System.nanoTime();
                if (leftNs <= 0) {
                    throw new ApiException(Errors.REQUEST_TIMED_OUT, "Could not get " + reserve + " bytes of "
                        + BUFFER_MEMORY + " within " + MAX_BLOCK_MS + " (" + maxBlockMs + " ms)");
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, leftNs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ApiException(Errors.UNKNOWN_SERVER_ERROR, "Interrupted while waiting for buffer memory", e);
                }
            }
        }
    }

    /** Sends every batch now and waits until all records sent before this call have completed. */
    public void flush() {
        synchronized (lock) {
            flushesInProgress++;
            wakeSender();
            try {
                while (incomplete > 0 && !forceClose) {
                    lock.wait();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiException(Errors.UNKNOWN_SERVER_ERROR, "Interrupted in flush", e);
            } finally {
                flushesInProgress--;
            }
        }
    }

    /** Sends what is buffered and waits up to {@code timeout} for it; records still unsent then fail. */
    public void close(Duration timeout) {
        long deadlineNs = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            if (!closing) {
                closing = true;
                wakeSender();
            }
            try {
                while (incomplete > 0) {
                    long left = deadlineNs - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            forceClose = true;
            wakeSender();
        }
        try {
            sender.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.max(0, deadlineNs - System.nanoTime())) + 5_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        metadata.close();
        network.close();
        synchronized (lock) {
            failAll(new ApiException(Errors.NETWORK_EXCEPTION, "The producer was closed before the record was sent"));
        }
        partitioner.close();
        keySerializer.close();
        valueSerializer.close();
    }

    /** Sends what is buffered and waits for it, without a bound of its own (delivery.timeout.ms still applies). */
    @Override
    public void close() {
        close(Duration.ofDays(3650));
    }

    // ------------------------------------------------------------------ the I/O thread

    private void wakeSender() {
        wakeup = true;
        lock.notifyAll();
    }

    private void runSender() {
        while (true) {
            try {
                synchronized (lock) {
                    if (forceClose || (closing && incomplete == 0)) {
                        return;
                    }
                }
                if (idempotent && producerId < 0 && !initProducerId()) {
                    continue;
                }
                long waitNs = sendReady();
                synchronized (lock) {
                    if (!wakeup && !forceClose && waitNs > 0) {
                        TimeUnit.NANOSECONDS.timedWait(lock, waitNs);
                    }
                    wakeup = false;
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("Unexpected error in the producer's I/O thread", e);
            }
        }
    }

    private boolean initProducerId() throws InterruptedException {
        try {
            InitProducerIdResponse r = network.<InitProducerIdResponse>send(metadata.anyNode(), ApiKey.INIT_PRODUCER_ID,
                ApiKey.INIT_PRODUCER_ID.latestVersion(), v -> new InitProducerIdRequest(null, Integer.MAX_VALUE, -1, (short) -1))
                .get(requestTimeoutMs + 1_000L, TimeUnit.MILLISECONDS);
            Errors error = Errors.forCode(r.errorCode());
            if (error == Errors.NONE) {
                synchronized (lock) {
                    nextSequence.clear();
                    producerEpoch = r.producerEpoch();
                    producerId = r.producerId();
                }
                LOG.debug("Producer id {} epoch {}", r.producerId(), r.producerEpoch());
                return true;
            }
            if (!error.retriable()) {
                failAllLocked(new ApiException(error, "InitProducerId failed: " + error.message()));
            }
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("InitProducerId failed; retrying", e);
        }
        synchronized (lock) {
            expireBatches(System.nanoTime());
            if (forceClose) {
                return false;
            }
            lock.wait(Math.max(1, retryBackoffMs));
        }
        return false;
    }

    /** Drains ready batches into one request per broker; returns how long to wait before the next look. */
    private long sendReady() {
        long now = System.nanoTime();
        Cluster cluster = metadata.cluster();
        Map<Node, List<ProducerBatch>> ready = new LinkedHashMap<>();
        long waitNs = TimeUnit.MILLISECONDS.toNanos(100);
        boolean unknownLeader = false;
        synchronized (lock) {
            expireBatches(now);
            Map<Node, Integer> requestBytes = new HashMap<>();
            for (Map.Entry<TopicPartition, ArrayDeque<ProducerBatch>> e : batches.entrySet()) {
                ArrayDeque<ProducerBatch> deque = e.getValue();
                TopicPartition tp = e.getKey();
                ProducerBatch first = deque.peekFirst();
                if (first == null) {
                    continue;
                }
                var leader = cluster.leaderFor(tp);
                if (leader.isEmpty()) {
                    unknownLeader = true;
                    continue;
                }
                Node node = leader.get();
                int inFlightHere = inFlightBatches.getOrDefault(tp, 0);
                if (retrying.contains(tp) && inFlightHere > 0) {
                    continue;
                }
                if (network.inFlightRequests(node) + network.queuedRequests(node) >= maxInFlight
                    && !ready.containsKey(node)) {
                    continue;
                }
                if (first.attempts > 0 && first.retryAfterNs - now > 0) {
                    waitNs = Math.min(waitNs, first.retryAfterNs - now);
                    continue;
                }
                boolean expired = now - first.createdNs >= lingerNs;
                boolean sendable = first.attempts > 0 || deque.size() > 1 || first.isFull(batchSize) || expired
                    || flushesInProgress > 0 || closing;
                if (!sendable) {
                    waitNs = Math.min(waitNs, lingerNs - (now - first.createdNs));
                    continue;
                }
                int bytes = requestBytes.getOrDefault(node, 0);
                if (bytes > 0 && bytes + first.estimatedSizeInBytes() > maxRequestSize) {
                    waitNs = 0;
                    continue;
                }
                deque.pollFirst();
                first.closed = true;
                if (!first.isBuilt()) {
                    int seq = -1;
                    if (idempotent) {
                        seq = nextSequence.getOrDefault(tp, 0);
                        nextSequence.put(tp, seq + first.recordCount());
                    }
                    first.records(idempotent ? producerId : -1, idempotent ? producerEpoch : -1, seq);
                }
                requestBytes.put(node, bytes + first.estimatedSizeInBytes());
                inFlightBatches.merge(tp, 1, Integer::sum);
                ready.computeIfAbsent(node, k -> new ArrayList<>()).add(first);
            }
        }
        if (unknownLeader) {
            metadata.requestUpdate();
            waitNs = Math.min(waitNs, TimeUnit.MILLISECONDS.toNanos(retryBackoffMs));
        }
        for (Map.Entry<Node, List<ProducerBatch>> e : ready.entrySet()) {
            sendProduce(e.getKey(), e.getValue());
        }
        return ready.isEmpty() ? Math.max(waitNs, 0) : 0;
    }

    private void sendProduce(Node node, List<ProducerBatch> list) {
        Map<String, List<ProduceRequest.TopicData.PartitionData>> byTopic = new LinkedHashMap<>();
        Map<TopicPartition, ProducerBatch> byPartition = new HashMap<>();
        for (ProducerBatch b : list) {
            b.attempts++;
            byPartition.put(b.tp, b);
            byTopic.computeIfAbsent(b.tp.topic(), t -> new ArrayList<>())
                .add(new ProduceRequest.TopicData.PartitionData(b.tp.partition(), b.records(-1, (short) -1, -1)));
        }
        List<ProduceRequest.TopicData> topics = byTopic.entrySet().stream()
            .map(e -> new ProduceRequest.TopicData(e.getKey(), e.getValue())).toList();
        ProduceRequest request = new ProduceRequest(null, acks, requestTimeoutMs, topics);
        network.<ProduceResponse>send(node, ApiKey.PRODUCE, ApiKey.PRODUCE.latestVersion(), v -> request)
            .whenComplete((response, error) -> onProduceResponse(byPartition, response, error));
    }

    private void onProduceResponse(Map<TopicPartition, ProducerBatch> sent, ProduceResponse response, Throwable error) {
        synchronized (lock) {
            for (ProducerBatch b : sent.values()) {
                inFlightBatches.merge(b.tp, -1, Integer::sum);
            }
            if (error != null) {
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause() : error;
                ApiException api = cause instanceof ApiException a ? a
                    : new ApiException(Errors.UNKNOWN_SERVER_ERROR, cause.toString(), cause);
                List<ProducerBatch> ordered = new ArrayList<>(sent.values());
                for (ProducerBatch b : ordered) {
                    handleBatchError(b, api.error(), api);
                }
            } else if (response == null) {
                for (ProducerBatch b : sent.values()) {
                    completeBatch(b, -1, -1);
                }
            } else {
                for (ProduceResponse.Response t : response.responses()) {
                    for (ProduceResponse.Response.PartitionResponse p : t.partitionResponses()) {
                        ProducerBatch b = sent.remove(new TopicPartition(t.name(), p.index()));
                        if (b == null) {
                            continue;
                        }
                        Errors e = Errors.forCode(p.errorCode());
                        if (e == Errors.NONE || e == Errors.DUPLICATE_SEQUENCE_NUMBER) {
                            completeBatch(b, e == Errors.NONE ? p.baseOffset() : -1, p.logAppendTimeMs());
                        } else {
                            handleBatchError(b, e, new ApiException(e, "Produce to " + b.tp + " failed: "
                                + (p.errorMessage() != null ? p.errorMessage() : e.message())));
                        }
                    }
                }
                for (ProducerBatch b : sent.values()) {
                    handleBatchError(b, Errors.UNKNOWN_SERVER_ERROR, new ApiException(Errors.UNKNOWN_SERVER_ERROR,
                        "The Produce response did not mention " + b.tp));
                }
            }
            wakeSender();
        }
    }

    /** Under lock. */
    private void completeBatch(ProducerBatch b, long baseOffset, long logAppendTime) {
        if (retrying.contains(b.tp) && inFlightBatches.getOrDefault(b.tp, 0) == 0) {
            ArrayDeque<ProducerBatch> deque = batches.get(b.tp);
            if (deque == null || deque.isEmpty() || deque.peekFirst().attempts == 0) {
                retrying.remove(b.tp);
            }
        }
        release(b);
        b.complete(baseOffset, logAppendTime);
    }

    /** Under lock: retries (in sequence order, at the front of the partition's queue) or fails the batch. */
    private void handleBatchError(ProducerBatch b, Errors error, ApiException cause) {
        boolean retriable = error.retriable() || error == Errors.NETWORK_EXCEPTION
            || (idempotent && error == Errors.OUT_OF_ORDER_SEQUENCE_NUMBER && retrying.contains(b.tp));
        boolean timedOut = System.nanoTime() - b.createdNs >= deliveryTimeoutNs;
        if (retriable && !forceClose && !timedOut && b.attempts <= retries) {
            if (error == Errors.NOT_LEADER_OR_FOLLOWER || error == Errors.UNKNOWN_TOPIC_OR_PARTITION
                || error == Errors.LEADER_NOT_AVAILABLE || error == Errors.NETWORK_EXCEPTION
                || error == Errors.NOT_ENOUGH_REPLICAS) {
                metadata.requestUpdate();
            }
            LOG.debug("Retrying {} (attempt {}): {}", b.tp, b.attempts, cause.getMessage());
            retrying.add(b.tp);
            b.retryAfterNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(retryBackoffMs);
            ArrayDeque<ProducerBatch> deque = batches.computeIfAbsent(b.tp, k -> new ArrayDeque<>());
            // Keep sequence order: built batches go before unbuilt ones, sorted by their base sequence.
            List<ProducerBatch> all = new ArrayList<>(deque);
            all.add(b);
            all.sort(Comparator.comparing((ProducerBatch x) -> !x.isBuilt())
                .thenComparingInt(x -> x.isBuilt() ? x.baseSequence : 0));
            deque.clear();
            deque.addAll(all);
            return;
        }
        if (idempotent && (error == Errors.OUT_OF_ORDER_SEQUENCE_NUMBER || error == Errors.UNKNOWN_PRODUCER_ID
            || error == Errors.INVALID_PRODUCER_EPOCH)) {
            // The broker's sequence state and ours disagree: start over with a new producer id.
            producerId = RecordBatch.NO_PRODUCER_ID;
        }
        release(b);
        ApiException failure = timedOut && retriable ? new ApiException(Errors.REQUEST_TIMED_OUT, "Expiring "
            + b.recordCount() + " record(s) for " + b.tp + ": " + DELIVERY_TIMEOUT_MS + " passed; last error: "
            + cause.getMessage(), cause) : cause;
        b.fail(failure);
        if (retrying.contains(b.tp) && inFlightBatches.getOrDefault(b.tp, 0) == 0) {
            retrying.remove(b.tp);
        }
    }

    /** Under lock: fails queued batches older than the delivery timeout. */
    private void expireBatches(long now) {
        for (ArrayDeque<ProducerBatch> deque : batches.values()) {
            for (Iterator<ProducerBatch> it = deque.iterator(); it.hasNext(); ) {
                ProducerBatch b = it.next();
                if (now - b.createdNs >= deliveryTimeoutNs) {
                    it.remove();
                    release(b);
                    b.fail(new ApiException(Errors.REQUEST_TIMED_OUT, "Expiring " + b.recordCount() + " record(s) for "
                        + b.tp + ": " + DELIVERY_TIMEOUT_MS + " passed before they could be sent"));
                }
            }
        }
    }

    private void release(ProducerBatch b) {
        usedMemory -= b.reservedBytes;
        incomplete -= b.recordCount();
        lock.notifyAll();
    }

    private void failAllLocked(ApiException e) {
        synchronized (lock) {
            failAll(e);
        }
    }

    private void failAll(ApiException e) {
        for (ArrayDeque<ProducerBatch> deque : batches.values()) {
            for (ProducerBatch b : deque) {
                release(b);
                b.fail(e);
            }
            deque.clear();
        }
    }

    /** An upper bound of one record's encoded size: the payload plus the largest varints of its framing. */
    static int recordSizeUpperBound(byte[] key, byte[] value, List<Header> headers) {
        long size = 5 + 1 + 10 + 5 + 5 + 5 + 5L + (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
        for (Header h : headers) {
            size += 10 + h.key().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                + (h.value() == null ? 0 : h.value().remaining());
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    /** The partition count of {@code topic}, waiting for metadata up to {@code max.block.ms}. */
    public int partitionCount(String topic) {
        return awaitMetadata(topic, maxBlockMs).partitions().size();
    }
}
