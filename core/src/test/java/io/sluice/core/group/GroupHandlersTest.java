package io.sluice.core.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.common.Uuid;
import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.core.handler.DeleteGroupsHandler;
import io.sluice.core.handler.DescribeGroupsHandler;
import io.sluice.core.handler.FindCoordinatorHandler;
import io.sluice.core.handler.HeartbeatHandler;
import io.sluice.core.handler.JoinGroupHandler;
import io.sluice.core.handler.LeaveGroupHandler;
import io.sluice.core.handler.ListGroupsHandler;
import io.sluice.core.handler.OffsetCommitHandler;
import io.sluice.core.handler.OffsetDeleteHandler;
import io.sluice.core.handler.OffsetFetchHandler;
import io.sluice.core.handler.SyncGroupHandler;
import io.sluice.core.metadata.TestImages;
import io.sluice.protocol.message.DeleteGroupsRequest;
import io.sluice.protocol.message.DeleteGroupsResponse;
import io.sluice.protocol.message.DescribeGroupsRequest;
import io.sluice.protocol.message.DescribeGroupsResponse;
import io.sluice.protocol.message.FindCoordinatorRequest;
import io.sluice.protocol.message.FindCoordinatorResponse;
import io.sluice.protocol.message.HeartbeatRequest;
import io.sluice.protocol.message.JoinGroupRequest;
import io.sluice.protocol.message.JoinGroupResponse;
import io.sluice.protocol.message.LeaveGroupRequest;
import io.sluice.protocol.message.LeaveGroupResponse;
import io.sluice.protocol.message.ListGroupsRequest;
import io.sluice.protocol.message.ListGroupsResponse;
import io.sluice.protocol.message.OffsetCommitRequest;
import io.sluice.protocol.message.OffsetCommitResponse;
import io.sluice.protocol.message.OffsetDeleteRequest;
import io.sluice.protocol.message.OffsetDeleteResponse;
import io.sluice.protocol.message.OffsetFetchRequest;
import io.sluice.protocol.message.OffsetFetchResponse;
import io.sluice.protocol.message.SyncGroupRequest;
import io.sluice.protocol.message.SyncGroupResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The group handlers in every version, over a real {@link GroupCoordinator} whose {@code __consumer_offsets} is an
 * in-memory fake: requests and responses go through the codec, so each version's shape is checked.
 */
class GroupHandlersTest {
    private final CoordinatorFixture f = new CoordinatorFixture().leadAll();
    private final GroupCoordinator c = f.coordinator;

    @AfterEach
    void close() {
        f.close();
    }

    private static List<JoinGroupRequest.Protocol> range() {
        return MachineHarness.protocols("range");
    }

    @Test
    void aWholeMembershipInEveryVersion() {
        for (int v = 0; v <= 9; v++) {
            String group = "g" + v;
            JoinGroupHandler joins = new JoinGroupHandler(c);
            JoinGroupRequest first = new JoinGroupRequest(group, 10_000, 20_000, "", null, "consumer", range(), "why");
            JoinGroupResponse r = HandlerCalls.call(joins, first, v);
            if (v >= 4) {
                assertEquals(Errors.MEMBER_ID_REQUIRED.code(), r.errorCode(), "v" + v);
                r = HandlerCalls.call(joins, new JoinGroupRequest(group, 10_000, 20_000, r.memberId(), null, "consumer",
                    range(), null), v);
            }
            assertEquals(Errors.NONE.code(), r.errorCode(), "v" + v);
            String member = r.memberId();
            assertTrue(member.startsWith("client-a-"), member);
            assertEquals(1, r.generationId());
            assertEquals(member, r.leader());
            assertEquals("range", r.protocolName());
            assertEquals(v >= 7 ? "consumer" : null, r.protocolType());
            assertEquals(1, r.members().size());

            int syncVersion = Math.min(v, 5);
            SyncGroupResponse s = HandlerCalls.call(new SyncGroupHandler(c), new SyncGroupRequest(group, 1, member, null,
                "consumer", "range", List.of(new SyncGroupRequest.Assignment(member, ByteBuffer.wrap(new byte[] {1, 2})))),
                syncVersion);
            assertEquals(Errors.NONE.code(), s.errorCode());
            assertEquals(ByteBuffer.wrap(new byte[] {1, 2}), s.assignment());
            assertEquals(syncVersion >= 5 ? "range" : null, s.protocolName());

            assertEquals(Errors.NONE.code(), HandlerCalls.call(new HeartbeatHandler(c),
                new HeartbeatRequest(group, 1, member, null), Math.min(v, 4)).errorCode());

            int commitVersion = Math.max(2, v);
            OffsetCommitResponse oc = HandlerCalls.call(new OffsetCommitHandler(c), new OffsetCommitRequest(group, 1,
                member, null, -1, List.of(new OffsetCommitRequest.Topic("orders", List.of(
                    new OffsetCommitRequest.Topic.Partition(0, 100 + v, 4, "m"))))), commitVersion);
            assertEquals(Errors.NONE.code(), oc.topics().get(0).partitions().get(0).errorCode(), "commit v" + commitVersion);

            int leaveVersion = Math.min(v, 5);
            LeaveGroupRequest leave = leaveVersion >= 3
                ? new LeaveGroupRequest(group, List.of(new LeaveGroupRequest.Member(member, null, "done")), null)
                : new LeaveGroupRequest(group, null, member);
            LeaveGroupResponse l = HandlerCalls.call(new LeaveGroupHandler(c), leave, leaveVersion);
            assertEquals(Errors.NONE.code(), l.errorCode());
            if (leaveVersion >= 3) {
                assertEquals(Errors.NONE.code(), l.members().get(0).errorCode());
            }
            assertEquals("Empty", CoordinatorFixture.done(c.describeGroup(group)).groupState());
        }
    }

