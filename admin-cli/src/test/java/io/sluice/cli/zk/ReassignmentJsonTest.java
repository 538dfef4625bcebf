package io.sluice.cli.zk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.cli.common.ExitCodes;
import io.sluice.cli.common.ToolException;
import io.sluice.coordinator.metadata.PartitionRef;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReassignmentJsonTest {
    @Test
    void parsesKafkasReassignmentFile() {
        Map<PartitionRef, List<Integer>> parsed = ReassignmentJson.parseReassignment("""
            {"version":1,"partitions":[
              {"topic":"t","partition":1,"replicas":[3,1],"log_dirs":["any","any"]},
              {"topic":"t","partition":0,"replicas":[2]}]}""", "f.json");
        assertEquals(List.of(new PartitionRef("t", 1), new PartitionRef("t", 0)), List.copyOf(parsed.keySet()));
        assertEquals(List.of(3, 1), parsed.get(new PartitionRef("t", 1)));
    }

    @Test
    void formatsOnOneLineWithLogDirsAndParsesBack() {
        Map<PartitionRef, List<Integer>> a = new LinkedHashMap<>();
        a.put(new PartitionRef("t", 0), List.of(1, 2));
        String json = ReassignmentJson.format(a);
        assertEquals("{\"version\":1,\"partitions\":[{\"topic\":\"t\",\"partition\":0,\"replicas\":[1,2],"
            + "\"log_dirs\":[\"any\",\"any\"]}]}", json);
        assertEquals(a, ReassignmentJson.parseReassignment(json, "x"));
    }

    @Test
    void parsesTopicsToMove() {
        assertEquals(List.of("a", "b"), ReassignmentJson.parseTopicsToMove(
            "{\"version\":1,\"topics\":[{\"topic\":\"a\"},{\"topic\":\"b\"},{\"topic\":\"a\"}]}", "f"));
    }

    @Test
    void rejectsMalformedFilesAsBadInputNamingTheProblem() {
        assertBad("{\"partitions\":[", "not valid JSON");
        assertBad("[]", "expected a JSON object");
        assertBad("{\"version\":2,\"partitions\":[]}", "unsupported version");
        assertBad("{\"version\":1,\"partitions\":[]}", "at least one partition");
        assertBad("{\"partitions\":[{\"topic\":\"t\",\"partition\":0}]}", "\"replicas\"");
        assertBad("{\"partitions\":[{\"topic\":\"t\",\"partition\":-1,\"replicas\":[1]}]}", "negative");
        assertBad("{\"partitions\":[{\"topic\":\"t\",\"partition\":0,\"replicas\":[]}]}", "is empty");
        assertBad("{\"partitions\":[{\"topic\":\"t\",\"partition\":0,\"replicas\":[1,1]}]}", "twice");
        assertBad("{\"partitions\":[{\"topic\":\"t\",\"partition\":0,\"replicas\":[\"a\"]}]}", "broker ids");
        assertBad("{\"partitions\":[{\"topic\":\"t\",\"partition\":0,\"replicas\":[1],\"log_dirs\":[\"/d\"]}]}", "\"any\"");
        assertBad("{\"partitions\":[{\"topic\":\"t\",\"partition\":0,\"replicas\":[1]},"
            + "{\"topic\":\"t\",\"partition\":0,\"replicas\":[2]}]}", "listed twice");
        assertBad("{\"partitions\":[{\"topic\":\"a/b\",\"partition\":0,\"replicas\":[1]}]}", "znode name");
        ToolException e = assertThrows(ToolException.class, () -> ReassignmentJson.parseTopicsToMove("{\"topics\":[{}]}", "f"));
        assertTrue(e.getMessage().contains("\"topic\" string"), e.getMessage());
    }

    private static void assertBad(String json, String expected) {
        ToolException e = assertThrows(ToolException.class, () -> ReassignmentJson.parseReassignment(json, "f.json"));
        assertEquals(ExitCodes.USAGE, e.exitCode());
        assertTrue(e.getMessage().startsWith("f.json"), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
