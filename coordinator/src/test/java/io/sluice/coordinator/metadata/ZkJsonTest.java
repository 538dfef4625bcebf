package io.sluice.coordinator.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.Uuid;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ZkJsonTest {
    private static final Uuid TOPIC_ID = Uuid.fromString("x2nBMKm7S6SBeJ6p0kz7Ew");

    private static String text(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    // ---- broker registration ----

    @Test
    void brokerRegistrationIsKafkaVersion5() {
        BrokerInfo broker = new BrokerInfo(1, List.of(
            new BrokerEndpoint("PLAINTEXT", "h1", 9092, "PLAINTEXT"),
            new BrokerEndpoint("SSL", "h1", 9093, "SSL")), Optional.of("r1"), -1);
        assertEquals("{\"version\":5,\"host\":\"h1\",\"port\":9092,\"jmx_port\":-1,\"timestamp\":\"1700000000000\","
                + "\"endpoints\":[\"PLAINTEXT://h1:9092\",\"SSL://h1:9093\"],"
                + "\"listener_security_protocol_map\":{\"PLAINTEXT\":\"PLAINTEXT\",\"SSL\":\"SSL\"},"
                + "\"rack\":\"r1\",\"features\":{}}",
            text(ZkJson.encodeBrokerRegistration(broker, 1_700_000_000_000L)));
    }

    @Test
    void brokerWithoutPlaintextOrRackWritesNullHostAndNoRack() {
        BrokerInfo broker = new BrokerInfo(2, List.of(new BrokerEndpoint("INTERNAL", "h2", 9094, "SSL")),
            Optional.empty(), -1);
        assertEquals("{\"version\":5,\"host\":null,\"port\":-1,\"jmx_port\":-1,\"timestamp\":\"5\","
                + "\"endpoints\":[\"INTERNAL://h2:9094\"],\"listener_security_protocol_map\":{\"INTERNAL\":\"SSL\"},"
                + "\"features\":{}}",
            text(ZkJson.encodeBrokerRegistration(broker, 5)));
    }

    @Test
    void brokerRegistrationRoundTripsWithTheEpochFromTheZnode() {
        BrokerInfo broker = new BrokerInfo(7, List.of(
            new BrokerEndpoint("PLAINTEXT", "::1", 9092, "PLAINTEXT"),
            new BrokerEndpoint("REPLICATION", "10.0.0.7", 9093, "PLAINTEXT")), Optional.of("rack-a"), -1);
        byte[] data = ZkJson.encodeBrokerRegistration(broker, 42);
        assertTrue(text(data).contains("\"PLAINTEXT://[::1]:9092\""), text(data));
        assertEquals(broker.withBrokerEpoch(4711), ZkJson.decodeBrokerRegistration(7, data, 4711));
    }

    @Test
    void decodesWhatKafkaWroteIgnoringUnknownFields() {
        String kafka = "{\"features\":{\"metadata.version\":{\"min_version\":1,\"max_version\":20}},"
            + "\"listener_security_protocol_map\":{\"PLAINTEXT\":\"PLAINTEXT\",\"CLIENT\":\"SASL_SSL\"},"
            + "\"endpoints\":[\"PLAINTEXT://broker1:9092\",\"CLIENT://broker1:9095\"],\"jmx_port\":9999,"
            + "\"port\":9092,\"host\":\"broker1\",\"version\":5,\"timestamp\":\"1690000000000\",\"future_field\":[1]}";
        BrokerInfo decoded = ZkJson.decodeBrokerRegistration(1, bytes(kafka), 99);
        assertEquals(new BrokerInfo(1, List.of(
            new BrokerEndpoint("PLAINTEXT", "broker1", 9092, "PLAINTEXT"),
            new BrokerEndpoint("CLIENT", "broker1", 9095, "SASL_SSL")), Optional.empty(), 99), decoded);
    }

    @Test
    void decodesAnOldRegistrationWithoutEndpoints() {
        String v0 = "{\"jmx_port\":-1,\"timestamp\":\"1\",\"host\":\"old\",\"version\":0,\"port\":9092}";
        assertEquals(List.of(new BrokerEndpoint("PLAINTEXT", "old", 9092, "PLAINTEXT")),
            ZkJson.decodeBrokerRegistration(3, bytes(v0), 1).endpoints());
    }

    // ---- topic assignment ----

    @Test
    void topicAssignmentIsKafkaVersion3() {
        TopicAssignment assignment = new TopicAssignment("orders", TOPIC_ID,
            Map.of(1, List.of(2, 3, 1), 0, List.of(1, 2, 3)));
        assertEquals("{\"version\":3,\"topic_id\":\"x2nBMKm7S6SBeJ6p0kz7Ew\","
                + "\"partitions\":{\"0\":[1,2,3],\"1\":[2,3,1]},\"adding_replicas\":{},\"removing_replicas\":{}}",
            text(ZkJson.encodeTopicAssignment(assignment)));
        assertEquals(assignment, ZkJson.decodeTopicAssignment("orders", ZkJson.encodeTopicAssignment(assignment)));
    }

    @Test
    void topicAssignmentWithoutTopicIdGetsZero() {
        String v1 = "{\"version\":1,\"partitions\":{\"1\":[2],\"0\":[1]}}";
        TopicAssignment decoded = ZkJson.decodeTopicAssignment("old", bytes(v1));
        assertEquals(Uuid.ZERO, decoded.topicId());
        assertEquals(List.of(2), decoded.replicas(1));
    }

    // ---- partition state ----

    @Test
    void partitionStateIsKafkaVersion1() {
        PartitionState state = new PartitionState(1, 4, List.of(1, 2, 3), 7, 12);
        assertEquals("{\"version\":1,\"leader\":1,\"leader_epoch\":4,\"isr\":[1,2,3],\"controller_epoch\":7}",
            text(ZkJson.encodePartitionState(state)));
        assertEquals(state, ZkJson.decodePartitionState("/p", ZkJson.encodePartitionState(state), 12));
    }

    @Test
    void partitionStateIgnoresLeaderRecoveryState() {
        String kafka = "{\"controller_epoch\":2,\"leader\":-1,\"version\":1,\"leader_epoch\":9,\"isr\":[3],"
            + "\"leader_recovery_state\":1}";
        assertEquals(new PartitionState(-1, 9, List.of(3), 2, 5), ZkJson.decodePartitionState("/p", bytes(kafka), 5));
    }

    // ---- controller ----

    @Test
    void controllerIsKafkaVersion1() {
        assertEquals("{\"version\":1,\"brokerid\":3,\"timestamp\":\"1234\"}", text(ZkJson.encodeController(3, 1234)));
        assertEquals(3, ZkJson.decodeControllerId(ZkJson.encodeController(3, 1234)));
        assertEquals(2, ZkJson.decodeControllerId(
            bytes("{\"version\":2,\"brokerid\":2,\"timestamp\":\"1\",\"kraftControllerEpoch\":-1}")));
    }

    @Test
    void controllerEpochIsPlainText() {
        assertEquals("7", text(ZkJson.encodeControllerEpoch(7)));
        assertEquals(7, ZkJson.decodeControllerEpoch(bytes("7")));
        ZkDataException e = assertThrows(ZkDataException.class, () -> ZkJson.decodeControllerEpoch(bytes("seven")));
        assertTrue(e.getMessage().contains("/controller_epoch"), e.getMessage());
    }

    // ---- configs, notifications, cluster id, producer ids ----

    @Test
    void topicConfigIsKafkaVersion1WithSortedStringValues() {
        byte[] data = ZkJson.encodeTopicConfig(Map.of("retention.ms", "1000", "cleanup.policy", "compact"));
        assertEquals("{\"version\":1,\"config\":{\"cleanup.policy\":\"compact\",\"retention.ms\":\"1000\"}}", text(data));
        assertEquals(Map.of("retention.ms", "1000", "cleanup.policy", "compact"), ZkJson.decodeTopicConfig("/c", data));
        assertEquals(Map.of(), ZkJson.decodeTopicConfig("/c", new byte[0]));
    }

    @Test
    void configChangeNotificationIsVersion2() {
        assertEquals("{\"version\":2,\"entity_path\":\"topics/orders\"}",
            text(ZkJson.encodeConfigChangeNotification("topics/orders")));
        assertEquals("topics/orders", ZkJson.decodeConfigChangeNotification("/n",
            ZkJson.encodeConfigChangeNotification("topics/orders")));
    }

    @Test
    void clusterIdHasAStringVersion() {
        assertEquals("{\"version\":\"1\",\"id\":\"x2nBMKm7S6SBeJ6p0kz7Ew\"}",
            text(ZkJson.encodeClusterId("x2nBMKm7S6SBeJ6p0kz7Ew")));
        assertEquals("abc", ZkJson.decodeClusterId(bytes("{\"version\":\"1\",\"id\":\"abc\"}")));
    }

    @Test
    void producerIdBlockWritesNumbersAsStrings() {
        ProducerIdBlock block = new ProducerIdBlock(1, 0, 999);
        assertEquals("{\"version\":1,\"broker\":1,\"block_start\":\"0\",\"block_end\":\"999\"}",
            text(ZkJson.encodeProducerIdBlock(block)));
        assertEquals(Optional.of(block), ZkJson.decodeProducerIdBlock(ZkJson.encodeProducerIdBlock(block)));
        assertEquals(Optional.of(new ProducerIdBlock(2, 1000, 1999)), ZkJson.decodeProducerIdBlock(
            bytes("{\"version\":1,\"broker\":2,\"block_start\":1000,\"block_end\":1999}")));
        assertEquals(Optional.empty(), ZkJson.decodeProducerIdBlock(new byte[0]));
    }

    // ---- malformed input ----

    @Test
    void malformedJsonNamesThePath() {
        assertMalformed("/brokers/topics/t/partitions/0/state", "not valid JSON",
            () -> ZkJson.decodePartitionState("/brokers/topics/t/partitions/0/state", bytes("{\"leader\":"), 0));
        assertMalformed("/brokers/ids/4", "expected a JSON object",
            () -> ZkJson.decodeBrokerRegistration(4, bytes("[1,2]"), 0));
        assertMalformed("/brokers/topics/t", "partitions",
            () -> ZkJson.decodeTopicAssignment("t", bytes("{\"version\":3}")));
        assertMalformed("/brokers/topics/t", "not an integer",
            () -> ZkJson.decodeTopicAssignment("t", bytes("{\"version\":3,\"partitions\":{\"x\":[1]}}")));
        assertMalformed("/brokers/topics/t", "without gaps",
            () -> ZkJson.decodeTopicAssignment("t", bytes("{\"version\":3,\"partitions\":{\"1\":[1]}}")));
        assertMalformed("/p", "isr", () -> ZkJson.decodePartitionState("/p",
            bytes("{\"version\":1,\"leader\":1,\"leader_epoch\":0,\"isr\":\"1\",\"controller_epoch\":1}"), 0));
        assertMalformed("/p", "leader_epoch", () -> ZkJson.decodePartitionState("/p",
            bytes("{\"version\":1,\"leader\":1,\"isr\":[1],\"controller_epoch\":1}"), 0));
        assertMalformed("/p", "no data", () -> ZkJson.decodePartitionState("/p", new byte[0], 0));
        assertMalformed("/brokers/ids/4", "endpoint", () -> ZkJson.decodeBrokerRegistration(4,
            bytes("{\"version\":5,\"endpoints\":[\"nonsense\"],\"port\":1}"), 0));
        assertMalformed("/brokers/topics/t", "topic_id", () -> ZkJson.decodeTopicAssignment("t",
            bytes("{\"version\":3,\"topic_id\":\"short\",\"partitions\":{\"0\":[1]}}")));
    }

    private static void assertMalformed(String path, String detail, Runnable decode) {
        ZkDataException e = assertThrows(ZkDataException.class, decode::run);
        assertTrue(e.getMessage().contains(path), e.getMessage());
        assertTrue(e.getMessage().contains(detail), e.getMessage());
    }
}
