package io.sluice.core.replication;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.common.Time;
import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.coordinator.metadata.PartitionImage;
import io.sluice.coordinator.metadata.PartitionState;
import io.sluice.coordinator.metadata.TopicImage;
import io.sluice.core.log.AppendOrigin;
import io.sluice.core.metrics.BrokerStats;
import io.sluice.core.log.FetchDataInfo;
import io.sluice.core.log.LogAppendInfo;
import io.sluice.core.log.LogConfig;
import io.sluice.core.log.LogManager;
import io.sluice.core.log.PartitionLog;
import io.sluice.core.log.TopicPartition;
import io.sluice.core.purgatory.Purgatory;
import io.sluice.record.MemoryRecords;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.apache.logging.log4j.Logger;

/**
 * The partitions this broker hosts and what it does with them: applies leadership from the cluster image
 * (ZooKeeper), appends produced batches as leader, serves fetches to consumers and followers, replicates the
 * partitions it follows (through the {@link ReplicaFetcherManager}), manages the ISR of the partitions it leads
 * (conditional ZooKeeper writes through an {@link IsrWriter}), and completes acks=all produces, long-poll fetches
 * and DeleteRecords through purgatories when appends, high-watermark moves and follower progress let them.
 *
 * <p>While the ZooKeeper session is suspended or lost this broker cannot know whether it still leads, so it
 * refuses produce requests (NOT_LEADER_OR_FOLLOWER) until the session is back and every led partition's state
 * was read again ({@link #onZooKeeperSessionRestored}).
 *
 * <p>Thread-safety: {@link #applyImage} runs on the metadata listener thread only; every other method is
 * called concurrently from request-handler, fetcher, flusher, scheduler and ISR-writer threads.
 */
public final class ReplicaManager implements AutoCloseable {
    private static final Logger log = org.apache.logging.log4j.LogManager.getLogger(ReplicaManager.class);
    private static final Logger stateChange = org.apache.logging.log4j.LogManager.getLogger("state.change");

    private final int brokerId;
    private final LogManager logManager;
    private final Time time;
    private final Map<String, String> brokerLogDefaults;
    private final HighWatermarkCheckpoints hwCheckpoints;
    private final ReplicationConfig replication;
    private final IsrWriter isrWriter;
    private final ReplicaFetcherManager fetchers;
    private final LeaderFlusher flusher;
    private final ConcurrentHashMap<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private volatile BrokerStats stats = BrokerStats.NONE;
    private final Purgatory<TopicPartition> producePurgatory;
    private final Purgatory<TopicPartition> fetchPurgatory;
    private final Purgatory<TopicPartition> deleteRecordsPurgatory;
    private volatile ClusterImage image;
    /** False while the ZooKeeper session is suspended or lost, until led partitions were re-read. */
    private volatile boolean zooKeeperSessionValid = true;
    /** Metadata thread only. */
    private boolean initialImageApplied;

    /** A broker without replication to or from other brokers (single-broker tests): durability switch off. */
    public ReplicaManager(int brokerId, LogManager logManager, HighWatermarkCheckpoints hwCheckpoints,
                          Map<String, String> brokerLogDefaults, Time time, Executor completionExecutor) {
        this(brokerId, logManager, hwCheckpoints, brokerLogDefaults, time, completionExecutor,
            ReplicationConfig.defaults().withAckRequiresFsync(false),
            update -> CompletableFuture.completedFuture(new IsrWriteResult.Failed("no ISR writer configured")),
            leaderId -> {
                throw new IllegalStateException("Broker " + brokerId + " has no replica fetchers configured");
            }, false);
    }

