package io.sluice.core.server;

import io.sluice.coordinator.metadata.CasResult;
import io.sluice.coordinator.metadata.PartitionState;
import io.sluice.coordinator.metadata.ZkMetadataStore;
import io.sluice.core.log.TopicPartition;
import io.sluice.core.replication.IsrUpdate;
import io.sluice.core.replication.IsrWriteResult;
import io.sluice.core.replication.IsrWriter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A partition leader's ISR writes: a compare-and-set of {@code /brokers/topics/<t>/partitions/<p>/state} at the
 * version the leader last saw, keeping leader, leader epoch and controller epoch, on one {@code isr-writer}
 * thread (ZooKeeper calls block). A version conflict re-reads the state so the leader can decide again.
 */
final class ZkIsrWriter implements IsrWriter, AutoCloseable {
    private final ZkMetadataStore store;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "isr-writer");
        t.setDaemon(true);
        return t;
    });

    ZkIsrWriter(ZkMetadataStore store) {
        this.store = store;
    }

    @Override
    public CompletableFuture<IsrWriteResult> write(IsrUpdate update) {
        try {
            return CompletableFuture.supplyAsync(() -> writeNow(update), executor)
                .exceptionally(e -> new IsrWriteResult.Failed(e.toString()));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return CompletableFuture.completedFuture(new IsrWriteResult.Failed("the broker is shutting down"));
        }
    }

    private IsrWriteResult writeNow(IsrUpdate update) {
        TopicPartition tp = update.tp();
        if (update.expectedZkVersion() < 0) {
            // Never an unconditional write: a leader that does not know the version re-reads first.
            return new IsrWriteResult.Conflict(store.readPartitionState(tp.topic(), tp.partition()));
        }
        PartitionState next = new PartitionState(update.leaderId(), update.leaderEpoch(), update.newIsr(),
            update.controllerEpoch(), update.expectedZkVersion());
        CasResult result = store.compareAndSetPartitionState(tp.topic(), tp.partition(), next, update.expectedZkVersion());
        if (result instanceof CasResult.Written w) {
            return new IsrWriteResult.Written(w.newZkVersion());
        }
        return new IsrWriteResult.Conflict(store.readPartitionState(tp.topic(), tp.partition()));
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
