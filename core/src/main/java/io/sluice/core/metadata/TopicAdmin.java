package io.sluice.core.metadata;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.common.Uuid;
import io.sluice.common.config.ConfigDef;
import io.sluice.common.config.ConfigException;
import io.sluice.common.config.ConfigType;
import io.sluice.coordinator.controller.ReplicaPlacement;
import io.sluice.coordinator.metadata.CasResult;
import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.coordinator.metadata.PartitionImage;
import io.sluice.coordinator.metadata.TopicAssignment;
import io.sluice.coordinator.metadata.TopicDeletionPendingException;
import io.sluice.coordinator.metadata.TopicExistsException;
import io.sluice.coordinator.metadata.TopicImage;
import io.sluice.coordinator.metadata.UnknownTopicException;
import io.sluice.coordinator.metadata.Versioned;
import io.sluice.coordinator.metadata.ZkMetadataStore;
import io.sluice.core.log.LogConfig;
import io.sluice.core.server.BrokerConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Topic administration as any broker may do it, by writing ZooKeeper directly (design doc 4.6): create topics
 * (also on demand for Metadata), delete them, add partitions, describe and change topic configs. Leader election
 * stays with the controller; the operations that need leaders (or a deletion) to be visible wait for them through
 * the {@link MetadataWaiter}, without blocking a thread.
 *
 * <p>No protocol types: callers pass plain values. Failures a client should see are {@link ApiException}s carrying
 * the Kafka error and a message: thrown by the synchronous methods, and the failure of the future returned by the
 * asynchronous ones (which never throw). Other exceptions (ZooKeeper trouble) are bugs or outages; handlers report
 * them as UNKNOWN_SERVER_ERROR.
 *
 * <p>Threading: every method does synchronous ZooKeeper round trips on the calling thread (acceptable on the
 * request-handler pool for these rare admin requests; never call from an event loop or the watcher thread).
 * Futures complete on the metadata-watcher or timer thread. Thread-safe: all state is in ZooKeeper, every write
 * is conditional (create-if-absent or a version check) and conflicting writes are retried after re-reading.
 */
public final class TopicAdmin implements TopicAutoCreator {
    private static final Logger log = LogManager.getLogger(TopicAdmin.class);
    private static final int MAX_CAS_ATTEMPTS = 20;

    /** The replicas of one partition given explicitly by a client. */
    public record ReplicaAssignment(int partition, List<Integer> brokerIds) {
        public ReplicaAssignment {
            brokerIds = List.copyOf(brokerIds);
        }
    }

    /**
     * A topic to create.
     *
     * @param numPartitions     partitions, or -1 for {@code num.partitions}; must be -1 with explicit assignments
     * @param replicationFactor replicas per partition, or -1 for {@code default.replication.factor}; must be -1
     *                          with explicit assignments
     * @param assignments       explicit replicas per partition, or empty to let the broker place them
     * @param configs           topic config overrides; a null value is refused (INVALID_CONFIG)
     */
    public record NewTopic(String name, int numPartitions, int replicationFactor, List<ReplicaAssignment> assignments,
                           Map<String, String> configs) {
        public NewTopic {
            assignments = List.copyOf(assignments);
            configs = Collections.unmodifiableMap(new LinkedHashMap<>(configs));
        }

        /** A topic with the broker's defaults for everything. */
        public static NewTopic withDefaults(String name) {
            return new NewTopic(name, -1, -1, List.of(), Map.of());
        }
    }

    /**
     * A topic as created (or as it would be, for validate-only).
     *
     * @param topicId          the new id; {@link Uuid#ZERO} for validate-only
     * @param configs          the overrides stored for it
     * @param effectiveConfigs every topic config key with its effective value and source
     */
    public record CreatedTopic(String name, Uuid topicId, int numPartitions, int replicationFactor,
                               Map<Integer, List<Integer>> assignment, Map<String, String> configs,
                               List<DescribedConfig> effectiveConfigs) {
    }

