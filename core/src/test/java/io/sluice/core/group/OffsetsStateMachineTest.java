package io.sluice.core.group;

import static io.sluice.core.group.MachineHarness.ALL_EXIST;
import static io.sluice.core.group.MachineHarness.commitError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.Errors;
import io.sluice.protocol.message.DescribeGroupsResponse;
import io.sluice.protocol.message.JoinGroupRequest;
import io.sluice.protocol.message.ListGroupsResponse;
import io.sluice.protocol.message.OffsetCommitRequest;
import io.sluice.protocol.message.OffsetCommitResponse;
import io.sluice.protocol.message.OffsetDeleteRequest;
import io.sluice.protocol.message.OffsetDeleteResponse;
import io.sluice.protocol.message.OffsetFetchRequest;
import io.sluice.protocol.message.OffsetFetchResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Offsets (commit, fetch, delete, expiration) and the admin operations (describe, list, delete). */
class OffsetsStateMachineTest {
    private static final long DAY = 24 * 60 * 60 * 1000L;
    private final MachineHarness h = new MachineHarness(GroupConfig.defaults().withOffsetsRetentionMs(DAY));

    private OffsetFetchResponse.Group.Topic.Partition fetched(String group, String topic, int partition) {
        OffsetFetchResponse.Group g = h.machine.fetchOffsets(group,
            List.of(new OffsetFetchRequest.Group.Topic(topic, List.of(partition))));
        return g.topics().get(0).partitions().get(0);
    }

    private OffsetCommitResponse simpleCommit(String group, String topic, int partition, long offset) {
        return h.commit(9, group, -1, "", null, -1, topic, partition, offset, "meta");
    }

    // ------------------------------------------------------------------ OffsetCommit

    @Test
    void aSimpleCommitCreatesAnOffsetOnlyGroup() {
        assertEquals(Errors.NONE, commitError(simpleCommit("admin", "orders", 3, 42)));
        GroupRecord.OffsetCommit r = (GroupRecord.OffsetCommit) h.records.get(0);
        assertEquals(new TopicPartitionKey("orders", 3), r.partition());
        assertEquals(new OffsetAndMetadata(42, 3, "meta", h.now()), r.value().orElseThrow());
        OffsetFetchResponse.Group.Topic.Partition p = fetched("admin", "orders", 3);
        assertEquals(42, p.committedOffset());
        assertEquals(3, p.committedLeaderEpoch());
        assertEquals("meta", p.metadata());
        assertEquals(Optional.of(GroupState.EMPTY), h.state("admin"));
        assertEquals(List.of(new ListGroupsResponse.Group("admin", "", "Empty", "classic")),
            h.machine.listGroups(List.of(), List.of()));
    }

    @Test
    void aCommitWithAGenerationToAnUnknownGroupIsRefused() {
        assertEquals(Errors.ILLEGAL_GENERATION, commitError(h.commit(9, "g", 3, "m", null, -1, "orders", 0, 1, "")));
        assertEquals(Optional.empty(), h.state("g"));
        assertTrue(h.records.isEmpty());
    }

    @Test
    void simpleCommitsAreRefusedByGroupsWithMembers() {
        h.stableGroup("g", 1);
        assertEquals(Errors.UNKNOWN_MEMBER_ID, commitError(simpleCommit("g", "orders", 0, 1)));
        h.newMember("g");                           // PreparingRebalance
        assertEquals(Errors.UNKNOWN_MEMBER_ID, commitError(simpleCommit("g", "orders", 0, 1)));
    }

