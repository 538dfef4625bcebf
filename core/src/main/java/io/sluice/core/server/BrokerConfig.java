package io.sluice.core.server;

import static io.sluice.common.config.ConfigDef.NO_DEFAULT;
import static io.sluice.common.config.ConfigDef.atLeast;
import static io.sluice.common.config.ConfigDef.between;

import io.sluice.common.config.ConfigDef;
import io.sluice.common.config.ConfigException;
import io.sluice.common.config.ConfigType;
import io.sluice.core.log.LogConfig;
import io.sluice.core.network.Listener;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The broker's static configuration ({@code server.properties}), parsed once into typed values with Kafka's
 * key names. Invalid values fail start-up with the key, the value and the rule; unknown keys are reported
 * by {@link #unknownKeys()} so start-up can warn about them. Immutable.
 */
public final class BrokerConfig {
    public static final String BROKER_ID = "broker.id";
    public static final String LISTENERS = "listeners";
    public static final String ADVERTISED_LISTENERS = "advertised.listeners";
    public static final String INTER_BROKER_LISTENER_NAME = "inter.broker.listener.name";
    public static final String BROKER_RACK = "broker.rack";
    public static final String LOG_DIRS = "log.dirs";
    public static final String LOG_DIR = "log.dir";
    public static final String ZOOKEEPER_CONNECT = "zookeeper.connect";
    public static final String ZOOKEEPER_SESSION_TIMEOUT_MS = "zookeeper.session.timeout.ms";
    public static final String ZOOKEEPER_CONNECTION_TIMEOUT_MS = "zookeeper.connection.timeout.ms";
    public static final String NUM_NETWORK_THREADS = "num.network.threads";
    public static final String NUM_IO_THREADS = "num.io.threads";
    public static final String METRICS_PORT = "metrics.port";
    public static final String SOCKET_REQUEST_MAX_BYTES = "socket.request.max.bytes";
    public static final String SOCKET_SEND_BUFFER_BYTES = "socket.send.buffer.bytes";
    public static final String SOCKET_RECEIVE_BUFFER_BYTES = "socket.receive.buffer.bytes";
    public static final String CONNECTIONS_MAX_IDLE_MS = "connections.max.idle.ms";
    public static final String NUM_PARTITIONS = "num.partitions";
    public static final String DEFAULT_REPLICATION_FACTOR = "default.replication.factor";
    public static final String AUTO_CREATE_TOPICS_ENABLE = "auto.create.topics.enable";
    public static final String DELETE_TOPIC_ENABLE = "delete.topic.enable";
    public static final String LOG_RETENTION_HOURS = "log.retention.hours";
    public static final String LOG_RETENTION_MINUTES = "log.retention.minutes";
    public static final String LOG_ROLL_HOURS = "log.roll.hours";
    public static final String LOG_RETENTION_CHECK_INTERVAL_MS = "log.retention.check.interval.ms";
    public static final String LOG_FLUSH_SCHEDULER_INTERVAL_MS = "log.flush.scheduler.interval.ms";
    public static final String LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS = "log.flush.offset.checkpoint.interval.ms";
    public static final String LOG_CLEANER_ENABLE = "log.cleaner.enable";
    public static final String LOG_CLEANER_BACKOFF_MS = "log.cleaner.backoff.ms";
    public static final String LOG_FLUSH_START_OFFSET_CHECKPOINT_INTERVAL_MS = "log.flush.start.offset.checkpoint.interval.ms";
    public static final String LOG_CLEANER_DEDUPE_BUFFER_SIZE = "log.cleaner.dedupe.buffer.size";
    public static final String NUM_RECOVERY_THREADS_PER_DATA_DIR = "num.recovery.threads.per.data.dir";
    public static final String PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS = "producer.id.expiration.check.interval.ms";
    public static final String REPLICA_HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS = "replica.high.watermark.checkpoint.interval.ms";
    public static final String FETCH_MAX_BYTES = "fetch.max.bytes";
    public static final String PRODUCER_ID_EXPIRATION_MS = "producer.id.expiration.ms";
    public static final String REPLICA_LAG_TIME_MAX_MS = "replica.lag.time.max.ms";
    public static final String REPLICA_FETCH_WAIT_MAX_MS = "replica.fetch.wait.max.ms";
    public static final String REPLICA_FETCH_MIN_BYTES = "replica.fetch.min.bytes";
    public static final String REPLICA_FETCH_MAX_BYTES = "replica.fetch.max.bytes";
    public static final String REPLICA_FETCH_RESPONSE_MAX_BYTES = "replica.fetch.response.max.bytes";
    public static final String REPLICA_FETCH_BACKOFF_MS = "replica.fetch.backoff.ms";
    public static final String REPLICA_SOCKET_TIMEOUT_MS = "replica.socket.timeout.ms";
    public static final String NUM_REPLICA_FETCHERS = "num.replica.fetchers";
    /** Sluice's own key: the high watermark covers only data fsynced on every ISR member (see README, Durability). */
    public static final String REPLICATION_ACK_REQUIRES_FSYNC = "replication.ack.requires.fsync";

    static final ConfigDef DEF = new ConfigDef()
        .define(BROKER_ID, ConfigType.INT, NO_DEFAULT, atLeast(0), "this broker's unique id in the cluster")
        .define(LISTENERS, ConfigType.STRING, "PLAINTEXT://:9092", "where the broker listens: NAME://host:port,...")
        .define(ADVERTISED_LISTENERS, ConfigType.STRING, null, "what clients are told to connect to (defaults to listeners)")
        .define(INTER_BROKER_LISTENER_NAME, ConfigType.STRING, null, "listener other brokers use (defaults to the first)")
        .define(BROKER_RACK, ConfigType.STRING, null, "rack of this broker, for rack-aware replica placement")
        .define(LOG_DIRS, ConfigType.LIST, null, "directories holding partition logs")
        .define(LOG_DIR, ConfigType.STRING, System.getProperty("java.io.tmpdir") + "/sluice-logs", "log directory if log.dirs is unset")
        .define(ZOOKEEPER_CONNECT, ConfigType.STRING, NO_DEFAULT, "host:port[,host:port...][/chroot] of the ZooKeeper ensemble")
        .define(ZOOKEEPER_SESSION_TIMEOUT_MS, ConfigType.INT, 18_000, atLeast(1), "ZooKeeper session timeout")
        .define(ZOOKEEPER_CONNECTION_TIMEOUT_MS, ConfigType.INT, null, "time to wait for the first ZooKeeper connection")
        .define(NUM_NETWORK_THREADS, ConfigType.INT, 2, between(1, 64), "Netty event-loop threads")
        .define(NUM_IO_THREADS, ConfigType.INT, 4, between(1, 256), "request-handler threads")
        .define(METRICS_PORT, ConfigType.INT, null, between(0, 65_535),
            "port of the Prometheus /metrics endpoint on every interface (unset: no endpoint; 0: any free port)")
        .define(SOCKET_REQUEST_MAX_BYTES, ConfigType.INT, 104_857_600, atLeast(1), "largest request accepted")
        .define(SOCKET_SEND_BUFFER_BYTES, ConfigType.INT, 102_400, atLeast(-1), "SO_SNDBUF (-1: OS default)")
        .define(SOCKET_RECEIVE_BUFFER_BYTES, ConfigType.INT, 102_400, atLeast(-1), "SO_RCVBUF (-1: OS default)")
        .define(CONNECTIONS_MAX_IDLE_MS, ConfigType.LONG, 600_000L, atLeast(1), "idle connections are closed after this")
        .define(NUM_PARTITIONS, ConfigType.INT, 1, atLeast(1), "partitions of auto-created topics and of CreateTopics with -1")
        .define(DEFAULT_REPLICATION_FACTOR, ConfigType.SHORT, (short) 1, atLeast(1), "replication factor used by default")
        .define(AUTO_CREATE_TOPICS_ENABLE, ConfigType.BOOLEAN, true, "create unknown topics on Metadata requests that allow it")
        .define(DELETE_TOPIC_ENABLE, ConfigType.BOOLEAN, true, "allow DeleteTopics")
        .define(LOG_RETENTION_HOURS, ConfigType.LONG, 168L, "retention in hours (log.retention.ms and .minutes win)")
        .define(LOG_RETENTION_MINUTES, ConfigType.LONG, null, "retention in minutes (log.retention.ms wins)")
        .define(LOG_ROLL_HOURS, ConfigType.LONG, 168L, atLeast(1), "segment age at which it rolls (log.roll.ms wins)")
        .define(LOG_RETENTION_CHECK_INTERVAL_MS, ConfigType.LONG, 300_000L, atLeast(1), "how often retention runs")
        .define(LOG_FLUSH_SCHEDULER_INTERVAL_MS, ConfigType.LONG, Long.MAX_VALUE, atLeast(1), "how often flush.ms is checked")
        .define(LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS, ConfigType.LONG, 60_000L, atLeast(1), "how often recovery points are saved")
        .define(LOG_CLEANER_ENABLE, ConfigType.BOOLEAN, true, "run the log cleaner for compacted topics")
        .define(LOG_CLEANER_BACKOFF_MS, ConfigType.LONG, 15_000L, atLeast(0), "cleaner sleep when there is nothing to clean")
        .define(LOG_FLUSH_START_OFFSET_CHECKPOINT_INTERVAL_MS, ConfigType.LONG, 60_000L, atLeast(1),
            "how often log start offsets are saved")
        .define(LOG_CLEANER_DEDUPE_BUFFER_SIZE, ConfigType.LONG, 33_554_432L, atLeast(1024 * 1024),
            "memory for the cleaner's key-to-offset map")
        .define(NUM_RECOVERY_THREADS_PER_DATA_DIR, ConfigType.INT, 1, atLeast(1), "threads loading logs per log dir")
        .define(PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS, ConfigType.LONG, 600_000L, atLeast(1),
            "how often idle producers are expired")
        .define(REPLICA_HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS, ConfigType.LONG, 5_000L, atLeast(1),
            "how often high watermarks are saved")
        .define(FETCH_MAX_BYTES, ConfigType.INT, 57_671_680, atLeast(1024), "largest fetch response")
        .define(PRODUCER_ID_EXPIRATION_MS, ConfigType.LONG, 86_400_000L, atLeast(1), "idle producers' state is dropped after this")
        .define(REPLICA_LAG_TIME_MAX_MS, ConfigType.LONG, 30_000L, atLeast(1),
            "an ISR member not caught up with the leader for this long is removed from the ISR")
        .define(REPLICA_FETCH_WAIT_MAX_MS, ConfigType.INT, 500, atLeast(0), "how long a leader may hold a follower fetch")
        .define(REPLICA_FETCH_MIN_BYTES, ConfigType.INT, 1, atLeast(0), "bytes a follower fetch waits for")
        .define(REPLICA_FETCH_MAX_BYTES, ConfigType.INT, 1_048_576, atLeast(1), "bytes per partition in a follower fetch")
        .define(REPLICA_FETCH_RESPONSE_MAX_BYTES, ConfigType.INT, 10_485_760, atLeast(1), "bytes per follower fetch response")
        .define(REPLICA_FETCH_BACKOFF_MS, ConfigType.INT, 1_000, atLeast(0), "pause after a failed follower fetch")
        .define(REPLICA_SOCKET_TIMEOUT_MS, ConfigType.INT, 30_000, atLeast(1),
            "connect and request timeout of follower connections (must exceed replica.fetch.wait.max.ms)")
        .define(NUM_REPLICA_FETCHERS, ConfigType.INT, 1, between(1, 64), "fetcher threads per source broker")
        .define(REPLICATION_ACK_REQUIRES_FSYNC, ConfigType.BOOLEAN, true,
            "the high watermark (and so acks=all) only covers data fsynced on every in-sync replica: a replica that "
            + "loses its unflushed tail in a crash never held acknowledged data only in memory");

    // Controller and controlled shutdown (Kafka's keys and defaults).
    public static final String CONTROLLED_SHUTDOWN_ENABLE = "controlled.shutdown.enable";
    public static final String CONTROLLED_SHUTDOWN_MAX_RETRIES = "controlled.shutdown.max.retries";
    public static final String CONTROLLED_SHUTDOWN_RETRY_BACKOFF_MS = "controlled.shutdown.retry.backoff.ms";
    public static final String AUTO_LEADER_REBALANCE_ENABLE = "auto.leader.rebalance.enable";
    public static final String LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS = "leader.imbalance.check.interval.seconds";
    public static final String LEADER_IMBALANCE_PER_BROKER_PERCENTAGE = "leader.imbalance.per.broker.percentage";

    static {
        DEF.define(CONTROLLED_SHUTDOWN_ENABLE, ConfigType.BOOLEAN, true,
                "on shutdown, first ask the controller to move this broker's leaderships away")
            .define(CONTROLLED_SHUTDOWN_MAX_RETRIES, ConfigType.INT, 3, atLeast(0),
                "attempts of a controlled shutdown before the broker stops anyway")
            .define(CONTROLLED_SHUTDOWN_RETRY_BACKOFF_MS, ConfigType.LONG, 5_000L, atLeast(0),
                "how long each controlled-shutdown attempt waits for the leaderships to move")
            .define(AUTO_LEADER_REBALANCE_ENABLE, ConfigType.BOOLEAN, true,
                "the controller periodically moves leadership back to each partition's preferred replica")
            .define(LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS, ConfigType.LONG, 300L, atLeast(1),
                "how often the controller checks the preferred-leader imbalance")
            .define(LEADER_IMBALANCE_PER_BROKER_PERCENTAGE, ConfigType.INT, 10, between(0, 100),
                "share of a broker's preferred partitions led elsewhere above which leadership is moved back");
    }

    // Group coordinator and __consumer_offsets (Kafka's keys and defaults).
    public static final String OFFSETS_TOPIC_NUM_PARTITIONS = "offsets.topic.num.partitions";
    public static final String OFFSETS_TOPIC_REPLICATION_FACTOR = "offsets.topic.replication.factor";
    public static final String OFFSETS_TOPIC_SEGMENT_BYTES = "offsets.topic.segment.bytes";
    public static final String OFFSETS_RETENTION_MINUTES = "offsets.retention.minutes";
    public static final String OFFSETS_RETENTION_CHECK_INTERVAL_MS = "offsets.retention.check.interval.ms";
    public static final String OFFSETS_COMMIT_TIMEOUT_MS = "offsets.commit.timeout.ms";
    public static final String OFFSET_METADATA_MAX_BYTES = "offset.metadata.max.bytes";
    public static final String GROUP_INITIAL_REBALANCE_DELAY_MS = "group.initial.rebalance.delay.ms";
    public static final String GROUP_MIN_SESSION_TIMEOUT_MS = "group.min.session.timeout.ms";
    public static final String GROUP_MAX_SESSION_TIMEOUT_MS = "group.max.session.timeout.ms";
    public static final String GROUP_MAX_SIZE = "group.max.size";

    static {
        DEF.define(OFFSETS_TOPIC_NUM_PARTITIONS, ConfigType.INT, 50, atLeast(1),
                "partitions of __consumer_offsets (fixed once the topic exists)")
            .define(OFFSETS_TOPIC_REPLICATION_FACTOR, ConfigType.SHORT, (short) 3, atLeast(1),
                "replication factor of __consumer_offsets, lowered to the live broker count when it is created")
            .define(OFFSETS_TOPIC_SEGMENT_BYTES, ConfigType.INT, 104_857_600, atLeast(1),
                "segment size of __consumer_offsets")
            .define(OFFSETS_RETENTION_MINUTES, ConfigType.INT, 10_080, atLeast(1),
                "offsets of a group that became empty are deleted after this")
            .define(OFFSETS_RETENTION_CHECK_INTERVAL_MS, ConfigType.LONG, 600_000L, atLeast(1),
                "how often expired offsets are deleted")
            .define(OFFSETS_COMMIT_TIMEOUT_MS, ConfigType.INT, 5_000, atLeast(1),
                "how long an offset commit (or group write) waits to be replicated before failing")
            .define(OFFSET_METADATA_MAX_BYTES, ConfigType.INT, 4_096, atLeast(0),
                "longest metadata string of a committed offset")
            .define(GROUP_INITIAL_REBALANCE_DELAY_MS, ConfigType.INT, 3_000, atLeast(0),
                "the first rebalance of an empty group waits this long (and again per new member) for more members")
            .define(GROUP_MIN_SESSION_TIMEOUT_MS, ConfigType.INT, 6_000, atLeast(1),
                "smallest session timeout a group member may use")
            .define(GROUP_MAX_SESSION_TIMEOUT_MS, ConfigType.INT, 1_800_000, atLeast(1),
                "largest session timeout a group member may use")
            .define(GROUP_MAX_SIZE, ConfigType.INT, Integer.MAX_VALUE, atLeast(1),
                "most members one consumer group may have");
    }

    private final Map<String, String> originals;
    private final ConfigDef.Values values;
    private final List<String> unknownKeys;
    private final List<Listener> listeners;
    private final List<Listener> advertisedListeners;
    private final LogConfig defaultLogConfig;
    private final Map<String, String> logDefaults;

    public BrokerConfig(Map<String, String> props) {
        this.originals = Map.copyOf(props);
        this.values = new ConfigDef.Values(DEF.parse(props));
        List<String> logKeys = new ArrayList<>(LogConfig.BROKER_SYNONYMS.values());
        List<String> unknown = new ArrayList<>();
        for (String key : DEF.unknownKeys(props.keySet())) {
            if (!logKeys.contains(key) && !key.equals("log.retention.ms") && !key.equals("log.roll.ms")) {
                unknown.add(key);
            }
        }
        this.unknownKeys = List.copyOf(unknown);
        this.listeners = Listener.parseList(LISTENERS, values.getString(LISTENERS));
        String advertised = values.getString(ADVERTISED_LISTENERS);
        this.advertisedListeners = advertised == null ? listeners : Listener.parseList(ADVERTISED_LISTENERS, advertised);
        for (Listener l : advertisedListeners) {
            if (listeners.stream().noneMatch(x -> x.name().equals(l.name()))) {
                throw new ConfigException(ADVERTISED_LISTENERS, advertised, "listener " + l.name() + " is not in listeners");
            }
        }
        this.logDefaults = logDefaults(props);
        this.defaultLogConfig = LogConfig.of(logDefaults, Map.of());
    }

    /** Topic-level defaults taken from broker keys (log.segment.bytes → segment.bytes, and so on). */
    private Map<String, String> logDefaults(Map<String, String> props) {
        Map<String, String> d = new HashMap<>();
        LogConfig.BROKER_SYNONYMS.forEach((topicKey, brokerKey) -> {
            String v = props.get(brokerKey);
            if (v != null) {
                try {
                    LogConfig.DEF.parseValue(topicKey, v);
                } catch (ConfigException e) {
                    // Name the key the operator wrote (log.segment.bytes), not its topic-level synonym.
                    throw new ConfigException(e.getMessage().replace("configuration " + topicKey,
                        "configuration " + brokerKey));
                }
                d.put(topicKey, v);
            }
        });
        if (!props.containsKey("log.retention.ms")) {
            Long minutes = (Long) values.get(LOG_RETENTION_MINUTES);
            long ms = minutes != null ? minutes * 60_000L : values.getLong(LOG_RETENTION_HOURS) * 3_600_000L;
            d.put(LogConfig.RETENTION_MS, Long.toString(ms < 0 ? -1 : ms));
        }
        if (!props.containsKey("log.roll.ms")) {
            d.put(LogConfig.SEGMENT_MS, Long.toString(values.getLong(LOG_ROLL_HOURS) * 3_600_000L));
        }
        return Map.copyOf(d);
    }

    public static BrokerConfig load(Path file, Map<String, String> overrides) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        Map<String, String> props = new LinkedHashMap<>();
        for (String name : p.stringPropertyNames()) {
            props.put(name, p.getProperty(name).trim());
        }
        props.putAll(overrides);
        return new BrokerConfig(props);
    }

    /** The definition table of the broker's own keys (type, default, validator, documentation). */
    public static ConfigDef definition() {
        return DEF;
    }

    public Map<String, String> originals() {
        return originals;
    }

    public ConfigDef.Values values() {
        return values;
    }

    public List<String> unknownKeys() {
        return unknownKeys;
    }

    public int brokerId() {
        return values.getInt(BROKER_ID);
    }

    public List<Listener> listeners() {
        return listeners;
    }

    public List<Listener> advertisedListeners() {
        return advertisedListeners;
    }

    public String interBrokerListenerName() {
        String name = values.getString(INTER_BROKER_LISTENER_NAME);
        return name != null ? name : listeners.get(0).name();
    }

    public String rack() {
        return values.getString(BROKER_RACK);
    }

    public List<Path> logDirs() {
        List<String> dirs = values.getList(LOG_DIRS);
        if (dirs == null || dirs.isEmpty()) {
            return List.of(Path.of(values.getString(LOG_DIR)));
        }
        return dirs.stream().map(Path::of).toList();
    }

    public String zookeeperConnect() {
        return values.getString(ZOOKEEPER_CONNECT);
    }

    public int zookeeperSessionTimeoutMs() {
        return values.getInt(ZOOKEEPER_SESSION_TIMEOUT_MS);
    }

    public int zookeeperConnectionTimeoutMs() {
        Object v = values.get(ZOOKEEPER_CONNECTION_TIMEOUT_MS);
        return v == null ? zookeeperSessionTimeoutMs() : ((Number) v).intValue();
    }

    public int numNetworkThreads() {
        return values.getInt(NUM_NETWORK_THREADS);
    }

    /** The Prometheus endpoint's port, if metrics are served. */
    public java.util.OptionalInt metricsPort() {
        Object v = values.get(METRICS_PORT);
        return v == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(((Number) v).intValue());
    }

    public int numIoThreads() {
        return values.getInt(NUM_IO_THREADS);
    }

    public int socketRequestMaxBytes() {
        return values.getInt(SOCKET_REQUEST_MAX_BYTES);
    }

    public int socketSendBufferBytes() {
        return values.getInt(SOCKET_SEND_BUFFER_BYTES);
    }

    public int socketReceiveBufferBytes() {
        return values.getInt(SOCKET_RECEIVE_BUFFER_BYTES);
    }

    public long connectionsMaxIdleMs() {
        return values.getLong(CONNECTIONS_MAX_IDLE_MS);
    }

    public int numPartitions() {
        return values.getInt(NUM_PARTITIONS);
    }

    public short defaultReplicationFactor() {
        return values.getShort(DEFAULT_REPLICATION_FACTOR);
    }

    public boolean autoCreateTopicsEnable() {
        return values.getBoolean(AUTO_CREATE_TOPICS_ENABLE);
    }

    public boolean deleteTopicEnable() {
        return values.getBoolean(DELETE_TOPIC_ENABLE);
    }

    public long logRetentionCheckIntervalMs() {
        return values.getLong(LOG_RETENTION_CHECK_INTERVAL_MS);
    }

    public long logFlushSchedulerIntervalMs() {
        return values.getLong(LOG_FLUSH_SCHEDULER_INTERVAL_MS);
    }

    public long logFlushOffsetCheckpointIntervalMs() {
        return values.getLong(LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS);
    }

    public boolean logCleanerEnable() {
        return values.getBoolean(LOG_CLEANER_ENABLE);
    }

    public long logCleanerBackoffMs() {
        return values.getLong(LOG_CLEANER_BACKOFF_MS);
    }

    public int fetchMaxBytes() {
        return values.getInt(FETCH_MAX_BYTES);
    }

    public long producerIdExpirationMs() {
        return values.getLong(PRODUCER_ID_EXPIRATION_MS);
    }

    public long highWatermarkCheckpointIntervalMs() {
        return values.getLong(REPLICA_HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS);
    }

    public long replicaLagTimeMaxMs() {
        return values.getLong(REPLICA_LAG_TIME_MAX_MS);
    }

    public boolean replicationAckRequiresFsync() {
        return values.getBoolean(REPLICATION_ACK_REQUIRES_FSYNC);
    }

    /** The replication settings from this config (replica.*, num.replica.fetchers, the durability switch). */
    public io.sluice.core.replication.ReplicationConfig replicationConfig() {
        try {
            return new io.sluice.core.replication.ReplicationConfig(replicaLagTimeMaxMs(),
                values.getInt(REPLICA_FETCH_WAIT_MAX_MS), values.getInt(REPLICA_FETCH_MIN_BYTES),
                values.getInt(REPLICA_FETCH_MAX_BYTES), values.getInt(REPLICA_FETCH_RESPONSE_MAX_BYTES),
                values.getInt(REPLICA_FETCH_BACKOFF_MS), values.getInt(REPLICA_SOCKET_TIMEOUT_MS),
                values.getInt(NUM_REPLICA_FETCHERS), replicationAckRequiresFsync(), interBrokerListenerName());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(REPLICA_SOCKET_TIMEOUT_MS, String.valueOf(values.getInt(REPLICA_SOCKET_TIMEOUT_MS)),
                e.getMessage());
        }
    }

    /** The log manager's settings from this config. */
    public io.sluice.core.log.LogManager.Settings logManagerSettings() {
        long dedupe = values.getLong(LOG_CLEANER_DEDUPE_BUFFER_SIZE);
        return new io.sluice.core.log.LogManager.Settings(logDirs(), logRetentionCheckIntervalMs(),
            logFlushSchedulerIntervalMs(), logFlushOffsetCheckpointIntervalMs(),
            values.getLong(LOG_FLUSH_START_OFFSET_CHECKPOINT_INTERVAL_MS), producerIdExpirationMs(),
            values.getLong(PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS), logCleanerEnable(),
            (int) Math.min(Integer.MAX_VALUE, dedupe), logCleanerBackoffMs(),
            values.getInt(NUM_RECOVERY_THREADS_PER_DATA_DIR));
    }

    /** Topic configs' defaults as set on this broker (topic key names). */
    public Map<String, String> logDefaults() {
        return logDefaults;
    }

    public LogConfig defaultLogConfig() {
        return defaultLogConfig;
    }

    public int minInsyncReplicas() {
        return defaultLogConfig.minInsyncReplicas();
    }

    /** controlled.shutdown.enable, .max.retries and .retry.backoff.ms. */
    public io.sluice.coordinator.registration.ControlledShutdown.Settings controlledShutdownSettings() {
        return new io.sluice.coordinator.registration.ControlledShutdown.Settings(
            values.getBoolean(CONTROLLED_SHUTDOWN_ENABLE), values.getInt(CONTROLLED_SHUTDOWN_MAX_RETRIES),
            values.getLong(CONTROLLED_SHUTDOWN_RETRY_BACKOFF_MS));
    }

    /** The controller's settings: automatic preferred-leader rebalance; deletions wait for every live replica. */
    public io.sluice.coordinator.controller.ControllerSettings controllerSettings() {
        return io.sluice.coordinator.controller.ControllerSettings.DEFAULTS.withAutoLeaderRebalance(
            values.getBoolean(AUTO_LEADER_REBALANCE_ENABLE),
            values.getLong(LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS) * 1000L,
            values.getInt(LEADER_IMBALANCE_PER_BROKER_PERCENTAGE));
    }

    /** The group coordinator's settings (offsets.*, offset.metadata.max.bytes, group.*). */
    public io.sluice.core.group.GroupConfig groupConfig() {
        try {
            return new io.sluice.core.group.GroupConfig(values.getInt(OFFSETS_TOPIC_NUM_PARTITIONS),
                values.getShort(OFFSETS_TOPIC_REPLICATION_FACTOR), values.getInt(OFFSETS_TOPIC_SEGMENT_BYTES),
                values.getInt(OFFSETS_RETENTION_MINUTES) * 60_000L, values.getLong(OFFSETS_RETENTION_CHECK_INTERVAL_MS),
                values.getInt(OFFSETS_COMMIT_TIMEOUT_MS), values.getInt(OFFSET_METADATA_MAX_BYTES),
                values.getInt(GROUP_INITIAL_REBALANCE_DELAY_MS), values.getInt(GROUP_MIN_SESSION_TIMEOUT_MS),
                values.getInt(GROUP_MAX_SESSION_TIMEOUT_MS), values.getInt(GROUP_MAX_SIZE));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(GROUP_MIN_SESSION_TIMEOUT_MS, String.valueOf(values.getInt(GROUP_MIN_SESSION_TIMEOUT_MS)),
                e.getMessage());
        }
    }
}
