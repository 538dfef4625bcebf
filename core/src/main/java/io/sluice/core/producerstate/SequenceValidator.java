package io.sluice.core.producerstate;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.record.RecordBatch;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The idempotent-producer rules a leader applies to an incoming batch, as pure functions of the stored
 * {@link ProducerState} and the batch. In order:
 *
 * <ol>
 *   <li>No stored state for the producer id (new, expired, or truncated away): accept any sequence.</li>
 *   <li>Batch epoch below the stored epoch: INVALID_PRODUCER_EPOCH (a newer instance has fenced this one).</li>
 *   <li>Batch epoch above the stored epoch: the first sequence must be 0 (the producer restarts its sequences
 *       when its epoch moves), unless the stored epoch is -1 (none), else OUT_OF_ORDER_SEQUENCE_NUMBER.</li>
 *   <li>Same epoch and a cached batch with the same first and last sequence: a {@link SequenceCheck.Duplicate}
 *       answering with that batch's offsets.</li>
 *   <li>Same epoch: the first sequence must follow the last stored sequence (Integer.MAX_VALUE is followed by
 *       0), else OUT_OF_ORDER_SEQUENCE_NUMBER. With no cached batch in this epoch (only after a control batch
 *       changed the epoch) any sequence is accepted, as for an unknown producer.</li>
 * </ol>
 *
 * Transactional batches follow the same rules. Control batches carry no sequences: only the epoch rule applies.
 * Stateless; thread-safe.
 */
final class SequenceValidator {
    private SequenceValidator() {
    }

    /** The sequence after {@code sequence}: sequences wrap from Integer.MAX_VALUE to 0. */
    static int nextSequence(int sequence) {
        return sequence == Integer.MAX_VALUE ? 0 : sequence + 1;
    }

    /**
     * Checks {@code batch} against {@code stored}, the state of the batch's producer id (empty if unknown).
     *
     * @throws ApiException OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_PRODUCER_EPOCH, or INVALID_RECORD for a data
     *                      batch that has a producer id but no sequence
     */
    static SequenceCheck check(Optional<ProducerState> stored, RecordBatch batch) {
        if (!batch.hasProducerId()) {
            return SequenceCheck.ACCEPT;
        }
        long producerId = batch.producerId();
        short epoch = batch.producerEpoch();
        int firstSequence = batch.baseSequence();
        if (!batch.isControlBatch() && firstSequence < 0) {
            throw new ApiException(Errors.INVALID_RECORD, "Producer id " + producerId + " epoch " + epoch
                + ": batch has a producer id but no sequence number (" + firstSequence + ")");
        }
        if (stored.isEmpty()) {
            return SequenceCheck.ACCEPT;
        }
        ProducerState state = stored.get();
        int lastSequence = batch.lastSequence();
        if (epoch < state.producerEpoch()) {
            throw new ApiException(Errors.INVALID_PRODUCER_EPOCH, "Producer id " + producerId + ": batch epoch "
                + epoch + " is older than the current epoch " + state.producerEpoch() + " (batch sequences "
                + firstSequence + ".." + lastSequence + ")");
        }
        if (batch.isControlBatch()) {
            return SequenceCheck.ACCEPT;
        }
        if (epoch > state.producerEpoch()) {
            if (firstSequence != 0 && state.producerEpoch() != RecordBatch.NO_PRODUCER_EPOCH) {
                throw new ApiException(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, "Producer id " + producerId
                    + ": first batch of new epoch " + epoch + " (current epoch " + state.producerEpoch()
                    + ") must start at sequence 0, but has sequences " + firstSequence + ".." + lastSequence);
            }
            return SequenceCheck.ACCEPT;
        }
        Optional<BatchMetadata> duplicate = state.findBatch(firstSequence, lastSequence);
        if (duplicate.isPresent()) {
            BatchMetadata original = duplicate.get();
            return new SequenceCheck.Duplicate(original.firstOffset(), original.lastOffset(),
                original.logAppendTime());
        }
        OptionalInt storedLast = state.lastSequence();
        if (storedLast.isPresent() && firstSequence != nextSequence(storedLast.getAsInt())) {
            throw new ApiException(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, "Producer id " + producerId + " epoch "
                + epoch + ": expected first sequence " + nextSequence(storedLast.getAsInt())
                + " after last appended sequence " + storedLast.getAsInt() + ", but batch has sequences "
                + firstSequence + ".." + lastSequence);
        }
        return SequenceCheck.ACCEPT;
    }
}