    @Test
    void memberCommitsAreCheckedAgainstTheGeneration() {
        List<String> ids = h.stableGroup("g", 2);
        assertEquals(Errors.NONE, commitError(h.commit(9, "g", 1, ids.get(1), null, -1, "orders", 0, 10, null)));
        assertEquals("", fetched("g", "orders", 0).metadata(), "null metadata is stored as \"\"");
        assertEquals(Errors.ILLEGAL_GENERATION, commitError(h.commit(9, "g", 2, ids.get(1), null, -1, "orders", 0, 11, "")));
        assertEquals(Errors.UNKNOWN_MEMBER_ID, commitError(h.commit(9, "g", 1, "ghost", null, -1, "orders", 0, 11, "")));
        h.join(9, "g", ids.get(0));                 // PreparingRebalance: commits still accepted
        assertEquals(Errors.NONE, commitError(h.commit(9, "g", 1, ids.get(1), null, -1, "orders", 0, 12, "")));
        h.join(9, "g", ids.get(1));                 // everyone rejoined: CompletingRebalance
        assertEquals(Optional.of(GroupState.COMPLETING_REBALANCE), h.state("g"));
        assertEquals(Errors.REBALANCE_IN_PROGRESS, commitError(h.commit(9, "g", 2, ids.get(1), null, -1, "orders", 0, 13, "")));
        assertEquals(12, fetched("g", "orders", 0).committedOffset());
    }

    @Test
    void aCommitKeepsTheMembersSessionAlive() {
        List<String> ids = h.stableGroup("g", 1);
        for (int i = 0; i < 3; i++) {
            h.advance(MachineHarness.SESSION - 1);
            assertEquals(Errors.NONE, commitError(h.commit(9, "g", 1, ids.get(0), null, -1, "orders", 0, i, "")));
        }
        assertEquals(Optional.of(GroupState.STABLE), h.state("g"));
    }

