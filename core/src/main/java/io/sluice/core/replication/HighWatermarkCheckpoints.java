package io.sluice.core.replication;

import io.sluice.core.log.OffsetCheckpointFile;
import io.sluice.core.log.TopicPartition;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The {@code replication-offset-checkpoint} file of each log directory: every hosted partition's high
 * watermark, written atomically every {@code replica.high.watermark.checkpoint.interval.ms} and at shutdown,
 * read at start-up so a restarted leader does not expose less than consumers already saw. Thread-safe.
 */
public final class HighWatermarkCheckpoints {
    public static final String FILE_NAME = "replication-offset-checkpoint";
    private static final Logger log = LogManager.getLogger(HighWatermarkCheckpoints.class);

    private final List<Path> logDirs;
    private final Map<TopicPartition, Long> loaded = new HashMap<>();

    public HighWatermarkCheckpoints(List<Path> logDirs) {
        this.logDirs = List.copyOf(logDirs);
        for (Path dir : logDirs) {
            try {
                loaded.putAll(new OffsetCheckpointFile(dir.resolve(FILE_NAME)).read());
            } catch (IOException | RuntimeException e) {
                log.warn("Ignoring unreadable high-watermark checkpoint in {}: {}", dir, e.getMessage());
            }
        }
    }

    /** The checkpointed HW of a partition, 0 if none. */
    public synchronized long checkpointed(TopicPartition tp) {
        return loaded.getOrDefault(tp, 0L);
    }

    /** Writes every partition's HW into the checkpoint of the directory holding its log. */
    public synchronized void write(Map<TopicPartition, Partition> partitions) {
        Map<Path, Map<TopicPartition, Long>> byDir = new HashMap<>();
        for (Path dir : logDirs) {
            byDir.put(dir, new HashMap<>());
        }
        partitions.forEach((tp, p) -> {
            Path dir = p.log().dir().getParent();
            byDir.computeIfAbsent(dir, d -> new HashMap<>()).put(tp, p.highWatermark());
        });
        byDir.forEach((dir, hws) -> {
            try {
                new OffsetCheckpointFile(dir.resolve(FILE_NAME)).write(hws);
            } catch (IOException e) {
                log.error("Could not write the high-watermark checkpoint in {}", dir, e);
            }
        });
        loaded.clear();
        partitions.forEach((tp, p) -> loaded.put(tp, p.highWatermark()));
    }
}