    /**
     * @param leaderEndpoints a new connection to a leader broker, for each fetcher thread
     * @param startThreads    start the fetcher and flusher threads (false in tests that drive them)
     */
    public ReplicaManager(int brokerId, LogManager logManager, HighWatermarkCheckpoints hwCheckpoints,
                          Map<String, String> brokerLogDefaults, Time time, Executor completionExecutor,
                          ReplicationConfig replication, IsrWriter isrWriter, IntFunction<LeaderEndpoint> leaderEndpoints,
                          boolean startThreads) {
        this.brokerId = brokerId;
        this.hwCheckpoints = hwCheckpoints;
        this.logManager = logManager;
        this.brokerLogDefaults = Map.copyOf(brokerLogDefaults);
        this.time = time;
        this.replication = replication;
        this.isrWriter = isrWriter;
        this.producePurgatory = new Purgatory<>("produce", completionExecutor);
        this.fetchPurgatory = new Purgatory<>("fetch", completionExecutor);
        this.deleteRecordsPurgatory = new Purgatory<>("delete-records", completionExecutor);
        this.fetchers = new ReplicaFetcherManager(brokerId, replication, leaderEndpoints, partitions::get, time,
            startThreads);
        this.flusher = new LeaderFlusher(this::onLeaderFlushed);
        if (startThreads && replication.ackRequiresFsync()) {
            flusher.start();
        }
    }

    public ReplicationConfig replicationConfig() {
        return replication;
    }

    /** Where produce, consumer-fetch and ISR events are reported (none until set). */
    public void setStats(BrokerStats stats) {
        this.stats = Objects.requireNonNull(stats, "stats");
    }

    /** Partitions led here whose ISR is smaller than their replica set. */
    public int underReplicatedPartitionCount() {
        int n = 0;
        for (Partition p : partitions.values()) {
            if (p.isLeader() && p.isr().size() < p.replicas().size()) {
                n++;
            }
        }
        return n;
    }

    public int partitionCount() {
        return partitions.size();
    }

    public int leaderCount() {
        int n = 0;
        for (Partition p : partitions.values()) {
            if (p.isLeader()) {
                n++;
            }
        }
        return n;
    }

    /** Operations waiting in each purgatory, by Kafka's purgatory names. */
    public Map<String, Integer> purgatorySizes() {
        return Map.of("Produce", producePurgatory.watched(), "Fetch", fetchPurgatory.watched(),
            "DeleteRecords", deleteRecordsPurgatory.watched());
    }

    public ReplicaFetcherManager fetcherManager() {
        return fetchers;
    }

    public LeaderFlusher flusher() {
        return flusher;
    }

    public int brokerId() {
        return brokerId;
    }

    public Optional<Partition> partition(TopicPartition tp) {
        return Optional.ofNullable(partitions.get(tp));
    }

    public Map<TopicPartition, Partition> partitions() {
        return Map.copyOf(partitions);
    }

    /** The leader partition, or an ApiException with the code a client needs to find the right broker. */
    public Partition leaderPartition(TopicPartition tp) {
        Partition p = partitions.get(tp);
        if (p != null && p.isLeader()) {
            return p;
        }
        throw new ApiException(errorFor(tp, p), p == null
            ? "Broker " + brokerId + " does not host " + tp
            : "Broker " + brokerId + " is not the leader of " + tp);
    }

    private Errors errorFor(TopicPartition tp, Partition p) {
        if (p != null) {
            return Errors.NOT_LEADER_OR_FOLLOWER;
        }
        ClusterImage img = image;
        if (img != null && img.partition(tp.topic(), tp.partition()).isPresent()) {
            return Errors.NOT_LEADER_OR_FOLLOWER;
        }
        return Errors.UNKNOWN_TOPIC_OR_PARTITION;
    }

    // ------------------------------------------------------------------ leadership from ZooKeeper

