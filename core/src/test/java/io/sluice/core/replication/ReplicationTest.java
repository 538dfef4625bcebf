package io.sluice.core.replication;

import static io.sluice.core.replication.ReplicationHarness.TP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.Errors;
import io.sluice.core.log.TopicPartition;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leaders and followers of one partition across in-memory brokers: follower fetches through the real Fetch and
 * OffsetForLeaderEpoch handlers, truncation by leader epochs, the HW, the ISR and acks=all. No threads, no sleeps.
 */
class ReplicationTest {
    private static final short ACKS_ALL = -1;
    private static final short ACKS_ONE = 1;

    @TempDir
    Path dir;
    private ReplicationHarness cluster;

    private ReplicationHarness cluster(boolean fsync, Map<String, String> topicConfig, int... ids) throws Exception {
        cluster = new ReplicationHarness(dir, ReplicationHarness.config(fsync), topicConfig, ids);
        return cluster;
    }

    @AfterEach
    void close() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Errors error(CompletableFuture<Map<TopicPartition, ProduceResult>> f) {
        assertTrue(f.isDone(), "the produce should have completed");
        return f.join().get(TP).error();
    }

    @Test
    void followersAppendWithTheLeadersOffsetsAndEpochsAndLearnTheHighWatermark() throws Exception {
        ReplicationHarness c = cluster(true, Map.of(), 1, 2, 3);
        c.elect(1, List.of(1, 2, 3));
        c.elect(1, List.of(1, 2, 3));   // leader epoch 1: the records carry it
        assertEquals(Errors.NONE, error(c.produce(1, ACKS_ONE, "a", "b")));
        assertEquals(Errors.NONE, error(c.produce(1, ACKS_ONE, "c")));
        c.replicate();
        List<String> expected = List.of("0@1:a", "1@1:b", "2@1:c");
        for (int id : List.of(1, 2, 3)) {
            assertEquals(expected, ReplicationHarness.contents(c.node(id).log()), "broker " + id);
            assertEquals(3, c.node(id).partition().highWatermark(), "HW of broker " + id);
            assertEquals(List.of(new io.sluice.core.log.LeaderEpochCache.EpochEntry(1, 0)),
                c.node(id).log().leaderEpochCache().entries(), "epoch cache of broker " + id);
        }
    }

    @Test
    void acksAllCompletesOnlyOnceEveryIsrMemberHasFlushedTheBatch() throws Exception {
        ReplicationHarness c = cluster(true, Map.of(), 1, 2, 3);
        c.elect(1, List.of(1, 2, 3));
        CompletableFuture<Map<TopicPartition, ProduceResult>> produce = c.produce(1, ACKS_ALL, "a");
        c.flushLeaders();
        assertFalse(produce.isDone());
        c.fetchRound(2);   // broker 2 gets it and flushes it
        assertEquals(c.node(2).log().logEndOffset(), c.node(2).log().recoveryPoint(), "the follower flushed what it got");
        c.fetchRound(2);   // ... and acknowledges it with its next fetch offset
        assertFalse(produce.isDone(), "broker 3 does not have it yet");
        c.fetchRound(3);
        assertFalse(produce.isDone());
        c.fetchRound(3);
        assertEquals(Errors.NONE, error(produce));
        assertEquals(1, c.node(1).partition().highWatermark());
    }

    @Test
    void theHighWatermarkDoesNotPassLeaderDataThatIsNotFlushed() throws Exception {
        ReplicationHarness c = cluster(true, Map.of(), 1, 2);
        c.elect(1, List.of(1, 2));
        CompletableFuture<Map<TopicPartition, ProduceResult>> produce = c.produce(1, ACKS_ALL, "a", "b");
        c.fetchRound(2);
        c.fetchRound(2);
        assertEquals(2, c.node(1).partition().followerState(2).orElseThrow().logEndOffset());
        assertEquals(0, c.node(1).partition().highWatermark(), "the leader has not fsynced offsets 0-1 yet");
        assertFalse(produce.isDone());
        assertEquals(1, c.node(1).replicas.flusher().flushScheduled(), "one group commit for the partition");
        assertEquals(2, c.node(1).partition().highWatermark());
        assertEquals(Errors.NONE, error(produce));
    }

    @Test
    void withoutTheSwitchTheHighWatermarkFollowsTheLogEndAsInKafka() throws Exception {
        ReplicationHarness c = cluster(false, Map.of(), 1, 2);
        c.elect(1, List.of(1, 2));
        CompletableFuture<Map<TopicPartition, ProduceResult>> produce = c.produce(1, ACKS_ALL, "a", "b");
        c.fetchRound(2);
        c.fetchRound(2);
        assertEquals(2, c.node(1).partition().highWatermark());
        assertEquals(Errors.NONE, error(produce));
        assertTrue(c.node(2).log().recoveryPoint() < 2, "no flush on the follower either");
    }

