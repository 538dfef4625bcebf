package io.sluice.core.group;

import static io.sluice.core.group.CoordinatorFixture.done;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.Errors;
import io.sluice.protocol.message.DescribeGroupsResponse;
import io.sluice.protocol.message.HeartbeatRequest;
import io.sluice.protocol.message.JoinGroupRequest;
import io.sluice.protocol.message.JoinGroupResponse;
import io.sluice.protocol.message.OffsetCommitRequest;
import io.sluice.protocol.message.OffsetCommitResponse;
import io.sluice.protocol.message.OffsetFetchRequest;
import io.sluice.protocol.message.OffsetFetchResponse;
import io.sluice.protocol.message.SyncGroupRequest;
import io.sluice.protocol.message.SyncGroupResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The runtime: commit before reply, loading, resigning, reloading after a failed append, timers, expiration. */
class GroupCoordinatorTest {
    private CoordinatorFixture f = new CoordinatorFixture();

    @AfterEach
    void close() {
        f.close();
    }

    private CompletableFuture<OffsetCommitResponse> commit(String group, int partition, long offset) {
        return f.coordinator.commitOffsets((short) 9, new OffsetCommitRequest(group, -1, "", null, -1, List.of(
            new OffsetCommitRequest.Topic("orders", List.of(new OffsetCommitRequest.Topic.Partition(partition, offset,
                -1, ""))))));
    }

    private static Errors error(OffsetCommitResponse r) {
        return Errors.forCode(r.topics().get(0).partitions().get(0).errorCode());
    }

    private long committed(String group, int partition) {
        OffsetFetchResponse.Group g = done(f.coordinator.fetchOffsets(group,
            List.of(new OffsetFetchRequest.Group.Topic("orders", List.of(partition)))));
        assertEquals(Errors.NONE.code(), g.errorCode());
        return g.topics().get(0).partitions().get(0).committedOffset();
    }

    private CompletableFuture<JoinGroupResponse> join(String group, String memberId) {
        return f.coordinator.joinGroup((short) 3, "client", "/10.0.0.1", new JoinGroupRequest(group, 10_000, 30_000,
            memberId, null, "consumer", MachineHarness.protocols("range"), null));
    }

    @Test
    void groupsOfPartitionsNotLedHereGetNotCoordinator() {
        assertEquals(Errors.NOT_COORDINATOR.code(), done(join("g", "")).errorCode());
        assertEquals(Errors.NOT_COORDINATOR, error(done(commit("g", 0, 1))));
        assertEquals(Errors.NOT_COORDINATOR.code(), done(f.coordinator.describeGroup("g")).errorCode());
    }

    @Test
    void whileLoadingRequestsGetLoadInProgressAndHeartbeatsNone() {
        f.coordinator.onBecomeLeader(f.coordinator.partitionFor("g"), 1);
        assertEquals(Errors.COORDINATOR_LOAD_IN_PROGRESS.code(), done(join("g", "")).errorCode());
        assertEquals(Errors.NONE.code(), done(f.coordinator.heartbeat((short) 4,
            new HeartbeatRequest("g", 1, "m", null))).errorCode());
        assertEquals(Errors.COORDINATOR_LOAD_IN_PROGRESS, done(f.coordinator.listGroups(List.of(), List.of())).error());
        f.runLoads();
        assertTrue(done(f.coordinator.isActive(f.coordinator.partitionFor("g"))));
        assertEquals(Errors.NONE, error(done(commit("g", 0, 1))));
    }

    @Test
    void aCommitIsAnsweredOnlyOnceReplicatedAndLaterReadsWaitForIt() {
        f.leadAll();
        f.log.holdReplication(true);
        CompletableFuture<OffsetCommitResponse> c = commit("g", 0, 42);
        CompletableFuture<OffsetFetchResponse.Group> read = f.coordinator.fetchOffsets("g", null);
        assertFalse(c.isDone());
        assertFalse(read.isDone(), "a read must not reveal an offset that could still be lost");
        f.log.replicate(1);
        assertEquals(Errors.NONE, error(done(c)));
        assertEquals(42, done(read).topics().get(0).partitions().get(0).committedOffset());
    }