    /**
     * Brings hosted partitions in line with the image: creates logs for new local replicas, becomes leader or
     * follower at the recorded leader epoch, applies topic config changes, and deletes the logs of partitions
     * whose topic is gone or pending deletion.
     */
    public void applyImage(ClusterImage newImage) {
        this.image = newImage;
        Set<TopicPartition> assigned = new HashSet<>();
        for (TopicImage topic : newImage.topics().values()) {
            if (newImage.isPendingDeletion(topic.name())) {
                continue;
            }
            LogConfig config;
            try {
                config = LogConfig.of(brokerLogDefaults, topic.configs());
            } catch (RuntimeException e) {
                log.error("Ignoring invalid configuration of topic {}: {}", topic.name(), e.getMessage());
                config = LogConfig.of(brokerLogDefaults, Map.of());
            }
            for (Map.Entry<Integer, PartitionImage> pe : topic.partitions().entrySet()) {
                PartitionImage pi = pe.getValue();
                if (!pi.replicas().contains(brokerId)) {
                    continue;
                }
                TopicPartition tp = new TopicPartition(topic.name(), pe.getKey());
                assigned.add(tp);
                try {
                    applyPartition(tp, topic, pi, config);
                } catch (RuntimeException e) {
                    log.error("Could not apply the state of {} from ZooKeeper", tp, e);
                }
            }
        }
        if (!initialImageApplied) {
            // Logs found on disk whose partition is no longer assigned here (moved or being deleted while we were
            // down) are deleted. A log whose topic ZooKeeper does not know at all is kept with a warning: that is
            // as likely a wrong zookeeper.connect (chroot) as a deleted topic, and data must not go on a guess.
            for (PartitionLog stale : logManager.allLogs()) {
                TopicPartition tp = stale.topicPartition();
                if (assigned.contains(tp)) {
                    continue;
                }
                Optional<TopicImage> topic = newImage.topic(tp.topic());
                if (topic.isPresent()) {
                    log.info("Deleting the log of {}: the partition is not assigned to broker {} any more", tp, brokerId);
                    logManager.deleteLog(tp);
                } else {
                    log.warn("Keeping the log of {} in {}: ZooKeeper does not know topic {} (deleted while this broker "
                        + "was down, or zookeeper.connect points at another cluster?)", tp, stale.dir(), tp.topic());
                }
            }
            initialImageApplied = true;
        }
        for (TopicPartition tp : new ArrayList<>(partitions.keySet())) {
            if (!assigned.contains(tp)) {
                fetchers.removePartitions(List.of(tp));
                Partition removed = partitions.remove(tp);
                if (removed != null) {
                    log.info("Deleting the log of {}: it is no longer assigned to broker {}", tp, brokerId);
                    logManager.deleteLog(tp);
                    onLogChanged(tp);
                }
            }
        }
    }

    private void applyPartition(TopicPartition tp, TopicImage topic, PartitionImage pi, LogConfig config) {
        Partition p = partitions.get(tp);
        if (p == null) {
            PartitionLog partitionLog = logManager.getOrCreateLog(tp, config);
            p = new Partition(tp, topic.id(), brokerId, partitionLog, hwCheckpoints.checkpointed(tp), time,
                replication.ackRequiresFsync());
            partitions.put(tp, p);
        } else if (!p.log().config().equals(config)) {
            p.log().updateConfig(config);
        }
        Optional<PartitionState> state = pi.state();
        if (state.isEmpty()) {
            return;
        }
        PartitionState s = state.get();
        boolean changed;
        if (s.leader() == brokerId) {
            // First make sure no fetcher appends to it any more, then lead.
            if (!p.isLeader() || p.leaderEpoch() != s.leaderEpoch()) {
                fetchers.removePartitions(List.of(tp));
            }
            changed = p.makeLeader(s.leaderEpoch(), pi.replicas(), s.isr(), s.zkVersion(), s.controllerEpoch(), topic.id());
            if (changed && replication.ackRequiresFsync() && p.hasUnflushedData()) {
                flusher.schedule(p);
            }
        } else {
            changed = p.makeFollower(s.leader(), s.leaderEpoch(), pi.replicas(), s.isr(), s.zkVersion(),
                s.controllerEpoch(), topic.id());
            if (p.isLeader() || p.leaderEpoch() != s.leaderEpoch()) {
                return;   // an older state than the one applied already
            }
            if (s.hasLeader()) {
                if (changed || fetchers.sourceOf(tp).map(l -> l != s.leader()).orElse(true)) {
                    fetchers.addPartition(tp, s.leader(), s.leaderEpoch());
                }
            } else {
                fetchers.removePartitions(List.of(tp));
            }
        }
        if (changed) {
            onLogChanged(tp);
        }
    }