    @Test
    void offsetFetchInEveryVersion() {
        HandlerCalls.call(new OffsetCommitHandler(c), new OffsetCommitRequest("g", -1, "", null, -1, List.of(
            new OffsetCommitRequest.Topic("orders", List.of(new OffsetCommitRequest.Topic.Partition(1, 55, 6, "md"))))), 9);
        OffsetFetchHandler handler = new OffsetFetchHandler(c);
        for (int v = 1; v <= 7; v++) {
            OffsetFetchResponse r = HandlerCalls.call(handler, new OffsetFetchRequest(null, "g",
                List.of(new OffsetFetchRequest.Topic("orders", List.of(0, 1))), false), v);
            OffsetFetchResponse.Topic.Partition p0 = r.topics().get(0).partitions().get(0);
            OffsetFetchResponse.Topic.Partition p1 = r.topics().get(0).partitions().get(1);
            assertEquals(-1, p0.committedOffset(), "v" + v);
            assertEquals(55, p1.committedOffset());
            assertEquals("md", p1.metadata());
            assertEquals(v >= 5 ? 6 : -1, p1.committedLeaderEpoch());
            if (v >= 2) {
                OffsetFetchResponse all = HandlerCalls.call(handler, new OffsetFetchRequest(null, "g", null, false), v);
                assertEquals(1, all.topics().size());
                assertEquals(1, all.topics().get(0).partitions().size());
            }
        }
        for (int v = 8; v <= 9; v++) {
            OffsetFetchResponse r = HandlerCalls.call(handler, new OffsetFetchRequest(List.of(
                new OffsetFetchRequest.Group("g", null, -1, null),
                new OffsetFetchRequest.Group("unknown", null, -1,
                    List.of(new OffsetFetchRequest.Group.Topic("orders", List.of(3))))), null, null, true), v);
            assertEquals(2, r.groups().size());
            assertEquals(55, r.groups().get(0).topics().get(0).partitions().get(0).committedOffset());
            assertEquals(-1, r.groups().get(1).topics().get(0).partitions().get(0).committedOffset());
            assertEquals(Errors.NONE.code(), r.groups().get(1).errorCode());
        }
    }