    @Test
    void aFollowerWithRecordsFromAnOldEpochTruncatesExactlyToWhereTheLogsAgree() throws Exception {
        ReplicationHarness c = cluster(true, Map.of(), 1, 2, 3);
        c.elect(1, List.of(1, 2, 3));
        c.produce(1, ACKS_ONE, "a", "b");
        c.replicate();
        c.stop(2);
        c.stop(3);
        c.produce(1, ACKS_ONE, "c", "d");   // offsets 2-3 only on broker 1: never acknowledged to acks=all
        c.stop(1);
        c.start(2);
        c.start(3);
        assertEquals(Optional.of(1), c.node(3).replicas.fetcherManager().sourceOf(TP));
        c.elect(2, List.of(2, 3));
        assertEquals(Optional.of(2), c.node(3).replicas.fetcherManager().sourceOf(TP), "moved to the new leader's fetcher");
        assertTrue(c.node(3).replicas.fetcherManager().fetcher(1).isEmpty(), "the idle fetcher was stopped");
        assertTrue(c.node(2).replicas.fetcherManager().sourceOf(TP).isEmpty(), "a leader fetches from nobody");
        assertEquals(Errors.NONE, error(c.produce(2, ACKS_ONE, "x")));
        c.replicate();
        c.start(1);
        c.publish();
        assertEquals(4, c.node(1).partition().logEndOffset());
        c.fetchRound(1);   // diverging epoch {0, 2}: truncate to min(2, our end of epoch 0 = 4)
        assertEquals(2, c.node(1).partition().logEndOffset());
        c.replicate();
        List<String> expected = List.of("0@0:a", "1@0:b", "2@1:x");
        for (int id : List.of(1, 2, 3)) {
            assertEquals(expected, ReplicationHarness.contents(c.node(id).log()), "broker " + id);
        }
    }

    @Test
    void severalFastLeaderChangesConverge() throws Exception {
        // KIP-279's case: each broker holds a record of an epoch the other never saw, at the same offset.
        ReplicationHarness c = cluster(true, Map.of(), 1, 2);
        c.elect(1, List.of(1, 2));                 // epoch 0
        c.produce(1, ACKS_ONE, "a");
        c.replicate();
        c.stop(2);
        c.produce(1, ACKS_ONE, "b");               // offset 1, epoch 0, only on 1
        c.stop(1);
        c.start(2);
        c.elect(2, List.of(2));                    // epoch 1
        c.produce(2, ACKS_ONE, "c");               // offset 1, epoch 1, only on 2
        c.stop(2);
        c.start(1);
        c.elect(1, List.of(1));                    // epoch 2
        c.produce(1, ACKS_ONE, "d");               // offset 2, epoch 2
        c.start(2);
        c.publish();
        c.replicate();
        List<String> expected = List.of("0@0:a", "1@0:b", "2@2:d");
        assertEquals(expected, ReplicationHarness.contents(c.node(1).log()));
        assertEquals(expected, ReplicationHarness.contents(c.node(2).log()));
        assertEquals(c.node(1).log().leaderEpochCache().entries(), c.node(2).log().leaderEpochCache().entries());
    }

    @Test
    void aDeposedLeaderThatWroteNothingInItsEpochDoesNotLoopOnItsEmptyEpoch() throws Exception {
        ReplicationHarness c = cluster(true, Map.of(), 1, 2);
        c.elect(1, List.of(1, 2));                 // epoch 0
        c.produce(1, ACKS_ONE, "a");
        c.replicate();
        c.elect(1, List.of(1, 2));                 // epoch 1 at offset 1, nothing written in it
        c.elect(2, List.of(1, 2));                 // epoch 2
        c.produce(2, ACKS_ONE, "b");
        c.replicate();
        assertEquals(List.of("0@0:a", "1@2:b"), ReplicationHarness.contents(c.node(1).log()));
        assertEquals(2, c.node(1).partition().highWatermark());
    }

    @Test
    void aFollowerBehindTheLeadersLogStartRestartsItsLogThere() throws Exception {
        ReplicationHarness c = cluster(true, Map.of(), 1, 2);
        c.elect(1, List.of(1));
        for (String v : List.of("a", "b", "c", "d", "e")) {
            c.produce(1, ACKS_ONE, v);
        }
        c.flushLeaders();
        assertEquals(5, c.node(1).partition().highWatermark());
        c.node(1).partition().deleteRecordsBefore(3);
        c.publish();
        c.replicate();
        assertEquals(3, c.node(2).log().logStartOffset());
        assertEquals(List.of("3@0:d", "4@0:e"), ReplicationHarness.contents(c.node(2).log()));
    }

