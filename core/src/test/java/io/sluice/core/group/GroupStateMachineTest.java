package io.sluice.core.group;

import static io.sluice.core.group.MachineHarness.REBALANCE;
import static io.sluice.core.group.MachineHarness.SESSION;
import static io.sluice.core.group.MachineHarness.joinRequest;
import static io.sluice.core.group.MachineHarness.protocols;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.Errors;
import io.sluice.protocol.message.JoinGroupRequest;
import io.sluice.protocol.message.JoinGroupResponse;
import io.sluice.protocol.message.LeaveGroupRequest;
import io.sluice.protocol.message.LeaveGroupResponse;
import io.sluice.protocol.message.SyncGroupResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The classic rebalance protocol as a pure state machine: joins, syncs, heartbeats, leaves, timeouts. */
class GroupStateMachineTest {
    private final MachineHarness h = new MachineHarness();

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    // ------------------------------------------------------------------ JoinGroup: first join

    @Test
    void aNewDynamicMemberMustFirstFetchItsMemberId() {
        long id = h.join(4, "g", "");
        JoinGroupResponse r = h.joinResponse(id);
        assertEquals(Errors.MEMBER_ID_REQUIRED.code(), r.errorCode());
        assertEquals("client-uuid1", r.memberId());
        assertEquals(-1, r.generationId());
        assertTrue(h.timers.containsKey(new TimerKey.PendingMemberExpiry("g", "client-uuid1")));
        assertEquals(Optional.of(GroupState.EMPTY), h.state("g"), "the pending member keeps the group");
    }

    @Test
    void theRejoinWithTheGivenIdStartsTheInitialDelayAndCompletesAfterIt() {
        Object[] m = h.newMember("g");
        long join = (Long) m[1];
        assertFalse(h.answered(join), "parked until the join phase ends");
        assertEquals(Optional.of(GroupState.PREPARING_REBALANCE), h.state("g"));
        h.advance(2_999);
        assertFalse(h.answered(join));
        h.advance(1);
        JoinGroupResponse r = h.joinResponse(join);
        assertEquals(Errors.NONE.code(), r.errorCode());
        assertEquals(1, r.generationId());
        assertEquals("range", r.protocolName());
        assertEquals("consumer", r.protocolType());
        assertEquals(m[0], r.memberId());
        assertEquals(m[0], r.leader());
        assertEquals(1, r.members().size(), "the leader gets the member list");
        assertArrayEquals(MachineHarness.subscription("orders"), bytes(r.members().get(0).metadata()));
        assertEquals(Optional.of(GroupState.COMPLETING_REBALANCE), h.state("g"));
    }