    private boolean isLive(int broker) {
        ClusterImage img = image;
        return img != null && img.isLive(broker);
    }

    /**
     * A follower may (re)join an ISR only while registered and not in a controlled shutdown: the controller has
     * just moved it out, and adding it back would make acks=all wait for a broker about to stop.
     */
    private boolean mayJoinIsr(int broker) {
        ClusterImage img = image;
        return img != null && img.isLive(broker) && !img.isShuttingDown(broker);
    }

    // ------------------------------------------------------------------ produce

    /**
     * Appends each partition's batch as leader. acks 0 and 1 complete after the local append; acks -1 (all)
     * completes when every partition's HW passed its batch, or after {@code timeoutMs}.
     */
    public CompletableFuture<Map<TopicPartition, ProduceResult>> appendRecords(long timeoutMs, short requiredAcks,
                                                                               Map<TopicPartition, MemoryRecords> entries,
                                                                               AppendOrigin origin) {
        Map<TopicPartition, ProduceResult> results = new LinkedHashMap<>();
        Map<TopicPartition, Long> lastOffsets = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, MemoryRecords> e : entries.entrySet()) {
            TopicPartition tp = e.getKey();
            Partition p = partitions.get(tp);
            try {
                Partition leader = leaderPartition(tp);
                p = leader;
                if (!zooKeeperSessionValid) {
                    throw new ApiException(Errors.NOT_LEADER_OR_FOLLOWER, "Broker " + brokerId + " lost its ZooKeeper "
                        + "session and cannot confirm it still leads " + tp);
                }
                int minIsr = leader.log().config().minInsyncReplicas();
                LogAppendInfo info = leader.appendAsLeader(e.getValue(), requiredAcks, minIsr, origin);
                if (replication.ackRequiresFsync() && info.recordCount() > 0) {
                    flusher.schedule(leader);
                }
                if (origin == AppendOrigin.CLIENT && info.recordCount() > 0) {
                    stats.produced(tp.topic(), info.sizeInBytes(), info.recordCount());
                }
                results.put(tp, new ProduceResult(Errors.NONE, null, info.firstOffset(), info.logAppendTime(),
                    info.logStartOffset(), leader.leaderId(), leader.leaderEpoch()));
                if (info.lastOffset() >= 0) {
                    lastOffsets.put(tp, info.lastOffset());
                }
                // The append may have moved the HW (over data flushed earlier): let earlier waiters complete.
                producePurgatory.checkAndComplete(tp);
                fetchPurgatory.checkAndComplete(tp);
            } catch (ApiException ex) {
                results.put(tp, ProduceResult.error(ex.error(), ex.getMessage(), p == null ? -1 : p.leaderId(),
                    p == null ? -1 : p.leaderEpoch()));
            } catch (RuntimeException ex) {
                log.error("Append to {} failed", tp, ex);
                results.put(tp, ProduceResult.error(Errors.KAFKA_STORAGE_ERROR, "Append failed: " + ex.getMessage(),
                    p == null ? -1 : p.leaderId(), p == null ? -1 : p.leaderEpoch()));
            }
        }
        CompletableFuture<Map<TopicPartition, ProduceResult>> future = new CompletableFuture<>();
        if (requiredAcks != -1 || lastOffsets.isEmpty()) {
            future.complete(results);
            return future;
        }
        DelayedProduce op = new DelayedProduce(timeoutMs, results, lastOffsets, partitions::get, future);
        producePurgatory.tryCompleteElseWatch(op, lastOffsets.keySet());
        return future;
    }

    // ------------------------------------------------------------------ fetch

    /** Serves a fetch; waits (without a thread) for min_bytes up to max_wait_ms. */
    public CompletableFuture<Map<TopicPartition, FetchResult>> fetch(FetchParams params) {
        CompletableFuture<Map<TopicPartition, FetchResult>> result = fetchOrWait(params);
        if (!params.fromFollower()) {
            BrokerStats s = stats;
            result.thenAccept(read -> read.forEach((tp, r) -> {
                int bytes = r.sizeInBytes();
                if (bytes > 0) {
                    s.fetchedByConsumer(tp.topic(), bytes);
                }
            }));
        }
        return result;
    }

    private CompletableFuture<Map<TopicPartition, FetchResult>> fetchOrWait(FetchParams params) {
        if (params.fromFollower()) {
            for (FetchParams.PartitionFetch pf : params.partitions()) {
                Partition p = partitions.get(pf.tp());
                if (p == null || (pf.lastFetchedEpoch() >= 0
                        && p.divergingEpoch(pf.lastFetchedEpoch(), pf.fetchOffset()).isPresent())) {
                    continue;   // a diverging follower's offset says nothing about what it has in common with us
                }
                Partition.FollowerUpdate update = p.updateFollowerFetchState(params.replicaId(), pf.fetchOffset(),
                    pf.logStartOffset(), this::mayJoinIsr);
                if (update.highWatermarkMoved()) {
                    producePurgatory.checkAndComplete(pf.tp());
                    fetchPurgatory.checkAndComplete(pf.tp());
                }
                update.isrExpansion().ifPresent(u -> submitIsrUpdate(p, u));
                deleteRecordsPurgatory.checkAndComplete(pf.tp());
            }
        }
        Map<TopicPartition, FetchResult> first = readAll(params);
        CompletableFuture<Map<TopicPartition, FetchResult>> future = new CompletableFuture<>();
        if (params.maxWaitMs() <= 0 || params.partitions().isEmpty() || DelayedFetch.satisfied(first, params.minBytes())) {
            future.complete(first);
            return future;
        }
        List<TopicPartition> keys = params.partitions().stream().map(FetchParams.PartitionFetch::tp).toList();
        DelayedFetch op = new DelayedFetch(params.maxWaitMs(), params.minBytes(), () -> readAll(params), future);
        fetchPurgatory.tryCompleteElseWatch(op, keys);
        return future;
    }

    private Map<TopicPartition, FetchResult> readAll(FetchParams params) {
        Map<TopicPartition, FetchResult> out = new LinkedHashMap<>();
        int budget = params.maxBytes();
        boolean anyData = false;
        for (FetchParams.PartitionFetch pf : params.partitions()) {
            Partition p = partitions.get(pf.tp());
            try {
                Partition leader = leaderPartition(pf.tp());
                p = leader;
                int limit = Math.max(0, Math.min(pf.maxBytes(), budget));
                if (params.fromFollower() && pf.lastFetchedEpoch() >= 0) {
                    leader.checkLeaderEpoch(pf.currentLeaderEpoch());
                    Optional<FetchResult.DivergingEpoch> diverging = leader.divergingEpoch(pf.lastFetchedEpoch(),
                        pf.fetchOffset());
                    if (diverging.isPresent()) {
                        long hw = leader.highWatermark();
                        out.put(pf.tp(), new FetchResult(Errors.NONE, null, hw, hw, leader.logStartOffset(),
                            MemoryRecords.EMPTY, diverging, leader.leaderId(), leader.leaderEpoch()));
                        continue;
                    }
                }
                FetchDataInfo data;
                try {
                    data = leader.read(pf.fetchOffset(), limit, pf.currentLeaderEpoch(), params.fromFollower(), !anyData);
                } catch (ApiException e) {
                    if (e.error() != Errors.OFFSET_OUT_OF_RANGE) {
                        throw e;
                    }
                    // Tell the fetcher where the log is, so a follower can decide how to get back in range.
                    long hw = leader.highWatermark();
                    out.put(pf.tp(), new FetchResult(Errors.OFFSET_OUT_OF_RANGE, e.getMessage(), hw, hw,
                        leader.logStartOffset(), MemoryRecords.EMPTY, Optional.empty(), leader.leaderId(),
                        leader.leaderEpoch()));
                    continue;
                }
                int size = data.records().sizeInBytes();
                if (size > 0) {
                    anyData = true;
                    budget -= size;
                }
                long hw = leader.highWatermark();
                out.put(pf.tp(), new FetchResult(Errors.NONE, null, hw, hw, leader.logStartOffset(), data.records(),
                    Optional.empty(), leader.leaderId(), leader.leaderEpoch()));
            } catch (ApiException e) {
                out.put(pf.tp(), FetchResult.error(e.error(), e.getMessage(), p == null ? -1 : p.leaderId(),
                    p == null ? -1 : p.leaderEpoch()));
            } catch (RuntimeException e) {
                log.error("Read of {} at offset {} failed", pf.tp(), pf.fetchOffset(), e);
                out.put(pf.tp(), FetchResult.error(Errors.KAFKA_STORAGE_ERROR, "Read failed: " + e.getMessage(), -1, -1));
            }
        }
        return out;
    }

    /** Called after something other than a produce moved a partition's log (DeleteRecords, truncation). */
    public void onLogChanged(TopicPartition tp) {
        producePurgatory.checkAndComplete(tp);
        fetchPurgatory.checkAndComplete(tp);
        deleteRecordsPurgatory.checkAndComplete(tp);
    }

    /** The flusher flushed a leader's log: the HW may now cover more, completing acks=all produces. */
    private void onLeaderFlushed(Partition p) {
        // Check the waiters even if this call did not move the HW itself: an append racing with the flush may
        // have moved it already (over data this flush covered) without anyone checking the purgatories.
        p.onFlushed();
        producePurgatory.checkAndComplete(p.topicPartition());
        fetchPurgatory.checkAndComplete(p.topicPartition());
    }

    // ------------------------------------------------------------------ ISR

    /**
     * The periodic ISR check (every half of {@code replica.lag.time.max.ms}): proposes removing lagging members
     * of the partitions this broker leads, and retries ISR writes whose outcome was unknown.
     */
    public void maybeShrinkIsr() {
        for (Partition p : partitions.values()) {
            if (p.isLeader()) {
                p.maybeShrinkIsr(replication.replicaLagTimeMaxMs()).ifPresent(u -> submitIsrUpdate(p, u));
            }
        }
    }

    private void submitIsrUpdate(Partition p, IsrUpdate update) {
        if (!zooKeeperSessionValid) {
            applyIsrResult(p, update, new IsrWriteResult.Failed("the ZooKeeper session is not valid"));
            return;
        }
        CompletableFuture<IsrWriteResult> written;
        try {
            written = isrWriter.write(update);
        } catch (RuntimeException e) {
            written = CompletableFuture.completedFuture(new IsrWriteResult.Failed(e.toString()));
        }
        written.whenComplete((result, error) -> applyIsrResult(p, update,
            error != null ? new IsrWriteResult.Failed(error.toString()) : result));
    }

    private void applyIsrResult(Partition p, IsrUpdate update, IsrWriteResult result) {
        int sizeBefore = p.isr().size();
        Partition.IsrResultOutcome outcome = p.onIsrWriteResult(update, result);
        if (outcome == Partition.IsrResultOutcome.APPLIED && update.newIsr().size() != sizeBefore) {
            stats.isrChanged(update.newIsr().size() < sizeBefore);
        }
        if (outcome != Partition.IsrResultOutcome.IGNORED && outcome != Partition.IsrResultOutcome.WILL_RETRY) {
            onLogChanged(p.topicPartition());
        }
    }

    // ------------------------------------------------------------------ ZooKeeper session

    public boolean isZooKeeperSessionValid() {
        return zooKeeperSessionValid;
    }

    /**
     * The ZooKeeper connection is suspended or the session lost: the controller may already have moved our
     * leaderships, so no more produce requests are accepted until {@link #onZooKeeperSessionRestored}.
     */
    public void onZooKeeperSessionLost(String why) {
        if (zooKeeperSessionValid) {
            stateChange.warn("Broker {} stops accepting produce requests: ZooKeeper connection {}", brokerId, why);
        }
        zooKeeperSessionValid = false;
    }

    /**
     * The session is back: reads the state of every partition this broker leads again (blocking reads; call off
     * the request and metadata threads). A partition whose state names another leader or a newer epoch is
     * fenced until the image makes it follower; the others take the state read (ISR, version). Then produce
     * requests are accepted again. If a read fails, the session stays invalid and the caller retries.
     *
     * @param readState reads a partition's current state from ZooKeeper (empty if the znode is gone)
     * @return true if writes are accepted again
     */
    public boolean onZooKeeperSessionRestored(Function<TopicPartition, Optional<PartitionState>> readState) {
        for (Partition p : partitions.values()) {
            if (!p.isLeader()) {
                continue;
            }
            TopicPartition tp = p.topicPartition();
            Optional<PartitionState> current;
            try {
                current = readState.apply(tp);
            } catch (RuntimeException e) {
                log.warn("Could not re-read the state of {} after the ZooKeeper session came back: {}", tp, e.toString());
                return false;
            }
            if (current.isEmpty() || current.get().leader() != brokerId || current.get().leaderEpoch() != p.leaderEpoch()) {
                p.fence(current.map(s -> "ZooKeeper has leader " + s.leader() + " at leader epoch " + s.leaderEpoch())
                    .orElse("the partition state znode is gone"));
            } else {
                PartitionState s = current.get();
                p.makeLeader(s.leaderEpoch(), p.replicas(), s.isr(), s.zkVersion(), s.controllerEpoch(), p.topicId());
            }
            onLogChanged(tp);
        }
        zooKeeperSessionValid = true;
        stateChange.info("Broker {} accepts produce requests again: ZooKeeper session valid, led partitions re-read",
            brokerId);
        return true;
    }

    // ------------------------------------------------------------------ DeleteRecords

    /**
     * DeleteRecords as leader: raises each partition's log start offset (-1 = to the HW), then waits until the
     * low watermark (smallest log start offset over the leader and its live followers) reached it, or times
     * out (REQUEST_TIMED_OUT).
     */
    public CompletableFuture<Map<TopicPartition, DeleteRecordsResult>> deleteRecords(long timeoutMs,
                                                                                    Map<TopicPartition, Long> offsets) {
        Map<TopicPartition, DeleteRecordsResult> started = new LinkedHashMap<>();
        Map<TopicPartition, Long> targets = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
            TopicPartition tp = e.getKey();
            try {
                Partition p = leaderPartition(tp);
                long logStart = p.deleteRecordsBefore(e.getValue());
                targets.put(tp, logStart);
                started.put(tp, new DeleteRecordsResult(Errors.NONE, null, logStart));
                onLogChanged(tp);
            } catch (ApiException ex) {
                started.put(tp, DeleteRecordsResult.error(ex.error(), ex.getMessage()));
            } catch (RuntimeException ex) {
                log.error("DeleteRecords on {} failed", tp, ex);
                started.put(tp, DeleteRecordsResult.error(Errors.KAFKA_STORAGE_ERROR, ex.getMessage()));
            }
        }
        CompletableFuture<Map<TopicPartition, DeleteRecordsResult>> future = new CompletableFuture<>();
        DelayedDeleteRecords op = new DelayedDeleteRecords(timeoutMs, started, targets, partitions::get, this::isLive,
            future);
        deleteRecordsPurgatory.tryCompleteElseWatch(op, targets.keySet());
        return future;
    }


    /** Saves every partition's HW (periodically and at shutdown). */
    public void checkpointHighWatermarks() {
        hwCheckpoints.write(partitions());
    }

    public void purgeCompleted() {
        producePurgatory.purgeCompleted();
        fetchPurgatory.purgeCompleted();
        deleteRecordsPurgatory.purgeCompleted();
    }

    /** Stops the fetchers and the flusher, then the purgatories' timers. */
    @Override
    public void close() {
        fetchers.close();
        flusher.close();
        producePurgatory.close();
        fetchPurgatory.close();
        deleteRecordsPurgatory.close();
    }
}
