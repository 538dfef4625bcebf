package io.sluice.core.producerstate;

import static io.sluice.core.producerstate.TestBatches.batch;
import static io.sluice.core.producerstate.TestBatches.commitMarker;
import static io.sluice.core.producerstate.TestBatches.resend;
import static io.sluice.core.producerstate.TestBatches.withoutProducer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.common.MockTime;
import io.sluice.record.RecordBatch;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** The sequence and epoch rules, applied through the manager's check/update cycle as the log uses it. */
class ProducerStateManagerTest {
    private static final long PID = 1000L;
    private static final long EXPIRATION_MS = 86_400_000L;

    @TempDir
    Path dir;

    private final MockTime time = new MockTime();
    private ProducerStateManager state;
    private long nextOffset;

    @BeforeEach
    void setUp() {
        state = new ProducerStateManager(dir, EXPIRATION_MS, time);
        state.truncateAndReload(0, 0);
    }

    /** Checks a client batch like the leader does and, if accepted, appends it at the log end. */
    private SequenceCheck produce(long producerId, int epoch, int baseSequence, int records) {
        SequenceCheck result = state.check(resend(producerId, epoch, baseSequence, records));
        if (result instanceof SequenceCheck.Accept) {
            append(batch(producerId, epoch, baseSequence, records, nextOffset));
        }
        return result;
    }

    /** Appends an already-offset batch without checks, as a follower or recovery does. */
    private void append(RecordBatch batch) {
        state.update(batch, time.milliseconds());
        nextOffset = batch.nextOffset();
    }

    private static ApiException assertRejected(Errors expected, Executable executable) {
        ApiException e = assertThrows(ApiException.class, executable);
        assertEquals(expected, e.error(), e.getMessage());
        return e;
    }

    @Test
    void acceptsBatchesInSequenceOrder() {
        assertEquals(SequenceCheck.ACCEPT, produce(PID, 0, 0, 3));
        assertEquals(SequenceCheck.ACCEPT, produce(PID, 0, 3, 1));
        assertEquals(SequenceCheck.ACCEPT, produce(PID, 0, 4, 10));

        ProducerState producer = state.producer(PID).orElseThrow();
        assertEquals(0, producer.producerEpoch());
        assertEquals(List.of(
            new BatchMetadata(0, 2, 0, 2, time.milliseconds()),
            new BatchMetadata(3, 3, 3, 3, time.milliseconds()),
            new BatchMetadata(4, 13, 4, 13, time.milliseconds())), producer.batches());
        assertEquals(14, state.mapEndOffset());
    }

    @Test
    void unknownProducerIsAcceptedAtAnySequence() {
        assertEquals(SequenceCheck.ACCEPT, state.check(resend(PID, 0, 0, 1)));
        assertEquals(SequenceCheck.ACCEPT, state.check(resend(PID, 3, 42, 5)));
        assertEquals(SequenceCheck.ACCEPT, produce(PID, 7, Integer.MAX_VALUE, 1));
        assertEquals(SequenceCheck.ACCEPT, produce(PID + 1, 0, 500, 2));
        assertEquals(SequenceCheck.ACCEPT, produce(PID + 1, 0, 502, 2));
    }

    @Test
    void eachOfTheLastFiveBatchesIsADuplicateAnsweredWithItsOriginalOffsetsAndAppendTime() {
        append(withoutProducer(10, 0));                     // so that producer offsets differ from sequences
        for (int i = 0; i < 7; i++) {
            time.advance(1000);
            assertEquals(SequenceCheck.ACCEPT, produce(PID, 2, i * 2, 2));
        }
        long startMs = time.milliseconds() - 7 * 1000;
        for (int i = 2; i < 7; i++) {
            long originalOffset = 10 + i * 2;
            long originalAppendMs = startMs + (i + 1) * 1000;
            assertEquals(new SequenceCheck.Duplicate(originalOffset, originalOffset + 1, originalAppendMs),
                state.check(resend(PID, 2, i * 2, 2)), "batch " + i);
        }
        assertEquals(24, state.mapEndOffset(), "duplicates are not appended");
    }

    @Test
    void aResendOlderThanTheLastFiveBatchesIsOutOfOrder() {
        for (int i = 0; i < 7; i++) {
            produce(PID, 0, i, 1);
        }
        assertRejected(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, () -> state.check(resend(PID, 0, 0, 1)));
        assertRejected(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, () -> state.check(resend(PID, 0, 1, 1)));
        assertTrue(state.check(resend(PID, 0, 2, 1)) instanceof SequenceCheck.Duplicate);
    }

