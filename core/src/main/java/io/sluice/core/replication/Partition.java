package io.sluice.core.replication;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.common.Time;
import io.sluice.common.Uuid;
import io.sluice.core.log.AppendOrigin;
import io.sluice.core.log.FetchDataInfo;
import io.sluice.core.log.LeaderEpochCache;
import io.sluice.core.log.LogAppendInfo;
import io.sluice.core.log.PartitionLog;
import io.sluice.core.log.TimestampAndOffset;
import io.sluice.core.log.TopicPartition;
import io.sluice.record.MemoryRecords;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One partition hosted on this broker: its log, its role (leader or follower) at a leader epoch, the ISR and,
 * as leader, each follower's log end offset and the high watermark (HW = the smallest log end offset over the
 * ISR; it never goes down on the leader).
 *
 * <p>Thread-safety: role changes take the write lock; appends, reads and follower updates take the read lock
 * (the log serialises appends itself). The HW, epoch and role fields are volatile so readers need no lock.
 */
public final class Partition {
    private static final Logger stateChange = LogManager.getLogger("state.change");

    private final TopicPartition tp;
    private final int localBrokerId;
    private final PartitionLog log;
    private final Time time;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    private volatile Uuid topicId;
    private volatile int leaderId = -1;
    private volatile int leaderEpoch = -1;
    private volatile List<Integer> replicas = List.of();
    private volatile List<Integer> isr = List.of();
    private volatile long highWatermark;
    /** Followers' state, leader only; guarded by the read/write lock for membership, values are replaced. */
    private final Map<Integer, FollowerState> followers = new HashMap<>();

    /** What the leader knows of a follower. */
    public record FollowerState(long logEndOffset, long lastFetchTimeMs, long lastCaughtUpTimeMs) {
    }

    public Partition(TopicPartition tp, Uuid topicId, int localBrokerId, PartitionLog log, long initialHighWatermark, Time time) {
        this.tp = tp;
        this.topicId = topicId;
        this.localBrokerId = localBrokerId;
        this.log = log;
        this.time = time;
        this.highWatermark = log.updateHighWatermark(initialHighWatermark);
    }

    public TopicPartition topicPartition() {
        return tp;
    }

    public Uuid topicId() {
        return topicId;
    }

    public PartitionLog log() {
        return log;
    }

    public int leaderId() {
        return leaderId;
    }

    public int leaderEpoch() {
        return leaderEpoch;
    }

    public boolean isLeader() {
        return leaderId == localBrokerId;
    }

    public List<Integer> isr() {
        return isr;
    }

    public List<Integer> replicas() {
        return replicas;
    }

    public long highWatermark() {
        return highWatermark;
    }

    public long logEndOffset() {
        return log.logEndOffset();
    }

    public long logStartOffset() {
        return log.logStartOffset();
    }

