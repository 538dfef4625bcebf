package io.sluice.client.producer;

import io.sluice.common.TopicPartition;
import io.sluice.record.CompressionType;
import io.sluice.record.Header;
import io.sluice.record.MemoryRecords;
import io.sluice.record.RecordBatchBuilder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Records for one partition collected into one record batch, with the futures of their sends. Guarded by the
 * accumulator's lock until drained; afterwards owned by the sender.
 */
final class ProducerBatch {
    record Thunk(CompletableFuture<RecordMetadata> future, long timestamp) {
    }

    final TopicPartition tp;
    final long createdNs;
    final int reservedBytes;
    private final RecordBatchBuilder builder;
    final List<Thunk> thunks = new ArrayList<>();
    private MemoryRecords built;
    int attempts;
    long retryAfterNs;
    int baseSequence = -1;
    long producerId = -1;
    short producerEpoch = -1;
    /** Set when no more records may be added (drained, or a newer batch was started). */
    boolean closed;

    ProducerBatch(TopicPartition tp, CompressionType compression, long createdNs, int reservedBytes) {
        this.tp = tp;
        this.createdNs = createdNs;
        this.reservedBytes = reservedBytes;
        this.builder = new RecordBatchBuilder().compression(compression);
    }

    boolean hasRoomFor(long timestamp, byte[] key, byte[] value, List<Header> headers, int batchSize) {
        return !closed && builder.hasRoomFor(timestamp, wrap(key), wrap(value), headers, batchSize);
    }

    CompletableFuture<RecordMetadata> append(long timestamp, byte[] key, byte[] value, List<Header> headers) {
        builder.append(timestamp, key, value, headers);
        CompletableFuture<RecordMetadata> future = new CompletableFuture<>();
        thunks.add(new Thunk(future, timestamp));
        return future;
    }

    boolean isFull(int batchSize) {
        return builder.isFull(batchSize);
    }

    int recordCount() {
        return thunks.size();
    }

    int estimatedSizeInBytes() {
        return built != null ? built.sizeInBytes() : builder.estimatedSizeInBytes();
    }

    /** Builds the batch once, with the producer state given the first time. */
    MemoryRecords records(long producerId, short producerEpoch, int baseSequence) {
        if (built == null) {
            this.producerId = producerId;
            this.producerEpoch = producerEpoch;
            this.baseSequence = baseSequence;
            builder.producerState(producerId, producerEpoch, baseSequence);
            built = builder.build();
        }
        return built;
    }

    boolean isBuilt() {
        return built != null;
    }

    void complete(long baseOffset, long logAppendTime) {
        for (int i = 0; i < thunks.size(); i++) {
            Thunk t = thunks.get(i);
            long offset = baseOffset < 0 ? -1 : baseOffset + i;
            t.future.complete(new RecordMetadata(tp.topic(), tp.partition(), offset,
                logAppendTime >= 0 ? logAppendTime : t.timestamp));
        }
    }

    void fail(RuntimeException e) {
        for (Thunk t : thunks) {
            t.future.completeExceptionally(e);
        }
    }

    private static ByteBuffer wrap(byte[] b) {
        return b == null ? null : ByteBuffer.wrap(b);
    }
}
