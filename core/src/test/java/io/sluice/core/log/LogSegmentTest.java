package io.sluice.core.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.MockTime;
import io.sluice.record.MemoryRecords;
import io.sluice.record.Record;
import io.sluice.record.RecordBatch;
import io.sluice.record.RecordBatchBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogSegmentTest {
    private static final long BASE = 1000;

    @TempDir
    Path dir;

    private final MockTime time = LogTestSupport.time();
    private final LogConfig config = LogTestSupport.config(Map.of(LogConfig.INDEX_INTERVAL_BYTES, 200));
    private final List<LogSegment> opened = new ArrayList<>();

    /** What was appended: each batch's offsets and each record's (offset, timestamp). */
    private record Appended(long baseOffset, long lastOffset, int position, int size, long[] timestamps) {
    }

    @AfterEach
    void closeSegments() {
        opened.forEach(LogSegment::close);
    }

    private LogSegment create() throws IOException {
        LogSegment segment = LogSegment.create(dir, BASE, "", config, 0, time);
        opened.add(segment);
        return segment;
    }

    /** Appends random batches (1-5 records, random timestamps, random gaps between batches). */
    private List<Appended> fill(LogSegment segment, Random random, int batches) throws IOException {
        List<Appended> appended = new ArrayList<>();
        long next = BASE;
        for (int b = 0; b < batches; b++) {
            next += random.nextInt(3);
            int count = 1 + random.nextInt(5);
            RecordBatchBuilder builder = new RecordBatchBuilder().baseOffset(next);
            long[] timestamps = new long[count];
            for (int r = 0; r < count; r++) {
                timestamps[r] = LogTestSupport.T0 + random.nextInt(10_000);
                builder.append(timestamps[r], null, new byte[random.nextInt(120)]);
            }
            MemoryRecords records = builder.build();
            int position = segment.sizeInBytes();
            segment.append(records.buffer());
            appended.add(new Appended(next, next + count - 1, position, records.sizeInBytes(), timestamps));
            next += count;
        }
        return appended;
    }

    @Test
    void offsetLookupsAgreeWithALinearScan() throws IOException {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        LogSegment segment = create();
        List<Appended> appended = fill(segment, random, 300);
        assertTrue(segment.offsetIndex().entries() > 10, "the index is used");
        long last = appended.get(appended.size() - 1).lastOffset();
        for (long target = BASE - 1; target <= last + 1; target++) {
            Optional<Appended> expected = Optional.empty();
            for (Appended a : appended) {
                if (a.lastOffset() >= target) {
                    expected = Optional.of(a);
                    break;
                }
            }
            Optional<FileBatchScanner.BatchHeader> actual = segment.translateOffset(target, segment.sizeInBytes());
            assertEquals(expected.map(Appended::position), actual.map(h -> (int) h.position()),
                "seed " + seed + ", target " + target);
        }
    }

    @Test
    void timestampLookupsAgreeWithALinearScan() throws IOException {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        LogSegment segment = create();
        List<Appended> appended = fill(segment, random, 200);
        assertTrue(segment.timeIndex().entries() > 1, "the time index is used");
        for (int i = 0; i < 400; i++) {
            long target = LogTestSupport.T0 - 5 + random.nextInt(10_010);
            long startingOffset = BASE + random.nextInt(50);
            Optional<TimestampAndOffset> expected = Optional.empty();
            search:
            for (Appended a : appended) {
                for (int r = 0; r < a.timestamps().length; r++) {
                    long offset = a.baseOffset() + r;
                    if (a.timestamps()[r] >= target && offset >= startingOffset) {
                        expected = Optional.of(new TimestampAndOffset(a.timestamps()[r], offset, -1));
                        break search;
                    }
                }
            }
            assertEquals(expected, segment.findOffsetByTimestamp(target, startingOffset),
                "seed " + seed + ", target " + target + ", starting offset " + startingOffset);
        }
        long max = appended.stream().flatMapToLong(a -> java.util.Arrays.stream(a.timestamps())).max().orElseThrow();
        assertEquals(max, segment.maxTimestamp());
        assertEquals(max, segment.maxTimestampRecord().orElseThrow().timestamp());
    }

    @Test
    void readStartsAtTheBatchContainingTheOffsetAndRespectsTheLimits() throws IOException {
        LogSegment segment = create();
        List<Appended> appended = fill(segment, new Random(7), 20);
        Appended third = appended.get(2);
        FetchDataInfo read = segment.read(third.baseOffset(), 1 << 20, Long.MAX_VALUE, false).orElseThrow();
        assertEquals(third.position(), read.records().position());
        assertEquals(segment.sizeInBytes() - third.position(), read.records().sizeInBytes());

        FetchDataInfo small = segment.read(third.lastOffset(), 10, Long.MAX_VALUE, false).orElseThrow();
        assertEquals(10, small.records().sizeInBytes());
        FetchDataInfo atLeastOne = segment.read(third.lastOffset(), 10, Long.MAX_VALUE, true).orElseThrow();
        assertEquals(third.size(), atLeastOne.records().sizeInBytes());

        Appended fifth = appended.get(4);
        FetchDataInfo bounded = segment.read(third.baseOffset(), 1 << 20, fifth.position(), false).orElseThrow();
        assertEquals(fifth.position() - third.position(), bounded.records().sizeInBytes());
        List<Long> bases = new ArrayList<>();
        for (RecordBatch batch : bounded.records().toMemoryRecords().batches()) {
            bases.add(batch.baseOffset());
        }
        assertEquals(List.of(third.baseOffset(), appended.get(3).baseOffset()), bases);

        long end = appended.get(appended.size() - 1).lastOffset() + 1;
        assertEquals(Optional.empty(), segment.read(end, 100, Long.MAX_VALUE, true));
    }

    @Test
    void truncateCutsAtTheBatchContainingTheOffset() throws IOException {
        LogSegment segment = create();
        List<Appended> appended = fill(segment, new Random(11), 50);
        Appended cut = appended.get(30);
        long target = cut.baseOffset() + (cut.lastOffset() - cut.baseOffset()) / 2;
        int removed = segment.truncateTo(target, time.milliseconds());
        assertEquals(cut.position(), segment.sizeInBytes());
        assertEquals(appended.get(appended.size() - 1).position() + appended.get(appended.size() - 1).size()
            - cut.position(), removed);
        assertEquals(appended.get(29).lastOffset() + 1, segment.nextOffset());
        assertEquals(Optional.empty(), segment.offsetIndex().sanityProblem(segment.nextOffset(), segment.sizeInBytes()));
        assertEquals(Optional.empty(), segment.timeIndex().sanityProblem(segment.nextOffset(), segment.sizeInBytes()));
        assertEquals(Optional.empty(), segment.read(cut.baseOffset(), 100, Long.MAX_VALUE, true));
        // Appends continue after the cut.
        RecordBatchBuilder builder = new RecordBatchBuilder().baseOffset(segment.nextOffset());
        builder.append(LogTestSupport.T0, null, new byte[3]);
        segment.append(builder.build().buffer());
        assertTrue(segment.read(segment.nextOffset() - 1, 100, Long.MAX_VALUE, true).isPresent());
    }

    @Test
    void recoverCutsATornTailAndRebuildsTheIndexes() throws IOException {
        LogSegment segment = create();
        List<Appended> appended = fill(segment, new Random(3), 40);
        segment.close();
        Path logFile = LogFileNames.logFile(dir, BASE, "");
        Appended last = appended.get(appended.size() - 1);
        try (FileChannel channel = FileChannel.open(logFile, StandardOpenOption.WRITE)) {
            channel.truncate(last.position() + last.size() - 5);
        }
        Files.delete(LogFileNames.indexFile(dir, BASE, ""));
        LogSegment reopened = LogSegment.open(dir, BASE, "", config, 0);
        opened.add(reopened);
        List<Long> epochs = new ArrayList<>();
        int cut = reopened.recover(config.segmentIndexBytes(), batch -> epochs.add(batch.baseOffset()));
        assertEquals(last.size() - 5, cut);
        assertEquals(last.position(), reopened.sizeInBytes());
        assertEquals(appended.get(appended.size() - 2).lastOffset() + 1, reopened.nextOffset());
        assertEquals(appended.size() - 1, epochs.size());
        assertTrue(reopened.offsetIndex().entries() > 0);
        assertEquals(Optional.empty(),
            reopened.offsetIndex().sanityProblem(reopened.nextOffset(), reopened.sizeInBytes()));
    }

    @Test
    void recoverCutsAtACrcFailure() throws IOException {
        LogSegment segment = create();
        List<Appended> appended = fill(segment, new Random(5), 10);
        segment.close();
        Appended bad = appended.get(6);
        Path logFile = LogFileNames.logFile(dir, BASE, "");
        try (FileChannel channel = FileChannel.open(logFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, bad.position() + bad.size() - 1);
            one.flip();
            byte b = one.get(0);
            channel.write(ByteBuffer.wrap(new byte[] {(byte) (b ^ 0x5a)}), bad.position() + bad.size() - 1);
        }
        LogSegment reopened = LogSegment.open(dir, BASE, "", config, 0);
        opened.add(reopened);
        reopened.recover(config.segmentIndexBytes(), batch -> { });
        assertEquals(bad.position(), reopened.sizeInBytes());
        assertEquals(appended.get(5).lastOffset() + 1, reopened.nextOffset());
        for (Record record : reopened.read(BASE, 1 << 20, Long.MAX_VALUE, true).orElseThrow().records()
                .toMemoryRecords().batches().iterator().next().records()) {
            assertTrue(record.offset() >= BASE);
        }
    }

    @Test
    void loadIndexesRebuildsACorruptIndexAndKeepsASaneOne() throws IOException {
        LogSegment segment = create();
        List<Appended> appended = fill(segment, new Random(9), 60);
        int entries = segment.offsetIndex().entries();
        segment.onBecomeInactive();
        segment.close();

        LogSegment sane = LogSegment.open(dir, BASE, "", config, 0);
        assertTrue(sane.loadIndexes(config.segmentIndexBytes()));
        assertEquals(entries, sane.offsetIndex().entries());
        assertEquals(appended.get(appended.size() - 1).lastOffset() + 1, sane.nextOffset());
        sane.close();

        Path index = LogFileNames.indexFile(dir, BASE, "");
        byte[] bytes = Files.readAllBytes(index);
        bytes[bytes.length - 1] ^= 0x11;
        Files.write(index, bytes);
        LogSegment rebuilt = LogSegment.open(dir, BASE, "", config, 0);
        opened.add(rebuilt);
        assertTrue(rebuilt.loadIndexes(config.segmentIndexBytes()));
        assertEquals(entries, rebuilt.offsetIndex().entries());
        for (Appended a : appended) {
            assertEquals(a.position(), rebuilt.translateOffset(a.lastOffset(), rebuilt.sizeInBytes()).orElseThrow()
                .position());
        }
    }
}