    @Test
    void adminHandlers() {
        HandlerCalls.call(new OffsetCommitHandler(c), new OffsetCommitRequest("idle", -1, "", null, -1, List.of(
            new OffsetCommitRequest.Topic("orders", List.of(new OffsetCommitRequest.Topic.Partition(0, 1, -1, ""))))), 9);
        JoinGroupResponse j = HandlerCalls.call(new JoinGroupHandler(c), new JoinGroupRequest("busy", 10_000, 20_000, "",
            null, "consumer", range(), null), 3);
        HandlerCalls.call(new SyncGroupHandler(c), new SyncGroupRequest("busy", 1, j.memberId(), null, null, null,
            List.of()), 3);

        for (int v = 0; v <= 5; v++) {
            ListGroupsResponse list = HandlerCalls.call(new ListGroupsHandler(c),
                new ListGroupsRequest(List.of(), List.of()), v);
            assertEquals(List.of("busy", "idle"), list.groups().stream().map(ListGroupsResponse.Group::groupId).toList());
            assertEquals(v >= 4 ? "Stable" : "", list.groups().get(0).groupState());
            assertEquals("", list.groups().get(1).protocolType());
        }
        ListGroupsResponse empties = HandlerCalls.call(new ListGroupsHandler(c),
            new ListGroupsRequest(List.of("Empty"), List.of("classic")), 5);
        assertEquals(List.of("idle"), empties.groups().stream().map(ListGroupsResponse.Group::groupId).toList());

        for (int v = 0; v <= 5; v++) {
            DescribeGroupsResponse d = HandlerCalls.call(new DescribeGroupsHandler(c),
                new DescribeGroupsRequest(List.of("busy", "nope"), true), v);
            DescribeGroupsResponse.Group busy = d.groups().get(0);
            assertEquals("Stable", busy.groupState());
            assertEquals("client-a", busy.members().get(0).clientId());
            assertEquals("/127.0.0.1", busy.members().get(0).clientHost());
            assertEquals(v >= 3 ? (1 << 3) | (1 << 6) | (1 << 8) : Integer.MIN_VALUE, busy.authorizedOperations());
            assertEquals("Dead", d.groups().get(1).groupState());
            assertEquals(Errors.NONE.code(), d.groups().get(1).errorCode());
        }

        OffsetDeleteResponse od = HandlerCalls.call(new OffsetDeleteHandler(c), new OffsetDeleteRequest("busy", List.of(
            new OffsetDeleteRequest.Topic("orders", List.of(new OffsetDeleteRequest.Topic.Partition(0))))), 0);
        assertEquals(Errors.GROUP_SUBSCRIBED_TO_TOPIC.code(), od.topics().get(0).partitions().get(0).errorCode());

        for (int v = 0; v <= 2; v++) {
            DeleteGroupsResponse del = HandlerCalls.call(new DeleteGroupsHandler(c),
                new DeleteGroupsRequest(List.of("busy", "nope")), v);
            assertEquals(Errors.NON_EMPTY_GROUP.code(), del.results().get(0).errorCode());
            assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), del.results().get(1).errorCode());
        }
        DeleteGroupsResponse del = HandlerCalls.call(new DeleteGroupsHandler(c), new DeleteGroupsRequest(List.of("idle")), 2);
        assertEquals(Errors.NONE.code(), del.results().get(0).errorCode());
    }

    @Test
    void errorResponsesEncodeInEveryVersion() {
        for (int v = 0; v <= 9; v++) {
            JoinGroupResponse r = HandlerCalls.errorResponse(new JoinGroupHandler(c), new JoinGroupRequest("g", 10_000,
                20_000, "m", null, "consumer", range(), null), v, Errors.NOT_COORDINATOR);
            assertEquals(Errors.NOT_COORDINATOR.code(), r.errorCode());
            assertEquals("m", r.memberId());
        }
        for (int v = 0; v <= 5; v++) {
            assertEquals(Errors.NOT_COORDINATOR.code(), HandlerCalls.errorResponse(new SyncGroupHandler(c),
                new SyncGroupRequest("g", 1, "m", null, null, null, List.of()), v, Errors.NOT_COORDINATOR).errorCode());
            LeaveGroupRequest leave = v >= 3 ? new LeaveGroupRequest("g", List.of(), null) : new LeaveGroupRequest("g", null, "m");
            assertEquals(Errors.NOT_COORDINATOR.code(), HandlerCalls.errorResponse(new LeaveGroupHandler(c), leave, v,
                Errors.NOT_COORDINATOR).errorCode());
        }
        for (int v = 1; v <= 9; v++) {
            OffsetFetchRequest req = v >= 8
                ? new OffsetFetchRequest(List.of(new OffsetFetchRequest.Group("g", null, -1, null)), null, null, false)
                : new OffsetFetchRequest(null, "g", List.of(new OffsetFetchRequest.Topic("t", List.of(0))), false);
            OffsetFetchResponse r = HandlerCalls.errorResponse(new OffsetFetchHandler(c), req, v, Errors.NOT_COORDINATOR);
            short code = v >= 8 ? r.groups().get(0).errorCode()
                : v >= 2 ? r.errorCode() : r.topics().get(0).partitions().get(0).errorCode();
            assertEquals(Errors.NOT_COORDINATOR.code(), code, "v" + v);
        }
        for (int v = 0; v <= 5; v++) {
            DescribeGroupsResponse d = HandlerCalls.errorResponse(new DescribeGroupsHandler(c),
                new DescribeGroupsRequest(List.of("g"), false), v, Errors.COORDINATOR_LOAD_IN_PROGRESS);
            assertEquals(Errors.COORDINATOR_LOAD_IN_PROGRESS.code(), d.groups().get(0).errorCode());
        }
    }

    @Test
    void groupRequestsToAnotherCoordinatorGetNotCoordinator() {
        c.onResign(c.partitionFor("elsewhere"));
        JoinGroupResponse r = HandlerCalls.call(new JoinGroupHandler(c), new JoinGroupRequest("elsewhere", 10_000, 20_000,
            "", null, "consumer", range(), null), 9);
        assertEquals(Errors.NOT_COORDINATOR.code(), r.errorCode());
        DescribeGroupsResponse d = HandlerCalls.call(new DescribeGroupsHandler(c),
            new DescribeGroupsRequest(List.of("elsewhere"), false), 5);
        assertEquals(Errors.NOT_COORDINATOR.code(), d.groups().get(0).errorCode());
    }

    // ------------------------------------------------------------------ FindCoordinator

    private static ClusterImage imageWithOffsetsTopic(int partitions, int leader) {
        io.sluice.coordinator.metadata.PartitionImage[] parts = new io.sluice.coordinator.metadata.PartitionImage[partitions];
        for (int p = 0; p < partitions; p++) {
            parts[p] = TestImages.led(List.of(1, 2), leader, 3, List.of(1, 2));
        }
        return TestImages.image(List.of(TestImages.broker(1), TestImages.plaintextOnly(2)),
            List.of(TestImages.topic(OffsetsTopic.NAME, Uuid.randomUuid(), parts)));
    }

    @Test
    void findCoordinatorCreatesTheOffsetsTopicAndAnswersNotAvailableMeanwhile() {
        AtomicInteger creations = new AtomicInteger();
        ClusterImage empty = TestImages.image(List.of(TestImages.broker(1)), List.of());
        FindCoordinatorHandler h = new FindCoordinatorHandler(() -> empty, creations::incrementAndGet);
        for (int v = 0; v <= 3; v++) {
            FindCoordinatorResponse r = HandlerCalls.call(h, new FindCoordinatorRequest("g", (byte) 0, null), v);
            assertEquals(Errors.COORDINATOR_NOT_AVAILABLE.code(), r.errorCode(), "v" + v);
            assertEquals(-1, r.nodeId());
        }
        assertEquals(4, creations.get());
        FindCoordinatorHandler failing = new FindCoordinatorHandler(() -> empty, () -> {
            throw new ApiException(Errors.TOPIC_ALREADY_EXISTS, "raced");
        });
        assertEquals(Errors.COORDINATOR_NOT_AVAILABLE.code(),
            HandlerCalls.call(failing, new FindCoordinatorRequest("g", (byte) 0, null), 2).errorCode());
    }

    @Test
    void theCoordinatorIsTheLeaderOfTheGroupsPartition() {
        FindCoordinatorHandler h = new FindCoordinatorHandler(() -> imageWithOffsetsTopic(50, 1), () -> { });
        for (int v = 0; v <= 3; v++) {
            FindCoordinatorResponse r = HandlerCalls.call(h, new FindCoordinatorRequest("my-group", (byte) 0, null), v);
            assertEquals(Errors.NONE.code(), r.errorCode());
            assertEquals(1, r.nodeId());
            assertEquals("127.0.0.1", r.host());
            assertEquals(9091, r.port());
            if (v >= 1) {
                assertNull(r.errorMessage());
            }
        }
        FindCoordinatorResponse batched = HandlerCalls.call(h, new FindCoordinatorRequest(null, (byte) 0,
            List.of("a", "b")), 4);
        assertEquals(List.of("a", "b"), batched.coordinators().stream().map(FindCoordinatorResponse.Coordinator::key)
            .toList());
        assertTrue(batched.coordinators().stream().allMatch(x -> x.nodeId() == 1 && x.port() == 9091));
    }

    @Test
    void transactionAndUnknownKeyTypesAndUnreachableCoordinators() {
        FindCoordinatorHandler h = new FindCoordinatorHandler(() -> imageWithOffsetsTopic(3, 2), () -> { });
        FindCoordinatorResponse txn = HandlerCalls.call(h, new FindCoordinatorRequest("t", (byte) 1, null), 3);
        assertEquals(Errors.COORDINATOR_NOT_AVAILABLE.code(), txn.errorCode());
        assertTrue(txn.errorMessage().contains("transactions"), txn.errorMessage());
        FindCoordinatorResponse share = HandlerCalls.call(h, new FindCoordinatorRequest(null, (byte) 2, List.of("s")), 4);
        assertEquals(Errors.INVALID_REQUEST.code(), share.coordinators().get(0).errorCode());
        // Broker 2 has no EXTERNAL endpoint: from that listener there is no way to reach it.
        FindCoordinatorResponse plain = HandlerCalls.call(h, new FindCoordinatorRequest("g", (byte) 0, null), 3);
        assertEquals(2, plain.nodeId());
        ClusterImage noLeader = TestImages.image(List.of(TestImages.broker(1)), List.of(TestImages.topic(OffsetsTopic.NAME,
            Uuid.randomUuid(), TestImages.withoutState(List.of(1)))));
        FindCoordinatorResponse none = HandlerCalls.call(new FindCoordinatorHandler(() -> noLeader, () -> { }),
            new FindCoordinatorRequest("g", (byte) 0, null), 3);
        assertEquals(Errors.COORDINATOR_NOT_AVAILABLE.code(), none.errorCode());
    }
}
