package io.sluice.core.producerstate;

import static io.sluice.core.producerstate.TestBatches.batch;
import static io.sluice.core.producerstate.TestBatches.commitMarker;
import static io.sluice.core.producerstate.TestBatches.resend;
import static io.sluice.core.producerstate.TestBatches.withoutProducer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.ApiException;
import io.sluice.common.MockTime;
import io.sluice.record.RecordBatch;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots, reload after restart or truncation, corruption handling. */
class ProducerStateSnapshotTest {
    private static final long EXPIRATION_MS = 86_400_000L;
    private static final long SEED = 20240611L;

    @TempDir
    Path dir;

    private final MockTime time = new MockTime();

    private ProducerStateManager newManager() {
        ProducerStateManager manager = new ProducerStateManager(dir, EXPIRATION_MS, time);
        manager.truncateAndReload(0, 0);
        return manager;
    }

    private ProducerStateManager reopen(long logStartOffset, long logEndOffset) {
        ProducerStateManager manager = new ProducerStateManager(dir, EXPIRATION_MS, time);
        manager.truncateAndReload(logStartOffset, logEndOffset);
        return manager;
    }

    /**
     * A log of 200 batches from 6 producers, with epoch bumps, control batches, batches without a producer id, and
     * sequences that wrap. Seeded; the seed is in the failure message of the tests that use it.
     */
    private static List<RecordBatch> randomLog(long seed) {
        Random random = new Random(seed);
        long[] nextSequence = new long[6];
        int[] epoch = new int[6];
        for (int p = 0; p < 6; p++) {
            nextSequence[p] = p == 5 ? Integer.MAX_VALUE - 20 : 0;
        }
        List<RecordBatch> log = new ArrayList<>();
        long offset = 0;
        for (int i = 0; i < 200; i++) {
            int p = random.nextInt(7);
            RecordBatch batch;
            if (p == 6) {
                batch = withoutProducer(1 + random.nextInt(3), offset);
            } else if (random.nextInt(20) == 0) {
                epoch[p]++;
                batch = random.nextBoolean() ? commitMarker(p, epoch[p], offset) : batch(p, epoch[p], 0, 1, offset);
                nextSequence[p] = batch.isControlBatch() ? 0 : 1;
            } else {
                int records = 1 + random.nextInt(4);
                batch = batch(p, epoch[p], (int) nextSequence[p], records, offset);
                nextSequence[p] = (nextSequence[p] + records) % (1L + Integer.MAX_VALUE);
            }
            log.add(batch);
            offset = batch.nextOffset() + random.nextInt(2);       // compacted logs have gaps
        }
        return log;
    }

    /** Applies batches as appends; the log append time is a function of the offset, so a replay repeats it. */
    private static void applyAll(ProducerStateManager manager, List<RecordBatch> batches) {
        for (RecordBatch batch : batches) {
            manager.update(batch, TestBatches.TIMESTAMP + batch.baseOffset());
        }
    }

    private static List<RecordBatch> from(List<RecordBatch> log, long offset) {
        return log.stream().filter(b -> b.baseOffset() >= offset).collect(Collectors.toList());
    }