    @Test
    void anAppendThatFailsWithoutBeingWrittenReloadsThePartition() {
        f.leadAll();
        assertEquals(Errors.NONE, error(done(commit("g", 0, 1))));
        f.log.failNextAppend(Errors.NOT_ENOUGH_REPLICAS);
        assertEquals(Errors.COORDINATOR_NOT_AVAILABLE, error(done(commit("g", 0, 2))));
        assertEquals(Errors.COORDINATOR_LOAD_IN_PROGRESS, error(done(commit("g", 0, 3))), "reloading");
        f.runLoads();
        assertEquals(1, committed("g", 0), "the failed commit is gone");
    }

    @Test
    void anAppendNotReplicatedInTimeFailsTheRequestButStaysApplied() {
        f.leadAll();
        f.log.holdReplication(true);
        CompletableFuture<OffsetCommitResponse> c = commit("g", 0, 5);
        f.log.timeOutOldest();
        assertEquals(Errors.COORDINATOR_NOT_AVAILABLE, error(done(c)));
        assertEquals(5, committed("g", 0), "written to the log: it will be replicated (or the partition moves)");
    }

    @Test
    void aTooLargeCommitIsInvalidCommitOffsetSize() {
        f.leadAll();
        f.log.failNextAppend(Errors.MESSAGE_TOO_LARGE);
        assertEquals(Errors.INVALID_COMMIT_OFFSET_SIZE, error(done(commit("g", 0, 1))));
    }

    @Test
    void resigningAnswersParkedRequestsNotCoordinatorAndDropsTheGroups() {
        CoordinatorFixture delayed = new CoordinatorFixture(GroupConfig.defaults());
        f.close();
        f = delayed;
        f.leadAll();
        CompletableFuture<JoinGroupResponse> join = join("g", "");
        assertFalse(join.isDone(), "parked in the initial delay");
        f.coordinator.onResign(f.coordinator.partitionFor("g"));
        assertEquals(Errors.NOT_COORDINATOR.code(), done(join).errorCode());
        assertEquals(Errors.NOT_COORDINATOR.code(), done(f.coordinator.describeGroup("g")).errorCode());
        f.time.advance(10_000);                    // the cancelled timers do nothing
    }

