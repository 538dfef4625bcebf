package io.sluice.core.producerstate;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The state of one producer id in one partition: its current epoch, the metadata of its last (at most
 * {@value #MAX_CACHED_BATCHES}) appended batches, oldest first, and the broker time of its last update (for
 * expiration). Immutable; {@link ProducerStateManager} replaces the value on every update.
 *
 * <p>{@code batches} is empty after an epoch change made by a control batch: the producer is known, but no
 * sequence of the current epoch has been appended yet.
 */
public record ProducerState(long producerId, short producerEpoch, List<BatchMetadata> batches, long lastUpdateMs) {
    /** Batches remembered per producer: the producer's max.in.flight.requests.per.connection limit. */
    public static final int MAX_CACHED_BATCHES = 5;

    public ProducerState {
        if (producerId < 0) {
            throw new IllegalArgumentException("Negative producer id " + producerId);
        }
        batches = List.copyOf(batches);
        if (batches.size() > MAX_CACHED_BATCHES) {
            throw new IllegalArgumentException("Producer " + producerId + " has " + batches.size()
                + " cached batches, more than " + MAX_CACHED_BATCHES);
        }
    }

    /** A producer seen for the first time (or again, in a different epoch), with no batches yet. */
    static ProducerState empty(long producerId, short producerEpoch, long nowMs) {
        return new ProducerState(producerId, producerEpoch, List.of(), nowMs);
    }

    /** Sequence of the last record appended in the current epoch, if any. */
    public OptionalInt lastSequence() {
        return batches.isEmpty() ? OptionalInt.empty() : OptionalInt.of(batches.get(batches.size() - 1).lastSequence());
    }

    /** The cached batch with exactly these first and last sequences, if any. */
    public Optional<BatchMetadata> findBatch(int firstSequence, int lastSequence) {
        for (BatchMetadata batch : batches) {
            if (batch.hasSequences(firstSequence, lastSequence)) {
                return Optional.of(batch);
            }
        }
        return Optional.empty();
    }

    /**
     * This state after appending {@code batch} in {@code epoch}: a different epoch starts a fresh cache; the oldest
     * batch is dropped once more than {@value #MAX_CACHED_BATCHES} are cached.
     */
    ProducerState withAppended(short epoch, BatchMetadata batch, long nowMs) {
        List<BatchMetadata> next = new ArrayList<>(MAX_CACHED_BATCHES + 1);
        if (epoch == producerEpoch) {
            next.addAll(batches);
        }
        next.add(batch);
        if (next.size() > MAX_CACHED_BATCHES) {
            next.remove(0);
        }
        return new ProducerState(producerId, epoch, next, nowMs);
    }

    /** This state after a batch in {@code epoch} that carries no sequences (a control batch). */
    ProducerState withEpoch(short epoch, long nowMs) {
        return epoch == producerEpoch
            ? new ProducerState(producerId, epoch, batches, nowMs)
            : empty(producerId, epoch, nowMs);
    }
}