    @Test
    void partitionsAreCheckedOneByOne() {
        long id = h.nextId();
        String big = "x".repeat(4097);
        OffsetCommitRequest request = new OffsetCommitRequest("g", -1, "", null, -1, List.of(
            new OffsetCommitRequest.Topic("orders", List.of(new OffsetCommitRequest.Topic.Partition(0, 5, -1, big),
                new OffsetCommitRequest.Topic.Partition(1, 6, -1, "x".repeat(4096)))),
            new OffsetCommitRequest.Topic("unknown-topic", List.of(new OffsetCommitRequest.Topic.Partition(0, 7, -1, "")))));
        h.apply(h.machine.commitOffsets(id, (short) 9, request, ALL_EXIST, h.now()));
        OffsetCommitResponse r = h.reply(id);
        assertEquals(Errors.OFFSET_METADATA_TOO_LARGE.code(), r.topics().get(0).partitions().get(0).errorCode());
        assertEquals(Errors.NONE.code(), r.topics().get(0).partitions().get(1).errorCode());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), r.topics().get(1).partitions().get(0).errorCode());
        assertEquals(1, h.records.size());
    }

    @Test
    void theLeaderEpochIsStoredFromV6Only() {
        h.commit(5, "a", -1, "", null, -1, "orders", 0, 1, "");
        h.commit(6, "b", -1, "", null, -1, "orders", 0, 1, "");
        assertEquals(-1, fetched("a", "orders", 0).committedLeaderEpoch());
        assertEquals(3, fetched("b", "orders", 0).committedLeaderEpoch());
    }

    @Test
    void aRetentionTimeFromV2To4SetsAnExpiry() {
        h.commit(2, "g", -1, "", null, 60_000, "orders", 0, 1, "");
        OffsetAndMetadata v = ((GroupRecord.OffsetCommit) h.records.get(0)).value().orElseThrow();
        assertEquals(OptionalLong.of(h.now() + 60_000), v.expireTimestampMs());
        h.advance(59_999);
        h.apply(h.machine.expireOffsets(h.now()));
        assertEquals(1, fetched("g", "orders", 0).committedOffset());
        h.advance(1);
        h.apply(h.machine.expireOffsets(h.now()));
        assertEquals(-1, fetched("g", "orders", 0).committedOffset());
    }

    // ------------------------------------------------------------------ OffsetFetch

    @Test
    void fetchingFromAnUnknownGroupGivesMinusOne() {
        OffsetFetchResponse.Group.Topic.Partition p = fetched("nope", "orders", 0);
        assertEquals(-1, p.committedOffset());
        assertEquals(-1, p.committedLeaderEpoch());
        assertEquals("", p.metadata());
        assertEquals(Errors.NONE.code(), p.errorCode());
        assertTrue(h.machine.fetchOffsets("nope", null).topics().isEmpty());
    }

    @Test
    void fetchingAllReturnsEveryOffsetSortedByTopicAndPartition() {
        simpleCommit("g", "b", 1, 11);
        simpleCommit("g", "a", 2, 22);
        simpleCommit("g", "b", 0, 10);
        OffsetFetchResponse.Group all = h.machine.fetchOffsets("g", null);
        assertEquals(List.of("a", "b"), all.topics().stream().map(OffsetFetchResponse.Group.Topic::name).toList());
        assertEquals(List.of(0, 1), all.topics().get(1).partitions().stream()
            .map(OffsetFetchResponse.Group.Topic.Partition::partitionIndex).toList());
        assertEquals(10, all.topics().get(1).partitions().get(0).committedOffset());
    }

    // ------------------------------------------------------------------ OffsetDelete

    private OffsetDeleteResponse deleteOffsets(String group, String... topics) {
        long id = h.nextId();
        List<OffsetDeleteRequest.Topic> list = java.util.Arrays.stream(topics).map(t ->
            new OffsetDeleteRequest.Topic(t, List.of(new OffsetDeleteRequest.Topic.Partition(0)))).toList();
        h.apply(h.machine.deleteOffsets(id, new OffsetDeleteRequest(group, list), ALL_EXIST));
        return h.reply(id);
    }

    @Test
    void offsetsOfAnEmptyGroupAreDeletedWithTombstones() {
        simpleCommit("g", "orders", 0, 5);
        OffsetDeleteResponse r = deleteOffsets("g", "orders", "unknown-topic");
        assertEquals(Errors.NONE.code(), r.errorCode());
        assertEquals(Errors.NONE.code(), r.topics().get(0).partitions().get(0).errorCode());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), r.topics().get(1).partitions().get(0).errorCode());
        assertEquals(GroupRecord.OffsetCommit.tombstone("g", new TopicPartitionKey("orders", 0)), h.records.get(1));
        assertEquals(-1, fetched("g", "orders", 0).committedOffset());
        assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), deleteOffsets("nope", "orders").errorCode());
    }

    @Test
    void aConsumerGroupKeepsTheOffsetsOfTopicsItSubscribesTo() {
        List<String> ids = h.stableGroup("g", 1);           // subscribed to "orders"
        h.commit(9, "g", 1, ids.get(0), null, -1, "orders", 0, 5, "");
        h.commit(9, "g", 1, ids.get(0), null, -1, "old", 0, 6, "");
        OffsetDeleteResponse r = deleteOffsets("g", "orders", "old");
        assertEquals(Errors.GROUP_SUBSCRIBED_TO_TOPIC.code(), r.topics().get(0).partitions().get(0).errorCode());
        assertEquals(Errors.NONE.code(), r.topics().get(1).partitions().get(0).errorCode());
        assertEquals(5, fetched("g", "orders", 0).committedOffset());
        assertEquals(-1, fetched("g", "old", 0).committedOffset());
    }

    @Test
    void aNonConsumerGroupWithMembersRefusesOffsetDeletion() {
        long id = h.join(3, new JoinGroupRequest("connect-g", 10_000, 30_000, "", null, "connect",
            List.of(new JoinGroupRequest.Protocol("default", ByteBuffer.wrap(new byte[] {1}))), null));
        h.advance(3_000);
        assertEquals(Errors.NONE.code(), h.joinResponse(id).errorCode());
        assertEquals(Errors.NON_EMPTY_GROUP.code(), deleteOffsets("connect-g", "orders").errorCode());
    }

    // ------------------------------------------------------------------ expiration

    @Test
    void anEmptyConsumerGroupsOffsetsExpireAfterTheRetentionSinceItBecameEmptyThenItIsDeleted() {
        List<String> ids = h.stableGroup("g", 1);
        h.commit(9, "g", 1, ids.get(0), null, -1, "orders", 0, 5, "");
        h.advance(2 * DAY);                                      // the member stops heartbeating: the group empties
        assertEquals(Optional.of(GroupState.EMPTY), h.state("g"));
        long emptySince = h.machine.group("g").stateTimestampMs;
        h.apply(h.machine.expireOffsets(emptySince + DAY - 1));
        assertEquals(5, fetched("g", "orders", 0).committedOffset(), "old commit, but empty for less than a day");
        int before = h.records.size();
        h.apply(h.machine.expireOffsets(emptySince + DAY));
        assertEquals(List.of(GroupRecord.OffsetCommit.tombstone("g", new TopicPartitionKey("orders", 0)),
            GroupRecord.GroupMetadata.tombstone("g")), h.records.subList(before, h.records.size()));
        assertEquals(Optional.empty(), h.state("g"));
    }

    @Test
    void offsetsOfAGroupWithoutProtocolExpireByCommitTime() {
        simpleCommit("g", "orders", 0, 1);
        h.advance(DAY / 2);
        simpleCommit("g", "orders", 1, 2);
        h.advance(DAY / 2);
        h.apply(h.machine.expireOffsets(h.now()));
        assertEquals(-1, fetched("g", "orders", 0).committedOffset());
        assertEquals(2, fetched("g", "orders", 1).committedOffset());
        assertEquals(Optional.of(GroupState.EMPTY), h.state("g"));
        h.advance(DAY / 2);
        h.apply(h.machine.expireOffsets(h.now()));
        assertEquals(Optional.empty(), h.state("g"), "no offsets left: deleted");
    }

    @Test
    void aStableConsumerGroupExpiresOnlyOffsetsOfTopicsItNoLongerSubscribes() {
        List<String> ids = h.stableGroup("g", 1);
        h.commit(9, "g", 1, ids.get(0), null, -1, "orders", 0, 5, "");
        h.commit(9, "g", 1, ids.get(0), null, -1, "old", 0, 6, "");
        h.time.advance(DAY);                      // no timers fire: the session is not being checked here
        h.apply(h.machine.expireOffsets(h.now()));
        assertEquals(5, fetched("g", "orders", 0).committedOffset());
        assertEquals(-1, fetched("g", "old", 0).committedOffset());
    }

    // ------------------------------------------------------------------ deleted topics

    @Test
    void offsetsOfDeletedTopicsAreTombstonedAndAGroupLeftWithoutOffsetsIsDeleted() {
        simpleCommit("only-orders", "orders", 0, 1);
        simpleCommit("only-orders", "orders", 1, 2);
        simpleCommit("mixed", "orders", 0, 3);
        simpleCommit("mixed", "payments", 0, 4);
        List<String> ids = h.stableGroup("active", 1);
        h.commit(9, "active", 1, ids.get(0), null, -1, "orders", 2, 5, "");
        int before = h.records.size();

        h.apply(h.machine.deleteTopics(java.util.Set.of("orders", "never-committed")));

        assertEquals(List.of(
                GroupRecord.OffsetCommit.tombstone("active", new TopicPartitionKey("orders", 2)),
                GroupRecord.OffsetCommit.tombstone("mixed", new TopicPartitionKey("orders", 0)),
                GroupRecord.OffsetCommit.tombstone("only-orders", new TopicPartitionKey("orders", 0)),
                GroupRecord.OffsetCommit.tombstone("only-orders", new TopicPartitionKey("orders", 1)),
                GroupRecord.GroupMetadata.tombstone("only-orders")),
            h.records.subList(before, h.records.size()).stream()
                .sorted(java.util.Comparator.comparing(GroupRecord::groupId)).toList());
        assertEquals(Optional.empty(), h.state("only-orders"), "empty, no offsets left: deleted");
        assertEquals(Optional.of(GroupState.EMPTY), h.state("mixed"));
        assertEquals(-1, fetched("mixed", "orders", 0).committedOffset());
        assertEquals(4, fetched("mixed", "payments", 0).committedOffset());
        assertEquals(Optional.of(GroupState.STABLE), h.state("active"), "a group with members stays");
        assertEquals(-1, fetched("active", "orders", 2).committedOffset());

        int after = h.records.size();
        h.apply(h.machine.deleteTopics(java.util.Set.of("orders")));
        assertEquals(after, h.records.size(), "nothing left to delete: no records");

        GroupStateMachine replayed = new GroupStateMachine(7, h.config, () -> "x");
        h.records.forEach(replayed::replay);
        assertEquals(h.machine.persistedView(), replayed.persistedView(), "the tombstones survive a replay");
    }

    // ------------------------------------------------------------------ DescribeGroups, ListGroups, DeleteGroups

    @Test
    void describeReportsStateProtocolAndMembers() {
        DescribeGroupsResponse.Group unknown = h.machine.describeGroup("nope");
        assertEquals(Errors.NONE.code(), unknown.errorCode());
        assertEquals("Dead", unknown.groupState());
        assertTrue(unknown.members().isEmpty());

        List<String> ids = h.stableGroup("g", 2);
        DescribeGroupsResponse.Group stable = h.machine.describeGroup("g");
        assertEquals("Stable", stable.groupState());
        assertEquals("consumer", stable.protocolType());
        assertEquals("range", stable.protocolData());
        assertEquals(ids, stable.members().stream().map(DescribeGroupsResponse.Group.Member::memberId).toList());
        DescribeGroupsResponse.Group.Member second = stable.members().get(1);
        assertEquals("client", second.clientId());
        assertEquals("/127.0.0.1", second.clientHost());
        assertEquals(ByteBuffer.wrap(MachineHarness.subscription("orders")), second.memberMetadata());
        assertEquals(ByteBuffer.wrap(new byte[] {1}), second.memberAssignment());

        h.join(9, "g", ids.get(0));
        DescribeGroupsResponse.Group preparing = h.machine.describeGroup("g");
        assertEquals("PreparingRebalance", preparing.groupState());
        assertEquals("", preparing.protocolData());
        assertEquals(0, preparing.members().get(0).memberMetadata().remaining(), "no metadata unless Stable");
    }

    @Test
    void listGroupsFiltersByStateIgnoringCaseAndByType() {
        h.stableGroup("stable", 1);
        simpleCommit("offsets-only", "orders", 0, 1);
        assertEquals(List.of("offsets-only", "stable"), names(h.machine.listGroups(List.of(), List.of())));
        assertEquals(List.of("stable"), names(h.machine.listGroups(List.of("stable"), List.of())));
        assertEquals(List.of("offsets-only"), names(h.machine.listGroups(List.of("EMPTY", "dead"), null)));
        assertEquals(List.of(), names(h.machine.listGroups(List.of(), List.of("consumer"))));
        assertEquals(2, h.machine.listGroups(List.of(), List.of("Classic")).size());
    }

    private static List<String> names(List<ListGroupsResponse.Group> groups) {
        return groups.stream().map(ListGroupsResponse.Group::groupId).toList();
    }

    private Errors deleteGroup(String group) {
        long id = h.nextId();
        h.apply(h.machine.deleteGroup(id, group));
        return h.reply(id);
    }

    @Test
    void onlyEmptyGroupsAreDeletedWithTheirOffsets() {
        assertEquals(Errors.GROUP_ID_NOT_FOUND, deleteGroup("nope"));
        h.stableGroup("busy", 1);
        assertEquals(Errors.NON_EMPTY_GROUP, deleteGroup("busy"));
        simpleCommit("idle", "orders", 0, 1);
        simpleCommit("idle", "orders", 1, 2);
        int before = h.records.size();
        assertEquals(Errors.NONE, deleteGroup("idle"));
        assertEquals(List.of(GroupRecord.OffsetCommit.tombstone("idle", new TopicPartitionKey("orders", 0)),
            GroupRecord.OffsetCommit.tombstone("idle", new TopicPartitionKey("orders", 1)),
            GroupRecord.GroupMetadata.tombstone("idle")), h.records.subList(before, h.records.size()));
        assertEquals(Optional.empty(), h.state("idle"));
        assertEquals(-1, fetched("idle", "orders", 0).committedOffset());
    }
}
