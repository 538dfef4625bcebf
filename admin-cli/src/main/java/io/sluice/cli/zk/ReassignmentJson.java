package io.sluice.cli.zk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.cli.common.ToolException;
import io.sluice.coordinator.metadata.PartitionRef;
import io.sluice.coordinator.zk.ZkPaths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kafka's JSON formats for {@code reassign-partitions.sh}. Pure; malformed input is bad input
 * ({@link ToolException#badInput}, exit 2) with a message naming what is wrong.
 *
 * <pre>
 * topics to move:  {"version":1,"topics":[{"topic":"t1"},{"topic":"t2"}]}
 * reassignment:    {"version":1,"partitions":[{"topic":"t1","partition":0,"replicas":[1,2,3],"log_dirs":["any","any","any"]}]}
 * </pre>
 * {@code log_dirs} is optional on input; Sluice brokers have one log directory per broker, so every entry must be
 * {@code "any"}. Output always writes it (all {@code "any"}), as Kafka does.
 */
public final class ReassignmentJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReassignmentJson() {
    }

    /** The topic names of a topics-to-move file, each once, in file order. */
    public static List<String> parseTopicsToMove(String json, String source) {
        JsonNode root = read(json, source);
        JsonNode topics = root.get("topics");
        if (topics == null || !topics.isArray() || topics.isEmpty()) {
            throw ToolException.badInput(source + ": expected {\"version\":1,\"topics\":[{\"topic\":\"...\"},...]} "
                + "with at least one topic");
        }
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode t : topics) {
            JsonNode name = t.get("topic");
            if (name == null || !name.isTextual()) {
                throw ToolException.badInput(source + ": every entry of 'topics' needs a \"topic\" string, got " + t);
            }
            names.add(safeName(name.asText(), source));
        }
        return List.copyOf(names);
    }

    /** The target replicas per partition of a reassignment file, in file order. */
    public static Map<PartitionRef, List<Integer>> parseReassignment(String json, String source) {
        JsonNode root = read(json, source);
        JsonNode partitions = root.get("partitions");
        if (partitions == null || !partitions.isArray() || partitions.isEmpty()) {
            throw ToolException.badInput(source + ": expected {\"version\":1,\"partitions\":[{\"topic\":\"...\","
                + "\"partition\":0,\"replicas\":[...]},...]} with at least one partition");
        }
        Map<PartitionRef, List<Integer>> out = new LinkedHashMap<>();
        for (JsonNode p : partitions) {
            JsonNode topic = p.get("topic");
            JsonNode partition = p.get("partition");
            JsonNode replicas = p.get("replicas");
            if (topic == null || !topic.isTextual() || partition == null || !partition.canConvertToInt()
                    || !partition.isIntegralNumber() || replicas == null || !replicas.isArray()) {
                throw ToolException.badInput(source + ": every partition entry needs \"topic\" (string), "
                    + "\"partition\" (integer) and \"replicas\" (array of broker ids), got " + p);
            }
            if (partition.asInt() < 0) {
                throw ToolException.badInput(source + ": partition " + partition.asInt() + " of '" + topic.asText()
                    + "' is negative");
            }
            PartitionRef ref = new PartitionRef(safeName(topic.asText(), source), partition.asInt());
            List<Integer> ids = new ArrayList<>();
            for (JsonNode id : replicas) {
                if (!id.isIntegralNumber() || !id.canConvertToInt() || id.asInt() < 0) {
                    throw ToolException.badInput(source + ": replicas of " + ref + " must be broker ids (integers >= 0), got " + replicas);
                }
                ids.add(id.asInt());
            }
            if (ids.isEmpty()) {
                throw ToolException.badInput(source + ": the replica list of " + ref + " is empty");
            }
            if (new LinkedHashSet<>(ids).size() != ids.size()) {
                throw ToolException.badInput(source + ": the replica list of " + ref + " names a broker twice: " + ids);
            }
            JsonNode logDirs = p.get("log_dirs");
            if (logDirs != null && !logDirs.isNull()) {
                if (!logDirs.isArray() || logDirs.size() != ids.size()) {
                    throw ToolException.badInput(source + ": log_dirs of " + ref + " must list one entry per replica");
                }
                for (JsonNode dir : logDirs) {
                    if (!"any".equals(dir.asText())) {
                        throw ToolException.badInput(source + ": log_dirs of " + ref + " must be \"any\" (Sluice "
                            + "brokers have one log directory), got " + logDirs);
                    }
                }
            }
            if (out.put(ref, List.copyOf(ids)) != null) {
                throw ToolException.badInput(source + ": partition " + ref + " is listed twice");
            }
        }
        return out;
    }

    /** A reassignment file for {@code assignment}, on one line as Kafka prints it. */
    public static String format(Map<PartitionRef, List<Integer>> assignment) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        ArrayNode partitions = root.putArray("partitions");
        assignment.forEach((ref, replicas) -> {
            ObjectNode p = partitions.addObject().put("topic", ref.topic()).put("partition", ref.partition());
            ArrayNode ids = p.putArray("replicas");
            replicas.forEach(ids::add);
            ArrayNode dirs = p.putArray("log_dirs");
            replicas.forEach(r -> dirs.add("any"));
        });
        return root.toString();
    }

    private static JsonNode read(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ToolException.badInput(source + " is not valid JSON: " + e.getOriginalMessage()
                + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ")" : ""), e);
        }
        if (root == null || !root.isObject()) {
            throw ToolException.badInput(source + ": expected a JSON object");
        }
        JsonNode version = root.get("version");
        if (version != null && !(version.canConvertToInt() && version.asInt() == 1)) {
            throw ToolException.badInput(source + ": unsupported version " + version + " (expected 1)");
        }
        return root;
    }

    private static String safeName(String topic, String source) {
        try {
            return ZkPaths.requireSafeName(topic);
        } catch (IllegalArgumentException e) {
            throw ToolException.badInput(source + ": " + e.getMessage());
        }
    }
}
