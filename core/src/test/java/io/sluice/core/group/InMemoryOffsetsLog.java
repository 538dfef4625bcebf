package io.sluice.core.group;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.record.MemoryRecords;
import io.sluice.record.Record;
import io.sluice.record.RecordBatch;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;

/**
 * A fake of the broker's side of the group coordinator: the partitions of {@code __consumer_offsets} as in-memory
 * logs. Appends are stored at once (offsets assigned) and their futures complete at once, or, with
 * {@link #holdReplication}, only when the test calls {@link #replicate}; {@link #failNextAppend} makes an append
 * fail without being stored. Thread-safe (synchronized); tests drive it from one thread.
 */
final class InMemoryOffsetsLog implements PartitionWriter, PartitionReader {
    private final Map<Integer, List<MemoryRecords>> logs = new HashMap<>();
    private final Map<Integer, Long> ends = new HashMap<>();
    private final Queue<CompletableFuture<Void>> unreplicated = new ArrayDeque<>();
    private boolean hold;
    private Errors failNext;
    private int appends;

    synchronized void holdReplication(boolean hold) {
        this.hold = hold;
    }

    synchronized void failNextAppend(Errors error) {
        this.failNext = error;
    }

    /** Completes the oldest held appends, as replication would. */
    void replicate(int count) {
        for (int i = 0; i < count; i++) {
            CompletableFuture<Void> f;
            synchronized (this) {
                f = unreplicated.poll();
            }
            if (f != null) {
                f.complete(null);
            }
        }
    }

    /** Fails the oldest held append (it stays in the log: it timed out). */
    void timeOutOldest() {
        CompletableFuture<Void> f;
        synchronized (this) {
            f = unreplicated.poll();
        }
        f.completeExceptionally(new ApiException(Errors.REQUEST_TIMED_OUT, "not replicated in time"));
    }

    synchronized int appendCount() {
        return appends;
    }

    @Override
    public synchronized CompletableFuture<Void> append(int partition, int leaderEpoch, MemoryRecords records,
                                                     long timeoutMs) {
        if (failNext != null) {
            Errors e = failNext;
            failNext = null;
            return CompletableFuture.failedFuture(new ApiException(e, "injected"));
        }
        appends++;
        long base = ends.getOrDefault(partition, 0L);
        ByteBuffer copy = ByteBuffer.allocate(records.sizeInBytes());
        records.writeTo(copy);
        copy.flip();
        MemoryRecords stored = MemoryRecords.readableRecords(copy);
        long next = base;
        for (RecordBatch b : stored.batches()) {
            b.setBaseOffset(next);
            b.setPartitionLeaderEpoch(leaderEpoch);
            next = b.nextOffset();
        }
        logs.computeIfAbsent(partition, p -> new ArrayList<>()).add(stored);
        ends.put(partition, next);
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (hold) {
            unreplicated.add(f);
        } else {
            f.complete(null);
        }
        return f;
    }

    @Override
    public synchronized long logStartOffset(int partition) {
        return 0;
    }

    @Override
    public synchronized long logEndOffset(int partition) {
        return ends.getOrDefault(partition, 0L);
    }

    /** Returns one stored batch per call (so the loader's paging is exercised). */
    @Override
    public synchronized MemoryRecords read(int partition, long offset, int maxBytes) {
        for (MemoryRecords m : logs.getOrDefault(partition, List.of())) {
            for (RecordBatch b : m.batches()) {
                if (b.lastOffset() >= offset) {
                    return m;
                }
            }
        }
        return MemoryRecords.EMPTY;
    }

    /** Every record of a partition, decoded, in log order. */
    synchronized List<GroupRecord> records(int partition) {
        List<GroupRecord> out = new ArrayList<>();
        for (MemoryRecords m : logs.getOrDefault(partition, List.of())) {
            for (RecordBatch b : m.batches()) {
                for (Record r : b.records()) {
                    Optional<GroupRecord> d = OffsetsRecordCodec.decode(r.key(), r.value());
                    d.ifPresent(out::add);
                }
            }
        }
        return out;
    }
}