    private List<Long> snapshotFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".snapshot"))
                .map(n -> Long.parseLong(n.substring(0, 20))).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void aSnapshotReloadsToTheLiveState() {
        List<RecordBatch> log = randomLog(SEED);
        ProducerStateManager live = newManager();
        applyAll(live, log.subList(0, 100));
        time.advance(1000);                                 // producers get different last update times
        applyAll(live, log.subList(100, log.size()));
        long logEnd = live.mapEndOffset();
        live.takeSnapshot(logEnd);

        ProducerStateManager reloaded = reopen(0, logEnd);

        assertEquals(live.producers(), reloaded.producers(), "seed " + SEED);
        assertEquals(6, reloaded.producers().size(), "seed " + SEED);
        assertEquals(logEnd, reloaded.mapEndOffset());
    }

    @Test
    void aSnapshotPlusReplayEqualsTheLiveState() {
        List<RecordBatch> log = randomLog(SEED + 1);
        ProducerStateManager live = newManager();
        applyAll(live, log.subList(0, 120));
        long rollOffset = log.get(120).baseOffset();       // a segment roll before the next batch
        live.takeSnapshot(rollOffset);
        applyAll(live, log.subList(120, log.size()));

        ProducerStateManager reloaded = reopen(0, live.mapEndOffset());
        assertEquals(rollOffset, reloaded.mapEndOffset());
        applyAll(reloaded, from(log, reloaded.mapEndOffset()));

        assertEquals(live.producers(), reloaded.producers(), "seed " + (SEED + 1));
        assertEquals(live.mapEndOffset(), reloaded.mapEndOffset());
    }

    @Test
    void replayingFromBeforeTheMapEndOffsetChangesNothing() {
        List<RecordBatch> log = randomLog(SEED + 2);
        ProducerStateManager live = newManager();
        applyAll(live, log.subList(0, 150));
        live.takeSnapshot(log.get(150).baseOffset());
        applyAll(live, log.subList(150, log.size()));

        ProducerStateManager reloaded = reopen(0, live.mapEndOffset());
        applyAll(reloaded, log);                            // a caller that replays the whole log

        assertEquals(live.producers(), reloaded.producers(), "seed " + (SEED + 2));
    }

    @Test
    void theReloadedStateAnswersChecksLikeTheLiveOne() {
        ProducerStateManager live = newManager();
        for (int i = 0; i < 8; i++) {
            live.update(batch(7, 3, i * 2, 2, i * 2), 5000 + i);
        }
        live.takeSnapshot(live.mapEndOffset());
        ProducerStateManager reloaded = reopen(0, live.mapEndOffset());

        for (int i = 0; i < 10; i++) {
            RecordBatch probe = resend(7, 3, i * 2, 2);
            assertEquals(outcome(live, probe), outcome(reloaded, probe), "sequence " + i * 2);
        }
        assertEquals(new SequenceCheck.Duplicate(14, 15, 5007), reloaded.check(resend(7, 3, 14, 2)));
    }

    private static Object outcome(ProducerStateManager manager, RecordBatch batch) {
        try {
            return manager.check(batch);
        } catch (ApiException e) {
            return e.error();
        }
    }

    @Test
    void theLastUpdateTimeSurvivesASnapshotSoExpirationIsNotReset() {
        ProducerStateManager live = newManager();
        live.update(batch(1, 0, 0, 1, 0), -1);
        long updatedAt = time.milliseconds();
        live.takeSnapshot(1);

        time.advance(EXPIRATION_MS);
        ProducerStateManager reloaded = reopen(0, 1);
        assertEquals(updatedAt, reloaded.producer(1).orElseThrow().lastUpdateMs());
        reloaded.removeExpiredProducers(time.milliseconds());
        assertEquals(Map.of(), reloaded.producers());
    }

    @Test
    void takeSnapshotWritesATwentyDigitFileAtomicallyAndLeavesNoTempFile() throws IOException {
        ProducerStateManager manager = newManager();
        manager.update(batch(1, 0, 0, 3, 40), -1);
        manager.takeSnapshot(43);
        manager.takeSnapshot(43);                           // replaces

        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("00000000000000000043.snapshot"),
                files.map(f -> f.getFileName().toString()).collect(Collectors.toList()));
        }
        assertEquals(OptionalLong.of(43), manager.latestSnapshotOffset());
    }

    @Test
    void takeSnapshotBelowTheMapEndOffsetIsRefused() {
        ProducerStateManager manager = newManager();
        manager.update(batch(1, 0, 0, 3, 0), -1);
        assertThrows(IllegalArgumentException.class, () -> manager.takeSnapshot(2));
    }

    @Test
    void takeSnapshotAboveTheMapEndOffsetMovesItThere() {
        ProducerStateManager manager = newManager();
        manager.update(batch(1, 0, 0, 3, 0), -1);
        manager.takeSnapshot(10);
        assertEquals(10, manager.mapEndOffset());
        assertEquals(10, reopen(0, 10).mapEndOffset());
    }

    @Test
    void truncateAndReloadDropsSnapshotsAboveTheLogEndAndLoadsTheNewestBelow() throws IOException {
        ProducerStateManager manager = newManager();
        manager.update(batch(1, 0, 0, 10, 0), -1);
        manager.takeSnapshot(10);
        manager.update(batch(1, 0, 10, 10, 10), -1);
        manager.takeSnapshot(20);
        manager.update(batch(1, 0, 20, 10, 20), -1);
        manager.takeSnapshot(30);

        manager.truncateAndReload(0, 25);

        assertEquals(List.of(10L, 20L), snapshotFiles());
        assertEquals(20, manager.mapEndOffset());
        assertEquals(19, manager.producer(1).orElseThrow().lastSequence().getAsInt());
        assertEquals(OptionalLong.of(20), manager.latestSnapshotOffset());

        manager.truncateAndReload(0, 20);                   // a snapshot at exactly the log end is kept
        assertEquals(List.of(10L, 20L), snapshotFiles());
        assertEquals(20, manager.mapEndOffset());
    }

    @Test
    void truncateAndReloadDropsSnapshotsBelowTheLogStart() throws IOException {
        ProducerStateManager manager = newManager();
        manager.update(batch(1, 0, 0, 10, 0), -1);
        manager.takeSnapshot(10);
        manager.update(batch(1, 0, 10, 10, 10), -1);
        manager.takeSnapshot(20);

        manager.truncateAndReload(15, 20);
        assertEquals(List.of(20L), snapshotFiles());
        assertEquals(20, manager.mapEndOffset());

        manager.truncateAndReload(25, 30);
        assertEquals(List.of(), snapshotFiles());
        assertEquals(25, manager.mapEndOffset());
        assertEquals(Map.of(), manager.producers());
    }

    @Test
    void withoutASnapshotTheStateIsEmptyAtTheLogStart() {
        ProducerStateManager manager = newManager();
        manager.update(batch(1, 0, 0, 10, 0), -1);

        manager.truncateAndReload(5, 8);

        assertEquals(Map.of(), manager.producers());
        assertEquals(5, manager.mapEndOffset());
        assertEquals(OptionalLong.empty(), manager.latestSnapshotOffset());
    }

    @Test
    void aCorruptSnapshotIsDeletedAndAnOlderOneLoaded() throws IOException {
        ProducerStateManager manager = newManager();
        manager.update(batch(1, 0, 0, 10, 0), -1);
        manager.takeSnapshot(10);
        manager.update(batch(1, 0, 10, 10, 10), -1);
        manager.takeSnapshot(20);
        flipByte(dir.resolve("00000000000000000020.snapshot"), 30);

        ProducerStateManager reloaded = reopen(0, 20);

        assertEquals(10, reloaded.mapEndOffset());
        assertEquals(9, reloaded.producer(1).orElseThrow().lastSequence().getAsInt());
        assertEquals(List.of(10L), snapshotFiles());
    }

    @Test
    void aTornSnapshotIsIgnored() throws IOException {
        ProducerStateManager manager = newManager();
        manager.update(batch(1, 0, 0, 10, 0), -1);
        manager.takeSnapshot(10);
        Path file = dir.resolve("00000000000000000010.snapshot");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(raf.length() - 3);
        }

        ProducerStateManager reloaded = reopen(0, 10);

        assertEquals(Map.of(), reloaded.producers());
        assertEquals(0, reloaded.mapEndOffset());
        assertFalse(Files.exists(file));
    }

    @Test
    void anEmptyOrGarbageSnapshotFileIsIgnored() throws IOException {
        Files.write(dir.resolve("00000000000000000005.snapshot"), new byte[0]);
        Files.write(dir.resolve("00000000000000000007.snapshot"), "not a snapshot at all, no".getBytes());

        ProducerStateManager reloaded = reopen(0, 10);

        assertEquals(Map.of(), reloaded.producers());
        assertEquals(0, reloaded.mapEndOffset());
        assertEquals(List.of(), snapshotFiles());
    }

    @Test
    void leftoverTempFilesAndForeignNamesAreNotSnapshots() throws IOException {
        ProducerStateManager manager = newManager();
        manager.update(batch(1, 0, 0, 10, 0), -1);
        manager.takeSnapshot(10);
        Path temp = dir.resolve("00000000000000000020.snapshot.tmp");
        Files.copy(dir.resolve("00000000000000000010.snapshot"), temp);
        Files.write(dir.resolve("notes.snapshot"), new byte[] {1});
        Files.write(dir.resolve("00000000000000000000.log"), new byte[] {1});

        assertEquals(OptionalLong.of(10), manager.latestSnapshotOffset());
        manager.truncateAndReload(0, 30);

        assertFalse(Files.exists(temp));
        assertTrue(Files.exists(dir.resolve("notes.snapshot")));
        assertTrue(Files.exists(dir.resolve("00000000000000000000.log")));
        assertEquals(10, manager.mapEndOffset());
    }

    @Test
    void deleteSnapshotsBelowKeepsTheOffsetItself() throws IOException {
        ProducerStateManager manager = newManager();
        for (long offset = 10; offset <= 40; offset += 10) {
            manager.update(withoutProducer(10, offset - 10), -1);
            manager.takeSnapshot(offset);
        }

        manager.deleteSnapshotsBelow(30);

        assertEquals(List.of(30L, 40L), snapshotFiles());
        assertEquals(OptionalLong.of(40), manager.latestSnapshotOffset());
    }

    @Test
    void truncateAndReloadRejectsInvertedOffsets() {
        ProducerStateManager manager = new ProducerStateManager(dir, EXPIRATION_MS, time);
        assertThrows(IllegalArgumentException.class, () -> manager.truncateAndReload(10, 9));
        assertThrows(IllegalArgumentException.class, () -> manager.truncateAndReload(-1, 9));
    }

    private static void flipByte(Path file, int position) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[position] ^= (byte) 0xff;
        Files.write(file, bytes);
    }
}
