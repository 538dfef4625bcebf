package io.sluice.core.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFileTest {
    @TempDir
    Path dir;

    @Test
    void offsetsRoundTripInKafkasLayout() throws IOException {
        OffsetCheckpointFile file = new OffsetCheckpointFile(dir.resolve("recovery-point-offset-checkpoint"));
        assertEquals(Map.of(), file.read(), "missing file: empty");
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        offsets.put(new TopicPartition("b.topic", 1), 99L);
        offsets.put(new TopicPartition("a-topic", 0), 1234L);
        file.write(offsets);
        assertEquals(List.of("0", "2", "a-topic 0 1234", "b.topic 1 99"),
            Files.readAllLines(dir.resolve("recovery-point-offset-checkpoint")));
        assertEquals(offsets, file.read());
        file.write(Map.of());
        assertEquals(Map.of(), file.read());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temp file left behind");
        }
    }

    @Test
    void malformedFilesNameTheFileAndLine() throws IOException {
        Path path = dir.resolve("cp");
        OffsetCheckpointFile file = new OffsetCheckpointFile(path);
        for (String content : List.of("1\n0\n", "0\n2\nt 0 1\n", "0\n1\nt zero 1\n", "0\n", "x\n0\n")) {
            Files.write(path, content.getBytes(StandardCharsets.UTF_8));
            IOException e = assertThrows(IOException.class, file::read, content);
            assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
        }
    }

    @Test
    void topicPartitionDirectoryNames() {
        assertEquals(new TopicPartition("my-topic", 12), TopicPartition.fromDirName("my-topic-12").orElseThrow());
        assertEquals("my-topic-12", new TopicPartition("my-topic", 12).dirName());
        assertTrue(TopicPartition.fromDirName("lost+found").isEmpty());
        assertTrue(TopicPartition.fromDirName("topic-").isEmpty());
        assertTrue(TopicPartition.fromDirName("topic-0.abc-delete").isEmpty());
        assertTrue(TopicPartition.fromDirName("-3").isEmpty());
    }
}