    @Test
    void aSequenceGapIsOutOfOrderAndTheMessageNamesProducerEpochAndSequences() {
        produce(PID, 4, 0, 5);
        ApiException e = assertRejected(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, () -> state.check(resend(PID, 4, 6, 2)));
        String message = e.getMessage();
        assertTrue(message.contains("Producer id " + PID) && message.contains("epoch 4")
            && message.contains("expected first sequence 5") && message.contains("6..7"), message);
    }

    @Test
    void aBatchOverlappingAnAppendedOneWithoutMatchingItIsOutOfOrder() {
        produce(PID, 0, 0, 5);
        produce(PID, 0, 5, 5);
        assertRejected(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, () -> state.check(resend(PID, 0, 5, 3)));
        assertRejected(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, () -> state.check(resend(PID, 0, 7, 3)));
        assertRejected(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, () -> state.check(resend(PID, 0, 9, 1)));
    }

    @Test
    void aLowerEpochIsFenced() {
        produce(PID, 5, 0, 3);
        ApiException e = assertRejected(Errors.INVALID_PRODUCER_EPOCH, () -> state.check(resend(PID, 4, 3, 1)));
        assertTrue(e.getMessage().contains("Producer id " + PID) && e.getMessage().contains("epoch 4")
            && e.getMessage().contains("current epoch 5"), e.getMessage());
        assertRejected(Errors.INVALID_PRODUCER_EPOCH, () -> state.check(resend(PID, 4, 0, 3)));
    }

    @Test
    void aHigherEpochStartingAtSequenceZeroIsAcceptedAndResetsTheCachedBatches() {
        produce(PID, 1, 0, 3);
        produce(PID, 1, 3, 3);
        assertEquals(SequenceCheck.ACCEPT, produce(PID, 2, 0, 2));

        ProducerState producer = state.producer(PID).orElseThrow();
        assertEquals(2, producer.producerEpoch());
        assertEquals(List.of(new BatchMetadata(0, 1, 6, 7, time.milliseconds())), producer.batches());
        assertRejected(Errors.INVALID_PRODUCER_EPOCH, () -> state.check(resend(PID, 1, 3, 3)));
        assertEquals(SequenceCheck.ACCEPT, produce(PID, 2, 2, 1));
    }

    @Test
    void aHigherEpochNotStartingAtSequenceZeroIsOutOfOrder() {
        produce(PID, 1, 0, 3);
        ApiException e = assertRejected(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER,
            () -> state.check(resend(PID, 2, 3, 1)));
        assertTrue(e.getMessage().contains("new epoch 2") && e.getMessage().contains("3..3"), e.getMessage());
    }

    @Test
    void sequencesWrapFromIntMaxToZero() {
        produce(PID, 0, Integer.MAX_VALUE - 2, 3);         // ends exactly at Integer.MAX_VALUE
        assertEquals(Integer.MAX_VALUE, state.producer(PID).orElseThrow().lastSequence().getAsInt());
        assertRejected(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, () -> state.check(resend(PID, 0, 1, 1)));
        assertEquals(SequenceCheck.ACCEPT, produce(PID, 0, 0, 2));
        assertEquals(SequenceCheck.ACCEPT, produce(PID, 0, 2, 1));
    }

    @Test
    void aBatchMayWrapInsideItself() {
        produce(PID, 0, Integer.MAX_VALUE - 1, 4);         // sequences MAX-1, MAX, 0, 1
        BatchMetadata wrapped = state.producer(PID).orElseThrow().batches().get(0);
        assertEquals(Integer.MAX_VALUE - 1, wrapped.firstSequence());
        assertEquals(1, wrapped.lastSequence());
        assertEquals(new SequenceCheck.Duplicate(0, 3, time.milliseconds()),
            state.check(resend(PID, 0, Integer.MAX_VALUE - 1, 4)));
        assertEquals(SequenceCheck.ACCEPT, produce(PID, 0, 2, 1));
    }

    @Test
    void checkNeverChangesTheState() {
        produce(PID, 0, 0, 2);
        Map<Long, ProducerState> before = state.producers();
        long mapEndBefore = state.mapEndOffset();

        state.check(resend(PID, 0, 2, 2));
        state.check(resend(PID, 1, 0, 2));
        state.check(resend(PID + 1, 0, 9, 2));
        state.check(resend(PID, 0, 0, 2));
        assertThrows(ApiException.class, () -> state.check(resend(PID, 0, 9, 2)));

        assertEquals(before, state.producers());
        assertEquals(mapEndBefore, state.mapEndOffset());
    }

