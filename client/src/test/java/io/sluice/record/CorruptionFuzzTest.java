package io.sluice.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Damaged bytes: every single-bit flip of a small batch, truncation at every length, absurd batch lengths,
 * and seeded random mutation. The only acceptable outcomes are a successful read or a
 * {@link RecordFormatException}; anything else (a buffer exception, OutOfMemoryError, a hang caught by the
 * timeout) fails the test. Override the seed with {@code -Dsluice.fuzz.seed=N}; failures print it.
 */
class CorruptionFuzzTest {
    private static final long SEED = Long.getLong("sluice.fuzz.seed", 0x5eed_2025L);

    /** What the broker does with a produce batch: validate the buffer, then read every record. */
    private static int readFully(ByteBuffer bytes, boolean allowTruncatedLastBatch) {
        MemoryRecords records = MemoryRecords.readableRecords(bytes.duplicate());
        records.ensureValid(allowTruncatedLastBatch);
        int count = 0;
        for (RecordBatch batch : records.batches()) {
            count += batch.records().size();
        }
        return count;
    }

    /** Runs a read and returns its RecordFormatException, or null on success; anything else fails the test. */
    private static RecordFormatException outcome(String context, Runnable read) {
        try {
            read.run();
            return null;
        } catch (RecordFormatException e) {
            return e;
        } catch (Throwable t) {
            throw new AssertionError(context + ": expected success or a RecordFormatException, got " + t, t);
        }
    }

    private static ByteBuffer smallBatch(CompressionType codec) {
        RecordBatchBuilder builder = new RecordBatchBuilder().compression(codec).baseOffset(100)
            .producerState(7, (short) 1, 3);
        builder.append(TestRecords.T0, new byte[] {'k'}, new byte[] {'v', '1'},
            List.of(Header.of("h", new byte[] {1})));
        builder.append(TestRecords.T0 + 5, null, new byte[] {'v', '2'});
        return builder.build().buffer();
    }

    private static ByteBuffer copy(ByteBuffer source) {
        ByteBuffer copy = ByteBuffer.allocate(source.remaining());
        copy.put(source.duplicate()).flip();
        return copy;
    }