    /** A topic marked for deletion (and, unless the timeout was 0, gone from the metadata). */
    public record DeletedTopic(String name, Uuid topicId) {
    }

    private final ZkMetadataStore store;
    private final MetadataWaiter waiter;
    private final BrokerConfig config;
    private final Random random;
    private final ConfigDescriber describer;

    /**
     * @param random source of the replica placement's random start (seed it in tests); used concurrently, so a
     *               {@link Random} (thread-safe), not a {@code SplittableRandom}
     */
    public TopicAdmin(ZkMetadataStore store, MetadataWaiter waiter, BrokerConfig config, Random random) {
        this.store = Objects.requireNonNull(store, "store");
        this.waiter = Objects.requireNonNull(waiter, "waiter");
        this.config = Objects.requireNonNull(config, "config");
        this.random = Objects.requireNonNull(random, "random");
        this.describer = new ConfigDescriber(config);
    }

    /** The newest metadata image. */
    public ClusterImage image() {
        return waiter.current();
    }

    public BrokerConfig config() {
        return config;
    }

    public ConfigDescriber describer() {
        return describer;
    }

    // ---- creation ---------------------------------------------------------------------------------------------

    /**
     * Validates and creates a topic, then (unless {@code validateOnly} or {@code timeoutMs <= 0}) waits until every
     * partition has a leader in the metadata. Fails with ApiException: INVALID_TOPIC_EXCEPTION (illegal, internal
     * or colliding name), TOPIC_ALREADY_EXISTS, INVALID_REQUEST (explicit assignments together with a partition
     * count or replication factor), INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR, INVALID_REPLICA_ASSIGNMENT,
     * INVALID_CONFIG, or REQUEST_TIMED_OUT (the topic exists, its leaders were not visible in time).
     */
    public CompletableFuture<CreatedTopic> createTopic(NewTopic spec, boolean validateOnly, long timeoutMs) {
        CreatedTopic created;
        try {
            CreatedTopic planned = plan(spec, image());
            if (validateOnly) {
                return CompletableFuture.completedFuture(planned);
            }
            created = write(planned);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(translate(e));
        }
        if (timeoutMs <= 0) {
            return CompletableFuture.completedFuture(created);
        }
        return waiter.await(leadersElected(created.name(), created.topicId(), created.numPartitions()), timeoutMs)
            .thenApply(image -> {
                if (image.isEmpty()) {
                    throw new ApiException(Errors.REQUEST_TIMED_OUT, "Topic '" + created.name() + "' was created, but"
                        + " its partitions did not all get a leader within " + timeoutMs + " ms.");
                }
                return created;
            });
    }

    /** Creates an unknown topic named by a Metadata request, with the broker's defaults, without waiting. */
    @Override
    public AutoCreation autoCreate(String topic) {
        if (!config.autoCreateTopicsEnable()) {
            return new AutoCreation.Refused(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                "Topic '" + topic + "' does not exist and auto.create.topics.enable is false.");
        }
        if (TopicNames.isInternal(topic)) {
            return new AutoCreation.Refused(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                "Internal topic '" + topic + "' is not created on demand.");
        }
        try {
            CreatedTopic created = write(plan(NewTopic.withDefaults(topic), image()));
            log.info("Auto-created topic {} ({} partitions, replication factor {})", topic, created.numPartitions(),
                created.replicationFactor());
            return new AutoCreation.Created(created.topicId());
        } catch (RuntimeException e) {
            RuntimeException t = translate(e);
            if (t instanceof ApiException api) {
                if (api.error() == Errors.TOPIC_ALREADY_EXISTS) {
                    // another request or broker created it a moment ago: its leaders follow shortly
                    return new AutoCreation.Refused(Errors.LEADER_NOT_AVAILABLE,
                        "Topic '" + topic + "' is being created or deleted; retry shortly.");
                }
                return new AutoCreation.Refused(api.error(), api.getMessage());
            }
            log.warn("Could not auto-create topic {}", topic, e);
            return new AutoCreation.Refused(Errors.UNKNOWN_SERVER_ERROR, "Could not create topic '" + topic + "': " + e);
        }
    }

