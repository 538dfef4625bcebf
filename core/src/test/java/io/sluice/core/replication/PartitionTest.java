package io.sluice.core.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.common.MockScheduler;
import io.sluice.common.MockTime;
import io.sluice.common.Uuid;
import io.sluice.core.log.AppendOrigin;
import io.sluice.core.log.LeaderEpochCache;
import io.sluice.core.log.LogConfig;
import io.sluice.core.log.LogDirFailureHandler;
import io.sluice.core.log.PartitionLog;
import io.sluice.core.log.TopicPartition;
import io.sluice.record.MemoryRecords;
import io.sluice.record.RecordBatchBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One partition on one broker (id 1) with a real log in a temp dir and a fake clock; followers are simulated. */
class PartitionTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);
    private final MockTime time = new MockTime();
    private final MockScheduler scheduler = new MockScheduler(time);

    @TempDir
    Path dir;
    private PartitionLog log;

    @AfterEach
    void close() {
        if (log != null) {
            log.close();
        }
    }

    private Partition partition(boolean ackRequiresFsync) throws Exception {
        log = PartitionLog.open(dir.resolve("t-0"), LogConfig.of(Map.of(), Map.of()), 0, 0, true,
            new PartitionLog.Environment(time, scheduler, 86_400_000L, LogDirFailureHandler.IGNORE));
        return new Partition(TP, Uuid.randomUuid(), 1, log, 0, time, ackRequiresFsync);
    }

    private static MemoryRecords values(int n) {
        RecordBatchBuilder b = new RecordBatchBuilder();
        for (int i = 0; i < n; i++) {
            b.append(1_700_000_000_000L, null, ("v" + i).getBytes(StandardCharsets.UTF_8));
        }
        return b.build();
    }

    private static MemoryRecords replicated(long baseOffset, int epoch, int n) {
        RecordBatchBuilder b = new RecordBatchBuilder().baseOffset(baseOffset).partitionLeaderEpoch(epoch);
        for (int i = 0; i < n; i++) {
            b.append(1_700_000_000_000L, null, ("r" + i).getBytes(StandardCharsets.UTF_8));
        }
        return b.build();
    }

    @Test
    void theHighWatermarkIsTheSmallestLogEndOverTheIsrAndNeverGoesDown() throws Exception {
        Partition p = partition(false);
        p.makeLeader(0, List.of(1, 2, 3), List.of(1, 2, 3), 0, 1, Uuid.ONE);
        p.appendAsLeader(values(5), 1, 1, AppendOrigin.CLIENT);
        assertEquals(0, p.highWatermark(), "followers' log ends are unknown");
        p.updateFollowerFetchState(2, 5, 0, id -> true);
        assertEquals(0, p.highWatermark());
        p.updateFollowerFetchState(3, 3, 0, id -> true);
        assertEquals(3, p.highWatermark());
        p.updateFollowerFetchState(3, 2, 0, id -> true);   // e.g. the follower truncated
        assertEquals(3, p.highWatermark(), "never backwards");
        p.updateFollowerFetchState(3, 5, 0, id -> true);
        assertEquals(5, p.highWatermark());
        assertEquals(5, log.highWatermark());
    }

    @Test
    void withFlushBeforeAckTheLeaderCountsOnlyItsFlushedOffset() throws Exception {
        Partition p = partition(true);
        p.makeLeader(0, List.of(1), List.of(1), 0, 1, Uuid.ONE);
        p.appendAsLeader(values(3), -1, 1, AppendOrigin.CLIENT);
        assertEquals(0, p.highWatermark());
        assertTrue(p.hasUnflushedData());
        log.flush();
        assertTrue(p.onFlushed());
        assertEquals(3, p.highWatermark());
        assertFalse(p.hasUnflushedData());
    }

    @Test
    void aFollowerThatReachedTheLeadersEndAtItsPreviousFetchWasCaughtUpThen() throws Exception {
        Partition p = partition(false);
        p.makeLeader(0, List.of(1, 2), List.of(1, 2), 0, 1, Uuid.ONE);
        long t0 = time.milliseconds();
        p.updateFollowerFetchState(2, 0, 0, id -> true);   // at the leader's end (0): caught up now
        assertEquals(t0, p.followerState(2).orElseThrow().lastCaughtUpTimeMs());
        p.appendAsLeader(values(2), 1, 1, AppendOrigin.CLIENT);
        time.advance(1_000);
        p.updateFollowerFetchState(2, 0, 0, id -> true);   // behind, but where the leader was at its last fetch
        assertEquals(t0, p.followerState(2).orElseThrow().lastCaughtUpTimeMs());
        p.appendAsLeader(values(2), 1, 1, AppendOrigin.CLIENT);   // the end moves on to 4
        time.advance(1_000);
        p.updateFollowerFetchState(2, 2, 0, id -> true);   // reached the end of 1 s ago (2): caught up as of then
        assertEquals(t0 + 1_000, p.followerState(2).orElseThrow().lastCaughtUpTimeMs());
        time.advance(40_000);
        assertEquals(Optional.of(List.of(1)), p.maybeShrinkIsr(30_000).map(IsrUpdate::newIsr));
    }

    @Test
    void onlyALiveCaughtUpReplicaJoinsTheIsr() throws Exception {
        Partition p = partition(false);
        p.makeLeader(0, List.of(1, 2), List.of(1), 0, 1, Uuid.ONE);
        p.appendAsLeader(values(4), 1, 1, AppendOrigin.CLIENT);
        assertEquals(4, p.highWatermark());
        assertTrue(p.updateFollowerFetchState(2, 3, 0, id -> true).isrExpansion().isEmpty(), "below the HW");
        assertTrue(p.updateFollowerFetchState(2, 4, 0, id -> false).isrExpansion().isEmpty(), "not registered");
        IsrUpdate update = p.updateFollowerFetchState(2, 4, 0, id -> true).isrExpansion().orElseThrow();
        assertEquals(new IsrUpdate(TP, 1, 0, List.of(1, 2), 1, 0), update);
        assertEquals(Partition.IsrResultOutcome.APPLIED, p.onIsrWriteResult(update, new IsrWriteResult.Written(1)));
        assertEquals(List.of(1, 2), p.isr());
        assertEquals(1, p.zkVersion());
    }

    @Test
    void theLeaderReportsWhereAFollowersLastEpochDiverges() throws Exception {
        Partition p = partition(false);
        p.makeLeader(0, List.of(1, 2), List.of(1, 2), 0, 1, Uuid.ONE);
        p.appendAsLeader(values(3), 1, 1, AppendOrigin.CLIENT);            // epoch 0: offsets 0-2
        p.makeLeader(2, List.of(1, 2), List.of(1, 2), 1, 1, Uuid.ONE);
        p.appendAsLeader(values(2), 1, 1, AppendOrigin.CLIENT);            // epoch 2: offsets 3-4
        assertEquals(Optional.empty(), p.divergingEpoch(0, 3), "epoch 0 ends at 3 here too");
        assertEquals(Optional.of(new FetchResult.DivergingEpoch(0, 3)), p.divergingEpoch(0, 4));
        assertEquals(Optional.of(new FetchResult.DivergingEpoch(0, 3)), p.divergingEpoch(1, 3),
            "epoch 1 is unknown here: the largest below it ends at 3");
        assertEquals(Optional.empty(), p.divergingEpoch(2, 5));
        assertEquals(Optional.empty(), p.divergingEpoch(-1, 5), "no epoch, no check");
    }

    @Test
    void aFollowerAppendsWithTheLeadersOffsetsAndEpochsOnlyWhileItFollowsAtThatEpoch() throws Exception {
        Partition p = partition(false);
        p.makeFollower(2, 4, List.of(1, 2), List.of(1, 2), 0, 1, Uuid.ONE);
        p.appendRecordsAsFollower(replicated(0, 3, 2), 4);
        p.appendRecordsAsFollower(replicated(7, 4, 1), 4);   // a gap, as after compaction on the leader
        assertEquals(8, p.logEndOffset());
        assertEquals(List.of(new LeaderEpochCache.EpochEntry(3, 0), new LeaderEpochCache.EpochEntry(4, 7)),
            log.leaderEpochCache().entries());
        assertEquals(4, p.lastFetchedEpoch());
        p.updateFollowerHighWatermark(100);
        assertEquals(8, p.highWatermark(), "bounded by our own log end");
        ApiException e = assertThrows(ApiException.class, () -> p.appendRecordsAsFollower(replicated(8, 4, 1), 3));
        assertEquals(Errors.NOT_LEADER_OR_FOLLOWER, e.error());
        assertTrue(p.truncateTo(2, 4));
        assertEquals(3, p.lastFetchedEpoch());
        assertEquals(2, p.highWatermark());
    }
}
