package io.sluice.core.replication;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.common.Time;
import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.coordinator.metadata.PartitionImage;
import io.sluice.coordinator.metadata.PartitionState;
import io.sluice.coordinator.metadata.TopicImage;
import io.sluice.core.log.AppendOrigin;
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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.apache.logging.log4j.Logger;

/**
 * The partitions this broker hosts and what it does with them: applies leadership from the cluster image
 * (ZooKeeper), appends produced batches as leader, serves fetches to consumers and followers, and completes
 * acks=all produces and long-poll fetches through purgatories when appends and high-watermark moves make
 * them complete.
 *
 * <p>Thread-safety: {@link #applyImage} runs on the metadata listener thread only; every other method is
 * called concurrently from request-handler threads.
 */
public final class ReplicaManager implements AutoCloseable {
    private static final Logger log = org.apache.logging.log4j.LogManager.getLogger(ReplicaManager.class);

    private final int brokerId;
    private final LogManager logManager;
    private final Time time;
    private final Map<String, String> brokerLogDefaults;
    private final HighWatermarkCheckpoints hwCheckpoints;
    private final ConcurrentHashMap<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private final Purgatory<TopicPartition> producePurgatory;
    private final Purgatory<TopicPartition> fetchPurgatory;
    private volatile ClusterImage image;
    /** Metadata thread only. */
    private boolean initialImageApplied;

    public ReplicaManager(int brokerId, LogManager logManager, HighWatermarkCheckpoints hwCheckpoints,
                          Map<String, String> brokerLogDefaults, Time time, Executor completionExecutor) {
        this.brokerId = brokerId;
        this.hwCheckpoints = hwCheckpoints;
        this.logManager = logManager;
        this.brokerLogDefaults = Map.copyOf(brokerLogDefaults);
        this.time = time;
        this.producePurgatory = new Purgatory<>("produce", completionExecutor);
        this.fetchPurgatory = new Purgatory<>("fetch", completionExecutor);
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
                Partition removed = partitions.remove(tp);
                if (removed != null) {
                    log.info("Deleting the log of {}: it is no longer assigned to broker {}", tp, brokerId);
                    logManager.deleteLog(tp);
                    producePurgatory.checkAndComplete(tp);
                    fetchPurgatory.checkAndComplete(tp);
                }
            }
        }
    }

    private void applyPartition(TopicPartition tp, TopicImage topic, PartitionImage pi, LogConfig config) {
        Partition p = partitions.get(tp);
        if (p == null) {
            PartitionLog partitionLog = logManager.getOrCreateLog(tp, config);
            p = new Partition(tp, topic.id(), brokerId, partitionLog, hwCheckpoints.checkpointed(tp), time);
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
            changed = p.makeLeader(s.leaderEpoch(), pi.replicas(), s.isr(), topic.id());
        } else {
            changed = p.makeFollower(s.leader(), s.leaderEpoch(), pi.replicas(), s.isr(), topic.id());
        }
        if (changed) {
            producePurgatory.checkAndComplete(tp);
            fetchPurgatory.checkAndComplete(tp);
        }
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
                int minIsr = leader.log().config().minInsyncReplicas();
                LogAppendInfo info = leader.appendAsLeader(e.getValue(), requiredAcks, minIsr, origin);
                results.put(tp, new ProduceResult(Errors.NONE, null, info.firstOffset(), info.logAppendTime(),
                    info.logStartOffset(), leader.leaderId(), leader.leaderEpoch()));
                if (info.lastOffset() >= 0) {
                    lastOffsets.put(tp, info.lastOffset());
                }
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
        if (params.fromFollower()) {
            for (FetchParams.PartitionFetch pf : params.partitions()) {
                Partition p = partitions.get(pf.tp());
                if (p != null && p.updateFollowerFetchState(params.replicaId(), pf.fetchOffset())) {
                    producePurgatory.checkAndComplete(pf.tp());
                    fetchPurgatory.checkAndComplete(pf.tp());
                }
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
                FetchDataInfo data = leader.read(pf.fetchOffset(), limit, pf.currentLeaderEpoch(), params.fromFollower(),
                    !anyData);
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
    }

    /** Saves every partition's HW (periodically and at shutdown). */
    public void checkpointHighWatermarks() {
        hwCheckpoints.write(partitions());
    }

    public void purgeCompleted() {
        producePurgatory.purgeCompleted();
        fetchPurgatory.purgeCompleted();
    }

    @Override
    public void close() {
        producePurgatory.close();
        fetchPurgatory.close();
    }
}
