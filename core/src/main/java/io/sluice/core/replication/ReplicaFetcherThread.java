package io.sluice.core.replication;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.common.Time;
import io.sluice.core.log.LeaderEpochCache;
import io.sluice.core.log.LogAppendInfo;
import io.sluice.core.log.TopicPartition;
import io.sluice.protocol.message.FetchRequest;
import io.sluice.protocol.message.FetchResponse;
import io.sluice.protocol.message.OffsetForLeaderEpochRequest;
import io.sluice.protocol.message.OffsetForLeaderEpochResponse;
import io.sluice.record.MemoryRecords;
import io.sluice.record.Records;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Replicates every partition this broker follows from one leader broker: one Fetch (v12, replica id = our
 * broker id) for all of them per round, appending what comes back with the leader's offsets and epochs.
 *
 * <h2>One round ({@link #doWork()})</h2>
 * <ol>
 *   <li>Partitions that got OFFSET_OUT_OF_RANGE above the leader's log end ask OffsetForLeaderEpoch for the end
 *       of their last epoch and truncate to where the logs agree.</li>
 *   <li>A Fetch for the others: fetch_offset = our log end, last_fetched_epoch = epoch of our last batch,
 *       current_leader_epoch, log_start_offset. The leader long-polls up to {@code replica.fetch.wait.max.ms}.</li>
 *   <li>Per partition: a diverging epoch truncates to min(leader's end of that epoch, our end of it), never to
 *       the HW, and the next round asks again with the new last epoch (so several fast leader changes
 *       converge); records are appended; the follower HW becomes min(leader HW, our log end); the log start
 *       offset rises to the leader's. Errors pause the partition for {@code replica.fetch.backoff.ms}.</li>
 *   <li>With {@code replication.ack.requires.fsync}, the partitions that received data are flushed before the
 *       next Fetch, whose fetch_offset tells the leader we have it: what we acknowledge is on disk.</li>
 * </ol>
 * A failed call (leader unreachable, timeout) waits {@code replica.fetch.backoff.ms} and reconnects; a round
 * with nothing to fetch waits for a partition to be added; the thread never spins.
 *
 * <h2>Threads</h2>
 * {@link #run()} is the fetcher thread. {@link #addPartitions} and {@link #removePartitions} come from the
 * metadata thread and take {@link #lock}, which the fetcher holds while it applies a response (not while it
 * waits for one): after {@code removePartitions} returns, the fetcher will not touch those partitions again,
 * so the caller can make them leader. Appends also check the partition's leader epoch themselves.
 */
public final class ReplicaFetcherThread implements Runnable {
    private static final Logger log = LogManager.getLogger(ReplicaFetcherThread.class);

    /** What the fetcher knows of one partition. Guarded by {@link #lock}; values are replaced. */
    record PartitionFetchState(int leaderEpoch, long delayedUntilMs, boolean needsEpochTruncation, long leaderHighWatermark) {
        PartitionFetchState delayed(long untilMs) {
            return new PartitionFetchState(leaderEpoch, untilMs, needsEpochTruncation, leaderHighWatermark);
        }

        PartitionFetchState truncationNeeded(long leaderHw) {
            return new PartitionFetchState(leaderEpoch, 0, true, leaderHw);
        }

        PartitionFetchState fetching() {
            return new PartitionFetchState(leaderEpoch, 0, false, -1);
        }
    }

    private final String name;
    private final int leaderId;
    private final int localBrokerId;
    private final ReplicationConfig config;
    private final LeaderEndpoint endpoint;
    private final Function<TopicPartition, Partition> partitions;
    private final Time time;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Guarded by lock. */
    private final Map<TopicPartition, PartitionFetchState> states = new LinkedHashMap<>();
    private volatile boolean running = true;
    private volatile Thread thread;
    /** Fetcher thread only. */
    private boolean failing;

    public ReplicaFetcherThread(String name, int leaderId, int localBrokerId, ReplicationConfig config,
                                LeaderEndpoint endpoint, Function<TopicPartition, Partition> partitions, Time time) {
        this.name = name;
        this.leaderId = leaderId;
        this.localBrokerId = localBrokerId;
        this.config = config;
        this.endpoint = endpoint;
        this.partitions = partitions;
        this.time = time;
    }

    public String name() {
        return name;
    }

    public int leaderId() {
        return leaderId;
    }

    /** Starts the fetcher thread (not done by tests that drive {@link #doWork()} themselves). */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException(name + " already started");
        }
        Thread t = new Thread(this, name);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** Starts (or restarts at a new leader epoch) fetching these partitions from this leader. */
    public void addPartitions(Map<TopicPartition, Integer> leaderEpochs) {
        lock.lock();
        try {
            leaderEpochs.forEach((tp, epoch) -> {
                PartitionFetchState current = states.get(tp);
                if (current == null || current.leaderEpoch() != epoch) {
                    states.put(tp, new PartitionFetchState(epoch, 0, false, -1));
                }
            });
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Stops fetching these partitions; returns once no round is applying data to them. */
    public void removePartitions(Collection<TopicPartition> tps) {
        lock.lock();
        try {
            states.keySet().removeAll(tps);
        } finally {
            lock.unlock();
        }
    }

    public Map<TopicPartition, Integer> partitionEpochs() {
        lock.lock();
        try {
            Map<TopicPartition, Integer> out = new LinkedHashMap<>();
            states.forEach((tp, s) -> out.put(tp, s.leaderEpoch()));
            return out;
        } finally {
            lock.unlock();
        }
    }

    Optional<PartitionFetchState> state(TopicPartition tp) {
        lock.lock();
        try {
            return Optional.ofNullable(states.get(tp));
        } finally {
            lock.unlock();
        }
    }

    public int partitionCount() {
        lock.lock();
        try {
            return states.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void run() {
        log.info("{}: replicating from broker {}", name, leaderId);
        while (running) {
            long waitMs;
            try {
                waitMs = doWork();
            } catch (RuntimeException e) {
                log.error("{}: unexpected failure in a fetch round; retrying after {} ms", name, config.fetchBackoffMs(), e);
                waitMs = config.fetchBackoffMs();
            }
            if (waitMs > 0) {
                awaitChange(waitMs);
            }
        }
        log.info("{}: stopped", name);
    }

    private void awaitChange(long waitMs) {
        lock.lock();
        try {
            if (running) {
                changed.await(waitMs, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * One round: epoch truncations, one Fetch, apply, flush.
     *
     * @return how long to wait before the next round (0: go on at once)
     */
    public long doWork() {
        long now = time.milliseconds();
        Map<TopicPartition, PartitionFetchState> snapshot;
        lock.lock();
        try {
            snapshot = new LinkedHashMap<>(states);
        } finally {
            lock.unlock();
        }
        Map<TopicPartition, PartitionFetchState> toTruncate = new LinkedHashMap<>();
        Map<TopicPartition, PartitionFetchState> toFetch = new LinkedHashMap<>();
        long nextDue = Long.MAX_VALUE;
        for (Map.Entry<TopicPartition, PartitionFetchState> e : snapshot.entrySet()) {
            PartitionFetchState s = e.getValue();
            if (s.delayedUntilMs() > now) {
                nextDue = Math.min(nextDue, s.delayedUntilMs());
            } else if (s.needsEpochTruncation()) {
                toTruncate.put(e.getKey(), s);
            } else {
                toFetch.put(e.getKey(), s);
            }
        }
        try {
            if (!toTruncate.isEmpty()) {
                truncateByEpochs(toTruncate);
            }
            if (toFetch.isEmpty()) {
                return toTruncate.isEmpty() ? Math.max(1, Math.min(nextDue - now, Math.max(config.fetchBackoffMs(), 1)))
                    : 0;
            }
            return fetch(toFetch);
        } catch (IOException e) {
            if (!failing) {
                log.warn("{}: cannot replicate from broker {}: {}; retrying every {} ms", name, leaderId,
                    e.getMessage(), config.fetchBackoffMs());
                failing = true;
            } else {
                log.debug("{}: still cannot replicate from broker {}: {}", name, leaderId, e.getMessage());
            }
            return Math.max(1, config.fetchBackoffMs());
        }
    }

    // ------------------------------------------------------------------ fetch

    /** One requested partition, as sent. */
    private record Sent(TopicPartition tp, int leaderEpoch, long fetchOffset) {
    }

    private long fetch(Map<TopicPartition, PartitionFetchState> toFetch) throws IOException {
        Map<String, List<FetchRequest.Topic.Partition>> byTopic = new LinkedHashMap<>();
        List<Sent> sent = new ArrayList<>();
        for (Map.Entry<TopicPartition, PartitionFetchState> e : toFetch.entrySet()) {
            TopicPartition tp = e.getKey();
            Partition p = partitions.apply(tp);
            if (p == null) {
                continue;
            }
            long fetchOffset = p.logEndOffset();
            int epoch = e.getValue().leaderEpoch();
            byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(new FetchRequest.Topic.Partition(
                tp.partition(), epoch, fetchOffset, p.lastFetchedEpoch(), p.logStartOffset(), config.fetchMaxBytes()));
            sent.add(new Sent(tp, epoch, fetchOffset));
        }
        if (sent.isEmpty()) {
            return Math.max(1, config.fetchBackoffMs());
        }
        List<FetchRequest.Topic> topics = new ArrayList<>();
        byTopic.forEach((topic, parts) -> topics.add(new FetchRequest.Topic(topic, parts)));
        FetchRequest request = new FetchRequest(localBrokerId, config.fetchWaitMaxMs(), config.fetchMinBytes(),
            config.fetchResponseMaxBytes(), (byte) 0, 0, -1, topics, List.of(), "", null);
        FetchResponse response = endpoint.fetch(request);
        if (failing) {
            log.info("{}: replicating from broker {} again", name, leaderId);
            failing = false;
        }
        Errors topLevel = Errors.forCode(response.errorCode());
        if (topLevel != Errors.NONE) {
            log.warn("{}: broker {} answered the fetch with {}", name, leaderId, topLevel);
            return Math.max(1, config.fetchBackoffMs());
        }
        Map<TopicPartition, FetchResponse.Response.Partition> byPartition = new HashMap<>();
        for (FetchResponse.Response topic : response.responses()) {
            for (FetchResponse.Response.Partition part : topic.partitions()) {
                byPartition.put(new TopicPartition(topic.topic(), part.partitionIndex()), part);
            }
        }
        Set<Partition> toFlush = new LinkedHashSet<>();
        lock.lock();
        try {
            long now = time.milliseconds();
            for (Sent s : sent) {
                PartitionFetchState state = states.get(s.tp());
                FetchResponse.Response.Partition data = byPartition.get(s.tp());
                if (state == null || state.leaderEpoch() != s.leaderEpoch() || data == null) {
                    continue;   // removed or moved to another epoch while we waited; or missing from the answer
                }
                Partition p = partitions.apply(s.tp());
                if (p == null) {
                    continue;
                }
                try {
                    if (processPartition(p, s, state, data, now)) {
                        toFlush.add(p);
                    }
                } catch (ApiException e) {
                    // No longer a follower at this epoch (the partition changed role under us), or a bad batch.
                    log.warn("{}: could not apply the fetched data of {} at offset {}: {}", name, s.tp(), s.fetchOffset(),
                        e.getMessage());
                    delay(s.tp(), now);
                } catch (RuntimeException e) {
                    log.error("{}: failed to apply the fetched data of {} at offset {}", name, s.tp(), s.fetchOffset(), e);
                    delay(s.tp(), now);
                }
            }
        } finally {
            lock.unlock();
        }
        if (config.ackRequiresFsync()) {
            for (Partition p : toFlush) {
                try {
                    p.log().flush();
                } catch (RuntimeException e) {
                    // Never report an offset that is not on disk: stop replicating this partition (its log
                    // directory failed; the broker's failure handler takes over).
                    log.error("{}: flushing {} failed; no longer fetching it", name, p.topicPartition(), e);
                    removePartitions(List.of(p.topicPartition()));
                }
            }
        }
        return 0;
    }

    /** Under lock. Returns true if data was appended. */
    private boolean processPartition(Partition p, Sent s, PartitionFetchState state,
                                     FetchResponse.Response.Partition data, long now) {
        TopicPartition tp = s.tp();
        Errors error = Errors.forCode(data.errorCode());
        switch (error) {
            case NONE -> {
                FetchResponse.Response.Partition.DivergingEpoch diverging = data.divergingEpoch();
                if (diverging != null && diverging.epoch() >= 0 && diverging.endOffset() >= 0) {
                    truncateOnDivergence(p, state.leaderEpoch(), diverging.epoch(), diverging.endOffset());
                    return false;
                }
                boolean appended = false;
                Records records = data.records();
                if (records != null && records.sizeInBytes() > 0) {
                    MemoryRecords memory = records instanceof MemoryRecords m ? m : toMemory(records);
                    LogAppendInfo info = p.appendRecordsAsFollower(memory, state.leaderEpoch());
                    appended = info.firstOffset() >= 0;
                }
                p.updateFollowerHighWatermark(data.highWatermark());
                if (data.logStartOffset() >= 0) {
                    p.maybeIncrementLogStartOffsetAsFollower(data.logStartOffset());
                }
                return appended;
            }
            case OFFSET_OUT_OF_RANGE -> {
                handleOutOfRange(p, s, state, data.logStartOffset(), data.highWatermark());
                return false;
            }
            case NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH, UNKNOWN_TOPIC_OR_PARTITION -> {
                // Our view and the leader's differ; the next cluster image settles it.
                log.debug("{}: {} from broker {} for {} at leader epoch {}", name, error, leaderId, tp, state.leaderEpoch());
                delay(tp, now);
                return false;
            }
            default -> {
                log.warn("{}: error {} from broker {} for {} at offset {}", name, error, leaderId, tp, s.fetchOffset());
                delay(tp, now);
                return false;
            }
        }
    }

    private static MemoryRecords toMemory(Records records) {
        return MemoryRecords.concat(List.of(records));
    }

    private void delay(TopicPartition tp, long now) {
        states.computeIfPresent(tp, (k, s) -> s.delayed(now + config.fetchBackoffMs()));
    }

    /**
     * The leader says our last fetched epoch ends at {@code leaderEndOffset} there (or that it only knows
     * {@code leaderEpoch} up to then): keep what both logs agree on.
     */
    private void truncateOnDivergence(Partition p, int currentLeaderEpoch, int leaderEpoch, long leaderEndOffset) {
        LeaderEpochCache.EpochEndOffset ours = p.log().endOffsetForEpoch(leaderEpoch);
        long target = ours.leaderEpoch() == LeaderEpochCache.UNDEFINED_EPOCH
            ? Math.min(leaderEndOffset, p.logEndOffset())
            : Math.min(leaderEndOffset, ours.endOffset());
        log.info("{}: {} diverges from leader {}: its epoch {} ends at {}, ours (epoch {}) at {}; truncating to {} "
            + "(log end {})", name, p.topicPartition(), leaderId, leaderEpoch, leaderEndOffset, ours.leaderEpoch(),
            ours.endOffset(), target, p.logEndOffset());
        long endBefore = p.logEndOffset();
        int epochBefore = p.lastFetchedEpoch();
        p.truncateTo(target, currentLeaderEpoch);
        if (p.logEndOffset() == endBefore && p.lastFetchedEpoch() == epochBefore) {
            // Cannot happen with a consistent leader; never spin on it if it does.
            log.warn("{}: truncating {} to {} changed nothing; pausing it for {} ms", name, p.topicPartition(), target,
                config.fetchBackoffMs());
            delay(p.topicPartition(), time.milliseconds());
        }
    }

    private void handleOutOfRange(Partition p, Sent s, PartitionFetchState state, long leaderLogStart, long leaderHw) {
        if (leaderLogStart >= 0 && s.fetchOffset() < leaderLogStart) {
            log.info("{}: {} is behind the leader's log start {} (our log end {}); restarting the log there", name,
                s.tp(), leaderLogStart, s.fetchOffset());
            p.truncateFullyAndStartAt(leaderLogStart, state.leaderEpoch());
            return;
        }
        log.info("{}: {} fetch offset {} is beyond the leader's log end; asking where epoch {} ends", name, s.tp(),
            s.fetchOffset(), p.lastFetchedEpoch());
        states.put(s.tp(), state.truncationNeeded(leaderHw));
    }

    // ------------------------------------------------------------------ OffsetForLeaderEpoch truncation

    private void truncateByEpochs(Map<TopicPartition, PartitionFetchState> toTruncate) throws IOException {
        Map<String, List<OffsetForLeaderEpochRequest.Topic.Partition>> byTopic = new LinkedHashMap<>();
        Map<TopicPartition, Integer> askedEpochs = new HashMap<>();
        for (Map.Entry<TopicPartition, PartitionFetchState> e : toTruncate.entrySet()) {
            Partition p = partitions.apply(e.getKey());
            if (p == null) {
                continue;
            }
            int epoch = p.lastFetchedEpoch();
            askedEpochs.put(e.getKey(), epoch);
            byTopic.computeIfAbsent(e.getKey().topic(), t -> new ArrayList<>()).add(
                new OffsetForLeaderEpochRequest.Topic.Partition(e.getKey().partition(), e.getValue().leaderEpoch(), epoch));
        }
        if (byTopic.isEmpty()) {
            return;
        }
        List<OffsetForLeaderEpochRequest.Topic> topics = new ArrayList<>();
        byTopic.forEach((t, parts) -> topics.add(new OffsetForLeaderEpochRequest.Topic(t, parts)));
        OffsetForLeaderEpochResponse response = endpoint.offsetsForLeaderEpoch(
            new OffsetForLeaderEpochRequest(localBrokerId, topics));
        lock.lock();
        try {
            long now = time.milliseconds();
            for (OffsetForLeaderEpochResponse.Topic topic : response.topics()) {
                for (OffsetForLeaderEpochResponse.Topic.Partition part : topic.partitions()) {
                    TopicPartition tp = new TopicPartition(topic.topic(), part.partition());
                    PartitionFetchState sent = toTruncate.get(tp);
                    PartitionFetchState state = states.get(tp);
                    Partition p = partitions.apply(tp);
                    if (sent == null || state == null || p == null || state.leaderEpoch() != sent.leaderEpoch()
                            || !state.needsEpochTruncation()) {
                        continue;
                    }
                    Errors error = Errors.forCode(part.errorCode());
                    if (error != Errors.NONE) {
                        log.debug("{}: OffsetForLeaderEpoch for {} failed with {}", name, tp, error);
                        delay(tp, now);
                        continue;
                    }
                    try {
                        long target;
                        if (part.leaderEpoch() == LeaderEpochCache.UNDEFINED_EPOCH || part.endOffset() < 0) {
                            // The leader knows nothing of our epochs: keep only what was committed, and what it has.
                            target = Math.min(p.highWatermark(), state.leaderHighWatermark() >= 0
                                ? state.leaderHighWatermark() : p.highWatermark());
                        } else {
                            LeaderEpochCache.EpochEndOffset ours = p.log().endOffsetForEpoch(part.leaderEpoch());
                            target = ours.leaderEpoch() == LeaderEpochCache.UNDEFINED_EPOCH
                                ? Math.min(part.endOffset(), p.logEndOffset())
                                : Math.min(part.endOffset(), ours.endOffset());
                        }
                        log.info("{}: {} asked for the end of epoch {}: leader says epoch {} ends at {}; truncating to {} "
                            + "(log end {})", name, tp, askedEpochs.get(tp), part.leaderEpoch(), part.endOffset(), target,
                            p.logEndOffset());
                        long endBefore = p.logEndOffset();
                        p.truncateTo(target, state.leaderEpoch());
                        // Nothing to cut means the next fetch would be out of range again: do not spin on it.
                        states.put(tp, p.logEndOffset() < endBefore ? state.fetching()
                            : state.fetching().delayed(now + config.fetchBackoffMs()));
                    } catch (RuntimeException e) {
                        log.warn("{}: truncating {} failed: {}", name, tp, e.getMessage());
                        delay(tp, now);
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Asks the thread to stop without waiting for it: no further rounds, and a call in progress fails (its
     * connection is closed). Its partitions must have been removed first, so it touches no log any more.
     */
    public void initiateShutdown() {
        running = false;
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        endpoint.close();
    }

    /** Stops the thread: {@link #initiateShutdown()}, then joins it. */
    public void shutdown() {
        initiateShutdown();
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(TimeUnit.MILLISECONDS.toMillis(config.socketTimeoutMs()) + 5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return name + "(leader " + leaderId + ", " + partitionCount() + " partitions)";
    }
}