    /**
     * Becomes leader at {@code epoch} (no-op if already leader at that epoch). Records the epoch's start offset
     * in the leader-epoch cache so followers and consumers can find where each epoch began.
     */
    public boolean makeLeader(int epoch, List<Integer> newReplicas, List<Integer> newIsr, Uuid id) {
        lock.writeLock().lock();
        try {
            boolean changed = !isLeader() || epoch != leaderEpoch;
            if (epoch < leaderEpoch) {
                return false;
            }
            topicId = id;
            replicas = List.copyOf(newReplicas);
            isr = List.copyOf(newIsr);
            if (changed) {
                LeaderEpochCache cache = log.leaderEpochCache();
                if (cache.latestEpoch().map(e -> e < epoch).orElse(true)) {
                    cache.assign(epoch, log.logEndOffset());
                }
                leaderId = localBrokerId;
                leaderEpoch = epoch;
                long now = time.milliseconds();
                followers.clear();
                for (int r : newReplicas) {
                    if (r != localBrokerId) {
                        followers.put(r, new FollowerState(-1, now, newIsr.contains(r) ? now : 0));
                    }
                }
                stateChange.info("Broker {} is leader of {} at leader epoch {} (ISR {}, log end {}, HW {})",
                    localBrokerId, tp, epoch, newIsr, log.logEndOffset(), highWatermark);
            }
            maybeAdvanceHighWatermark();
            return changed;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Becomes a follower of {@code leader} at {@code epoch}. */
    public boolean makeFollower(int leader, int epoch, List<Integer> newReplicas, List<Integer> newIsr, Uuid id) {
        lock.writeLock().lock();
        try {
            if (epoch < leaderEpoch) {
                return false;
            }
            boolean changed = leader != leaderId || epoch != leaderEpoch;
            topicId = id;
            replicas = List.copyOf(newReplicas);
            isr = List.copyOf(newIsr);
            leaderId = leader;
            leaderEpoch = epoch;
            followers.clear();
            if (changed) {
                stateChange.info("Broker {} follows {} for {} at leader epoch {}", localBrokerId, leader, tp, epoch);
            }
            return changed;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Checks a client's view of the leader epoch (KIP-320): -1 skips the check. */
    public void checkLeaderEpoch(int currentLeaderEpoch) {
        int epoch = leaderEpoch;
        if (currentLeaderEpoch < 0 || currentLeaderEpoch == epoch) {
            return;
        }
        if (currentLeaderEpoch < epoch) {
            throw new ApiException(Errors.FENCED_LEADER_EPOCH, "Leader epoch " + currentLeaderEpoch + " of " + tp
                + " is older than the current epoch " + epoch);
        }
        throw new ApiException(Errors.UNKNOWN_LEADER_EPOCH, "Leader epoch " + currentLeaderEpoch + " of " + tp
            + " is newer than this broker knows (" + epoch + ")");
    }

    private void requireLeader() {
        if (!isLeader()) {
            throw new ApiException(Errors.NOT_LEADER_OR_FOLLOWER, "Broker " + localBrokerId + " is not the leader of " + tp
                + (leaderId >= 0 ? " (the leader is broker " + leaderId + ")" : ""));
        }
    }

    /**
     * Appends a producer's batch as leader. For acks=all the ISR must hold at least {@code minInsyncReplicas}
     * members before anything is written.
     */
    public LogAppendInfo appendAsLeader(MemoryRecords records, int requiredAcks, int minInsyncReplicas, AppendOrigin origin) {
        lock.readLock().lock();
        try {
            requireLeader();
            if (requiredAcks == -1 && isr.size() < minInsyncReplicas) {
                throw new ApiException(Errors.NOT_ENOUGH_REPLICAS, "The in-sync replicas of " + tp + " are " + isr
                    + ", fewer than min.insync.replicas=" + minInsyncReplicas);
            }
            LogAppendInfo info = log.appendAsLeader(records, leaderEpoch, origin);
            maybeAdvanceHighWatermark();
            return info;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Reads for a consumer (up to the HW) or a follower (up to the log end, and records the follower's
     * position, which may advance the HW).
     */
    public FetchDataInfo read(long fetchOffset, int maxBytes, int currentLeaderEpoch, boolean fromFollower,
                              boolean minOneBatch) {
        lock.readLock().lock();
        try {
            requireLeader();
            checkLeaderEpoch(currentLeaderEpoch);
            long limit = fromFollower ? log.logEndOffset() : highWatermark;
            return log.read(fetchOffset, maxBytes, limit, minOneBatch);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The leader learns a follower's log end offset from its fetch offset. Returns true if the HW moved. */
    public boolean updateFollowerFetchState(int followerId, long fetchOffset) {
        lock.readLock().lock();
        try {
            if (!isLeader()) {
                return false;
            }
            long now = time.milliseconds();
            synchronized (followers) {
                FollowerState previous = followers.get(followerId);
                if (previous == null) {
                    return false;
                }
                long caughtUp = fetchOffset >= log.logEndOffset() ? now : previous.lastCaughtUpTimeMs();
                followers.put(followerId, new FollowerState(fetchOffset, now, caughtUp));
            }
            return maybeAdvanceHighWatermark();
        } finally {
            lock.readLock().unlock();
        }
    }

    public Optional<FollowerState> followerState(int brokerId) {
        synchronized (followers) {
            return Optional.ofNullable(followers.get(brokerId));
        }
    }

    /** HW = min log end offset over the ISR (the leader included); only ever moves forward. */
    private boolean maybeAdvanceHighWatermark() {
        if (!isLeader()) {
            return false;
        }
        long candidate = log.logEndOffset();
        synchronized (followers) {
            for (int member : isr) {
                if (member == localBrokerId) {
                    continue;
                }
                FollowerState f = followers.get(member);
                long leo = f == null ? -1 : f.logEndOffset();
                candidate = Math.min(candidate, leo);
            }
        }
        synchronized (this) {
            if (candidate > highWatermark) {
                highWatermark = log.updateHighWatermark(candidate);
                return true;
            }
            return false;
        }
    }

    /** Followers: take the leader's HW, never beyond our own log end. */
    public void updateFollowerHighWatermark(long leaderHighWatermark) {
        synchronized (this) {
            long hw = Math.min(leaderHighWatermark, log.logEndOffset());
            if (hw > highWatermark) {
                highWatermark = log.updateHighWatermark(hw);
            }
        }
    }

    /** DeleteRecords: raise the log start offset (leader). {@code -1} means up to the HW. */
    public long deleteRecordsBefore(long offset) {
        lock.readLock().lock();
        try {
            requireLeader();
            long target = offset == -1 ? highWatermark : offset;
            if (target > highWatermark || target < 0) {
                throw new ApiException(Errors.OFFSET_OUT_OF_RANGE, "Cannot delete records of " + tp + " before offset "
                    + offset + ": it is beyond the high watermark " + highWatermark);
            }
            log.maybeIncrementLogStartOffset(target);
            return log.logStartOffset();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** ListOffsets by timestamp, bounded by what consumers may see (or the log end for replicas). */
    public Optional<TimestampAndOffset> offsetForTimestamp(long timestamp, boolean fromReplica) {
        long limit = fromReplica ? log.logEndOffset() : highWatermark;
        return log.offsetForTimestamp(timestamp, limit);
    }

    public Optional<TimestampAndOffset> maxTimestampOffset(boolean fromReplica) {
        long limit = fromReplica ? log.logEndOffset() : highWatermark;
        return log.maxTimestampAndOffset().filter(t -> t.offset() < limit);
    }

    /** OffsetsForLeaderEpoch: the end offset of the largest epoch <= requested, per the leader-epoch cache. */
    public LeaderEpochCache.EpochEndOffset endOffsetForEpoch(int requestedEpoch) {
        return log.leaderEpochCache().endOffsetFor(requestedEpoch, log.logEndOffset());
    }

    @Override
    public String toString() {
        return "Partition(" + tp + ", leader " + leaderId + ", epoch " + leaderEpoch + ", ISR " + isr + ", HW "
            + highWatermark + ", LEO " + log.logEndOffset() + ")";
    }
}
