package io.sluice.core.log;

import static io.sluice.common.config.ConfigDef.atLeast;
import static io.sluice.common.config.ConfigDef.between;
import static io.sluice.common.config.ConfigDef.betweenDouble;
import static io.sluice.common.config.ConfigDef.eachOneOf;
import static io.sluice.common.config.ConfigDef.nonEmptyList;
import static io.sluice.common.config.ConfigDef.oneOf;

import io.sluice.common.config.ConfigDef;
import io.sluice.common.config.ConfigType;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The effective configuration of one partition log: topic-level keys (Kafka's names), each falling back to a
 * broker default ({@link #BROKER_SYNONYMS}) and then to a built-in default. Immutable; a config change swaps
 * the whole object.
 */
public record LogConfig(
        boolean compact,
        boolean delete,
        String compressionType,
        long deleteRetentionMs,
        long fileDeleteDelayMs,
        long flushMessages,
        long flushMs,
        int indexIntervalBytes,
        long maxCompactionLagMs,
        int maxMessageBytes,
        boolean logAppendTime,
        long messageTimestampBeforeMaxMs,
        long messageTimestampAfterMaxMs,
        double minCleanableDirtyRatio,
        long minCompactionLagMs,
        int minInsyncReplicas,
        boolean preallocate,
        long retentionBytes,
        long retentionMs,
        int segmentBytes,
        int segmentIndexBytes,
        long segmentJitterMs,
        long segmentMs,
        boolean uncleanLeaderElectionEnable) {

    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String COMPRESSION_TYPE = "compression.type";
    public static final String DELETE_RETENTION_MS = "delete.retention.ms";
    public static final String FILE_DELETE_DELAY_MS = "file.delete.delay.ms";
    public static final String FLUSH_MESSAGES = "flush.messages";
    public static final String FLUSH_MS = "flush.ms";
    public static final String INDEX_INTERVAL_BYTES = "index.interval.bytes";
    public static final String MAX_COMPACTION_LAG_MS = "max.compaction.lag.ms";
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
    public static final String MESSAGE_TIMESTAMP_BEFORE_MAX_MS = "message.timestamp.before.max.ms";
    public static final String MESSAGE_TIMESTAMP_AFTER_MAX_MS = "message.timestamp.after.max.ms";
    public static final String MIN_CLEANABLE_DIRTY_RATIO = "min.cleanable.dirty.ratio";
    public static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
    public static final String MIN_IN_SYNC_REPLICAS = "min.insync.replicas";
    public static final String PREALLOCATE = "preallocate";
    public static final String RETENTION_BYTES = "retention.bytes";
    public static final String RETENTION_MS = "retention.ms";
    public static final String SEGMENT_BYTES = "segment.bytes";
    public static final String SEGMENT_INDEX_BYTES = "segment.index.bytes";
    public static final String SEGMENT_JITTER_MS = "segment.jitter.ms";
    public static final String SEGMENT_MS = "segment.ms";
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";

    /** Smallest segment Kafka allows (a log segment must hold at least one maximal batch header). */
    public static final int MIN_SEGMENT_BYTES = 14;

    public static final ConfigDef DEF = new ConfigDef()
        .define(CLEANUP_POLICY, ConfigType.LIST, "delete", v -> {
            String e = eachOneOf("delete", "compact").check(v);
            return e != null ? e : nonEmptyList().check(v);
        }, "delete old segments, compact to the latest value per key, or both (\"compact,delete\")")
        .define(COMPRESSION_TYPE, ConfigType.STRING, "producer",
            oneOf("producer", "uncompressed", "gzip", "snappy", "lz4", "zstd"),
            "codec for stored batches; producer keeps what the producer sent")
        .define(DELETE_RETENTION_MS, ConfigType.LONG, 86_400_000L, atLeast(0), "how long tombstones survive compaction")
        .define(FILE_DELETE_DELAY_MS, ConfigType.LONG, 60_000L, atLeast(0), "delay before a deleted segment's files are removed")
        .define(FLUSH_MESSAGES, ConfigType.LONG, Long.MAX_VALUE, atLeast(1), "fsync after this many messages")
        .define(FLUSH_MS, ConfigType.LONG, Long.MAX_VALUE, atLeast(0), "fsync when data is older than this")
        .define(INDEX_INTERVAL_BYTES, ConfigType.INT, 4096, atLeast(0), "bytes between offset-index entries")
        .define(MAX_COMPACTION_LAG_MS, ConfigType.LONG, Long.MAX_VALUE, atLeast(1), "longest a record may stay uncompacted")
        .define(MAX_MESSAGE_BYTES, ConfigType.INT, 1_048_588, atLeast(0), "largest record batch accepted")
        .define(MESSAGE_TIMESTAMP_TYPE, ConfigType.STRING, "CreateTime", oneOf("CreateTime", "LogAppendTime"),
            "keep the producer's timestamps or stamp the broker's append time")
        .define(MESSAGE_TIMESTAMP_BEFORE_MAX_MS, ConfigType.LONG, Long.MAX_VALUE, atLeast(0),
            "how far in the past a record timestamp may be")
        .define(MESSAGE_TIMESTAMP_AFTER_MAX_MS, ConfigType.LONG, Long.MAX_VALUE, atLeast(0),
            "how far in the future a record timestamp may be")
        .define(MIN_CLEANABLE_DIRTY_RATIO, ConfigType.DOUBLE, 0.5, betweenDouble(0, 1),
            "dirty share of a log that triggers compaction")
        .define(MIN_COMPACTION_LAG_MS, ConfigType.LONG, 0L, atLeast(0), "youngest a record may be to be compacted")
        .define(MIN_IN_SYNC_REPLICAS, ConfigType.INT, 1, atLeast(1), "replicas that must acknowledge an acks=all write")
        .define(PREALLOCATE, ConfigType.BOOLEAN, false, "preallocate segment files")
        .define(RETENTION_BYTES, ConfigType.LONG, -1L, "size above which old segments are deleted (-1: unlimited)")
        .define(RETENTION_MS, ConfigType.LONG, 604_800_000L, atLeast(-1), "age after which old segments are deleted (-1: forever)")
        .define(SEGMENT_BYTES, ConfigType.INT, 1_073_741_824, atLeast(MIN_SEGMENT_BYTES), "size at which a segment rolls")
        .define(SEGMENT_INDEX_BYTES, ConfigType.INT, 10_485_760, atLeast(8), "maximum size of a segment's offset index")
        .define(SEGMENT_JITTER_MS, ConfigType.LONG, 0L, atLeast(0), "random reduction of segment.ms")
        .define(SEGMENT_MS, ConfigType.LONG, 604_800_000L, atLeast(1), "age at which a segment rolls")
        .define(UNCLEAN_LEADER_ELECTION_ENABLE, ConfigType.BOOLEAN, false,
            "allow an out-of-sync replica to become leader (may lose data)");

    /** Topic key → the broker key that supplies its default (server.properties). */
    public static final Map<String, String> BROKER_SYNONYMS = Map.ofEntries(
        Map.entry(CLEANUP_POLICY, "log.cleanup.policy"),
        Map.entry(COMPRESSION_TYPE, "compression.type"),
        Map.entry(DELETE_RETENTION_MS, "log.cleaner.delete.retention.ms"),
        Map.entry(FILE_DELETE_DELAY_MS, "log.segment.delete.delay.ms"),
        Map.entry(FLUSH_MESSAGES, "log.flush.interval.messages"),
        Map.entry(FLUSH_MS, "log.flush.interval.ms"),
        Map.entry(INDEX_INTERVAL_BYTES, "log.index.interval.bytes"),
        Map.entry(MAX_COMPACTION_LAG_MS, "log.cleaner.max.compaction.lag.ms"),
        Map.entry(MAX_MESSAGE_BYTES, "message.max.bytes"),
        Map.entry(MESSAGE_TIMESTAMP_TYPE, "log.message.timestamp.type"),
        Map.entry(MESSAGE_TIMESTAMP_BEFORE_MAX_MS, "log.message.timestamp.before.max.ms"),
        Map.entry(MESSAGE_TIMESTAMP_AFTER_MAX_MS, "log.message.timestamp.after.max.ms"),
        Map.entry(MIN_CLEANABLE_DIRTY_RATIO, "log.cleaner.min.cleanable.ratio"),
        Map.entry(MIN_COMPACTION_LAG_MS, "log.cleaner.min.compaction.lag.ms"),
        Map.entry(MIN_IN_SYNC_REPLICAS, "min.insync.replicas"),
        Map.entry(PREALLOCATE, "log.preallocate"),
        Map.entry(RETENTION_BYTES, "log.retention.bytes"),
        Map.entry(RETENTION_MS, "log.retention.ms"),
        Map.entry(SEGMENT_BYTES, "log.segment.bytes"),
        Map.entry(SEGMENT_INDEX_BYTES, "log.index.size.max.bytes"),
        Map.entry(SEGMENT_JITTER_MS, "log.roll.jitter.ms"),
        Map.entry(SEGMENT_MS, "log.roll.ms"),
        Map.entry(UNCLEAN_LEADER_ELECTION_ENABLE, "unclean.leader.election.enable"));

    /** Built-in defaults only. */
    public static LogConfig defaults() {
        return of(Map.of(), Map.of());
    }

    /**
     * @param defaults  values for topic keys that come from the broker (already translated to topic key names)
     * @param overrides the topic's own overrides (from /config/topics or CreateTopics)
     * @throws io.sluice.common.config.ConfigException naming the key on an invalid value or an unknown key
     */
    public static LogConfig of(Map<String, ?> defaults, Map<String, ?> overrides) {
        List<String> unknown = DEF.unknownKeys(overrides.keySet());
        if (!unknown.isEmpty()) {
            throw new io.sluice.common.config.ConfigException("Unknown topic configuration " + String.join(", ", unknown));
        }
        Map<String, Object> merged = new HashMap<>(defaults);
        merged.putAll(overrides);
        return fromValues(new ConfigDef.Values(DEF.parse(merged)));
    }

    /** A copy with one key changed, validated. */
    public LogConfig with(String key, Object value) {
        Map<String, Object> all = new LinkedHashMap<>(toMap());
        all.put(key, value);
        return of(Map.of(), all);
    }

    private static LogConfig fromValues(ConfigDef.Values v) {
        List<String> policy = v.getList(CLEANUP_POLICY);
        return new LogConfig(
            policy.contains("compact"),
            policy.contains("delete"),
            v.getString(COMPRESSION_TYPE),
            v.getLong(DELETE_RETENTION_MS),
            v.getLong(FILE_DELETE_DELAY_MS),
            v.getLong(FLUSH_MESSAGES),
            v.getLong(FLUSH_MS),
            v.getInt(INDEX_INTERVAL_BYTES),
            v.getLong(MAX_COMPACTION_LAG_MS),
            v.getInt(MAX_MESSAGE_BYTES),
            v.getString(MESSAGE_TIMESTAMP_TYPE).equals("LogAppendTime"),
            v.getLong(MESSAGE_TIMESTAMP_BEFORE_MAX_MS),
            v.getLong(MESSAGE_TIMESTAMP_AFTER_MAX_MS),
            v.getDouble(MIN_CLEANABLE_DIRTY_RATIO),
            v.getLong(MIN_COMPACTION_LAG_MS),
            v.getInt(MIN_IN_SYNC_REPLICAS),
            v.getBoolean(PREALLOCATE),
            v.getLong(RETENTION_BYTES),
            v.getLong(RETENTION_MS),
            v.getInt(SEGMENT_BYTES),
            v.getInt(SEGMENT_INDEX_BYTES),
            v.getLong(SEGMENT_JITTER_MS),
            v.getLong(SEGMENT_MS),
            v.getBoolean(UNCLEAN_LEADER_ELECTION_ENABLE));
    }

    /** Every key with its effective value, in Kafka's text form. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(CLEANUP_POLICY, compact && delete ? "compact,delete" : compact ? "compact" : "delete");
        m.put(COMPRESSION_TYPE, compressionType);
        m.put(DELETE_RETENTION_MS, Long.toString(deleteRetentionMs));
        m.put(FILE_DELETE_DELAY_MS, Long.toString(fileDeleteDelayMs));
        m.put(FLUSH_MESSAGES, Long.toString(flushMessages));
        m.put(FLUSH_MS, Long.toString(flushMs));
        m.put(INDEX_INTERVAL_BYTES, Integer.toString(indexIntervalBytes));
        m.put(MAX_COMPACTION_LAG_MS, Long.toString(maxCompactionLagMs));
        m.put(MAX_MESSAGE_BYTES, Integer.toString(maxMessageBytes));
        m.put(MESSAGE_TIMESTAMP_TYPE, logAppendTime ? "LogAppendTime" : "CreateTime");
        m.put(MESSAGE_TIMESTAMP_BEFORE_MAX_MS, Long.toString(messageTimestampBeforeMaxMs));
        m.put(MESSAGE_TIMESTAMP_AFTER_MAX_MS, Long.toString(messageTimestampAfterMaxMs));
        m.put(MIN_CLEANABLE_DIRTY_RATIO, Double.toString(minCleanableDirtyRatio));
        m.put(MIN_COMPACTION_LAG_MS, Long.toString(minCompactionLagMs));
        m.put(MIN_IN_SYNC_REPLICAS, Integer.toString(minInsyncReplicas));
        m.put(PREALLOCATE, Boolean.toString(preallocate));
        m.put(RETENTION_BYTES, Long.toString(retentionBytes));
        m.put(RETENTION_MS, Long.toString(retentionMs));
        m.put(SEGMENT_BYTES, Integer.toString(segmentBytes));
        m.put(SEGMENT_INDEX_BYTES, Integer.toString(segmentIndexBytes));
        m.put(SEGMENT_JITTER_MS, Long.toString(segmentJitterMs));
        m.put(SEGMENT_MS, Long.toString(segmentMs));
        m.put(UNCLEAN_LEADER_ELECTION_ENABLE, Boolean.toString(uncleanLeaderElectionEnable));
        return m;
    }
}