    @Test
    void aFollowerAboveTheLeadersEndWithoutEpochsAsksOffsetForLeaderEpochAndKeepsWhatWasCommitted() throws Exception {
        ReplicationHarness c = cluster(true, Map.of(), 1, 2, 3);
        c.elect(1, List.of(1, 2, 3));
        c.produce(1, ACKS_ONE, "a", "b");
        c.replicate();
        c.stop(2);
        c.stop(3);
        c.produce(1, ACKS_ONE, "c", "d");
        c.stop(1);
        c.start(2);
        c.start(3);
        c.elect(2, List.of(2, 3));
        c.start(1);
        c.publish();
        c.node(1).log().leaderEpochCache().clear();   // a log written before epochs were recorded
        assertEquals(-1, c.node(1).partition().lastFetchedEpoch());
        c.fetchRound(1);   // fetch offset 4 > leader end 2: OFFSET_OUT_OF_RANGE
        assertEquals(4, c.node(1).partition().logEndOffset());
        c.fetchRound(1);   // OffsetForLeaderEpoch(-1) is undefined: keep min(own HW, leader HW) = 2
        assertEquals(2, c.node(1).partition().logEndOffset());
        c.produce(2, ACKS_ONE, "x");
        c.replicate();
        assertEquals(List.of("0@0:a", "1@0:b", "2@1:x"), ReplicationHarness.contents(c.node(1).log()));
    }

    @Test
    void theIsrShrinksAfterTheLagTimeAndExpandsWhenTheFollowerCatchesUp() throws Exception {
        ReplicationHarness c = cluster(true, Map.of(), 1, 2, 3);
        c.elect(1, List.of(1, 2, 3));
        c.produce(1, ACKS_ONE, "a");
        c.flushLeaders();
        c.fetchRound(2);
        c.fetchRound(2);
        c.time.advance(20_000);
        c.node(1).replicas.maybeShrinkIsr();
        assertEquals(List.of(1, 2, 3), c.node(1).partition().isr(), "within replica.lag.time.max.ms");
        c.fetchRound(2);
        c.time.advance(10_001);
        c.node(1).replicas.maybeShrinkIsr();
        assertEquals(List.of(1, 2), c.zkState.isr(), "broker 3 never fetched: out after 30 s");
        assertEquals(List.of(1, 2), c.node(1).partition().isr());
        assertEquals(0, c.zkState.leaderEpoch(), "an ISR change keeps the leader epoch");
        assertEquals(1, c.node(1).partition().highWatermark(), "the HW no longer waits for broker 3");

        c.fetchRound(3);   // appends offset 0, now at the HW
        assertEquals(List.of(1, 2), c.zkState.isr());
        c.fetchRound(3);   // its fetch offset 1 >= HW 1: back in
        assertEquals(List.of(1, 2, 3), c.zkState.isr());
        assertEquals(List.of(1, 2, 3), c.node(1).partition().isr());
        assertEquals(c.zkVersion, c.node(1).partition().zkVersion());
    }

    @Test
    void aFollowerInControlledShutdownIsNotAddedBackToTheIsr() throws Exception {
        ReplicationHarness c = cluster(true, Map.of(), 1, 2, 3);
        c.elect(1, List.of(1, 2));        // the controller moved broker 3 out: it is shutting down
        c.shuttingDown.add(3);
        c.publish();
        c.produce(1, ACKS_ONE, "a");
        c.flushLeaders();
        c.fetchRound(2);
        c.fetchRound(3);
        c.fetchRound(3);                   // caught up, but leaving
        assertEquals(List.of(1, 2), c.zkState.isr(), "a broker in controlled shutdown stays out of the ISR");
        c.shuttingDown.remove(3);          // it stayed after all (the shutdown znode went with a new session)
        c.publish();
        c.fetchRound(3);
        assertEquals(List.of(1, 2, 3), c.zkState.isr(), "once it no longer shuts down it rejoins");
    }

