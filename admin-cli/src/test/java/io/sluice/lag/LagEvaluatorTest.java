package io.sluice.lag;

import io.sluice.common.TopicPartition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Burrow's partition and group rules on synthetic windows, including Burrow-shaped fixtures. */
class LagEvaluatorTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);

    /** Commits at t = 0, 10 s, 20 s, ... with the given offsets and lags. */
    private static List<Commit> commits(long[] offsets, long[] lags) {
        List<Commit> list = new ArrayList<>();
        for (int i = 0; i < offsets.length; i++) {
            list.add(new Commit(offsets[i], i * 10_000L, lags[i]));
        }
        return list;
    }

    private static LagStatus status(long[] offsets, long[] lags, long currentLag, long now) {
        return LagEvaluator.partitionStatus(commits(offsets, lags), currentLag, now);
    }

    @Test
    void emptyWindowIsOk() {
        assertEquals(LagStatus.OK, LagEvaluator.partitionStatus(List.of(), 500, 1_000_000));
    }

    @Test
    void currentLagZeroIsOkWhatEverTheWindowSays() {
        // Rewound, stopped and lagging at every commit: still OK once caught up (a quiet topic, say).
        assertEquals(LagStatus.OK, status(new long[] {10, 5, 5}, new long[] {3, 8, 8}, 0, 10_000_000));
    }

    @Test
    void lagZeroAtAnyCommitIsOk() {
        assertEquals(LagStatus.OK, status(new long[] {10, 20, 30, 40}, new long[] {5, 0, 7, 9}, 12, 35_000));
        // ... even long after the last commit (which would otherwise be STOP).
        assertEquals(LagStatus.OK, status(new long[] {10, 20}, new long[] {0, 4}, 4, 1_000_000));
    }

    @Test
    void rewindWinsOverTheOtherRules() {
        // Offsets go back from 30 to 15; also stopped (now far beyond the window) and lag never decreasing.
        assertEquals(LagStatus.REWIND, status(new long[] {10, 20, 30, 15}, new long[] {5, 6, 7, 30}, 30, 1_000_000));
    }

    @Test
    void stopWhenTheLastCommitIsOlderThanTheWindowSpans() {
        long[] offsets = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
        long[] lags = {5, 6, 4, 7, 5, 6, 4, 7, 5, 6};
        // The window spans 0..90 s: at 180 s the last commit is exactly 90 s old, not yet STOP; at 180.001 s it is.
        assertEquals(LagStatus.OK, status(offsets, lags, 6, 180_000));
        assertEquals(LagStatus.STOP, status(offsets, lags, 6, 180_001));
    }

    @Test
    void stopComesBeforeStall() {
        long[] offsets = {10, 10, 10};
        long[] lags = {5, 6, 7};
        assertEquals(LagStatus.STALL, status(offsets, lags, 7, 25_000));
        assertEquals(LagStatus.STOP, status(offsets, lags, 7, 40_001));
    }

    @Test
    void stallWhenCommittingTheSameOffset() {
        assertEquals(LagStatus.STALL, status(new long[] {42, 42, 42, 42}, new long[] {8, 9, 9, 12}, 12, 30_000));
    }

    @Test
    void warnWhenMovingButLagNeverDecreases() {
        assertEquals(LagStatus.WARN, status(new long[] {10, 20, 30, 40}, new long[] {5, 5, 7, 9}, 9, 30_000));
    }

    @Test
    void okWhenLagDecreasesSomewhere() {
        assertEquals(LagStatus.OK, status(new long[] {10, 20, 30}, new long[] {5, 7, 6}, 6, 20_000));
    }

    @Test
    void partialWindowWithOneCommitIsStallRightAwayAndStopOnceTimePasses() {
        // Burrow's arithmetic on a one-commit window: it spans 0 ms, so any later instant is "longer than the window".
        assertEquals(LagStatus.STALL, status(new long[] {7}, new long[] {3}, 3, 0));
        assertEquals(LagStatus.STOP, status(new long[] {7}, new long[] {3}, 3, 1));
    }

    @Test
    void evaluateFillsBurrowFieldsAndTimeLag() {
        CommitWindow window = new CommitWindow(4);
        window.add(new Commit(10, 1_000, 5));
        window.add(new Commit(20, 2_000, 6));
        PartitionStatus p = LagEvaluator.evaluate(TP, window, 30, 1_500, 2_500);
        assertEquals(new Commit(10, 1_000, 5), p.start());
        assertEquals(new Commit(20, 2_000, 6), p.end());
        assertEquals(10, p.currentLag(), "end offset 30 - committed 20");
        assertEquals(0.5, p.complete(), "2 of 4 slots");
        assertEquals(LagStatus.WARN, p.status());
        assertEquals(1_000L, p.timeLagMs(), "now 2500 - timestamp 1500 of the oldest unconsumed record");
        assertEquals(30, p.endOffset());
    }

    @Test
    void evaluateEmptyWindowLagZeroNoCommits() {
        PartitionStatus p = LagEvaluator.evaluate(TP, new CommitWindow(10), 100, -1, 5_000);
        assertEquals(LagStatus.OK, p.status());
        assertNull(p.start());
        assertNull(p.end());
        assertEquals(0, p.currentLag());
        assertEquals(0.0, p.complete());
        assertNull(p.timeLagMs());
    }

    @Test
    void timeLagIsZeroWhenCaughtUpAndUnknownWithoutTimestamp() {
        CommitWindow window = new CommitWindow(2);
        window.add(new Commit(30, 1_000, 0));
        assertEquals(0L, LagEvaluator.evaluate(TP, window, 30, -1, 9_000).timeLagMs());
        assertNull(LagEvaluator.evaluate(TP, window, 31, -1, 9_000).timeLagMs());
    }

    @Test
    void currentLagGrowsWithTheEndOffsetWithoutNewCommits() {
        CommitWindow window = new CommitWindow(3);
        window.add(new Commit(50, 1_000, 0));
        assertEquals(0, LagEvaluator.evaluate(TP, window, 50, -1, 2_000).currentLag());
        assertEquals(25, LagEvaluator.evaluate(TP, window, 75, -1, 3_000).currentLag());
        assertEquals(125, LagEvaluator.evaluate(TP, window, 175, -1, 4_000).currentLag());
    }

    private static PartitionStatus partition(int index, LagStatus status, long lag, double complete) {
        return new PartitionStatus("t", index, "", "", status, null, null, lag, complete, -1, null);
    }

    @Test
    void groupIsTheWorstPartitionCappedAtErr() {
        for (LagStatus worst : List.of(LagStatus.STOP, LagStatus.STALL, LagStatus.REWIND)) {
            GroupStatus g = LagEvaluator.group("c", "g", List.of(partition(0, LagStatus.OK, 0, 1),
                partition(1, worst, 3, 1), partition(2, LagStatus.WARN, 2, 1)));
            assertEquals(LagStatus.ERR, g.status(), worst + " partition");
        }
        GroupStatus warn = LagEvaluator.group("c", "g", List.of(partition(0, LagStatus.OK, 0, 1),
            partition(1, LagStatus.WARN, 2, 1)));
        assertEquals(LagStatus.WARN, warn.status());
    }

    @Test
    void groupFigures() {
        PartitionStatus p0 = partition(0, LagStatus.OK, 4, 1.0);
        PartitionStatus p1 = partition(1, LagStatus.WARN, 9, 0.5);
        PartitionStatus p2 = partition(2, LagStatus.OK, 1, 1.0);
        PartitionStatus p3 = partition(3, LagStatus.OK, 0, 0.2);
        GroupStatus g = LagEvaluator.group("c", "g", List.of(p0, p1, p2, p3));
        assertEquals(14, g.totallag());
        assertSame(p1, g.maxlag());
        assertEquals(0.5, g.complete(), "2 of 4 partitions have a full window");
        assertEquals(4, g.partitionCount());
        GroupStatus notOk = g.onlyNotOk();
        assertEquals(List.of(p1), notOk.partitions());
        assertEquals(4, notOk.partitionCount());
        assertEquals(14, notOk.totallag());
    }

    @Test
    void groupWithoutPartitionsIsOk() {
        GroupStatus g = LagEvaluator.group("c", "g", List.of());
        assertEquals(LagStatus.OK, g.status());
        assertNull(g.maxlag());
        assertEquals(0, g.totallag());
    }
}
