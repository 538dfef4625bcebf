package io.sluice.core.replication;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.common.Time;
import io.sluice.common.Uuid;
import io.sluice.coordinator.metadata.PartitionState;
import io.sluice.core.log.AppendOrigin;
import io.sluice.core.log.FetchDataInfo;
import io.sluice.core.log.LeaderEpochCache;
import io.sluice.core.log.LogAppendInfo;
import io.sluice.core.log.PartitionLog;
import io.sluice.core.log.TimestampAndOffset;
import io.sluice.core.log.TopicPartition;
import io.sluice.record.MemoryRecords;
import io.sluice.record.RecordBatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.IntPredicate;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One partition hosted on this broker: its log, its role (leader or follower) at a leader epoch, the ISR and,
 * as leader, each follower's fetch state and the high watermark.
 *
 * <h2>High watermark (leader)</h2>
 * HW = the smallest log end offset over the <em>maximal</em> ISR: the committed ISR plus any member whose
 * addition is being written to ZooKeeper (a shrink counts only once written). With
 * {@code replication.ack.requires.fsync} the leader's own contribution is its flushed offset (recovery point),
 * not its log end, and followers only report offsets they flushed (the fetcher flushes before it fetches again):
 * so everything below the HW is on disk on every ISR member. The HW never goes down while leading.
 *
 * <h2>ISR (leader)</h2>
 * A follower is caught up when a fetch reached the leader's log end (or the log end the leader had at the
 * follower's previous fetch, which then counts as the catch-up time). A member not caught up for
 * {@code replica.lag.time.max.ms} is proposed for removal ({@link #maybeShrinkIsr}); a non-member whose log end
 * reached the HW and the start of the current leader epoch is proposed for addition (on its fetch). A proposal
 * is an {@link IsrUpdate} the caller writes through an {@link IsrWriter}; one at a time; the result comes back in
 * {@link #onIsrWriteResult}. A conflicting write means ZooKeeper moved on: a newer state with our epoch is
 * adopted, a newer leader epoch fences the partition (no more appends) until the image makes it follower.
 *
 * <h2>Thread-safety</h2>
 * Role changes take the write lock; appends, reads, follower updates and truncations take the read lock (the log
 * serialises its own changes). Follower states, the pending ISR change and HW moves are guarded by this object's
 * monitor, taken inside the read/write lock and before the log's lock. The HW, epoch, role and ISR fields are
 * volatile so readers need no lock.
 */
public final class Partition {
    private static final Logger stateChange = LogManager.getLogger("state.change");
    private static final Logger logger = LogManager.getLogger(Partition.class);

    private final TopicPartition tp;
    private final int localBrokerId;
    private final PartitionLog log;
    private final Time time;
    private final boolean ackRequiresFlush;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    private volatile Uuid topicId;
    private volatile int leaderId = -1;
    private volatile int leaderEpoch = -1;
    private volatile List<Integer> replicas = List.of();
    private volatile List<Integer> isr = List.of();
    /** The partition state znode's version we last saw or wrote: the expected version of our next ISR write. */
    private volatile int zkVersion = PartitionState.NEW_ZK_VERSION;
    private volatile int controllerEpoch;
    private volatile long highWatermark;
    /** Log end offset when this broker became leader at the current epoch (start of the epoch). */
    private volatile long leaderEpochStartOffset = -1;
    /** Non-null while leading but refusing writes: the reason (a newer leader epoch exists in ZooKeeper). */
    private volatile String fencedReason;

    /** Guarded by this. Leader only. */
    private final Map<Integer, FollowerState> followers = new HashMap<>();
    /** Guarded by this. The ISR change being written, if any. */
    private PendingIsr pendingIsr;

    /**
     * What the leader knows of a follower: its log end and start offsets (from its fetches), when it last fetched,
     * the leader's log end at that fetch, and when it was last caught up.
     */
    public record FollowerState(long logEndOffset, long logStartOffset, long lastFetchTimeMs,
                                long leaderEndOffsetAtLastFetch, long lastCaughtUpTimeMs) {
    }

    /** An ISR change in flight; {@code retry} after a write whose outcome is unknown. */
    private record PendingIsr(IsrUpdate update, boolean retry) {
    }

    /** What a follower fetch changed on the leader. */
    public record FollowerUpdate(boolean highWatermarkMoved, Optional<IsrUpdate> isrExpansion) {
        static final FollowerUpdate NONE = new FollowerUpdate(false, Optional.empty());
    }

    /** Outcome of applying an ISR write result. */
    public enum IsrResultOutcome { APPLIED, ADOPTED_NEWER_STATE, FENCED, WILL_RETRY, IGNORED }

    public Partition(TopicPartition tp, Uuid topicId, int localBrokerId, PartitionLog log, long initialHighWatermark,
                     Time time) {
        this(tp, topicId, localBrokerId, log, initialHighWatermark, time, false);
    }

    /**
     * @param ackRequiresFlush {@code replication.ack.requires.fsync}: the leader counts only its flushed offset
     *                         in the HW
     */
    public Partition(TopicPartition tp, Uuid topicId, int localBrokerId, PartitionLog log, long initialHighWatermark,
                     Time time, boolean ackRequiresFlush) {
        this.tp = tp;
        this.topicId = topicId;
        this.localBrokerId = localBrokerId;
        this.log = log;
        this.time = time;
        this.ackRequiresFlush = ackRequiresFlush;
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

    /** The committed ISR (as in ZooKeeper). */
    public List<Integer> isr() {
        return isr;
    }

    /** The committed ISR plus any member whose addition is being written: what the HW waits for. */
    public synchronized List<Integer> maximalIsr() {
        if (pendingIsr == null) {
            return isr;
        }
        Set<Integer> union = new LinkedHashSet<>(isr);
        union.addAll(pendingIsr.update().newIsr());
        return List.copyOf(union);
    }

    public synchronized Optional<IsrUpdate> pendingIsrUpdate() {
        return pendingIsr == null ? Optional.empty() : Optional.of(pendingIsr.update());
    }

    public List<Integer> replicas() {
        return replicas;
    }

    public int zkVersion() {
        return zkVersion;
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

    public long leaderEpochStartOffset() {
        return leaderEpochStartOffset;
    }

    public Optional<String> fencedReason() {
        return Optional.ofNullable(fencedReason);
    }

    // ------------------------------------------------------------------ role changes

    /** As {@link #makeLeader(int, List, List, int, int, Uuid)} without a known znode version. */
    public boolean makeLeader(int epoch, List<Integer> newReplicas, List<Integer> newIsr, Uuid id) {
        return makeLeader(epoch, newReplicas, newIsr, PartitionState.NEW_ZK_VERSION, controllerEpoch, id);
    }

    /**
     * Becomes leader at {@code epoch}, or applies a newer state of the same epoch (ISR changed by the controller
     * or by our own write). A state older than the one we hold (lower epoch, or the same epoch at a lower znode
     * version: the image lags behind our own ISR write) is ignored. On a new epoch the epoch's start offset goes
     * into the leader-epoch cache and follower states start afresh.
     *
     * @return true if the role, epoch or ISR changed (waiting operations should be re-checked)
     */
    public boolean makeLeader(int epoch, List<Integer> newReplicas, List<Integer> newIsr, int newZkVersion,
                              int newControllerEpoch, Uuid id) {
        lock.writeLock().lock();
        try {
            if (epoch < leaderEpoch) {
                return false;
            }
            boolean newTerm = !isLeader() || epoch != leaderEpoch;
            synchronized (this) {
                if (!newTerm && newZkVersion != PartitionState.NEW_ZK_VERSION && newZkVersion < zkVersion) {
                    return false;
                }
                boolean isrChanged = !isr.equals(newIsr);
                topicId = id;
                replicas = List.copyOf(newReplicas);
                isr = List.copyOf(newIsr);
                zkVersion = newZkVersion;
                controllerEpoch = newControllerEpoch;
                if (newTerm) {
                    LeaderEpochCache cache = log.leaderEpochCache();
                    if (cache.latestEpoch().map(e -> e < epoch).orElse(true)) {
                        cache.assign(epoch, log.logEndOffset());
                    }
                    leaderId = localBrokerId;
                    leaderEpoch = epoch;
                    leaderEpochStartOffset = log.logEndOffset();
                    fencedReason = null;
                    pendingIsr = null;
                    long now = time.milliseconds();
                    followers.clear();
                    for (int r : newReplicas) {
                        if (r != localBrokerId) {
                            // ISR members get a fresh lag window; the others must catch up first.
                            followers.put(r, new FollowerState(-1, -1, now, -1, newIsr.contains(r) ? now : 0));
                        }
                    }
                    stateChange.info("Broker {} is leader of {} at leader epoch {} (ISR {}, zk version {}, log end {}, HW {})",
                        localBrokerId, tp, epoch, newIsr, newZkVersion, log.logEndOffset(), highWatermark);
                } else {
                    for (int r : newReplicas) {
                        if (r != localBrokerId && !followers.containsKey(r)) {
                            followers.put(r, new FollowerState(-1, -1, time.milliseconds(), -1, 0));
                        }
                    }
                    followers.keySet().retainAll(newReplicas);
                    if (pendingIsr != null && pendingIsr.update().newIsr().equals(newIsr)) {
                        pendingIsr = null;   // the image shows our write; its result will find nothing pending
                    }
                    if (isrChanged) {
                        stateChange.info("Broker {} leads {} at leader epoch {} with ISR {} (zk version {})",
                            localBrokerId, tp, epoch, newIsr, newZkVersion);
                    }
                }
                maybeAdvanceHighWatermark();
                return newTerm || isrChanged;
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** As {@link #makeFollower(int, int, List, List, int, int, Uuid)} without a known znode version. */
    public boolean makeFollower(int leader, int epoch, List<Integer> newReplicas, List<Integer> newIsr, Uuid id) {
        return makeFollower(leader, epoch, newReplicas, newIsr, PartitionState.NEW_ZK_VERSION, controllerEpoch, id);
    }

    /**
     * Becomes a follower of {@code leader} (-1: the partition is offline) at {@code epoch}.
     *
     * @return true if the leader or the epoch changed (the fetcher must follow the new leader)
     */
    public boolean makeFollower(int leader, int epoch, List<Integer> newReplicas, List<Integer> newIsr,
                                int newZkVersion, int newControllerEpoch, Uuid id) {
        lock.writeLock().lock();
        try {
            if (epoch < leaderEpoch) {
                return false;
            }
            boolean changed = leader != leaderId || epoch != leaderEpoch;
            synchronized (this) {
                topicId = id;
                replicas = List.copyOf(newReplicas);
                isr = List.copyOf(newIsr);
                zkVersion = newZkVersion;
                controllerEpoch = newControllerEpoch;
                leaderId = leader;
                leaderEpoch = epoch;
                fencedReason = null;
                pendingIsr = null;
                followers.clear();
                leaderEpochStartOffset = -1;
                // A follower's HW is whatever its leader says; it may have been ahead as a (deposed) leader.
                highWatermark = Math.min(highWatermark, log.logEndOffset());
            }
            if (changed) {
                stateChange.info("Broker {} follows {} for {} at leader epoch {} (log end {}, HW {})", localBrokerId,
                    leader, tp, epoch, log.logEndOffset(), highWatermark);
            }
            return changed;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Stops accepting writes as leader (a newer leader epoch exists, or our state could not be confirmed); the
     * next image makes this replica a follower or leader again.
     */
    public void fence(String reason) {
        if (isLeader() && fencedReason == null) {
            stateChange.warn("Broker {} stops accepting writes to {} at leader epoch {}: {}", localBrokerId, tp,
                leaderEpoch, reason);
        }
        fencedReason = reason;
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

    // ------------------------------------------------------------------ leader: appends and reads

    /**
     * Appends a producer's batch as leader. For acks=all the ISR must hold at least {@code minInsyncReplicas}
     * members before anything is written. A fenced leader refuses (NOT_LEADER_OR_FOLLOWER).
     */
    public LogAppendInfo appendAsLeader(MemoryRecords records, int requiredAcks, int minInsyncReplicas, AppendOrigin origin) {
        lock.readLock().lock();
        try {
            requireLeader();
            String fenced = fencedReason;
            if (fenced != null) {
                throw new ApiException(Errors.NOT_LEADER_OR_FOLLOWER, "Broker " + localBrokerId
                    + " does not accept writes to " + tp + " at leader epoch " + leaderEpoch + ": " + fenced);
            }
            List<Integer> currentIsr = isr;
            if (requiredAcks == -1 && currentIsr.size() < minInsyncReplicas) {
                throw new ApiException(Errors.NOT_ENOUGH_REPLICAS, "The in-sync replicas of " + tp + " are " + currentIsr
                    + ", fewer than min.insync.replicas=" + minInsyncReplicas);
            }
            LogAppendInfo info = log.appendAsLeader(records, leaderEpoch, origin);
            synchronized (this) {
                maybeAdvanceHighWatermark();
            }
            return info;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Reads for a consumer (up to the HW) or a follower (up to the log end). A follower that says which epoch
     * its last batch has ({@code lastFetchedEpoch} >= 0) gets the {@link FetchResult.DivergingEpoch} instead of
     * records when that epoch ends earlier here, or is not ours (KIP-595).
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

    /**
     * The divergence check of a follower fetch: empty if the follower's log agrees with ours up to
     * {@code fetchOffset}, else where its last fetched epoch ends on this leader.
     */
    public Optional<FetchResult.DivergingEpoch> divergingEpoch(int lastFetchedEpoch, long fetchOffset) {
        if (lastFetchedEpoch < 0) {
            return Optional.empty();
        }
        LeaderEpochCache.EpochEndOffset end = log.leaderEpochCache().endOffsetFor(lastFetchedEpoch, log.logEndOffset());
        if (end.leaderEpoch() == LeaderEpochCache.UNDEFINED_EPOCH) {
            return Optional.empty();   // nothing known to compare with: the range check decides
        }
        if (end.leaderEpoch() != lastFetchedEpoch || end.endOffset() < fetchOffset) {
            return Optional.of(new FetchResult.DivergingEpoch(end.leaderEpoch(), end.endOffset()));
        }
        return Optional.empty();
    }

    // ------------------------------------------------------------------ leader: follower state, HW, ISR

    /**
     * The leader learns a follower's log end (and start) offset from its fetch. May move the HW and may propose
     * adding the follower to the ISR.
     *
     * @param isLive whether a broker is registered (only live brokers join the ISR)
     */
    public FollowerUpdate updateFollowerFetchState(int followerId, long fetchOffset, long followerLogStartOffset,
                                                   IntPredicate isLive) {
        lock.readLock().lock();
        try {
            if (!isLeader()) {
                return FollowerUpdate.NONE;
            }
            long now = time.milliseconds();
            long leaderEnd = log.logEndOffset();
            synchronized (this) {
                FollowerState previous = followers.get(followerId);
                if (previous == null) {
                    return FollowerUpdate.NONE;
                }
                long caughtUp = previous.lastCaughtUpTimeMs();
                if (fetchOffset >= leaderEnd) {
                    caughtUp = Math.max(caughtUp, now);
                } else if (previous.leaderEndOffsetAtLastFetch() >= 0 && fetchOffset >= previous.leaderEndOffsetAtLastFetch()) {
                    caughtUp = Math.max(caughtUp, previous.lastFetchTimeMs());
                }
                followers.put(followerId, new FollowerState(fetchOffset, followerLogStartOffset, now, leaderEnd, caughtUp));
                boolean moved = maybeAdvanceHighWatermark();
                return new FollowerUpdate(moved, maybeExpandIsr(followerId, fetchOffset, isLive));
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Under this monitor. */
    private Optional<IsrUpdate> maybeExpandIsr(int followerId, long followerEnd, IntPredicate isLive) {
        if (pendingIsr != null || fencedReason != null || isr.contains(followerId) || !replicas.contains(followerId)
                || !isLive.test(followerId)) {
            return Optional.empty();
        }
        if (followerEnd < highWatermark || followerEnd < leaderEpochStartOffset) {
            return Optional.empty();
        }
        List<Integer> newIsr = new ArrayList<>(isr);
        newIsr.add(followerId);
        IsrUpdate update = new IsrUpdate(tp, localBrokerId, leaderEpoch, newIsr, controllerEpoch, zkVersion);
        pendingIsr = new PendingIsr(update, false);
        stateChange.info("Broker {} proposes to expand the ISR of {} from {} to {} (follower {} at {}, HW {})",
            localBrokerId, tp, isr, newIsr, followerId, followerEnd, highWatermark);
        return Optional.of(update);
    }

    /**
     * The periodic ISR check: proposes removing the members that have not caught up within {@code lagTimeMs},
     * or retries a write whose outcome was unknown.
     */
    public Optional<IsrUpdate> maybeShrinkIsr(long lagTimeMs) {
        lock.readLock().lock();
        try {
            if (!isLeader() || fencedReason != null) {
                return Optional.empty();
            }
            synchronized (this) {
                if (pendingIsr != null) {
                    if (pendingIsr.retry()) {
                        pendingIsr = new PendingIsr(pendingIsr.update(), false);
                        return Optional.of(pendingIsr.update());
                    }
                    return Optional.empty();
                }
                long now = time.milliseconds();
                long leaderEnd = log.logEndOffset();
                List<Integer> outOfSync = new ArrayList<>();
                for (int member : isr) {
                    if (member == localBrokerId) {
                        continue;
                    }
                    FollowerState f = followers.get(member);
                    boolean caughtUp = f != null && (f.logEndOffset() >= leaderEnd || now - f.lastCaughtUpTimeMs() <= lagTimeMs);
                    if (!caughtUp) {
                        outOfSync.add(member);
                    }
                }
                if (outOfSync.isEmpty()) {
                    return Optional.empty();
                }
                List<Integer> newIsr = new ArrayList<>(isr);
                newIsr.removeAll(outOfSync);
                if (!newIsr.contains(localBrokerId)) {
                    newIsr.add(0, localBrokerId);
                }
                IsrUpdate update = new IsrUpdate(tp, localBrokerId, leaderEpoch, newIsr, controllerEpoch, zkVersion);
                pendingIsr = new PendingIsr(update, false);
                Map<Integer, String> lag = new HashMap<>();
                for (int r : outOfSync) {
                    FollowerState f = followers.get(r);
                    lag.put(r, f == null ? "unknown" : "log end " + f.logEndOffset() + ", caught up "
                        + (now - f.lastCaughtUpTimeMs()) + " ms ago");
                }
                stateChange.info("Broker {} proposes to shrink the ISR of {} from {} to {}: out of sync for more than "
                    + "{} ms: {} (leader log end {})", localBrokerId, tp, isr, newIsr, lagTimeMs, lag, leaderEnd);
                return Optional.of(update);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Applies the outcome of writing {@code update}. Written: the new ISR is committed. Conflict: ZooKeeper has
     * another state; if it has our leader epoch and names us leader it is adopted, otherwise the partition is
     * fenced until the image catches up. Failed (outcome unknown): kept pending, so the HW keeps counting the
     * larger ISR, and retried at the next check.
     */
    public IsrResultOutcome onIsrWriteResult(IsrUpdate update, IsrWriteResult result) {
        lock.readLock().lock();
        try {
            synchronized (this) {
                if (!isLeader() || leaderEpoch != update.leaderEpoch() || pendingIsr == null
                        || !pendingIsr.update().equals(update)) {
                    return IsrResultOutcome.IGNORED;
                }
                if (result instanceof IsrWriteResult.Written w) {
                    pendingIsr = null;
                    isr = List.copyOf(update.newIsr());
                    zkVersion = w.newZkVersion();
                    stateChange.info("Broker {} changed the ISR of {} to {} at leader epoch {} (zk version {})",
                        localBrokerId, tp, isr, leaderEpoch, zkVersion);
                    if (!isr.isEmpty()) {
                        long now = time.milliseconds();
                        followers.replaceAll((id, f) -> isr.contains(id) && f.lastCaughtUpTimeMs() <= 0
                            ? new FollowerState(f.logEndOffset(), f.logStartOffset(), f.lastFetchTimeMs(),
                                f.leaderEndOffsetAtLastFetch(), now) : f);
                    }
                    maybeAdvanceHighWatermark();
                    return IsrResultOutcome.APPLIED;
                }
                if (result instanceof IsrWriteResult.Conflict c) {
                    pendingIsr = null;
                    Optional<PartitionState> current = c.current();
                    if (current.isPresent() && current.get().leader() == localBrokerId
                            && current.get().leaderEpoch() == leaderEpoch) {
                        PartitionState s = current.get();
                        isr = s.isr();
                        zkVersion = s.zkVersion();
                        controllerEpoch = s.controllerEpoch();
                        stateChange.info("Broker {}: the ISR write for {} conflicted; adopted ZooKeeper's ISR {} at "
                            + "leader epoch {} (zk version {})", localBrokerId, tp, isr, leaderEpoch, zkVersion);
                        maybeAdvanceHighWatermark();
                        return IsrResultOutcome.ADOPTED_NEWER_STATE;
                    }
                    fence(current.map(s -> "ZooKeeper has leader " + s.leader() + " at leader epoch " + s.leaderEpoch())
                        .orElse("the partition state znode is gone"));
                    return IsrResultOutcome.FENCED;
                }
                IsrWriteResult.Failed f = (IsrWriteResult.Failed) result;
                pendingIsr = new PendingIsr(update, true);
                logger.warn("Writing the ISR {} of {} failed ({}); retrying at the next ISR check", update.newIsr(), tp,
                    f.reason());
                return IsrResultOutcome.WILL_RETRY;
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    public synchronized Optional<FollowerState> followerState(int brokerId) {
        return Optional.ofNullable(followers.get(brokerId));
    }

    /** The leader flushed its log: with flush-before-ack the HW may move. */
    public boolean onFlushed() {
        lock.readLock().lock();
        try {
            synchronized (this) {
                return maybeAdvanceHighWatermark();
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Whether the leader has appended data that is not flushed yet (the flusher's work). */
    public boolean hasUnflushedData() {
        return log.recoveryPoint() < log.logEndOffset();
    }

    /** HW = min log end offset over the maximal ISR (the leader's flushed offset with flush-before-ack). Under this. */
    private boolean maybeAdvanceHighWatermark() {
        if (!isLeader()) {
            return false;
        }
        long leo = log.logEndOffset();
        long candidate = ackRequiresFlush ? Math.min(log.recoveryPoint(), leo) : leo;
        for (int member : maximalIsrUnlocked()) {
            if (member == localBrokerId) {
                continue;
            }
            FollowerState f = followers.get(member);
            candidate = Math.min(candidate, f == null ? -1 : f.logEndOffset());
        }
        if (candidate > highWatermark) {
            highWatermark = log.updateHighWatermark(candidate);
            return true;
        }
        return false;
    }

    private List<Integer> maximalIsrUnlocked() {
        if (pendingIsr == null) {
            return isr;
        }
        List<Integer> union = new ArrayList<>(isr);
        for (int r : pendingIsr.update().newIsr()) {
            if (!union.contains(r)) {
                union.add(r);
            }
        }
        return union;
    }

    /**
     * DeleteRecords' low watermark: the smallest log start offset over the leader and the followers that are
     * live (followers report theirs in every fetch; one that has not fetched yet counts as unknown, i.e. 0).
     */
    public long lowWatermark(IntPredicate isLive) {
        long low = log.logStartOffset();
        synchronized (this) {
            for (Map.Entry<Integer, FollowerState> e : followers.entrySet()) {
                if (isLive.test(e.getKey())) {
                    low = Math.min(low, Math.max(0, e.getValue().logStartOffset()));
                }
            }
        }
        return low;
    }

    // ------------------------------------------------------------------ follower side

    private void requireFollowerAt(int expectedLeaderEpoch) {
        if (isLeader() || leaderEpoch != expectedLeaderEpoch) {
            throw new ApiException(Errors.NOT_LEADER_OR_FOLLOWER, "Broker " + localBrokerId + " no longer follows at "
                + "leader epoch " + expectedLeaderEpoch + " for " + tp + " (" + (isLeader() ? "leader" : "follower")
                + " at epoch " + leaderEpoch + ")");
        }
    }

    /**
     * Appends batches fetched from the leader as they are (the leader's offsets and epochs), if this replica still
     * follows at {@code expectedLeaderEpoch}. An empty log whose first fetched batch starts below its log end
     * (the leader's log start is inside a batch) restarts at that batch.
     */
    public LogAppendInfo appendRecordsAsFollower(MemoryRecords records, int expectedLeaderEpoch) {
        lock.readLock().lock();
        try {
            requireFollowerAt(expectedLeaderEpoch);
            Optional<RecordBatch> first = firstBatch(records);
            if (first.isPresent() && first.get().baseOffset() < log.logEndOffset()
                    && log.logEndOffset() == log.logStartOffset() && first.get().lastOffset() >= log.logEndOffset()) {
                log.truncateFullyAndStartAt(first.get().baseOffset());
                syncHighWatermarkFromLog();
            }
            return log.appendAsFollower(records);
        } finally {
            lock.readLock().unlock();
        }
    }

    private static Optional<RecordBatch> firstBatch(MemoryRecords records) {
        for (RecordBatch b : records.batches()) {
            return Optional.of(b);
        }
        return Optional.empty();
    }

    /**
     * Truncates the follower's log to {@code offset} (and drops epoch-cache entries starting at or above it, even
     * when no data is removed), if it still follows at {@code expectedLeaderEpoch}.
     */
    public boolean truncateTo(long offset, int expectedLeaderEpoch) {
        lock.readLock().lock();
        try {
            requireFollowerAt(expectedLeaderEpoch);
            boolean removed = log.truncateTo(offset);
            log.leaderEpochCache().truncateFromEnd(offset);
            syncHighWatermarkFromLog();
            return removed;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Empties the follower's log and restarts it at {@code offset} (the leader's log start is beyond our end). */
    public void truncateFullyAndStartAt(long offset, int expectedLeaderEpoch) {
        lock.readLock().lock();
        try {
            requireFollowerAt(expectedLeaderEpoch);
            log.truncateFullyAndStartAt(offset);
            syncHighWatermarkFromLog();
        } finally {
            lock.readLock().unlock();
        }
    }

    private synchronized void syncHighWatermarkFromLog() {
        highWatermark = log.highWatermark();
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

    /** Followers: raise the log start offset to the leader's (bounded by our HW, as on the leader). */
    public boolean maybeIncrementLogStartOffsetAsFollower(long leaderLogStartOffset) {
        long target = Math.min(leaderLogStartOffset, highWatermark);
        if (target <= log.logStartOffset()) {
            return false;
        }
        return log.maybeIncrementLogStartOffset(target);
    }

    /** The epoch of this replica's last batch (the fetch's last_fetched_epoch), -1 if unknown or empty. */
    public int lastFetchedEpoch() {
        long leo = log.logEndOffset();
        if (leo <= log.logStartOffset()) {
            return LeaderEpochCache.UNDEFINED_EPOCH;
        }
        return log.leaderEpochCache().epochForOffset(leo - 1).orElse(LeaderEpochCache.UNDEFINED_EPOCH);
    }

    // ------------------------------------------------------------------ other leader operations

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
