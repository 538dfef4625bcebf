package io.sluice.core.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A per-log-dir checkpoint of one offset per partition: {@code recovery-point-offset-checkpoint},
 * {@code log-start-offset-checkpoint}, {@code cleaner-offset-checkpoint}, and (for replication)
 * {@code replication-offset-checkpoint}. The layout is {@link CheckpointFile}'s with entry lines
 * {@code <topic> <partition> <offset>}, sorted by topic and partition. Written atomically.
 *
 * <p>Thread-safe (see {@link CheckpointFile}).
 */
public final class OffsetCheckpointFile {
    private static final CheckpointFile.EntryFormat<Map.Entry<TopicPartition, Long>> FORMAT = new CheckpointFile.EntryFormat<>() {
        @Override
        public String toLine(Map.Entry<TopicPartition, Long> entry) {
            return entry.getKey().topic() + " " + entry.getKey().partition() + " " + entry.getValue();
        }

        @Override
        public Map.Entry<TopicPartition, Long> fromLine(String line) {
            String[] fields = line.trim().split(" ");
            if (fields.length != 3) {
                return null;
            }
            try {
                return Map.entry(new TopicPartition(fields[0], Integer.parseInt(fields[1])), Long.parseLong(fields[2]));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    };

    private final CheckpointFile<Map.Entry<TopicPartition, Long>> file;

    public OffsetCheckpointFile(Path file) {
        this.file = new CheckpointFile<>(file, FORMAT);
    }

    public Path path() {
        return file.path();
    }

    /** Replaces the file with these offsets. */
    public void write(Map<TopicPartition, Long> offsets) throws IOException {
        List<Map.Entry<TopicPartition, Long>> entries = new ArrayList<>(offsets.entrySet());
        entries.sort(Comparator.comparing((Map.Entry<TopicPartition, Long> e) -> e.getKey().topic())
            .thenComparingInt(e -> e.getKey().partition()));
        file.write(entries);
    }

    /** The offsets in the file; empty if it does not exist. */
    public Map<TopicPartition, Long> read() throws IOException {
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, Long> entry : file.read()) {
            offsets.put(entry.getKey(), entry.getValue());
        }
        return offsets;
    }
}