    @Test
    void timersRunThroughTheScheduler() {
        CoordinatorFixture delayed = new CoordinatorFixture(GroupConfig.defaults());
        f.close();
        f = delayed;
        f.leadAll();
        CompletableFuture<JoinGroupResponse> join = join("g", "");
        f.time.advance(2_999);
        assertFalse(join.isDone());
        f.time.advance(1);
        JoinGroupResponse r = done(join);
        assertEquals(1, r.generationId());
        SyncGroupResponse sync = done(f.coordinator.syncGroup((short) 5, new SyncGroupRequest("g", 1, r.memberId(), null,
            "consumer", "range", List.of(new SyncGroupRequest.Assignment(r.memberId(), ByteBuffer.wrap(new byte[] {4}))))));
        assertEquals(Errors.NONE.code(), sync.errorCode());
        f.time.advance(10_000);                    // no heartbeat: the session expires
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), done(f.coordinator.heartbeat((short) 4,
            new HeartbeatRequest("g", 2, r.memberId(), null))).errorCode());
        assertEquals("Empty", done(f.coordinator.describeGroup("g")).groupState());
    }

    @Test
    void aNewLeaderReplaysThePartitionAndKnowsTheGroupsAndOffsets() {
        f.leadAll();
        JoinGroupResponse j = done(join("g", ""));
        done(f.coordinator.syncGroup((short) 5, new SyncGroupRequest("g", 1, j.memberId(), null, null, null,
            List.of(new SyncGroupRequest.Assignment(j.memberId(), ByteBuffer.wrap(new byte[] {9}))))));
        assertEquals(Errors.NONE, error(done(f.coordinator.commitOffsets((short) 9, new OffsetCommitRequest("g", 1,
            j.memberId(), null, -1, List.of(new OffsetCommitRequest.Topic("orders",
                List.of(new OffsetCommitRequest.Topic.Partition(0, 77, 2, "x")))))))));
        int partition = f.coordinator.partitionFor("g");

        try (CoordinatorFixture other = new CoordinatorFixture(GroupConfig.defaults().withInitialRebalanceDelayMs(0),
                f.log)) {
            other.coordinator.onBecomeLeader(partition, 2);
            other.runLoads();
            f.coordinator.onResign(partition);
            OffsetFetchResponse.Group g = done(other.coordinator.fetchOffsets("g", null));
            assertEquals(77, g.topics().get(0).partitions().get(0).committedOffset());
            assertEquals(2, g.topics().get(0).partitions().get(0).committedLeaderEpoch());
            DescribeGroupsResponse.Group d = done(other.coordinator.describeGroup("g"));
            assertEquals("Stable", d.groupState());
            assertEquals(ByteBuffer.wrap(new byte[] {9}), d.members().get(0).memberAssignment());
            assertEquals("/10.0.0.1", d.members().get(0).clientHost());
            assertEquals(Errors.NONE.code(), done(other.coordinator.heartbeat((short) 4,
                new HeartbeatRequest("g", 1, j.memberId(), null))).errorCode(), "the member carries on");
        }
    }

    @Test
    void offsetsOfDeletedTopicsAreDroppedDurablyAlsoByPartitionsStillLoading() {
        f.leadAll();
        assertEquals(Errors.NONE, error(done(commit("g", 0, 7))));
        int partition = f.coordinator.partitionFor("g");
        f.coordinator.onTopicsDeleted(java.util.Set.of("orders"));
        assertEquals(-1, committed("g", 0));

        try (CoordinatorFixture other = new CoordinatorFixture(GroupConfig.defaults().withInitialRebalanceDelayMs(0),
                f.log)) {
            other.coordinator.onBecomeLeader(partition, 2);
            other.runLoads();
            assertEquals(Errors.NONE.code(), done(other.coordinator.fetchOffsets("g", null)).errorCode());
            assertTrue(done(other.coordinator.fetchOffsets("g", null)).topics().isEmpty(),
                "the tombstones are in the log: a new coordinator does not bring the offsets back");
        }

        // A partition that is loading when the deletion is reported drops the offsets once loaded.
        assertEquals(Errors.NONE, error(done(commit("h", 0, 9))));
        int hPartition = f.coordinator.partitionFor("h");
        try (CoordinatorFixture other = new CoordinatorFixture(GroupConfig.defaults().withInitialRebalanceDelayMs(0),
                f.log)) {
            other.coordinator.onBecomeLeader(hPartition, 3);
            other.coordinator.onTopicsDeleted(java.util.Set.of("orders"));
            other.runLoads();
            assertTrue(done(other.coordinator.fetchOffsets("h", null)).topics().isEmpty());
        }
    }

    @Test
    void aLoadForAnOlderLeaderEpochIsDiscarded() {
        int partition = f.coordinator.partitionFor("g");
        f.coordinator.onBecomeLeader(partition, 1);
        f.coordinator.onBecomeLeader(partition, 2);
        f.runLoads();
        assertTrue(done(f.coordinator.isActive(partition)));
        f.coordinator.onBecomeLeader(partition, 2);            // the same epoch again: nothing to do
        assertTrue(done(f.coordinator.isActive(partition)));
    }

    @Test
    void offsetsExpirePeriodically() {
        CoordinatorFixture expiring = new CoordinatorFixture(GroupConfig.defaults().withInitialRebalanceDelayMs(0)
            .withOffsetsRetentionMs(60_000));
        f.close();
        f = expiring;
        f.coordinator.startup();
        f.leadAll();
        assertEquals(Errors.NONE, error(done(commit("g", 0, 1))));
        int appends = f.log.appendCount();
        f.time.advance(600_000);                   // offsets.retention.check.interval.ms
        assertEquals(appends + 1, f.log.appendCount(), "one batch of tombstones");
        assertEquals(-1, committed("g", 0));
        List<GroupRecord> records = f.log.records(f.coordinator.partitionFor("g"));
        assertEquals(GroupRecord.GroupMetadata.tombstone("g"), records.get(records.size() - 1));
    }

    @Test
    void listGroupsCoversEveryLoadedPartition() {
        f.leadAll();
        for (String g : List.of("a", "b", "c", "d", "e")) {
            commit(g, 0, 1);
        }
        GroupCoordinator.ListedGroups listed = done(f.coordinator.listGroups(List.of(), List.of()));
        assertEquals(Errors.NONE, listed.error());
        assertEquals(List.of("a", "b", "c", "d", "e"), listed.groups().stream().map(x -> x.groupId()).toList());
    }
}