    @Test
    void transactionalBatchesFollowTheSameRules() {
        RecordBatch first = batch(PID, 0, 0, 2, 0, true);
        assertEquals(SequenceCheck.ACCEPT, state.check(first));
        append(first);
        assertTrue(state.check(batch(PID, 0, 0, 2, 0, true)) instanceof SequenceCheck.Duplicate);
        assertRejected(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, () -> state.check(batch(PID, 0, 3, 1, 0, true)));
        assertEquals(SequenceCheck.ACCEPT, state.check(batch(PID, 0, 2, 1, 0, true)));
    }

    @Test
    void aControlBatchMovesTheEpochWithoutSequences() {
        produce(PID, 0, 0, 3);
        append(commitMarker(PID, 1, nextOffset));

        ProducerState producer = state.producer(PID).orElseThrow();
        assertEquals(1, producer.producerEpoch());
        assertEquals(List.of(), producer.batches());
        assertEquals(4, state.mapEndOffset());
        assertRejected(Errors.INVALID_PRODUCER_EPOCH, () -> state.check(resend(PID, 0, 3, 1)));
        assertEquals(SequenceCheck.ACCEPT, produce(PID, 1, 0, 1));
    }

    @Test
    void aBatchWithAProducerIdButNoSequenceIsAnInvalidRecord() {
        assertRejected(Errors.INVALID_RECORD, () -> state.check(resend(PID, 0, RecordBatch.NO_SEQUENCE, 1)));
    }

    @Test
    void followerAndRecoveryUpdatesApplyWithoutChecks() {
        append(batch(PID, 3, 0, 2, 0));
        append(batch(PID, 3, 10, 2, 2));                   // a gap a leader would have refused
        append(batch(PID, 2, 7, 1, 4));                    // a lower epoch: the leader's log is the truth

        ProducerState producer = state.producer(PID).orElseThrow();
        assertEquals(2, producer.producerEpoch());
        assertEquals(List.of(new BatchMetadata(7, 7, 4, 4, time.milliseconds())), producer.batches());
        assertEquals(5, state.mapEndOffset());
    }

    @Test
    void batchesWithoutAProducerIdOnlyAdvanceTheMapEndOffset() {
        assertEquals(SequenceCheck.ACCEPT, state.check(withoutProducer(3, 0)));
        append(withoutProducer(3, 0));
        assertEquals(Map.of(), state.producers());
        assertEquals(3, state.mapEndOffset());
    }

    @Test
    void updateSkipsBatchesBelowTheMapEndOffset() {
        append(batch(PID, 0, 0, 2, 0));
        append(batch(PID, 0, 2, 2, 2));
        ProducerState before = state.producer(PID).orElseThrow();

        state.update(batch(PID, 0, 2, 2, 2), time.milliseconds() + 5);

        assertEquals(before, state.producer(PID).orElseThrow());
        assertEquals(4, state.mapEndOffset());
    }

    @Test
    void onlyTheLastFiveBatchesAreCached() {
        for (int i = 0; i < 12; i++) {
            produce(PID, 0, i, 1);
        }
        List<BatchMetadata> batches = state.producer(PID).orElseThrow().batches();
        assertEquals(ProducerState.MAX_CACHED_BATCHES, batches.size());
        assertEquals(7, batches.get(0).firstSequence());
        assertEquals(11, batches.get(4).firstSequence());
    }

    @Test
    void producersIdleForTheExpirationTimeAreRemovedAndThenAcceptedAtAnySequence() {
        produce(PID, 0, 0, 1);
        time.advance(1000);
        produce(PID + 1, 0, 0, 1);

        state.removeExpiredProducers(time.milliseconds() + EXPIRATION_MS - 1001);
        assertEquals(2, state.producers().size());

        state.removeExpiredProducers(time.milliseconds() + EXPIRATION_MS - 1000);
        assertEquals(Optional.empty(), state.producer(PID));
        assertTrue(state.producer(PID + 1).isPresent());
        assertEquals(SequenceCheck.ACCEPT, state.check(resend(PID, 0, 77, 1)));

        state.removeExpiredProducers(time.milliseconds() + EXPIRATION_MS);
        assertEquals(Map.of(), state.producers());
    }

    @Test
    void anUpdateRestartsTheExpirationClock() {
        produce(PID, 0, 0, 1);
        time.advance(EXPIRATION_MS - 1);
        produce(PID, 0, 1, 1);
        time.advance(EXPIRATION_MS - 1);
        state.removeExpiredProducers(time.milliseconds());
        assertTrue(state.producer(PID).isPresent());
    }

    @Test
    void theConstructorRejectsANonPositiveExpiration() {
        assertThrows(IllegalArgumentException.class, () -> new ProducerStateManager(dir, 0, time));
    }
}