    /**
     * Flipping any bit must be caught, except where the format cannot catch it:
     * <ul>
     *   <li>[0, 8) baseOffset is covered neither by the CRC nor by any size: a flip yields another valid base
     *       offset (and the records move with it), unless it sets the sign bit, which we reject.</li>
     *   <li>[8, 12) batchLength: the batch then ends early (CRC mismatch, then a broken next batch) or runs past
     *       the buffer (truncated).</li>
     *   <li>[12, 16) partitionLeaderEpoch is deliberately not covered by the CRC (the leader stamps it without
     *       recomputing): the batch stays valid with another epoch.</li>
     *   <li>16 magic: unsupported magic. [17, end): CRC mismatch naming both CRCs and the base offset.</li>
     * </ul>
     */
    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"NONE", "LZ4", "GZIP"})
    void everySingleBitFlipIsCaughtWhereTheFormatCanCatchIt(CompressionType codec) {
        ByteBuffer original = smallBatch(codec);
        for (int position = 0; position < original.remaining(); position++) {
            for (int bit = 0; bit < 8; bit++) {
                ByteBuffer damaged = copy(original);
                damaged.put(position, (byte) (damaged.get(position) ^ (1 << bit)));
                String context = codec + " byte " + position + " bit " + bit;
                RecordFormatException e = outcome(context, () -> readFully(damaged, false));
                if (position < 8) {
                    long baseOffset = damaged.getLong(0);
                    if (baseOffset < 0) {
                        assertTrue(e instanceof CorruptRecordException
                            && e.getMessage().contains("negative base offset"), context + ": " + e);
                    } else {
                        assertNull(e, context);
                        RecordBatch batch = RecordBatch.wrap(damaged);
                        assertNotEquals(100L, batch.baseOffset(), context);
                        assertEquals(baseOffset + 1, batch.records().get(1).offset(), context);
                    }
                } else if (position < 12) {
                    assertTrue(e != null, context + " should fail");
                } else if (position < 16) {
                    assertNull(e, context);
                    assertNotEquals(-1, RecordBatch.wrap(damaged).partitionLeaderEpoch(), context);
                } else if (position == 16) {
                    assertTrue(e instanceof InvalidRecordException && e.getMessage().contains("magic"),
                        context + ": " + e);
                } else {
                    assertTrue(e instanceof CorruptRecordException, context + ": " + e);
                    assertTrue(e.getMessage().matches(
                        "Record batch at base offset 100 is corrupt: stored CRC 0x[0-9a-f]{8}, computed CRC "
                            + "0x[0-9a-f]{8} over \\d+ bytes"), context + ": " + e.getMessage());
                }
            }
        }
    }

    @Test
    void truncationAtEveryLength() {
        ByteBuffer first = smallBatch(CompressionType.NONE);
        ByteBuffer second = smallBatch(CompressionType.ZSTD);
        ByteBuffer both = MemoryRecords.concat(List.of(MemoryRecords.readableRecords(first),
            MemoryRecords.readableRecords(second))).buffer();
        int boundary = first.remaining();
        int total = both.remaining();

        for (int length = 0; length <= total; length++) {
            ByteBuffer truncated = both.duplicate().limit(length);
            String context = "truncated to " + length + " of " + total;
            boolean atBoundary = length == 0 || length == boundary || length == total;
            int completeRecords = length < boundary ? 0 : (length < total ? 2 : 4);

            RecordFormatException strict = outcome(context, () -> readFully(truncated, false));
            if (atBoundary) {
                assertNull(strict, context);
            } else {
                assertTrue(strict instanceof CorruptRecordException, context + ": " + strict);
            }
            assertNull(outcome(context, () -> assertEquals(completeRecords, readFully(truncated, true))), context);
            assertEquals(length < boundary ? 0 : (length < total ? boundary : total),
                MemoryRecords.readableRecords(truncated).sizeOfCompleteBatches(), context);
            int batchStart = length <= boundary ? 0 : boundary;
            int batchEnd = length <= boundary ? boundary : total;
            if (length > batchStart && length < batchEnd) {
                ByteBuffer partial = both.duplicate().position(batchStart).limit(length);
                assertTrue(outcome(context, () -> RecordBatch.wrap(partial)) instanceof CorruptRecordException,
                    context);
            }
        }
    }

    @Test
    void absurdBatchLengths() {
        int belowHeader = RecordBatch.HEADER_SIZE - RecordBatch.LOG_OVERHEAD - 1;
        for (int batchLength : new int[] {Integer.MIN_VALUE, -1, 0, belowHeader}) {
            ByteBuffer damaged = copy(smallBatch(CompressionType.NONE));
            damaged.putInt(RecordBatch.LENGTH_OFFSET, batchLength);
            String context = "batchLength " + batchLength;
            RecordFormatException strict = outcome(context, () -> readFully(damaged, false));
            assertTrue(strict instanceof CorruptRecordException
                && strict.getMessage().contains("batchLength " + batchLength), context + ": " + strict);
            assertTrue(outcome(context, () -> readFully(damaged, true)) instanceof CorruptRecordException, context);
        }
        for (int batchLength : new int[] {Integer.MAX_VALUE, 1 << 30, 1000}) {
            ByteBuffer damaged = copy(smallBatch(CompressionType.NONE));
            damaged.putInt(RecordBatch.LENGTH_OFFSET, batchLength);
            String context = "batchLength " + batchLength;
            RecordFormatException strict = outcome(context, () -> readFully(damaged, false));
            assertTrue(strict instanceof CorruptRecordException && strict.getMessage().contains("end inside a batch"),
                context + ": " + strict);
            assertNull(outcome(context, () -> assertEquals(0, readFully(damaged, true))), context);
        }
    }

    /** Random byte changes behind a recomputed CRC, so that every later check is exercised. */
    @ParameterizedTest
    @EnumSource(CompressionType.class)
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void randomMutationsBehindAValidCrc(CompressionType codec) {
        Random random = new Random(SEED + codec.id());
        int successes = 0;
        for (int iteration = 0; iteration < 3000; iteration++) {
            long batchSeed = random.nextLong();
            Random batchRandom = new Random(batchSeed);
            ByteBuffer bytes = copy(KafkaOracle.buildWithSluice(codec, KafkaOracle.variants().get(1),
                TestRecords.randomSpecs(batchRandom, 1 + batchRandom.nextInt(6))).buffer());
            int mutations = 1 + random.nextInt(4);
            for (int m = 0; m < mutations; m++) {
                int position = RecordBatch.ATTRIBUTES_OFFSET
                    + random.nextInt(bytes.remaining() - RecordBatch.ATTRIBUTES_OFFSET);
                byte mutated = random.nextInt(3) == 0 ? (byte) random.nextInt()
                    : (byte) (bytes.get(position) ^ (1 << random.nextInt(8)));
                bytes.put(position, mutated);
            }
            TestRecords.fixCrc(bytes);
            String context = "seed " + SEED + " codec " + codec + " iteration " + iteration
                + " (batch seed " + batchSeed + ")";
            if (outcome(context, () -> readFully(bytes, false)) == null) {
                successes++;
            }
        }
        assertTrue(successes < 3000, "some mutations must be caught (seed " + SEED + ")");
    }

    /** Random bytes, sometimes dressed with a plausible v2 header, read as a fetch response would be. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void randomBytesNeverEscapeAsAnotherException() {
        Random random = new Random(SEED);
        for (int iteration = 0; iteration < 20_000; iteration++) {
            ByteBuffer bytes = ByteBuffer.wrap(TestRecords.bytes(random, random.nextInt(300)));
            if (bytes.remaining() >= RecordBatch.HEADER_SIZE && random.nextBoolean()) {
                bytes.put(RecordBatch.MAGIC_OFFSET, RecordBatch.MAGIC);
                bytes.putInt(RecordBatch.LENGTH_OFFSET,
                    bytes.remaining() - RecordBatch.LOG_OVERHEAD - random.nextInt(3));
                bytes.putShort(RecordBatch.ATTRIBUTES_OFFSET, (short) random.nextInt(5));
                if (random.nextBoolean()) {
                    bytes.putLong(0, 0L);
                }
                if (random.nextBoolean()) {
                    TestRecords.fixCrc(bytes.duplicate().limit(Math.min(bytes.limit(),
                        bytes.getInt(RecordBatch.LENGTH_OFFSET) + RecordBatch.LOG_OVERHEAD)).slice());
                }
            }
            String context = "seed " + SEED + " iteration " + iteration;
            boolean allowTruncated = random.nextBoolean();
            outcome(context, () -> readFully(bytes, allowTruncated));
            outcome(context, () -> RecordBatch.wrap(bytes.duplicate()).records());
        }
    }

    @Test
    void crcFailureNamesBothValuesAndTheBaseOffset() {
        ByteBuffer damaged = copy(smallBatch(CompressionType.NONE));
        damaged.put(damaged.limit() - 1, (byte) (damaged.get(damaged.limit() - 1) ^ 1));
        long stored = RecordBatch.wrap(damaged).crc();
        long computed = RecordBatch.wrap(damaged).computeChecksum();
        try {
            RecordBatch.wrap(damaged).ensureValid();
            fail("CRC mismatch not detected");
        } catch (CorruptRecordException e) {
            assertTrue(e.getMessage().contains(String.format("stored CRC 0x%08x", stored)), e.getMessage());
            assertTrue(e.getMessage().contains(String.format("computed CRC 0x%08x", computed)), e.getMessage());
            assertTrue(e.getMessage().contains("base offset 100"), e.getMessage());
        }
    }
}
