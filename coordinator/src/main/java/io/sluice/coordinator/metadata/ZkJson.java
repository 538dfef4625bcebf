package io.sluice.coordinator.metadata;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.common.Errors;
import io.sluice.common.Uuid;
import io.sluice.coordinator.zk.ZkPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Encodes and decodes the znode payloads, in exactly the JSON shapes Kafka's ZooKeeper mode used (so Kafka-era
 * tools and people reading znodes see what they expect). Output is compact (no spaces) with keys in the order
 * below; decoding is tolerant: unknown fields are ignored, numbers written as strings (and vice versa) are
 * accepted where Kafka has used both, and anything malformed raises a {@link ZkDataException} naming the path.
 *
 * <pre>
 * /brokers/ids/&lt;id&gt;      v5 {"version":5,"host":"h","port":9092,"jmx_port":-1,"timestamp":"&lt;ms&gt;",
 *                            "endpoints":["PLAINTEXT://h:9092"],"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},
 *                            "rack":"r" (only if set),"features":{}}
 *                        host/port are those of the first PLAINTEXT endpoint (null/-1 if none). Decodes v1-v5;
 *                        v0 (host/port only) becomes one PLAINTEXT endpoint.
 * /brokers/topics/&lt;t&gt;    v3 {"version":3,"topic_id":"&lt;base64&gt;","partitions":{"0":[1,2]},"adding_replicas":{},"removing_replicas":{}}
 *                        decodes v1-v3; no topic_id gives Uuid.ZERO. During a reassignment, e.g. of partition 0
 *                        from [1,2] to [3,1]: "partitions":{"0":[3,1,2]},"adding_replicas":{"0":[3]},
 *                        "removing_replicas":{"0":[2]} (target first; only partitions being reassigned listed)
 * .../partitions/&lt;p&gt;/state v1 {"version":1,"leader":1,"leader_epoch":4,"isr":[1,2],"controller_epoch":7}
 * /controller             v1 {"version":1,"brokerid":1,"timestamp":"&lt;ms&gt;"} (v2's kraftControllerEpoch ignored)
 * /controller_epoch          plain decimal text, e.g. 7
 * /config/topics/&lt;t&gt;     v1 {"version":1,"config":{"retention.ms":"1000"}} (string values)
 * /config/changes/...     v2 {"version":2,"entity_path":"topics/&lt;t&gt;"}
 * /cluster/id                {"version":"1","id":"&lt;22-char base64&gt;"}
 * /latest_producer_id_block v1 {"version":1,"broker":1,"block_start":"0","block_end":"999"} (empty data: none yet)
 * /admin/delete_topics/&lt;t&gt;/&lt;broker&gt;, /admin/stray_replicas/&lt;broker&gt;/&lt;t&gt;
 *                         v1 {"version":1,"topic_id":"&lt;base64&gt;"}
 * /admin/controlled_shutdown/&lt;broker&gt; v1 {"version":1,"broker_epoch":123} (-1 if unknown)
 * /admin/elect_leaders/request_&lt;seq&gt;
 *                         v1 {"version":1,"election_type":0,"partitions":[{"topic":"t","partition":0}]}
 *                        "partitions":null asks for every partition; election_type 0 preferred, 1 unclean. The
 *                        controller answers by rewriting the znode with a "results" array added:
 *                        "results":[{"topic":"t","partition":0,"error_code":0,"error_message":null}]
 * </pre>
 *
 * <p>Thread-safe: stateless; the shared {@link ObjectMapper} is only used for tree reading and writing.
 */
public final class ZkJson {
    public static final int BROKER_REGISTRATION_VERSION = 5;
    public static final int TOPIC_ASSIGNMENT_VERSION = 3;
    public static final int PARTITION_STATE_VERSION = 1;
    public static final int CONTROLLER_VERSION = 1;
    public static final int TOPIC_CONFIG_VERSION = 1;
    public static final int CONFIG_CHANGE_VERSION = 2;
    public static final int PRODUCER_ID_BLOCK_VERSION = 1;
    public static final int TOPIC_ID_RECORD_VERSION = 1;
    public static final int CONTROLLED_SHUTDOWN_VERSION = 1;
    public static final int LEADER_ELECTION_REQUEST_VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ZkJson() {
    }

    // ---- /brokers/ids/<id> ----------------------------------------------------------------------------------

    public static byte[] encodeBrokerRegistration(BrokerInfo broker, long timestampMs) {
        Optional<BrokerEndpoint> plaintext = broker.endpoints().stream()
            .filter(e -> e.securityProtocol().equals("PLAINTEXT")).findFirst();
        ObjectNode root = NODES.objectNode();
        root.put("version", BROKER_REGISTRATION_VERSION);
        if (plaintext.isPresent()) {
            root.put("host", plaintext.get().host());
            root.put("port", plaintext.get().port());
        } else {
            root.putNull("host");
            root.put("port", -1);
        }
        root.put("jmx_port", -1);
        root.put("timestamp", Long.toString(timestampMs));
        ArrayNode endpoints = root.putArray("endpoints");
        broker.endpoints().forEach(e -> endpoints.add(e.connectionString()));
        ObjectNode protocols = root.putObject("listener_security_protocol_map");
        broker.endpoints().forEach(e -> protocols.put(e.listenerName(), e.securityProtocol()));
        broker.rack().ifPresent(rack -> root.put("rack", rack));
        root.putObject("features");
        return write(root);
    }

    /**
     * @param brokerEpoch the czxid of the znode the data came from
     */
    public static BrokerInfo decodeBrokerRegistration(int brokerId, byte[] data, long brokerEpoch) {
        String path = ZkPaths.brokerId(brokerId);
        JsonNode root = readObject(path, data);
        int version = intField(path, root, "version");
        try {
            List<BrokerEndpoint> endpoints = new ArrayList<>();
            JsonNode endpointList = root.get("endpoints");
            if (version >= 1 && endpointList != null && !endpointList.isNull()) {
                if (!endpointList.isArray()) {
                    throw malformed(path, "'endpoints' is not an array");
                }
                JsonNode protocolMap = root.get("listener_security_protocol_map");
                for (JsonNode e : endpointList) {
                    if (!e.isTextual()) {
                        throw malformed(path, "endpoint " + e + " is not a string");
                    }
                    BrokerEndpoint parsed = BrokerEndpoint.parse(e.asText(), null);
                    String protocol = parsed.listenerName();
                    if (protocolMap != null && protocolMap.hasNonNull(parsed.listenerName())) {
                        protocol = protocolMap.get(parsed.listenerName()).asText();
                    }
                    endpoints.add(new BrokerEndpoint(parsed.listenerName(), parsed.host(), parsed.port(), protocol));
                }
            } else {
                JsonNode host = root.get("host");
                int port = intField(path, root, "port");
                if (host != null && !host.isNull() && port >= 0) {
                    endpoints.add(new BrokerEndpoint("PLAINTEXT", host.asText(), port, "PLAINTEXT"));
                }
            }
            JsonNode rack = root.get("rack");
            Optional<String> rackValue = rack == null || rack.isNull() ? Optional.empty() : Optional.of(rack.asText());
            return new BrokerInfo(brokerId, endpoints, rackValue, brokerEpoch);
        } catch (IllegalArgumentException e) {
            throw malformed(path, e.getMessage(), e);
        }
    }

    // ---- /brokers/topics/<topic> ----------------------------------------------------------------------------

    public static byte[] encodeTopicAssignment(TopicAssignment assignment) {
        ObjectNode root = NODES.objectNode();
        root.put("version", TOPIC_ASSIGNMENT_VERSION);
        root.put("topic_id", assignment.topicId().toString());
        ObjectNode partitions = root.putObject("partitions");
        assignment.replicas().forEach((p, replicas) -> {
            ArrayNode list = partitions.putArray(Integer.toString(p));
            replicas.forEach(list::add);
        });
        putLists(root.putObject("adding_replicas"), assignment.addingReplicas());
        putLists(root.putObject("removing_replicas"), assignment.removingReplicas());
        return write(root);
    }

    private static void putLists(ObjectNode into, Map<Integer, List<Integer>> lists) {
        lists.forEach((p, replicas) -> {
            ArrayNode list = into.putArray(Integer.toString(p));
            replicas.forEach(list::add);
        });
    }

    private static Map<Integer, List<Integer>> partitionLists(String path, JsonNode node, String field) {
        Map<Integer, List<Integer>> out = new TreeMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw malformed(path, "'" + field + "' is not an object");
        }
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> entry = it.next();
            int partition;
            try {
                partition = Integer.parseInt(entry.getKey());
            } catch (NumberFormatException e) {
                throw malformed(path, "partition key '" + entry.getKey() + "' in '" + field + "' is not an integer", e);
            }
            out.put(partition, intList(path, entry.getValue(), field + "." + entry.getKey()));
        }
        return out;
    }

    public static TopicAssignment decodeTopicAssignment(String topic, byte[] data) {
        String path = ZkPaths.topic(topic);
        JsonNode root = readObject(path, data);
        intField(path, root, "version");
        JsonNode partitions = root.get("partitions");
        if (partitions == null || !partitions.isObject()) {
            throw malformed(path, "'partitions' is missing or not an object");
        }
        Map<Integer, List<Integer>> replicas = partitionLists(path, partitions, "partitions");
        Map<Integer, List<Integer>> adding = partitionLists(path, root.get("adding_replicas"), "adding_replicas");
        Map<Integer, List<Integer>> removing = partitionLists(path, root.get("removing_replicas"), "removing_replicas");
        Uuid topicId = Uuid.ZERO;
        JsonNode id = root.get("topic_id");
        if (id != null && !id.isNull()) {
            try {
                topicId = Uuid.fromString(id.asText());
            } catch (IllegalArgumentException e) {
                throw malformed(path, "bad topic_id: " + e.getMessage(), e);
            }
        }
        try {
            return new TopicAssignment(topic, topicId, replicas, adding, removing);
        } catch (IllegalArgumentException e) {
            throw malformed(path, e.getMessage(), e);
        }
    }

    // ---- /brokers/topics/<t>/partitions/<p>/state ----------------------------------------------------------

    public static byte[] encodePartitionState(PartitionState state) {
        ObjectNode root = NODES.objectNode();
        root.put("version", PARTITION_STATE_VERSION);
        root.put("leader", state.leader());
        root.put("leader_epoch", state.leaderEpoch());
        ArrayNode isr = root.putArray("isr");
        state.isr().forEach(isr::add);
        root.put("controller_epoch", state.controllerEpoch());
        return write(root);
    }

    /**
     * @param path      the znode the data came from (for error messages)
     * @param zkVersion the znode's data version, kept in the state for the next compare-and-set
     */
    public static PartitionState decodePartitionState(String path, byte[] data, int zkVersion) {
        JsonNode root = readObject(path, data);
        intField(path, root, "version");
        try {
            return new PartitionState(intField(path, root, "leader"), intField(path, root, "leader_epoch"),
                intList(path, root.get("isr"), "isr"), intField(path, root, "controller_epoch"), zkVersion);
        } catch (IllegalArgumentException e) {
            throw malformed(path, e.getMessage(), e);
        }
    }

    // ---- /controller and /controller_epoch ------------------------------------------------------------------

    public static byte[] encodeController(int brokerId, long timestampMs) {
        ObjectNode root = NODES.objectNode();
        root.put("version", CONTROLLER_VERSION);
        root.put("brokerid", brokerId);
        root.put("timestamp", Long.toString(timestampMs));
        return write(root);
    }

    /** The {@code brokerid} of the {@code /controller} payload. */
    public static int decodeControllerId(byte[] data) {
        String path = ZkPaths.CONTROLLER;
        return intField(path, readObject(path, data), "brokerid");
    }

    public static byte[] encodeControllerEpoch(int epoch) {
        return Integer.toString(epoch).getBytes(StandardCharsets.UTF_8);
    }

    public static int decodeControllerEpoch(byte[] data) {
        String text = data == null ? "" : new String(data, StandardCharsets.UTF_8).strip();
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw malformed(ZkPaths.CONTROLLER_EPOCH, "'" + text + "' is not an integer", e);
        }
    }

    // ---- /config/topics/<t> and /config/changes ------------------------------------------------------------

    public static byte[] encodeTopicConfig(Map<String, String> configs) {
        ObjectNode root = NODES.objectNode();
        root.put("version", TOPIC_CONFIG_VERSION);
        ObjectNode config = root.putObject("config");
        new TreeMap<>(configs).forEach(config::put);
        return write(root);
    }

    /** The overrides, in key order; an empty znode means no overrides. */
    public static Map<String, String> decodeTopicConfig(String path, byte[] data) {
        if (data == null || data.length == 0) {
            return Map.of();
        }
        JsonNode root = readObject(path, data);
        JsonNode config = root.get("config");
        if (config == null || config.isNull()) {
            return Map.of();
        }
        if (!config.isObject()) {
            throw malformed(path, "'config' is not an object");
        }
        Map<String, String> result = new LinkedHashMap<>();
        config.fields().forEachRemaining(e -> {
            if (!e.getValue().isValueNode()) {
                throw malformed(path, "config value of '" + e.getKey() + "' is not a string");
            }
            result.put(e.getKey(), e.getValue().asText());
        });
        return result;
    }

    public static byte[] encodeConfigChangeNotification(String entityPath) {
        ObjectNode root = NODES.objectNode();
        root.put("version", CONFIG_CHANGE_VERSION);
        root.put("entity_path", entityPath);
        return write(root);
    }

    public static String decodeConfigChangeNotification(String path, byte[] data) {
        return textField(path, readObject(path, data), "entity_path");
    }

    // ---- /cluster/id ----------------------------------------------------------------------------------------

    public static byte[] encodeClusterId(String clusterId) {
        ObjectNode root = NODES.objectNode();
        root.put("version", "1");
        root.put("id", clusterId);
        return write(root);
    }

    public static String decodeClusterId(byte[] data) {
        String path = ZkPaths.CLUSTER_ID;
        return textField(path, readObject(path, data), "id");
    }

    // ---- /latest_producer_id_block --------------------------------------------------------------------------

    public static byte[] encodeProducerIdBlock(ProducerIdBlock block) {
        ObjectNode root = NODES.objectNode();
        root.put("version", PRODUCER_ID_BLOCK_VERSION);
        root.put("broker", block.brokerId());
        root.put("block_start", Long.toString(block.firstProducerId()));
        root.put("block_end", Long.toString(block.lastProducerId()));
        return write(root);
    }

    /** Empty if the znode has no data yet (Kafka creates it empty). */
    public static Optional<ProducerIdBlock> decodeProducerIdBlock(byte[] data) {
        if (data == null || data.length == 0) {
            return Optional.empty();
        }
        String path = ZkPaths.LATEST_PRODUCER_ID_BLOCK;
        JsonNode root = readObject(path, data);
        try {
            return Optional.of(new ProducerIdBlock(intField(path, root, "broker"),
                longField(path, root, "block_start"), longField(path, root, "block_end")));
        } catch (IllegalArgumentException e) {
            throw malformed(path, e.getMessage(), e);
        }
    }

    // ---- /admin/delete_topics/<t>/<broker> and /admin/stray_replicas/<broker>/<t> ----------------------------

    public static byte[] encodeTopicIdRecord(Uuid topicId) {
        ObjectNode root = NODES.objectNode();
        root.put("version", TOPIC_ID_RECORD_VERSION);
        root.put("topic_id", topicId.toString());
        return write(root);
    }

    /** The topic id of a deletion confirmation or stray-replica record; {@link Uuid#ZERO} for an empty znode. */
    public static Uuid decodeTopicIdRecord(String path, byte[] data) {
        if (data == null || data.length == 0) {
            return Uuid.ZERO;
        }
        try {
            return Uuid.fromString(textField(path, readObject(path, data), "topic_id"));
        } catch (IllegalArgumentException e) {
            throw malformed(path, "bad topic_id: " + e.getMessage(), e);
        }
    }

    // ---- /admin/controlled_shutdown/<broker> -----------------------------------------------------------------

    public static byte[] encodeControlledShutdown(long brokerEpoch) {
        ObjectNode root = NODES.objectNode();
        root.put("version", CONTROLLED_SHUTDOWN_VERSION);
        root.put("broker_epoch", brokerEpoch);
        return write(root);
    }

    // ---- /admin/elect_leaders/request_<seq> ------------------------------------------------------------------

    public static byte[] encodeLeaderElectionRequest(LeaderElectionRequest request) {
        ObjectNode root = NODES.objectNode();
        root.put("version", LEADER_ELECTION_REQUEST_VERSION);
        root.put("election_type", request.type().value);
        if (request.partitions().isEmpty()) {
            root.putNull("partitions");
        } else {
            ArrayNode partitions = root.putArray("partitions");
            for (PartitionRef p : request.partitions().get()) {
                partitions.addObject().put("topic", p.topic()).put("partition", p.partition());
            }
        }
        request.results().ifPresent(results -> {
            ArrayNode out = root.putArray("results");
            results.forEach((p, outcome) -> {
                ObjectNode r = out.addObject().put("topic", p.topic()).put("partition", p.partition())
                    .put("error_code", outcome.error().code());
                if (outcome.message().isPresent()) {
                    r.put("error_message", outcome.message().get());
                } else {
                    r.putNull("error_message");
                }
            });
        });
        return write(root);
    }

    public static LeaderElectionRequest decodeLeaderElectionRequest(String name, byte[] data, int zkVersion) {
        String path = ZkPaths.electLeadersRequest(name);
        JsonNode root = readObject(path, data);
        intField(path, root, "version");
        int typeValue = intField(path, root, "election_type");
        ElectionType type = ElectionType.of(typeValue)
            .orElseThrow(() -> malformed(path, "unknown election_type " + typeValue));
        Optional<List<PartitionRef>> partitions = Optional.empty();
        JsonNode list = root.get("partitions");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw malformed(path, "'partitions' is not an array");
            }
            List<PartitionRef> refs = new ArrayList<>();
            for (JsonNode p : list) {
                refs.add(partitionRef(path, p));
            }
            partitions = Optional.of(refs);
        }
        Optional<Map<PartitionRef, PartitionOutcome>> results = Optional.empty();
        JsonNode resultList = root.get("results");
        if (resultList != null && !resultList.isNull()) {
            if (!resultList.isArray()) {
                throw malformed(path, "'results' is not an array");
            }
            Map<PartitionRef, PartitionOutcome> out = new TreeMap<>();
            for (JsonNode r : resultList) {
                int code = intField(path, r, "error_code");
                Errors error = Errors.forCode((short) code);
                JsonNode message = r.get("error_message");
                out.put(partitionRef(path, r), PartitionOutcome.of(error,
                    message == null || message.isNull() ? null : message.asText()));
            }
            results = Optional.of(out);
        }
        return new LeaderElectionRequest(name, zkVersion, type, partitions, results);
    }

    private static PartitionRef partitionRef(String path, JsonNode node) {
        if (node == null || !node.isObject()) {
            throw malformed(path, "partition entry " + node + " is not an object");
        }
        try {
            return new PartitionRef(textField(path, node, "topic"), intField(path, node, "partition"));
        } catch (IllegalArgumentException e) {
            throw malformed(path, e.getMessage(), e);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static byte[] write(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise " + node, e);   // a tree of plain values always serialises
        }
    }

    private static JsonNode readObject(String path, byte[] data) {
        if (data == null || data.length == 0) {
            throw malformed(path, "the znode has no data");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(data);
        } catch (JsonProcessingException e) {
            throw malformed(path, "not valid JSON (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw malformed(path, "not valid JSON (" + e.getMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw malformed(path, "expected a JSON object");
        }
        return root;
    }

    private static int intField(String path, JsonNode root, String field) {
        long value = longField(path, root, field);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw malformed(path, "'" + field + "' value " + value + " does not fit an int");
        }
        return (int) value;
    }

    /** Accepts a JSON integer or a decimal string (Kafka writes some numbers as strings). */
    private static long longField(String path, JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw malformed(path, "missing field '" + field + "'");
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.asLong();
        }
        if (node.isTextual()) {
            try {
                return Long.parseLong(node.asText().strip());
            } catch (NumberFormatException e) {
                throw malformed(path, "'" + field + "' is not a number: " + node, e);
            }
        }
        throw malformed(path, "'" + field + "' is not an integer: " + node);
    }

    private static String textField(String path, JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull() || !node.isValueNode()) {
            throw malformed(path, "missing or non-text field '" + field + "'");
        }
        return node.asText();
    }

    private static List<Integer> intList(String path, JsonNode node, String field) {
        if (node == null || !node.isArray()) {
            throw malformed(path, "'" + field + "' is missing or not an array");
        }
        List<Integer> result = new ArrayList<>(node.size());
        for (JsonNode n : node) {
            if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                throw malformed(path, "'" + field + "' holds a non-integer " + n);
            }
            result.add(n.asInt());
        }
        return result;
    }

    private static ZkDataException malformed(String path, String what) {
        return new ZkDataException("Malformed data in znode " + path + ": " + what);
    }

    private static ZkDataException malformed(String path, String what, Throwable cause) {
        return new ZkDataException("Malformed data in znode " + path + ": " + what, cause);
    }
}
