package io.sluice.core.replication;

import io.sluice.coordinator.metadata.PartitionState;
import java.util.Optional;

/** The outcome of writing an {@link IsrUpdate}. */
public sealed interface IsrWriteResult {
    /** Committed; {@code newZkVersion} is the expected version of the next write. */
    record Written(int newZkVersion) implements IsrWriteResult {
    }

    /**
     * Someone else wrote the state first (the controller, or a newer leader): nothing was written. {@code current}
     * is the state as re-read afterwards (empty if the znode is gone).
     */
    record Conflict(Optional<PartitionState> current) implements IsrWriteResult {
    }

    /** The write could not be done or its outcome is unknown (ZooKeeper unreachable); retry later. */
    record Failed(String reason) implements IsrWriteResult {
    }
}