    @Test
    void thePendingMemberIdExpiresAfterTheSessionTimeout() {
        long first = h.join(9, "g", "");
        String memberId = h.joinResponse(first).memberId();
        h.advance(SESSION);
        assertEquals(Optional.empty(), h.state("g"), "nothing left of the group");
        long again = h.join(9, "g", memberId);
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), h.joinResponse(again).errorCode());
    }

    @Test
    void versionsBeforeFourJoinWithoutTheMemberIdRoundTrip() {
        long id = h.join(3, "g", "");
        assertFalse(h.answered(id));
        h.advance(3_000);
        JoinGroupResponse r = h.joinResponse(id);
        assertEquals(Errors.NONE.code(), r.errorCode());
        assertTrue(r.memberId().startsWith("client-"));
    }

    @Test
    void staticMembersSkipTheMemberIdRoundTrip() {
        long id = h.joinStatic(9, "g", "", "instance-a");
        assertFalse(h.answered(id));
        h.advance(3_000);
        JoinGroupResponse r = h.joinResponse(id);
        assertEquals(Errors.NONE.code(), r.errorCode());
        assertEquals("instance-a-uuid1", r.memberId());
        assertEquals("instance-a", r.members().get(0).groupInstanceId());
    }

    @Test
    void theInitialDelayIsExtendedForEachNewMember() {
        Object[] a = h.newMember("g");
        h.advance(2_000);
        Object[] b = h.newMember("g");
        h.advance(1_000);                      // t=3000: b arrived during the delay, so wait another 3000
        assertFalse(h.answered((Long) a[1]));
        h.advance(2_999);
        assertFalse(h.answered((Long) b[1]));
        h.advance(1);                          // t=6000
        JoinGroupResponse ra = h.joinResponse((Long) a[1]);
        JoinGroupResponse rb = h.joinResponse((Long) b[1]);
        assertEquals(1, ra.generationId());
        assertEquals(1, rb.generationId());
        assertEquals(a[0], ra.leader());
        assertEquals(2, ra.members().size());
        assertTrue(rb.members().isEmpty(), "only the leader gets the member list");
    }

    @Test
    void theInitialDelayNeverExceedsTheRebalanceTimeout() {
        long a = h.join(3, joinRequest("g", "", null, SESSION, 4_000, protocols("range")));
        h.advance(1_000);
        long b = h.join(3, joinRequest("g", "", null, SESSION, 4_000, protocols("range")));
        h.advance(2_500);                      // t=3500: extended by min(3000, 4000-3000) = 1000
        long c = h.join(3, joinRequest("g", "", null, SESSION, 4_000, protocols("range")));
        h.advance(499);
        assertFalse(h.answered(a));
        h.advance(1);                          // t=4000: nothing left to extend by
        assertEquals(3, h.joinResponse(a).members().size());
        assertTrue(h.answered(b));
        assertTrue(h.answered(c));
    }

    @Test
    void withoutAnInitialDelayTheJoinCompletesAtOnce() {
        MachineHarness noDelay = new MachineHarness(GroupConfig.defaults().withInitialRebalanceDelayMs(0));
        Object[] m = noDelay.newMember("g");
        assertEquals(Errors.NONE.code(), noDelay.joinResponse((Long) m[1]).errorCode());
    }

    // ------------------------------------------------------------------ JoinGroup: errors

    @Test
    void anEmptyGroupIdIsInvalid() {
        assertEquals(Errors.INVALID_GROUP_ID.code(), h.joinResponse(h.join(9, "", "")).errorCode());
    }

    @Test
    void sessionTimeoutsOutsideTheBrokerBoundsAreRefused() {
        long low = h.join(9, joinRequest("g", "", null, 5_999, REBALANCE, protocols("range")));
        long high = h.join(9, joinRequest("g", "", null, 1_800_001, REBALANCE, protocols("range")));
        assertEquals(Errors.INVALID_SESSION_TIMEOUT.code(), h.joinResponse(low).errorCode());
        assertEquals(Errors.INVALID_SESSION_TIMEOUT.code(), h.joinResponse(high).errorCode());
        assertEquals(Optional.empty(), h.state("g"));
    }

    @Test
    void aMemberIdForAnUnknownGroupOrMemberIsUnknown() {
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), h.joinResponse(h.join(9, "nope", "ghost")).errorCode());
        h.stableGroup("g", 1);
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), h.joinResponse(h.join(9, "g", "ghost")).errorCode());
    }

    @Test
    void protocolsMustMatchTheGroup() {
        h.stableGroup("g", 1);
        long otherType = h.join(9, new JoinGroupRequest("g", SESSION, REBALANCE, "", null, "connect",
            protocols("range"), null));
        long noCommon = h.join(9, joinRequest("g", "", null, SESSION, REBALANCE, protocols("roundrobin")));
        long none = h.join(9, joinRequest("fresh", "", null, SESSION, REBALANCE, List.of()));
        assertEquals(Errors.INCONSISTENT_GROUP_PROTOCOL.code(), h.joinResponse(otherType).errorCode());
        assertEquals(Errors.INCONSISTENT_GROUP_PROTOCOL.code(), h.joinResponse(noCommon).errorCode());
        assertEquals(Errors.INCONSISTENT_GROUP_PROTOCOL.code(), h.joinResponse(none).errorCode());
        assertEquals(Optional.empty(), h.state("fresh"));
    }

    @Test
    void aFullGroupRefusesNewMembersCountingHandedOutIds() {
        MachineHarness small = new MachineHarness(GroupConfig.defaults().withMaxGroupSize(2));
        small.newMember("g");
        long second = small.join(9, "g", "");
        assertEquals(Errors.MEMBER_ID_REQUIRED.code(), small.joinResponse(second).errorCode());
        long third = small.join(9, "g", "");
        assertEquals(Errors.GROUP_MAX_SIZE_REACHED.code(), small.joinResponse(third).errorCode());
        long secondAgain = small.join(9, "g", small.joinResponse(second).memberId());
        assertFalse(small.answered(secondAgain), "a handed-out id may still join");
    }

    // ------------------------------------------------------------------ protocol and leader

    @Test
    void theProtocolWithMostVotesAmongThoseAllSupportWins() {
        MachineHarness noDelay = new MachineHarness(GroupConfig.defaults().withInitialRebalanceDelayMs(1));
        long a = noDelay.join(3, joinRequest("g", "", null, SESSION, REBALANCE, protocols("range", "roundrobin", "sticky")));
        long b = noDelay.join(3, joinRequest("g", "", null, SESSION, REBALANCE, protocols("roundrobin", "range")));
        long c = noDelay.join(3, joinRequest("g", "", null, SESSION, REBALANCE, protocols("roundrobin", "range")));
        noDelay.advance(10);
        assertEquals("roundrobin", noDelay.joinResponse(a).protocolName());
        assertEquals("roundrobin", noDelay.joinResponse(b).protocolName());
        assertEquals("roundrobin", noDelay.joinResponse(c).protocolName());
    }

    @Test
    void aNewMemberOfAStableGroupMakesEveryoneRejoin() {
        List<String> ids = h.stableGroup("g", 2);
        Object[] c = h.newMember("g");
        assertEquals(Optional.of(GroupState.PREPARING_REBALANCE), h.state("g"));
        assertEquals(Errors.REBALANCE_IN_PROGRESS, h.heartbeat("g", 1, ids.get(0), null));
        long a = h.join(9, "g", ids.get(0));
        assertFalse(h.answered(a));
        long b = h.join(9, "g", ids.get(1));
        JoinGroupResponse leader = h.joinResponse(a);
        assertEquals(2, leader.generationId());
        assertEquals(ids.get(0), leader.leader(), "the leader stays the leader");
        assertEquals(3, leader.members().size());
        assertEquals(2, h.joinResponse(b).generationId());
        assertEquals(2, h.joinResponse((Long) c[1]).generationId());
    }

    @Test
    void aFollowerRejoiningUnchangedGetsTheCurrentGenerationWithoutARebalance() {
        List<String> ids = h.stableGroup("g", 2);
        long r = h.join(9, "g", ids.get(1));
        JoinGroupResponse response = h.joinResponse(r);
        assertEquals(Errors.NONE.code(), response.errorCode());
        assertEquals(1, response.generationId());
        assertTrue(response.members().isEmpty());
        assertEquals(Optional.of(GroupState.STABLE), h.state("g"));
    }

    @Test
    void theLeaderRejoiningStartsANewGeneration() {
        List<String> ids = h.stableGroup("g", 2);
        long r = h.join(9, "g", ids.get(0));
        assertFalse(h.answered(r));
        assertEquals(Optional.of(GroupState.PREPARING_REBALANCE), h.state("g"));
    }

    @Test
    void aMemberWithChangedProtocolsStartsANewGeneration() {
        List<String> ids = h.stableGroup("g", 2);
        long r = h.join(9, joinRequest("g", ids.get(1), null, SESSION, REBALANCE, protocols("range", "sticky")));
        assertFalse(h.answered(r));
        assertEquals(Optional.of(GroupState.PREPARING_REBALANCE), h.state("g"));
    }

    @Test
    void aJoinResentWhileCompletingGetsTheSameAnswerAgain() {
        Object[] m = h.newMember("g");
        h.advance(3_000);
        long again = h.join(9, "g", (String) m[0]);
        JoinGroupResponse r = h.joinResponse(again);
        assertEquals(1, r.generationId());
        assertEquals(1, r.members().size());
        assertEquals(Optional.of(GroupState.COMPLETING_REBALANCE), h.state("g"));
    }

    @Test
    void theRebalanceTimeoutDropsMembersThatDidNotRejoin() {
        List<String> ids = h.stableGroup("g", 2);
        h.newMember("g");
        long a = h.join(9, "g", ids.get(0));
        for (int i = 0; i < 5; i++) {              // alive, but never rejoins
            h.advance(5_000);
            assertEquals(Errors.REBALANCE_IN_PROGRESS, h.heartbeat("g", 1, ids.get(1), null));
        }
        h.advance(4_999);
        assertFalse(h.answered(a));
        h.advance(1);
        JoinGroupResponse r = h.joinResponse(a);
        assertEquals(2, r.generationId());
        assertEquals(2, r.members().size());
        assertEquals(Errors.UNKNOWN_MEMBER_ID, h.heartbeat("g", 2, ids.get(1), null));
    }

    // ------------------------------------------------------------------ SyncGroup

    @Test
    void theLeadersAssignmentIsStoredThenHandedToEveryMember() {
        Object[] a = h.newMember("g");
        Object[] b = h.newMember("g");
        Object[] c = h.newMember("g");
        h.advance(6_000);
        String leader = h.joinResponse((Long) a[1]).leader();
        assertEquals(a[0], leader);
        long syncB = h.sync(5, "g", 1, (String) b[0], null, Map.of());
        assertFalse(h.answered(syncB), "followers wait for the leader");
        int before = h.records.size();
        long syncA = h.sync(5, "g", 1, leader, null, Map.of(leader, new byte[] {1}, (String) b[0], new byte[] {2}));
        assertEquals(before + 1, h.records.size(), "one group metadata record");
        GroupRecord.GroupMetadata record = (GroupRecord.GroupMetadata) h.records.get(before);
        GroupMetadataValue value = record.value().orElseThrow();
        assertEquals(1, value.generation());
        assertEquals("range", value.protocol());
        assertEquals(leader, value.leader());
        assertEquals(3, value.members().size());
        assertArrayEquals(new byte[] {2}, bytes(h.syncResponse(syncB).assignment()));
        SyncGroupResponse ra = h.syncResponse(syncA);
        assertArrayEquals(new byte[] {1}, bytes(ra.assignment()));
        assertEquals("consumer", ra.protocolType());
        assertEquals("range", ra.protocolName());
        assertEquals(Optional.of(GroupState.STABLE), h.state("g"));
        long syncC = h.sync(5, "g", 1, (String) c[0], null, Map.of());
        assertEquals(0, h.syncResponse(syncC).assignment().remaining(), "left out by the leader: empty");
    }

    @Test
    void syncGroupErrors() {
        List<String> ids = h.stableGroup("g", 2);
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(),
            h.syncResponse(h.sync(5, "nope", 1, ids.get(0), null, Map.of())).errorCode());
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(),
            h.syncResponse(h.sync(5, "g", 1, "ghost", null, Map.of())).errorCode());
        assertEquals(Errors.ILLEGAL_GENERATION.code(),
            h.syncResponse(h.sync(5, "g", 0, ids.get(0), null, Map.of())).errorCode());
        long wrongProtocol = h.nextId();
        h.apply(h.machine.syncGroup(wrongProtocol, (short) 5, new io.sluice.protocol.message.SyncGroupRequest("g", 1,
            ids.get(1), null, "consumer", "roundrobin", List.of()), h.now()));
        assertEquals(Errors.INCONSISTENT_GROUP_PROTOCOL.code(), h.syncResponse(wrongProtocol).errorCode());
        assertArrayEquals(new byte[] {1}, bytes(h.syncResponse(h.sync(5, "g", 1, ids.get(1), null, Map.of()))
            .assignment()), "stable: the current assignment");
        h.join(9, "g", ids.get(0));     // leader rejoins: PreparingRebalance
        assertEquals(Errors.REBALANCE_IN_PROGRESS.code(),
            h.syncResponse(h.sync(5, "g", 1, ids.get(1), null, Map.of())).errorCode());
    }

    @Test
    void aRebalanceWhileCompletingAnswersParkedSyncsWithRebalanceInProgress() {
        Object[] a = h.newMember("g");
        Object[] b = h.newMember("g");
        h.advance(6_000);
        long syncB = h.sync(5, "g", 1, (String) b[0], null, Map.of());
        h.newMember("g");
        assertEquals(Errors.REBALANCE_IN_PROGRESS.code(), h.syncResponse(syncB).errorCode());
        assertEquals(Optional.of(GroupState.PREPARING_REBALANCE), h.state("g"));
        assertTrue(h.answered((Long) a[1]));
    }

    @Test
    void membersThatDoNotSyncInTimeAreRemoved() {
        Object[] a = h.newMember("g");
        Object[] b = h.newMember("g");
        h.advance(6_000);
        long syncA = h.sync(5, "g", 1, (String) a[0], null, Map.of((String) a[0], new byte[] {9}));
        assertEquals(Errors.NONE.code(), h.syncResponse(syncA).errorCode());
        for (int i = 0; i < 5; i++) {              // both alive; b never syncs
            h.advance(5_000);
            h.heartbeat("g", 1, (String) a[0], null);
            h.heartbeat("g", 1, (String) b[0], null);
        }
        h.advance(5_000);                          // the sync deadline
        assertEquals(Errors.REBALANCE_IN_PROGRESS, h.heartbeat("g", 1, (String) a[0], null));
        assertEquals(Errors.UNKNOWN_MEMBER_ID, h.heartbeat("g", 1, (String) b[0], null));
    }

    // ------------------------------------------------------------------ Heartbeat

    @Test
    void heartbeatAnswersByState() {
        assertEquals(Errors.UNKNOWN_MEMBER_ID, h.heartbeat("nope", 0, "x", null));
        assertEquals(Errors.INVALID_GROUP_ID, h.heartbeat("", 0, "x", null));
        Object[] a = h.newMember("g");
        h.advance(3_000);
        assertEquals(Errors.NONE, h.heartbeat("g", 1, (String) a[0], null), "CompletingRebalance");
        assertEquals(Errors.ILLEGAL_GENERATION, h.heartbeat("g", 0, (String) a[0], null));
        assertEquals(Errors.UNKNOWN_MEMBER_ID, h.heartbeat("g", 1, "ghost", null));
        h.sync(5, "g", 1, (String) a[0], null, Map.of());
        assertEquals(Errors.NONE, h.heartbeat("g", 1, (String) a[0], null), "Stable");
        h.newMember("g");
        assertEquals(Errors.REBALANCE_IN_PROGRESS, h.heartbeat("g", 1, (String) a[0], null), "PreparingRebalance");
    }

    @Test
    void heartbeatsKeepAMemberAndTheirAbsenceRemovesIt() {
        List<String> ids = h.stableGroup("g", 2);
        for (int i = 0; i < 5; i++) {
            h.advance(SESSION - 1_000);
            assertEquals(Errors.NONE, h.heartbeat("g", 1, ids.get(0), null));
            assertEquals(Errors.NONE, h.heartbeat("g", 1, ids.get(1), null));
        }
        h.advance(SESSION - 1_000);
        assertEquals(Errors.NONE, h.heartbeat("g", 1, ids.get(0), null));
        h.advance(1_000);                          // ids[1]'s session expired
        assertEquals(Optional.of(GroupState.PREPARING_REBALANCE), h.state("g"));
        assertEquals(Errors.REBALANCE_IN_PROGRESS, h.heartbeat("g", 1, ids.get(0), null));
        long rejoin = h.join(9, "g", ids.get(0));
        JoinGroupResponse r = h.joinResponse(rejoin);
        assertEquals(2, r.generationId());
        assertEquals(1, r.members().size());
    }

    @Test
    void theLastMemberExpiringEmptiesTheGroupAndPersistsTheNewGeneration() {
        List<String> ids = h.stableGroup("g", 1);
        int before = h.records.size();
        h.advance(SESSION);
        assertEquals(Optional.of(GroupState.EMPTY), h.state("g"));
        GroupMetadataValue v = ((GroupRecord.GroupMetadata) h.records.get(before)).value().orElseThrow();
        assertEquals(2, v.generation());
        assertTrue(v.members().isEmpty());
        assertNull(v.protocol());
        assertEquals("consumer", v.protocolType());
        assertEquals(Errors.UNKNOWN_MEMBER_ID, h.heartbeat("g", 2, ids.get(0), null));
    }

    @Test
    void aMemberParkedInJoinDoesNotExpireButOneThatNeverRejoinsIsDropped() {
        List<String> ids = h.stableGroup("g", 2);
        Object[] c = h.newMember("g");
        long a = h.join(9, "g", ids.get(0));
        for (int i = 0; i < 4; i++) {
            h.advance(5_000);
            assertEquals(Errors.REBALANCE_IN_PROGRESS, h.heartbeat("g", 1, ids.get(1), null));
        }
        assertTrue(h.machine.group("g").members.containsKey(ids.get(0)), "parked beyond its session timeout");
        assertFalse(h.answered(a));
        h.advance(10_000);                         // the rebalance timeout: ids[1] never rejoined
        assertEquals(2, h.joinResponse(a).members().size());
        assertEquals(2, h.joinResponse((Long) c[1]).generationId());
        assertFalse(h.machine.group("g").members.containsKey(ids.get(1)));
    }

    // ------------------------------------------------------------------ LeaveGroup

    @Test
    void aBatchOfMembersLeavesWithOneErrorEach() {
        List<String> ids = h.stableGroup("g", 3);
        LeaveGroupResponse r = h.leave(5, "g", List.of(new LeaveGroupRequest.Member(ids.get(1), null, "bye"),
            new LeaveGroupRequest.Member("ghost", null, null), new LeaveGroupRequest.Member(ids.get(2), null, null)), null);
        assertEquals(Errors.NONE.code(), r.errorCode());
        assertEquals(List.of(Errors.NONE.code(), Errors.UNKNOWN_MEMBER_ID.code(), Errors.NONE.code()),
            r.members().stream().map(LeaveGroupResponse.Member::errorCode).toList());
        assertEquals(Optional.of(GroupState.PREPARING_REBALANCE), h.state("g"));
        long rejoin = h.join(9, "g", ids.get(0));
        assertEquals(1, h.joinResponse(rejoin).members().size());
    }

    @Test
    void leaveGroupV0ReportsTheMembersErrorAtTheTop() {
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), h.leave(0, "nope", null, "x").errorCode());
        List<String> ids = h.stableGroup("g", 2);
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), h.leave(2, "g", null, "ghost").errorCode());
        assertEquals(Errors.NONE.code(), h.leave(2, "g", null, ids.get(1)).errorCode());
    }

    @Test
    void theLastMemberLeavingEmptiesTheGroup() {
        List<String> ids = h.stableGroup("g", 1);
        h.leave(3, "g", List.of(new LeaveGroupRequest.Member(ids.get(0), null, null)), null);
        assertEquals(Optional.of(GroupState.EMPTY), h.state("g"));
        assertEquals(2, h.generation("g"));
    }

    @Test
    void aMemberIdHandedOutButNeverUsedLeavesWithoutARebalance() {
        h.stableGroup("g", 1);
        long first = h.join(9, "g", "");
        String pending = h.joinResponse(first).memberId();
        LeaveGroupResponse r = h.leave(3, "g", List.of(new LeaveGroupRequest.Member(pending, null, null)), null);
        assertEquals(Errors.NONE.code(), r.members().get(0).errorCode());
        assertEquals(Optional.of(GroupState.STABLE), h.state("g"));
        assertFalse(h.timers.containsKey(new TimerKey.PendingMemberExpiry("g", pending)));
    }

    @Test
    void aLeavingMemberParkedInJoinIsAnsweredUnknownMember() {
        Object[] a = h.newMember("g");
        h.leave(3, "g", List.of(new LeaveGroupRequest.Member((String) a[0], null, null)), null);
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), h.joinResponse((Long) a[1]).errorCode());
    }

    // ------------------------------------------------------------------ static membership

    private List<String> stableStaticGroup() {
        long a = h.joinStatic(9, "g", "", "ia");
        long b = h.joinStatic(9, "g", "", "ib");
        h.advance(6_000);
        String leader = h.joinResponse(a).memberId();
        String follower = h.joinResponse(b).memberId();
        assertEquals(leader, h.joinResponse(a).leader());
        h.sync(5, "g", 1, follower, "ib", Map.of());
        h.sync(5, "g", 1, leader, "ia", Map.of(leader, new byte[] {1}, follower, new byte[] {2}));
        assertEquals(Optional.of(GroupState.STABLE), h.state("g"));
        return List.of(leader, follower);
    }

    @Test
    void aRestartedStaticMemberTakesItsPlaceWithoutARebalance() {
        List<String> ids = stableStaticGroup();
        int before = h.records.size();
        long rejoin = h.joinStatic(9, "g", "", "ib");
        JoinGroupResponse r = h.joinResponse(rejoin);
        assertEquals(Errors.NONE.code(), r.errorCode());
        assertNotEquals(ids.get(1), r.memberId());
        assertEquals(1, r.generationId());
        assertFalse(r.skipAssignment());
        assertTrue(r.members().isEmpty());
        assertEquals(Optional.of(GroupState.STABLE), h.state("g"), "no rebalance");
        GroupMetadataValue v = ((GroupRecord.GroupMetadata) h.records.get(before)).value().orElseThrow();
        assertTrue(v.members().stream().anyMatch(m -> m.memberId().equals(r.memberId())), "the new id is persisted");
        assertArrayEquals(new byte[] {2}, bytes(h.syncResponse(h.sync(5, "g", 1, r.memberId(), "ib", Map.of()))
            .assignment()), "it keeps its assignment");
        assertEquals(Errors.FENCED_INSTANCE_ID, h.heartbeat("g", 1, ids.get(1), "ib"), "the old incarnation is fenced");
        assertEquals(Errors.FENCED_INSTANCE_ID.code(), h.joinResponse(h.joinStatic(9, "g", ids.get(1), "ib")).errorCode());
        assertEquals(Errors.FENCED_INSTANCE_ID, MachineHarness.commitError(
            h.commit(7, "g", 1, ids.get(1), "ib", -1, "orders", 0, 5, "")), "commits of the old incarnation are fenced");
    }

    @Test
    void aRestartedStaticLeaderGetsTheMembersAndSkipsTheAssignmentFromV9() {
        List<String> ids = stableStaticGroup();
        long rejoin = h.joinStatic(9, "g", "", "ia");
        JoinGroupResponse r = h.joinResponse(rejoin);
        assertEquals(Errors.NONE.code(), r.errorCode());
        assertTrue(r.skipAssignment());
        assertEquals(r.memberId(), r.leader());
        assertEquals(2, r.members().size());
        assertEquals(Optional.of(GroupState.STABLE), h.state("g"));
        assertNotEquals(ids.get(0), r.memberId());
    }

    @Test
    void aRestartedStaticLeaderBeforeV9Rebalances() {
        stableStaticGroup();
        long rejoin = h.joinStatic(8, "g", "", "ia");
        assertFalse(h.answered(rejoin));
        assertEquals(Optional.of(GroupState.PREPARING_REBALANCE), h.state("g"));
    }

    @Test
    void aRestartedStaticMemberWithOtherMetadataKeepsTheGenerationAndItsNewMetadataIsStored() {
        stableStaticGroup();
        JoinGroupRequest.Protocol changed = new JoinGroupRequest.Protocol("range",
            ByteBuffer.wrap(MachineHarness.subscription("orders", "audit")));
        int before = h.records.size();
        long rejoin = h.join(9, joinRequest("g", "", "ib", SESSION, REBALANCE, List.of(changed)));
        JoinGroupResponse r = h.joinResponse(rejoin);
        assertEquals(Errors.NONE.code(), r.errorCode());
        assertEquals(1, r.generationId());
        assertEquals(Optional.of(GroupState.STABLE), h.state("g"));
        GroupMetadataValue v = ((GroupRecord.GroupMetadata) h.records.get(before)).value().orElseThrow();
        GroupMetadataValue.MemberValue stored = v.members().stream().filter(m -> m.memberId().equals(r.memberId()))
            .findFirst().orElseThrow();
        assertArrayEquals(MachineHarness.subscription("orders", "audit"), stored.subscription());
    }

    @Test
    void aRestartedStaticMemberThatChangesTheSelectedProtocolRebalances() {
        MachineHarness three = new MachineHarness();
        long a = three.join(9, joinRequest("g", "", "ia", SESSION, REBALANCE, protocols("range", "roundrobin")));
        long b = three.join(9, joinRequest("g", "", "ib", SESSION, REBALANCE, protocols("roundrobin", "range")));
        long c = three.join(9, joinRequest("g", "", "ic", SESSION, REBALANCE, protocols("range", "roundrobin")));
        three.advance(6_000);
        assertEquals("range", three.joinResponse(a).protocolName(), "2 votes to 1");
        String leader = three.joinResponse(a).memberId();
        three.sync(5, "g", 1, three.joinResponse(b).memberId(), "ib", Map.of());
        three.sync(5, "g", 1, three.joinResponse(c).memberId(), "ic", Map.of());
        three.sync(5, "g", 1, leader, "ia", Map.of());
        assertEquals(Optional.of(GroupState.STABLE), three.state("g"));
        long rejoin = three.join(9, joinRequest("g", "", "ic", SESSION, REBALANCE, protocols("roundrobin", "range")));
        assertFalse(three.answered(rejoin), "roundrobin would now win: the group must rebalance");
        assertEquals(Optional.of(GroupState.PREPARING_REBALANCE), three.state("g"));
    }

    @Test
    void staticMembersAreRemovedByInstanceIdAndFencedWithTheWrongMemberId() {
        List<String> ids = stableStaticGroup();
        LeaveGroupResponse fenced = h.leave(4, "g", List.of(new LeaveGroupRequest.Member("wrong", "ib", null)), null);
        assertEquals(Errors.FENCED_INSTANCE_ID.code(), fenced.members().get(0).errorCode());
        LeaveGroupResponse unknown = h.leave(4, "g", List.of(new LeaveGroupRequest.Member("", "ic", null)), null);
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), unknown.members().get(0).errorCode());
        LeaveGroupResponse byInstance = h.leave(4, "g", List.of(new LeaveGroupRequest.Member("", "ib", null)), null);
        assertEquals(Errors.NONE.code(), byInstance.members().get(0).errorCode());
        assertFalse(h.machine.group("g").members.containsKey(ids.get(1)));
    }

    @Test
    void aStaticMemberThatDidNotRejoinStaysThroughTheRebalanceUntilItsSessionEnds() {
        List<String> ids = stableStaticGroup();
        long leaderRejoin = h.joinStatic(9, "g", ids.get(0), "ia");      // the leader rejoins: new generation
        for (int i = 0; i < 5; i++) {
            h.advance(5_000);
            assertEquals(Errors.REBALANCE_IN_PROGRESS, h.heartbeat("g", 1, ids.get(1), "ib"));
        }
        h.advance(5_000);
        JoinGroupResponse r = h.joinResponse(leaderRejoin);
        assertEquals(2, r.generationId());
        assertEquals(2, r.members().size(), "the static follower is kept");
    }

    @Test
    void theStaticInstanceIdIsFencedOnSyncToo() {
        List<String> ids = stableStaticGroup();
        assertEquals(Errors.FENCED_INSTANCE_ID.code(),
            h.syncResponse(h.sync(5, "g", 1, ids.get(0), "ib", Map.of())).errorCode());
    }
}
