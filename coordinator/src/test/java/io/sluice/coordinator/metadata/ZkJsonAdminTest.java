package io.sluice.coordinator.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.common.Errors;
import io.sluice.common.Uuid;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The znode formats of reassignments, election requests, deletion confirmations and controlled shutdowns. */
class ZkJsonAdminTest {
    private static final Uuid TOPIC_ID = Uuid.fromString("x2nBMKm7S6SBeJ6p0kz7Ew");

    private static String text(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aReassignmentInProgressIsKafkasAddingAndRemovingReplicas() {
        TopicAssignment assignment = new TopicAssignment("orders", TOPIC_ID,
            Map.of(0, List.of(3, 1, 2), 1, List.of(2, 3)), Map.of(0, List.of(3)), Map.of(0, List.of(2)));
        assertEquals("{\"version\":3,\"topic_id\":\"x2nBMKm7S6SBeJ6p0kz7Ew\",\"partitions\":{\"0\":[3,1,2],\"1\":[2,3]},"
                + "\"adding_replicas\":{\"0\":[3]},\"removing_replicas\":{\"0\":[2]}}",
            text(ZkJson.encodeTopicAssignment(assignment)));
        assertEquals(assignment, ZkJson.decodeTopicAssignment("orders", ZkJson.encodeTopicAssignment(assignment)));
    }

    @Test
    void emptyReassignmentListsMeanNone() {
        TopicAssignment decoded = ZkJson.decodeTopicAssignment("t", bytes("{\"version\":3,\"partitions\":{\"0\":[1,2]},"
            + "\"adding_replicas\":{\"0\":[]},\"removing_replicas\":{}}"));
        assertEquals(false, decoded.isReassigning(0));
    }

    @Test
    void aRemovingReplicaOutsideTheReplicasIsMalformed() {
        ZkDataException e = assertThrows(ZkDataException.class, () -> ZkJson.decodeTopicAssignment("t",
            bytes("{\"version\":3,\"partitions\":{\"0\":[1,2]},\"removing_replicas\":{\"0\":[5]}}")));
        assertEquals(true, e.getMessage().contains("/brokers/topics/t"), e.getMessage());
    }

    @Test
    void electionRequestAndAnswer() {
        LeaderElectionRequest request = new LeaderElectionRequest("request_0000000003", 0, ElectionType.UNCLEAN,
            Optional.of(List.of(new PartitionRef("t", 1))), Optional.empty());
        assertEquals("{\"version\":1,\"election_type\":1,\"partitions\":[{\"topic\":\"t\",\"partition\":1}]}",
            text(ZkJson.encodeLeaderElectionRequest(request)));
        assertEquals(request, ZkJson.decodeLeaderElectionRequest("request_0000000003",
            ZkJson.encodeLeaderElectionRequest(request), 0));

        LeaderElectionRequest answered = request.withResults(Map.of(new PartitionRef("t", 1),
            PartitionOutcome.of(Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE, "none alive")));
        assertEquals("{\"version\":1,\"election_type\":1,\"partitions\":[{\"topic\":\"t\",\"partition\":1}],"
                + "\"results\":[{\"topic\":\"t\",\"partition\":1,\"error_code\":83,\"error_message\":\"none alive\"}]}",
            text(ZkJson.encodeLeaderElectionRequest(answered)));
        assertEquals(answered.withZkVersion(4), ZkJson.decodeLeaderElectionRequest("request_0000000003",
            ZkJson.encodeLeaderElectionRequest(answered), 4));
    }

    @Test
    void anElectionForEveryPartitionHasNullPartitions() {
        LeaderElectionRequest all = new LeaderElectionRequest("request_0000000000", 0, ElectionType.PREFERRED,
            Optional.empty(), Optional.of(Map.of(new PartitionRef("t", 0), PartitionOutcome.NONE)));
        assertEquals("{\"version\":1,\"election_type\":0,\"partitions\":null,"
                + "\"results\":[{\"topic\":\"t\",\"partition\":0,\"error_code\":0,\"error_message\":null}]}",
            text(ZkJson.encodeLeaderElectionRequest(all)));
        assertEquals(all, ZkJson.decodeLeaderElectionRequest("request_0000000000", ZkJson.encodeLeaderElectionRequest(all), 0));
    }

    @Test
    void unknownElectionTypeIsMalformed() {
        assertThrows(ZkDataException.class, () -> ZkJson.decodeLeaderElectionRequest("request_1",
            bytes("{\"version\":1,\"election_type\":7,\"partitions\":null}"), 0));
    }

    @Test
    void topicIdRecordsAndShutdownAnnouncements() {
        assertEquals("{\"version\":1,\"topic_id\":\"x2nBMKm7S6SBeJ6p0kz7Ew\"}", text(ZkJson.encodeTopicIdRecord(TOPIC_ID)));
        assertEquals(TOPIC_ID, ZkJson.decodeTopicIdRecord("/p", ZkJson.encodeTopicIdRecord(TOPIC_ID)));
        assertEquals(Uuid.ZERO, ZkJson.decodeTopicIdRecord("/p", new byte[0]));
        assertEquals("{\"version\":1,\"broker_epoch\":42}", text(ZkJson.encodeControlledShutdown(42)));
    }
}