    /**
     * Creates the internal {@value TopicNames#CONSUMER_OFFSETS} topic for the group coordinator, without waiting
     * for its leaders: compacted, {@code compression.type=producer}, the given segment size. A replication factor
     * above the number of live brokers is lowered to it, with a warning (a single-broker cluster still gets a
     * group coordinator). Users cannot create this topic ({@link #createTopic} refuses internal names).
     *
     * @throws ApiException TOPIC_ALREADY_EXISTS, COORDINATOR_NOT_AVAILABLE (no live broker), INVALID_CONFIG
     */
    public CreatedTopic createOffsetsTopic(int partitions, int replicationFactor, int segmentBytes) {
        String name = TopicNames.CONSUMER_OFFSETS;
        try {
            ClusterImage image = image();
            if (image.topic(name).isPresent() || image.isPendingDeletion(name) || store.readTopicAssignment(name).isPresent()) {
                throw new ApiException(Errors.TOPIC_ALREADY_EXISTS, "Topic '" + name + "' already exists.");
            }
            int live = image.liveBrokerIds().size();
            if (live == 0) {
                throw new ApiException(Errors.COORDINATOR_NOT_AVAILABLE, "No live broker to place '" + name + "' on.");
            }
            int rf = replicationFactor;
            if (rf > live) {
                log.warn("Creating {} with replication factor {} instead of offsets.topic.replication.factor={}: only {}"
                    + " broker(s) are live", name, live, replicationFactor, live);
                rf = live;
            }
            Map<String, String> configs = new LinkedHashMap<>();
            configs.put(LogConfig.CLEANUP_POLICY, "compact");
            configs.put(LogConfig.COMPRESSION_TYPE, "producer");
            configs.put(LogConfig.SEGMENT_BYTES, Integer.toString(segmentBytes));
            Map<String, String> validated = validatedConfigs(name, configs);
            Map<Integer, List<Integer>> assignment = place(image, 0, partitions, rf);
            CreatedTopic created = write(new CreatedTopic(name, Uuid.ZERO, assignment.size(), rf, assignment, validated,
                describer.describeTopic(validated)));
            log.info("Created internal topic {} ({} partitions, replication factor {})", name, partitions, rf);
            return created;
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    private CreatedTopic plan(NewTopic spec, ClusterImage image) {
        String name = spec.name();
        TopicNames.validateForCreation(name);
        if (image.isPendingDeletion(name)) {
            throw new ApiException(Errors.TOPIC_ALREADY_EXISTS, "Topic '" + name + "' is marked for deletion.");
        }
        if (image.topic(name).isPresent() || store.readTopicAssignment(name).isPresent()) {
            throw new ApiException(Errors.TOPIC_ALREADY_EXISTS, "Topic '" + name + "' already exists.");
        }
        if (TopicNames.hasCollisionChars(name)) {
            Set<String> existing = new HashSet<>(image.topics().keySet());
            existing.addAll(store.topicNames());
            TopicNames.collision(name, existing).ifPresent(other -> {
                throw new ApiException(Errors.INVALID_TOPIC_EXCEPTION, "Topic '" + name + "' collides with existing topic '"
                    + other + "': names that differ only in '.' and '_' are not allowed together.");
            });
        }
        Map<Integer, List<Integer>> assignment;
        if (!spec.assignments().isEmpty()) {
            if (spec.numPartitions() != -1 || spec.replicationFactor() != -1) {
                throw new ApiException(Errors.INVALID_REQUEST, "Both numPartitions or replicationFactor and"
                    + " replicasAssignments were set for topic '" + name + "'. Both cannot be used at the same time.");
            }
            assignment = manualAssignment(spec.assignments(), image);
        } else {
            int partitions = spec.numPartitions() == -1 ? config.numPartitions() : spec.numPartitions();
            int replicationFactor = spec.replicationFactor() == -1 ? config.defaultReplicationFactor() : spec.replicationFactor();
            if (partitions < 1) {
                throw new ApiException(Errors.INVALID_PARTITIONS,
                    "Number of partitions must be larger than 0 (or -1 for the broker default), got " + spec.numPartitions() + ".");
            }
            if (replicationFactor < 1) {
                throw new ApiException(Errors.INVALID_REPLICATION_FACTOR, "Replication factor must be larger than 0"
                    + " (or -1 for the broker default), got " + spec.replicationFactor() + ".");
            }
            assignment = place(image, 0, partitions, replicationFactor);
        }
        Map<String, String> configs = validatedConfigs(name, spec.configs());
        int replicationFactor = assignment.get(0).size();
        return new CreatedTopic(name, Uuid.ZERO, assignment.size(), replicationFactor, assignment, configs,
            describer.describeTopic(configs));
    }

    private CreatedTopic write(CreatedTopic planned) {
        Uuid id = newTopicId();
        store.createTopic(planned.name(), id, planned.assignment(), planned.configs());
        return new CreatedTopic(planned.name(), id, planned.numPartitions(), planned.replicationFactor(),
            planned.assignment(), planned.configs(), planned.effectiveConfigs());
    }

    private static Uuid newTopicId() {
        Uuid id;
        do {
            id = Uuid.randomUuid();
        } while (id.equals(Uuid.ZERO) || id.equals(Uuid.ONE));
        return id;
    }

    private Map<Integer, List<Integer>> manualAssignment(List<ReplicaAssignment> assignments, ClusterImage image) {
        Map<Integer, List<Integer>> byPartition = new TreeMap<>();
        for (ReplicaAssignment a : assignments) {
            if (byPartition.put(a.partition(), a.brokerIds()) != null) {
                throw new ApiException(Errors.INVALID_REPLICA_ASSIGNMENT,
                    "Partition " + a.partition() + " is assigned more than once.");
            }
        }
        int expected = 0;
        for (int p : byPartition.keySet()) {
            if (p != expected++) {
                throw new ApiException(Errors.INVALID_REPLICA_ASSIGNMENT, "Partitions should be a consecutive 0-based"
                    + " integer sequence, got " + byPartition.keySet() + ".");
            }
        }
        int replicationFactor = byPartition.get(0).size();
        for (Map.Entry<Integer, List<Integer>> e : byPartition.entrySet()) {
            checkReplicas(e.getKey(), e.getValue(), image);
            if (e.getValue().size() != replicationFactor) {
                throw new ApiException(Errors.INVALID_REPLICA_ASSIGNMENT, "All partitions should have the same number"
                    + " of replicas: partition 0 has " + replicationFactor + ", partition " + e.getKey() + " has "
                    + e.getValue().size() + ".");
            }
        }
        return byPartition;
    }

    /** Non-empty, distinct, live brokers. */
    private static void checkReplicas(int partition, List<Integer> replicas, ClusterImage image) {
        if (replicas.isEmpty()) {
            throw new ApiException(Errors.INVALID_REPLICA_ASSIGNMENT, "Partition " + partition + " has no replicas.");
        }
        if (new HashSet<>(replicas).size() != replicas.size()) {
            throw new ApiException(Errors.INVALID_REPLICA_ASSIGNMENT,
                "Duplicate replica assignment found for partition " + partition + ": " + replicas + ".");
        }
        Set<Integer> unknown = new LinkedHashSet<>();
        for (int b : replicas) {
            if (!image.isLive(b)) {
                unknown.add(b);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ApiException(Errors.INVALID_REPLICA_ASSIGNMENT, "Unknown broker(s) in replica assignment of"
                + " partition " + partition + ": " + unknown + " (live brokers: " + image.liveBrokerIds() + ").");
        }
    }

    private Map<Integer, List<Integer>> place(ClusterImage image, int firstPartition, int partitions, int replicationFactor) {
        try {
            return ReplicaPlacement.assignOn(image.brokers().values(), firstPartition, partitions, replicationFactor, random);
        } catch (ReplicaPlacement.InsufficientBrokersException e) {
            throw new ApiException(Errors.INVALID_REPLICATION_FACTOR, e.getMessage());
        }
    }

    /** Checks topic overrides the way a topic will use them: unknown keys, null and invalid values are refused. */
    private Map<String, String> validatedConfigs(String topic, Map<String, String> configs) {
        Map<String, String> out = new LinkedHashMap<>();
        configs.forEach((key, value) -> {
            if (value == null) {
                throw new ApiException(Errors.INVALID_CONFIG, "Null value not supported for topic config '" + key + "'.");
            }
            out.put(key, value.trim());
        });
        try {
            LogConfig.of(config.logDefaults(), out);
        } catch (ConfigException e) {
            throw new ApiException(Errors.INVALID_CONFIG, e.getMessage() + " (topic '" + topic + "')");
        }
        return out;
    }

    /** True once the topic with this id has {@code partitions} partitions that all have a leader. */
    static Predicate<ClusterImage> leadersElected(String topic, Uuid topicId, int partitions) {
        return image -> image.topic(topic)
            .filter(t -> t.id().equals(topicId))
            .map(t -> {
                for (int p = 0; p < partitions; p++) {
                    Optional<PartitionImage> partition = t.partition(p);
                    if (partition.isEmpty() || partition.get().leader() < 0) {
                        return false;
                    }
                }
                return true;
            })
            .orElse(false);
    }

    // ---- deletion ---------------------------------------------------------------------------------------------

    /**
     * Marks the topic for deletion and (unless {@code timeoutMs <= 0}) waits until it is gone from the metadata.
     * Fails with ApiException: TOPIC_DELETION_DISABLED, UNKNOWN_TOPIC_OR_PARTITION, INVALID_REQUEST (internal
     * topic) or REQUEST_TIMED_OUT (marked, not gone yet).
     */
    public CompletableFuture<DeletedTopic> deleteTopic(String name, long timeoutMs) {
        try {
            checkDeletable(name);
            Versioned<TopicAssignment> assignment = store.readTopicAssignment(name)
                .orElseThrow(() -> unknownTopic(name));
            return delete(name, assignment.value().topicId(), timeoutMs);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(translate(e));
        }
    }

    /** {@link #deleteTopic(String, long)} by topic id; an id nobody knows fails with UNKNOWN_TOPIC_ID. */
    public CompletableFuture<DeletedTopic> deleteTopic(Uuid topicId, long timeoutMs) {
        try {
            if (!config.deleteTopicEnable()) {
                throw deletionDisabled();
            }
            String name = image().topic(topicId).map(TopicImage::name).orElseThrow(() ->
                new ApiException(Errors.UNKNOWN_TOPIC_ID, "No topic with id " + topicId + "."));
            checkDeletable(name);
            Versioned<TopicAssignment> assignment = store.readTopicAssignment(name)
                .filter(a -> a.value().topicId().equals(topicId))
                .orElseThrow(() -> new ApiException(Errors.UNKNOWN_TOPIC_ID, "No topic with id " + topicId + "."));
            return delete(name, assignment.value().topicId(), timeoutMs);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(translate(e));
        }
    }

    private void checkDeletable(String name) {
        if (!config.deleteTopicEnable()) {
            throw deletionDisabled();
        }
        if (TopicNames.isInternal(name)) {
            throw new ApiException(Errors.INVALID_REQUEST,
                "Topic '" + name + "' is internal to the broker and cannot be deleted.");
        }
        Optional<String> invalid = TopicNames.invalidReason(name);
        if (invalid.isPresent()) {
            throw new ApiException(Errors.UNKNOWN_TOPIC_OR_PARTITION, invalid.get() + " No such topic can exist.");
        }
    }

    private static ApiException deletionDisabled() {
        return new ApiException(Errors.TOPIC_DELETION_DISABLED,
            "Topic deletion is disabled on this cluster (delete.topic.enable=false).");
    }

    private CompletableFuture<DeletedTopic> delete(String name, Uuid topicId, long timeoutMs) {
        boolean marked = store.markTopicForDeletion(name);
        log.debug("Topic {} ({}) {} for deletion", name, topicId, marked ? "marked" : "was already marked");
        DeletedTopic deleted = new DeletedTopic(name, topicId);
        if (timeoutMs <= 0) {
            return CompletableFuture.completedFuture(deleted);
        }
        return waiter.await(gone(name, topicId), timeoutMs).thenApply(image -> {
            if (image.isEmpty()) {
                throw new ApiException(Errors.REQUEST_TIMED_OUT, "Topic '" + name + "' is marked for deletion but was"
                    + " not deleted within " + timeoutMs + " ms.");
            }
            return deleted;
        });
    }

    /** True once no topic of that name and id is left (a re-created topic of the same name has another id). */
    static Predicate<ClusterImage> gone(String topic, Uuid topicId) {
        return image -> image.topic(topic).map(t -> !t.id().equals(topicId)).orElse(true);
    }

    // ---- partitions -------------------------------------------------------------------------------------------

    /**
     * Raises the topic's partition count to {@code newCount} and (unless validate-only or {@code timeoutMs <= 0})
     * waits for the new partitions' leaders. Fails with ApiException: UNKNOWN_TOPIC_OR_PARTITION,
     * INVALID_TOPIC_EXCEPTION (marked for deletion), INVALID_PARTITIONS (not an increase),
     * INVALID_REPLICA_ASSIGNMENT, INVALID_REPLICATION_FACTOR, REQUEST_TIMED_OUT.
     *
     * @param newAssignments replicas of each new partition in order ({@code newCount - current} lists), or null to
     *                       let the broker place them
     */
    public CompletableFuture<Void> createPartitions(String name, int newCount, List<List<Integer>> newAssignments,
                                                    boolean validateOnly, long timeoutMs) {
        Uuid topicId;
        try {
            if (!TopicNames.isValid(name)) {
                throw unknownTopic(name);
            }
            if (image().isPendingDeletion(name)) {
                throw new ApiException(Errors.INVALID_TOPIC_EXCEPTION, "Topic '" + name + "' is queued for deletion.");
            }
            topicId = null;
            for (int attempt = 0; attempt < MAX_CAS_ATTEMPTS && topicId == null; attempt++) {
                Versioned<TopicAssignment> current = store.readTopicAssignment(name).orElseThrow(() -> unknownTopic(name));
                TopicAssignment next = grown(current.value(), newCount, newAssignments);
                if (validateOnly) {
                    return CompletableFuture.completedFuture(null);
                }
                CasResult result = store.addPartitions(name, next, current.zkVersion());
                if (result instanceof CasResult.Written) {
                    topicId = next.topicId();
                } else if (result instanceof CasResult.NoNode) {
                    throw unknownTopic(name);
                }
                // StaleVersion: someone changed the assignment meanwhile; decide again on the new one
            }
            if (topicId == null) {
                throw new ApiException(Errors.UNKNOWN_SERVER_ERROR, "Could not add partitions to topic '" + name
                    + "': too many concurrent changes of its assignment.");
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(translate(e));
        }
        if (timeoutMs <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        return waiter.await(leadersElected(name, topicId, newCount), timeoutMs).thenApply(image -> {
            if (image.isEmpty()) {
                throw new ApiException(Errors.REQUEST_TIMED_OUT, "Topic '" + name + "' now has " + newCount
                    + " partitions, but not all of them got a leader within " + timeoutMs + " ms.");
            }
            return null;
        });
    }

    private TopicAssignment grown(TopicAssignment current, int newCount, List<List<Integer>> newAssignments) {
        String name = current.topic();
        int oldCount = current.partitionCount();
        if (newCount < oldCount) {
            throw new ApiException(Errors.INVALID_PARTITIONS, "Topic '" + name + "' currently has " + oldCount
                + " partitions, which is higher than the requested " + newCount + ". Partitions can only be added.");
        }
        if (newCount == oldCount) {
            throw new ApiException(Errors.INVALID_PARTITIONS, "Topic '" + name + "' already has " + oldCount + " partitions.");
        }
        int added = newCount - oldCount;
        int replicationFactor = current.replicas(0).size();
        ClusterImage image = image();
        Map<Integer, List<Integer>> replicas = new TreeMap<>(current.replicas());
        if (newAssignments != null) {
            if (newAssignments.size() != added) {
                throw new ApiException(Errors.INVALID_REPLICA_ASSIGNMENT, "Increasing the number of partitions of '"
                    + name + "' by " + added + " but " + newAssignments.size() + " assignments provided.");
            }
            for (int i = 0; i < added; i++) {
                int partition = oldCount + i;
                List<Integer> brokers = newAssignments.get(i) == null ? List.of() : List.copyOf(newAssignments.get(i));
                checkReplicas(partition, brokers, image);
                if (brokers.size() != replicationFactor) {
                    throw new ApiException(Errors.INVALID_REPLICA_ASSIGNMENT, "Inconsistent replication factor: partition "
                        + partition + " has " + brokers.size() + " replicas, the topic's partitions have "
                        + replicationFactor + ".");
                }
                replicas.put(partition, brokers);
            }
        } else {
            replicas.putAll(place(image, oldCount, added, replicationFactor));
        }
        return new TopicAssignment(name, current.topicId(), replicas);
    }

    // ---- configs ----------------------------------------------------------------------------------------------

    /**
     * Every topic config key with its effective value and source, read from ZooKeeper (so a change made a moment
     * ago, on any broker, is included).
     *
     * @throws ApiException INVALID_TOPIC_EXCEPTION or UNKNOWN_TOPIC_OR_PARTITION
     */
    public List<DescribedConfig> describeTopicConfigs(String topic) {
        TopicNames.validate(topic);
        if (store.readTopicAssignment(topic).isEmpty()) {
            throw unknownTopic(topic);
        }
        return describer.describeTopic(store.readTopicConfig(topic));
    }

    /** This broker's configuration (static: every entry is read-only). */
    public List<DescribedConfig> describeBrokerConfigs() {
        return describer.describeBroker();
    }

    /**
     * Applies SET/DELETE/APPEND/SUBTRACT to the topic's overrides, validates the result and (unless
     * {@code validateOnly}) writes it conditionally on the version read, retrying on conflict.
     *
     * @throws ApiException INVALID_TOPIC_EXCEPTION, UNKNOWN_TOPIC_OR_PARTITION, INVALID_CONFIG (unknown key, bad
     *                      value, APPEND/SUBTRACT of a non-list key), INVALID_REQUEST (missing value)
     */
    public void incrementalAlterTopicConfigs(String topic, List<AlterConfigOp> ops, boolean validateOnly) {
        alterTopicConfigs(topic, current -> {
            Map<String, String> next = new LinkedHashMap<>(current);
            for (AlterConfigOp op : ops) {
                ConfigDef.Key key = LogConfig.DEF.key(op.name());
                if (key == null) {
                    throw new ApiException(Errors.INVALID_CONFIG, "Unknown topic config name: " + op.name());
                }
                if (op.type() != AlterConfigOp.Type.DELETE && op.value() == null) {
                    throw new ApiException(Errors.INVALID_REQUEST, "Null value not supported for " + op.type()
                        + " of config '" + op.name() + "'.");
                }
                switch (op.type()) {
                    case SET -> next.put(op.name(), op.value().trim());
                    case DELETE -> next.remove(op.name());
                    case APPEND, SUBTRACT -> {
                        if (key.type() != ConfigType.LIST) {
                            throw new ApiException(Errors.INVALID_CONFIG, "Config value " + op.type().name().toLowerCase(java.util.Locale.ROOT)
                                + " is not allowed for config key '" + op.name() + "': it is not a list.");
                        }
                        List<String> items = new ArrayList<>(splitList(describer.effectiveTopicValue(op.name(), next)));
                        for (String item : splitList(op.value())) {
                            if (op.type() == AlterConfigOp.Type.APPEND && !items.contains(item)) {
                                items.add(item);
                            } else if (op.type() == AlterConfigOp.Type.SUBTRACT) {
                                items.remove(item);
                            }
                        }
                        next.put(op.name(), String.join(",", items));
                    }
                    default -> throw new IllegalStateException("Unhandled op " + op.type());
                }
            }
            return next;
        }, validateOnly);
    }

    /**
     * Replaces all of the topic's overrides with {@code configs} (AlterConfigs); entries with a null value are
     * left out.
     *
     * @throws ApiException as {@link #incrementalAlterTopicConfigs}
     */
    public void replaceTopicConfigs(String topic, Map<String, String> configs, boolean validateOnly) {
        Map<String, String> next = new LinkedHashMap<>();
        configs.forEach((k, v) -> {
            if (v != null) {
                next.put(k, v.trim());
            }
        });
        alterTopicConfigs(topic, current -> next, validateOnly);
    }

    private void alterTopicConfigs(String topic, Function<Map<String, String>, Map<String, String>> change,
                                   boolean validateOnly) {
        TopicNames.validate(topic);
        try {
            for (int attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
                if (store.readTopicAssignment(topic).isEmpty()) {
                    throw unknownTopic(topic);
                }
                Optional<Versioned<Map<String, String>>> current = store.readTopicConfigVersioned(topic);
                Map<String, String> next = change.apply(current.map(Versioned::value).orElse(Map.of()));
                validatedConfigs(topic, next);
                if (validateOnly) {
                    return;
                }
                int expected = current.map(Versioned::zkVersion).orElse(ZkMetadataStore.ANY_VERSION);
                if (store.setTopicConfig(topic, next, expected) instanceof CasResult.Written) {
                    return;
                }
                log.debug("Config of topic {} changed while we altered it; retrying", topic);
            }
        } catch (RuntimeException e) {
            throw translate(e);
        }
        throw new ApiException(Errors.UNKNOWN_SERVER_ERROR,
            "Could not change the config of topic '" + topic + "': too many concurrent changes.");
    }

    private static List<String> splitList(String value) {
        List<String> items = new ArrayList<>();
        if (value != null) {
            for (String item : value.split(",")) {
                String t = item.trim();
                if (!t.isEmpty()) {
                    items.add(t);
                }
            }
        }
        return items;
    }

    // ---- errors -----------------------------------------------------------------------------------------------

    private static ApiException unknownTopic(String name) {
        return new ApiException(Errors.UNKNOWN_TOPIC_OR_PARTITION, "Topic '" + name + "' does not exist.");
    }

    /** Maps the coordinator's named outcomes to the Kafka errors clients expect; other exceptions pass through. */
    private static RuntimeException translate(RuntimeException e) {
        if (e instanceof ApiException) {
            return e;
        }
        if (e instanceof TopicExistsException) {
            return new ApiException(Errors.TOPIC_ALREADY_EXISTS, e.getMessage() + ".", e);
        }
        if (e instanceof UnknownTopicException) {
            return new ApiException(Errors.UNKNOWN_TOPIC_OR_PARTITION, e.getMessage() + ".", e);
        }
        if (e instanceof TopicDeletionPendingException) {
            return new ApiException(Errors.INVALID_TOPIC_EXCEPTION, e.getMessage() + ".", e);
        }
        if (e instanceof ReplicaPlacement.InsufficientBrokersException) {
            return new ApiException(Errors.INVALID_REPLICATION_FACTOR, e.getMessage(), e);
        }
        if (e instanceof ConfigException) {
            return new ApiException(Errors.INVALID_CONFIG, e.getMessage(), e);
        }
        return e;
    }
}
