package io.sluice.coordinator.metadata;

import io.sluice.common.Errors;
import io.sluice.common.Uuid;
import io.sluice.coordinator.zk.CoordinatorException;
import io.sluice.coordinator.zk.MultiOpFailure;
import io.sluice.coordinator.zk.ZkPaths;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The metadata writes any broker may make directly in ZooKeeper (like Kafka's ZooKeeper admin tooling did),
 * including the admin requests the controller then carries out (reassignments recorded in the topic znode,
 * leader-election request znodes), and a partition leader's compare-and-set of its own partition state. Only leader and ISR decisions need the
 * controller; those are in {@code io.sluice.coordinator.controller} and fenced by the controller epoch.
 *
 * <p>Every write that changes shared state is conditional: creates fail if the znode exists, updates carry the
 * expected data version, and multi-znode changes are one ZooKeeper transaction. Outcomes a caller must handle
 * are values ({@link CasResult}) or named exceptions ({@link TopicExistsException},
 * {@link UnknownTopicException}, {@link TopicDeletionPendingException}); anything else from ZooKeeper becomes
 * a {@link CoordinatorException} naming the path.
 *
 * <p>Thread-safe (stateless over a thread-safe Curator client). Every method blocks on ZooKeeper round trips:
 * call it from a thread that may block, never from a network event loop or the controller thread.
 */
public final class ZkMetadataStore {
    private static final Logger log = LogManager.getLogger(ZkMetadataStore.class);
    /** Pass as an expected version to mean "whatever the current version is". */
    public static final int ANY_VERSION = -1;
    private static final int MAX_ATTEMPTS = 100;

    private final CuratorFramework zk;

    public ZkMetadataStore(CuratorFramework zk) {
        this.zk = Objects.requireNonNull(zk, "zk");
    }

    /** Creates the persistent directories of {@link ZkPaths#PERSISTENT_PATHS} that are missing. Idempotent. */
    public void ensurePersistentPaths() {
        for (String path : ZkPaths.PERSISTENT_PATHS) {
            try {
                if (zk.checkExists().forPath(path) == null) {
                    zk.create().creatingParentsIfNeeded().forPath(path, new byte[0]);
                }
            } catch (KeeperException.NodeExistsException raced) {
                // another broker created it first
            } catch (Exception e) {
                throw CoordinatorException.wrap("Could not create " + path, e);
            }
        }
    }

    // ---- cluster id -------------------------------------------------------------------------------------------

    /** The cluster id, creating {@code /cluster/id} with a random id if this is the first broker ever. */
    public String getOrCreateClusterId() {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<String> existing = clusterId();
            if (existing.isPresent()) {
                return existing.get();
            }
            String id = Uuid.randomUuid().toString();
            try {
                zk.create().creatingParentsIfNeeded().forPath(ZkPaths.CLUSTER_ID, ZkJson.encodeClusterId(id));
                log.info("Created cluster id {}", id);
                return id;
            } catch (KeeperException.NodeExistsException raced) {
                log.debug("Another broker created the cluster id first");
            } catch (Exception e) {
                throw CoordinatorException.wrap("Could not create " + ZkPaths.CLUSTER_ID, e);
            }
        }
        throw new CoordinatorException("Could not read or create " + ZkPaths.CLUSTER_ID);
    }

    public Optional<String> clusterId() {
        return read(ZkPaths.CLUSTER_ID).map(v -> ZkJson.decodeClusterId(v.value()));
    }

    // ---- topics -----------------------------------------------------------------------------------------------

    /**
     * Creates the topic: its assignment znode and its config znode in one transaction (an existing config
     * znode, e.g. left behind by tooling, is overwritten with a version check). Partition state is not written
     * here; the controller elects leaders once it sees the topic.
     *
     * @return the data version of the new assignment znode (0)
     * @throws TopicExistsException if the topic exists or is still marked for deletion
     */
    public int createTopic(String topic, Uuid topicId, Map<Integer, List<Integer>> assignment, Map<String, String> configs) {
        if (topicId.equals(Uuid.ZERO) || topicId.equals(Uuid.ONE)) {
            throw new IllegalArgumentException("Topic " + topic + " needs a real topic id, got reserved " + topicId);
        }
        TopicAssignment value = new TopicAssignment(topic, topicId, assignment);
        String topicPath = ZkPaths.topic(topic);
        String configPath = ZkPaths.topicConfig(topic);
        byte[] configData = ZkJson.encodeTopicConfig(configs);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            try {
                if (zk.checkExists().forPath(ZkPaths.deleteTopicMarker(topic)) != null) {
                    throw new TopicExistsException("Topic '" + topic + "' is marked for deletion");
                }
                Stat config = zk.checkExists().forPath(configPath);
                CuratorOp writeConfig = config == null
                    ? zk.transactionOp().create().forPath(configPath, configData)
                    : zk.transactionOp().setData().withVersion(config.getVersion()).forPath(configPath, configData);
                zk.transaction().forOperations(
                    zk.transactionOp().create().forPath(topicPath, ZkJson.encodeTopicAssignment(value)),
                    writeConfig);
                log.info("Created topic {} with id {}, {} partitions, configs {}",
                    topic, topicId, value.partitionCount(), configs);
                return 0;
            } catch (KeeperException e) {
                MultiOpFailure failure = MultiOpFailure.of(e);
                if (failure.failedAt(0, KeeperException.Code.NODEEXISTS)) {
                    throw new TopicExistsException("Topic '" + topic + "' already exists");
                }
                if (failure.code() == KeeperException.Code.NONODE) {
                    ensurePersistentPaths();     // a fresh cluster without /brokers/topics or /config/topics
                } else if (failure.index() != 1) {
                    throw CoordinatorException.wrap("Could not create topic " + topic + " at " + topicPath, e);
                }
                // the config znode changed under us: read it again
            } catch (CoordinatorException e) {
                throw e;
            } catch (Exception e) {
                throw CoordinatorException.wrap("Could not create topic " + topic + " at " + topicPath, e);
            }
        }
        throw new CoordinatorException("Could not create topic " + topic + ": too many concurrent changes");
    }

    public Optional<Versioned<TopicAssignment>> readTopicAssignment(String topic) {
        return read(ZkPaths.topic(topic))
            .map(v -> new Versioned<>(ZkJson.decodeTopicAssignment(topic, v.value()), v.zkVersion()));
    }

    /** Names of all topics with an assignment znode. */
    public List<String> topicNames() {
        try {
            return List.copyOf(zk.getChildren().forPath(ZkPaths.BROKER_TOPICS));
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        } catch (Exception e) {
            throw CoordinatorException.wrap("Could not list " + ZkPaths.BROKER_TOPICS, e);
        }
    }

    /**
     * Replaces the assignment with {@code newAssignment}, which must keep every existing partition's replicas and
     * the topic id and only add partitions. The controller then creates state for the new partitions.
     *
     * @param expectedVersion the assignment znode's version the caller based its decision on
     * @throws TopicDeletionPendingException if the topic is marked for deletion
     * @throws IllegalArgumentException      if the new assignment does not only add partitions
     */
    public CasResult addPartitions(String topic, TopicAssignment newAssignment, int expectedVersion) {
        if (!newAssignment.topic().equals(topic)) {
            throw new IllegalArgumentException("Assignment for " + newAssignment.topic() + " passed for topic " + topic);
        }
        String path = ZkPaths.topic(topic);
        Optional<Versioned<TopicAssignment>> current = readTopicAssignment(topic);
        if (current.isEmpty()) {
            return new CasResult.NoNode(path);
        }
        if (current.get().zkVersion() != expectedVersion) {
            return new CasResult.StaleVersion(path, expectedVersion);
        }
        TopicAssignment old = current.get().value();
        if (!old.topicId().equals(Uuid.ZERO) && !old.topicId().equals(newAssignment.topicId())) {
            throw new IllegalArgumentException("Topic " + topic + " has id " + old.topicId()
                + ", not " + newAssignment.topicId());
        }
        if (newAssignment.partitionCount() <= old.partitionCount()) {
            throw new IllegalArgumentException("Topic " + topic + " has " + old.partitionCount()
                + " partitions; the new count " + newAssignment.partitionCount() + " must be larger");
        }
        old.replicas().forEach((p, replicas) -> {
            if (!replicas.equals(newAssignment.replicas(p))) {
                throw new IllegalArgumentException("Adding partitions must not change the replicas of " + topic + "-" + p
                    + " (" + replicas + " -> " + newAssignment.replicas(p) + ")");
            }
        });
        // Reassignments in progress on the existing partitions carry over (callers build the grown assignment from
        // the replica lists alone).
        Map<Integer, List<Integer>> adding = new java.util.TreeMap<>(old.addingReplicas());
        Map<Integer, List<Integer>> removing = new java.util.TreeMap<>(old.removingReplicas());
        newAssignment.addingReplicas().forEach(adding::putIfAbsent);
        newAssignment.removingReplicas().forEach(removing::putIfAbsent);
        TopicAssignment toWrite = new TopicAssignment(topic, newAssignment.topicId(), newAssignment.replicas(), adding, removing);
        try {
            if (zk.checkExists().forPath(ZkPaths.deleteTopicMarker(topic)) != null) {
                throw new TopicDeletionPendingException("Topic '" + topic + "' is marked for deletion");
            }
            Stat stat = zk.setData().withVersion(expectedVersion).forPath(path, ZkJson.encodeTopicAssignment(toWrite));
            log.info("Topic {} now has {} partitions", topic, newAssignment.partitionCount());
            return new CasResult.Written(stat.getVersion());
        } catch (KeeperException.BadVersionException e) {
            return new CasResult.StaleVersion(path, expectedVersion);
        } catch (KeeperException.NoNodeException e) {
            return new CasResult.NoNode(path);
        } catch (CoordinatorException e) {
            throw e;
        } catch (Exception e) {
            throw CoordinatorException.wrap("Could not add partitions to " + path, e);
        }
    }

    /**
     * Creates {@code /admin/delete_topics/<topic>}; the controller does the rest.
     *
     * @return false if the topic was already marked
     * @throws UnknownTopicException if the topic does not exist
     */
    public boolean markTopicForDeletion(String topic) {
        String marker = ZkPaths.deleteTopicMarker(topic);
        try {
            zk.transaction().forOperations(
                zk.transactionOp().check().forPath(ZkPaths.topic(topic)),
                zk.transactionOp().create().forPath(marker, new byte[0]));
            log.info("Marked topic {} for deletion", topic);
            return true;
        } catch (KeeperException e) {
            MultiOpFailure failure = MultiOpFailure.of(e);
            if (failure.failedAt(0, KeeperException.Code.NONODE)) {
                throw new UnknownTopicException("Topic '" + topic + "' does not exist");
            }
            if (failure.failedAt(1, KeeperException.Code.NODEEXISTS)) {
                return false;
            }
            if (failure.failedAt(1, KeeperException.Code.NONODE)) {
                ensurePersistentPaths();
                return markTopicForDeletion(topic);
            }
            throw CoordinatorException.wrap("Could not create " + marker, e);
        } catch (Exception e) {
            throw CoordinatorException.wrap("Could not create " + marker, e);
        }
    }

    // ---- topic configs ----------------------------------------------------------------------------------------

    /** The topic's config overrides; empty if it has none (or no config znode). */
    public Map<String, String> readTopicConfig(String topic) {
        return readTopicConfigVersioned(topic).map(Versioned::value).orElse(Map.of());
    }

    public Optional<Versioned<Map<String, String>>> readTopicConfigVersioned(String topic) {
        String path = ZkPaths.topicConfig(topic);
        return read(path).map(v -> new Versioned<>(ZkJson.decodeTopicConfig(path, v.value()), v.zkVersion()));
    }

    /**
     * Replaces the topic's overrides with {@code configs}, whatever they were.
     *
     * @return the config znode's new version
     * @throws UnknownTopicException if the topic does not exist
     */
    public int setTopicConfig(String topic, Map<String, String> configs) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            if (setTopicConfig(topic, configs, ANY_VERSION) instanceof CasResult.Written written) {
                return written.newZkVersion();
            }
        }
        throw new CoordinatorException("Could not set the config of topic " + topic + ": too many concurrent changes");
    }

    /**
     * Replaces the topic's overrides if the config znode is still at {@code expectedVersion} (or
     * {@link #ANY_VERSION}), and in the same transaction creates a change notification
     * {@code /config/changes/config_change_<seq>} = {@code {"version":2,"entity_path":"topics/<topic>"}}.
     * The topic's assignment znode must exist.
     *
     * @throws UnknownTopicException if the topic does not exist
     */
    public CasResult setTopicConfig(String topic, Map<String, String> configs, int expectedVersion) {
        String path = ZkPaths.topicConfig(topic);
        byte[] data = ZkJson.encodeTopicConfig(configs);
        try {
            Stat current = zk.checkExists().forPath(path);
            CuratorOp write;
            if (current == null) {
                if (expectedVersion != ANY_VERSION) {
                    return new CasResult.NoNode(path);
                }
                write = zk.transactionOp().create().forPath(path, data);
            } else {
                write = zk.transactionOp().setData().withVersion(expectedVersion).forPath(path, data);
            }
            List<CuratorTransactionResult> results = zk.transaction().forOperations(
                zk.transactionOp().check().forPath(ZkPaths.topic(topic)),
                write,
                zk.transactionOp().create().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                    .forPath(ZkPaths.CONFIG_CHANGE_PREFIX, ZkJson.encodeConfigChangeNotification(ZkPaths.topicEntityPath(topic))));
            Stat stat = results.get(1).getResultStat();
            log.info("Set config of topic {} to {}", topic, configs);
            return new CasResult.Written(stat == null ? 0 : stat.getVersion());
        } catch (KeeperException e) {
            MultiOpFailure failure = MultiOpFailure.of(e);
            if (failure.failedAt(0, KeeperException.Code.NONODE)) {
                throw new UnknownTopicException("Topic '" + topic + "' does not exist");
            }
            if (failure.index() == 1) {
                return failure.code() == KeeperException.Code.NONODE
                    ? new CasResult.NoNode(path) : new CasResult.StaleVersion(path, expectedVersion);
            }
            if (failure.failedAt(2, KeeperException.Code.NONODE)) {
                ensurePersistentPaths();
                return new CasResult.StaleVersion(path, expectedVersion);   // nothing written; caller retries
            }
            throw CoordinatorException.wrap("Could not set " + path, e);
        } catch (Exception e) {
            throw CoordinatorException.wrap("Could not set " + path, e);
        }
    }

    // ---- partition reassignments -------------------------------------------------------------------------------

    /**
     * Starts or cancels reassignments of partitions of one topic (AlterPartitionReassignments): applies
     * {@link Reassignments#plan} to each partition against the current assignment and the registered brokers,
     * and writes every accepted change in one conditional update of {@code /brokers/topics/<topic>} (re-read and
     * re-planned on a conflicting write). The controller then drives each reassignment to its end.
     *
     * @param targets per partition, the new replica list, or empty to cancel that partition's reassignment
     * @return the outcome per requested partition: NONE, UNKNOWN_TOPIC_OR_PARTITION (no such topic or partition,
     *         or the topic is being deleted), or what {@link Reassignments#plan} refused
     */
    public Map<Integer, PartitionOutcome> alterPartitionReassignments(String topic, Map<Integer, Optional<List<Integer>>> targets,
                                                                      boolean allowReplicationFactorChange) {
        String path = ZkPaths.topic(topic);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Map<Integer, PartitionOutcome> results = new java.util.TreeMap<>();
            Optional<Versioned<TopicAssignment>> current = readTopicAssignment(topic);
            if (current.isEmpty() || exists(ZkPaths.deleteTopicMarker(topic))) {
                String why = current.isEmpty() ? " does not exist." : " is being deleted.";
                targets.keySet().forEach(p -> results.put(p, PartitionOutcome.of(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                    "Topic '" + topic + "'" + why)));
                return results;
            }
            Set<Integer> live = liveBrokerIds();
            TopicAssignment next = current.get().value();
            boolean changed = false;
            for (Map.Entry<Integer, Optional<List<Integer>>> e : targets.entrySet()) {
                int p = e.getKey();
                if (!next.replicas().containsKey(p)) {
                    results.put(p, PartitionOutcome.of(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                        "Topic '" + topic + "' has no partition " + p + "."));
                    continue;
                }
                Reassignments.Change change = Reassignments.plan(next, p, e.getValue(), live, allowReplicationFactorChange);
                if (change instanceof Reassignments.Change.Update update) {
                    next = next.withPartition(p, update.replicas(), update.adding(), update.removing());
                    changed = true;
                    results.put(p, PartitionOutcome.NONE);
                } else if (change instanceof Reassignments.Change.Refused refused) {
                    results.put(p, refused.outcome());
                } else {
                    results.put(p, PartitionOutcome.NONE);
                }
            }
            if (!changed) {
                return results;
            }
            try {
                zk.setData().withVersion(current.get().zkVersion()).forPath(path, ZkJson.encodeTopicAssignment(next));
                log.info("Reassignment of topic {}: {}", topic, describeReassignments(next, targets.keySet()));
                return results;
            } catch (KeeperException.BadVersionException | KeeperException.NoNodeException conflict) {
                log.debug("Topic {} changed while starting a reassignment ({}); re-reading", topic, conflict.code());
            } catch (Exception e) {
                throw CoordinatorException.wrap("Could not write the reassignment of " + path, e);
            }
        }
        throw new CoordinatorException("Could not reassign partitions of " + topic + ": too many concurrent changes");
    }

    private static String describeReassignments(TopicAssignment a, Set<Integer> partitions) {
        StringBuilder sb = new StringBuilder();
        for (int p : new java.util.TreeSet<>(partitions)) {
            if (a.replicas().containsKey(p)) {
                sb.append(sb.length() == 0 ? "" : ", ").append(p).append(": replicas ").append(a.replicas(p))
                    .append(" adding ").append(a.addingReplicas(p)).append(" removing ").append(a.removingReplicas(p));
            }
        }
        return sb.toString();
    }

    /** Ids of the brokers registered right now. */
    public Set<Integer> liveBrokerIds() {
        try {
            Set<Integer> ids = new java.util.TreeSet<>();
            for (String child : zk.getChildren().forPath(ZkPaths.BROKER_IDS)) {
                try {
                    ids.add(Integer.parseInt(child));
                } catch (NumberFormatException ignored) {
                    // not a registration
                }
            }
            return ids;
        } catch (KeeperException.NoNodeException e) {
            return Set.of();
        } catch (Exception e) {
            throw CoordinatorException.wrap("Could not list " + ZkPaths.BROKER_IDS, e);
        }
    }

    // ---- leader election requests ------------------------------------------------------------------------------

    /**
     * Asks the controller to elect leaders: creates {@code /admin/elect_leaders/request_<seq>}. The controller
     * writes its answer into the same znode; watch for it in the {@link ClusterImage}
     * ({@link ClusterImage#electionRequest}) and then {@link #forgetLeaderElection} it.
     *
     * @param partitions the partitions, or empty for every partition
     * @return the request znode's name
     */
    public String submitLeaderElection(ElectionType type, Optional<List<PartitionRef>> partitions) {
        byte[] data = ZkJson.encodeLeaderElectionRequest(new LeaderElectionRequest("request", 0, type, partitions,
            Optional.empty()));
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                String created = zk.create().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                    .forPath(ZkPaths.ELECT_LEADERS_REQUEST_PREFIX, data);
                String name = ZkPaths.lastSegment(created);
                log.info("Requested {} leader election {} for {}", type, name,
                    partitions.map(p -> p.size() + " partitions").orElse("every partition"));
                return name;
            } catch (KeeperException.NoNodeException e) {
                ensurePersistentPaths();
            } catch (Exception e) {
                throw CoordinatorException.wrap("Could not create a leader election request under " + ZkPaths.ADMIN_ELECT_LEADERS, e);
            }
        }
        throw new CoordinatorException("Could not create " + ZkPaths.ADMIN_ELECT_LEADERS);
    }

    /** Deletes an election request (answered or abandoned), in the background: never blocks the caller. */
    public void forgetLeaderElection(String name) {
        String path = ZkPaths.electLeadersRequest(name);
        try {
            zk.delete().guaranteed().inBackground((client, event) -> {
                if (event.getResultCode() != KeeperException.Code.OK.intValue()
                        && event.getResultCode() != KeeperException.Code.NONODE.intValue()) {
                    log.debug("Deleting {} failed: {}", path, KeeperException.Code.get(event.getResultCode()));
                }
            }).forPath(path);
        } catch (Exception e) {
            log.debug("Could not delete {}: {}", path, e.toString());
        }
    }

    // ---- partition state (a leader's ISR changes) --------------------------------------------------------------

    public Optional<PartitionState> readPartitionState(String topic, int partition) {
        String path = ZkPaths.partitionState(topic, partition);
        return read(path).map(v -> ZkJson.decodePartitionState(path, v.value(), v.zkVersion()));
    }

    /**
     * A partition leader's conditional write of its state (ISR shrink or expand): succeeds only if the state
     * znode is still at {@code expectedZkVersion}. {@link CasResult.StaleVersion} means the controller or a
     * newer leader changed it: the caller must re-read, and stop acting as leader if it no longer is. The
     * {@code zkVersion} field of {@code newState} is ignored.
     */
    public CasResult compareAndSetPartitionState(String topic, int partition, PartitionState newState, int expectedZkVersion) {
        String path = ZkPaths.partitionState(topic, partition);
        try {
            Stat stat = zk.setData().withVersion(expectedZkVersion).forPath(path, ZkJson.encodePartitionState(newState));
            log.debug("Wrote {} = {} at version {}", path, newState, stat.getVersion());
            return new CasResult.Written(stat.getVersion());
        } catch (KeeperException.BadVersionException e) {
            return new CasResult.StaleVersion(path, expectedZkVersion);
        } catch (KeeperException.NoNodeException e) {
            return new CasResult.NoNode(path);
        } catch (Exception e) {
            throw CoordinatorException.wrap("Could not write " + path, e);
        }
    }

    // ---- producer ids -----------------------------------------------------------------------------------------

    /**
     * Claims the next {@code blockSize} producer ids for {@code brokerId}: a read of
     * {@code /latest_producer_id_block} and a write conditional on the version read, retried on conflict, so
     * concurrent callers on any brokers always get disjoint blocks.
     */
    public ProducerIdBlock allocateProducerIdBlock(int brokerId, int blockSize) {
        if (blockSize <= 0) {
            throw new IllegalArgumentException("Producer id block size must be > 0, got " + blockSize);
        }
        String path = ZkPaths.LATEST_PRODUCER_ID_BLOCK;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            try {
                Optional<Versioned<byte[]>> current = read(path);
                long first = current.flatMap(v -> ZkJson.decodeProducerIdBlock(v.value()))
                    .map(b -> b.lastProducerId() + 1).orElse(0L);
                if (first > Long.MAX_VALUE - blockSize) {
                    throw new CoordinatorException("Producer ids are exhausted: the last block in " + path
                        + " ends at " + (first - 1));
                }
                ProducerIdBlock block = new ProducerIdBlock(brokerId, first, first + blockSize - 1);
                byte[] data = ZkJson.encodeProducerIdBlock(block);
                if (current.isEmpty()) {
                    zk.create().creatingParentsIfNeeded().forPath(path, data);
                } else {
                    zk.setData().withVersion(current.get().zkVersion()).forPath(path, data);
                }
                log.info("Broker {} claimed producer ids [{}, {}]", brokerId, block.firstProducerId(), block.lastProducerId());
                return block;
            } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException
                     | KeeperException.NoNodeException conflict) {
                log.debug("Producer id block claim conflicted ({}); retrying", conflict.code());
            } catch (CoordinatorException e) {
                throw e;
            } catch (Exception e) {
                throw CoordinatorException.wrap("Could not claim a producer id block at " + path, e);
            }
        }
        throw new CoordinatorException("Could not claim a producer id block at " + path + " after "
            + MAX_ATTEMPTS + " conflicting attempts");
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private boolean exists(String path) {
        try {
            return zk.checkExists().forPath(path) != null;
        } catch (Exception e) {
            throw CoordinatorException.wrap("Could not read " + path, e);
        }
    }

    private Optional<Versioned<byte[]>> read(String path) {
        Stat stat = new Stat();
        try {
            byte[] data = zk.getData().storingStatIn(stat).forPath(path);
            return Optional.of(new Versioned<>(data == null ? new byte[0] : data, stat.getVersion()));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (Exception e) {
            throw CoordinatorException.wrap("Could not read " + path, e);
        }
    }
}