    @Test
    void untilAnIsrShrinkIsWrittenTheHighWatermarkStillWaitsForTheLeavingMember() throws Exception {
        ReplicationHarness c = cluster(true, Map.of(), 1, 2, 3);
        c.elect(1, List.of(1, 2, 3));
        c.holdIsrWrites = true;
        c.time.advance(30_001);
        c.fetchRound(2);
        c.node(1).replicas.maybeShrinkIsr();
        assertEquals(1, c.heldIsrWrites.size());
        assertEquals(List.of(1, 2), c.heldIsrWrites.get(0).getKey().newIsr());
        CompletableFuture<Map<TopicPartition, ProduceResult>> produce = c.produce(1, ACKS_ALL, "a");
        c.flushLeaders();
        c.fetchRound(2);
        c.fetchRound(2);
        assertEquals(0, c.node(1).partition().highWatermark(), "ISR [1,2,3] until the write of [1,2] succeeds");
        assertFalse(produce.isDone());
        c.completeIsrWrites();
        assertEquals(List.of(1, 2), c.node(1).partition().isr());
        assertEquals(1, c.node(1).partition().highWatermark());
        assertEquals(Errors.NONE, error(produce));
    }

    @Test
    void aConflictingIsrWriteAdoptsTheNewerStateOfTheSameEpochOrFencesTheLeader() throws Exception {
        ReplicationHarness c = cluster(true, Map.of(), 1, 2, 3);
        c.elect(1, List.of(1, 2, 3));
        c.holdIsrWrites = true;
        c.time.advance(30_001);
        c.fetchRound(2);
        c.node(1).replicas.maybeShrinkIsr();   // proposes [1, 2]
        c.controllerSetsIsr(List.of(1, 3));    // meanwhile someone else writes the same epoch
        c.completeIsrWrites();
        assertEquals(List.of(1, 3), c.node(1).partition().isr(), "adopted what ZooKeeper has");
        assertEquals(c.zkVersion, c.node(1).partition().zkVersion());
        assertEquals(Errors.NONE, error(c.produce(1, ACKS_ONE, "still leader")));

        // Now the controller moves leadership, and broker 1 has not seen the image yet.
        c.zkState = new io.sluice.coordinator.metadata.PartitionState(2, 1, List.of(2, 3), 1, ++c.zkVersion);
        c.time.advance(30_001);
        c.node(1).replicas.maybeShrinkIsr();
        c.completeIsrWrites();
        assertTrue(c.node(1).partition().fencedReason().isPresent());
        assertEquals(Errors.NOT_LEADER_OR_FOLLOWER, error(c.produce(1, ACKS_ONE, "zombie")));
        c.publish();
        assertFalse(c.node(1).partition().isLeader());
    }

    @Test
    void aWriteWithUnknownOutcomeKeepsTheLargerIsrAndIsRetried() throws Exception {
        ReplicationHarness c = cluster(true, Map.of(), 1, 2);
        c.elect(1, List.of(1, 2));
        c.node(1).replicas.onZooKeeperSessionLost("SUSPENDED");
        c.time.advance(30_001);
        c.node(1).replicas.maybeShrinkIsr();   // cannot write now: kept pending
        assertEquals(List.of(1, 2), c.node(1).partition().maximalIsr());
        assertTrue(c.isrWrites.isEmpty());
        assertTrue(c.node(1).replicas.onZooKeeperSessionRestored(c.zkReader()));
        c.node(1).replicas.maybeShrinkIsr();   // the retry
        assertEquals(List.of(1), c.zkState.isr());
        assertEquals(List.of(1), c.node(1).partition().isr());
    }

    @Test
    void acksAllNeedsMinInsyncReplicasAndNothingIsAppendedWithout() throws Exception {
        ReplicationHarness c = cluster(true, Map.of("min.insync.replicas", "2"), 1, 2, 3);
        c.elect(1, List.of(1));
        assertEquals(Errors.NOT_ENOUGH_REPLICAS, error(c.produce(1, ACKS_ALL, "a")));
        assertEquals(0, c.node(1).partition().logEndOffset());
        assertEquals(Errors.NONE, error(c.produce(1, ACKS_ONE, "b")));
        assertEquals(1, c.node(1).partition().logEndOffset());
    }

    @Test
    void anIsrThatShrinksBelowMinInsyncWhileWaitingAnswersNotEnoughReplicasAfterAppend() throws Exception {
        ReplicationHarness c = cluster(true, Map.of("min.insync.replicas", "2"), 1, 2);
        c.elect(1, List.of(1, 2));
        CompletableFuture<Map<TopicPartition, ProduceResult>> produce = c.produce(1, ACKS_ALL, "a");
        c.flushLeaders();
        assertFalse(produce.isDone());
        c.time.advance(30_001);
        c.node(1).replicas.maybeShrinkIsr();
        assertEquals(List.of(1), c.node(1).partition().isr());
        assertEquals(Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND, error(produce));
    }

