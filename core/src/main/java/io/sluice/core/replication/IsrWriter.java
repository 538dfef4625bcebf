package io.sluice.core.replication;

import java.util.concurrent.CompletableFuture;

/**
 * Where a partition leader's ISR changes go: a conditional write of the partition state in ZooKeeper (implemented
 * in {@code server} over the metadata store). Implementations must not block the caller (writes run on their own
 * thread) and complete the future normally, with {@link IsrWriteResult.Failed} for errors.
 */
@FunctionalInterface
public interface IsrWriter {
    CompletableFuture<IsrWriteResult> write(IsrUpdate update);
}