    @Test
    void aLeaderWithoutAZooKeeperSessionRefusesProduceUntilItReReadItsState() throws Exception {
        ReplicationHarness c = cluster(true, Map.of(), 1, 2);
        c.elect(1, List.of(1, 2));
        c.node(1).replicas.onZooKeeperSessionLost("LOST");
        assertEquals(Errors.NOT_LEADER_OR_FOLLOWER, error(c.produce(1, ACKS_ONE, "a")));
        assertEquals(0, c.node(1).partition().logEndOffset());
        assertTrue(c.node(1).replicas.onZooKeeperSessionRestored(c.zkReader()));
        assertEquals(Errors.NONE, error(c.produce(1, ACKS_ONE, "b")));

        // Lost again; meanwhile the controller moved leadership: after the session is back, still refused.
        c.node(1).replicas.onZooKeeperSessionLost("SUSPENDED");
        c.zkState = new io.sluice.coordinator.metadata.PartitionState(2, 1, List.of(2), 1, ++c.zkVersion);
        assertTrue(c.node(1).replicas.onZooKeeperSessionRestored(c.zkReader()));
        assertEquals(Errors.NOT_LEADER_OR_FOLLOWER, error(c.produce(1, ACKS_ONE, "c")));
    }

    @Test
    void deleteRecordsCompletesWhenEveryLiveReplicaMovedItsLogStart() throws Exception {
        ReplicationHarness c = cluster(true, Map.of(), 1, 2, 3);
        c.elect(1, List.of(1, 2, 3));
        for (String v : List.of("a", "b", "c", "d")) {
            c.produce(1, ACKS_ONE, v);
        }
        c.replicate();
        assertEquals(4, c.node(1).partition().highWatermark());
        CompletableFuture<Map<TopicPartition, DeleteRecordsResult>> delete =
            c.node(1).replicas.deleteRecords(30_000, Map.of(TP, 3L));
        assertFalse(delete.isDone(), "followers still start at 0");
        assertEquals(0, c.node(1).partition().lowWatermark(id -> true));
        c.replicate();
        assertEquals(3, c.node(2).log().logStartOffset());
        assertEquals(3, c.node(3).log().logStartOffset());
        assertTrue(delete.isDone());
        assertEquals(new DeleteRecordsResult(Errors.NONE, null, 3), delete.join().get(TP));
    }

    @Test
    void aFollowersHighWatermarkIsTheLeadersBoundedByItsOwnLogEnd() throws Exception {
        ReplicationHarness c = new ReplicationHarness(dir, new ReplicationConfig(30_000, 0, 1, 1 << 20, 200, 1_000,
            30_000, 1, true, "PLAINTEXT"), Map.of(), 1, 2);
        cluster = c;
        c.elect(1, List.of(1));
        for (int i = 0; i < 10; i++) {
            c.produce(1, ACKS_ONE, "record-" + i + "-0123456789012345678901234567890123456789");
        }
        c.flushLeaders();
        assertEquals(10, c.node(1).partition().highWatermark());
        c.fetchRound(2);   // a 200-byte response carries only some batches
        long end = c.node(2).partition().logEndOffset();
        assertTrue(end > 0 && end < 10, "partial fetch, got " + end);
        assertEquals(end, c.node(2).partition().highWatermark());
        c.replicate();
        assertEquals(10, c.node(2).partition().highWatermark());
    }
    @Test
    void theHighWatermarkNeverCoversDataThatSomeIsrMemberHasNotFlushed() throws Exception {
        long seed = 20261122L;
        java.util.Random random = new java.util.Random(seed);
        ReplicationHarness c = cluster(true, Map.of(), 1, 2, 3);
        c.elect(1, List.of(1, 2, 3));
        long previousHw = 0;
        for (int step = 0; step < 300; step++) {
            int action = random.nextInt(10);
            if (action < 4) {
                c.produce(1, random.nextBoolean() ? ACKS_ALL : ACKS_ONE, "v" + step);
            } else if (action < 8) {
                c.fetchRound(2 + random.nextInt(2));
            } else if (action < 9) {
                c.flushLeaders();
            } else {
                c.time.advance(random.nextInt(20_000));
                c.node(1).replicas.maybeShrinkIsr();
            }
            Partition leader = c.node(1).partition();
            long hw = leader.highWatermark();
            assertTrue(hw >= previousHw, "seed " + seed + ", step " + step + ": the HW went back");
            previousHw = hw;
            for (int member : leader.maximalIsr()) {
                long flushed = c.node(member).log().recoveryPoint();
                assertTrue(hw <= flushed, "seed " + seed + ", step " + step + ": HW " + hw + " is above what ISR member "
                    + member + " flushed (" + flushed + ")");
            }
        }
    }
}
