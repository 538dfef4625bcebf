package io.sluice.core.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexTest {
    @TempDir
    Path dir;

    private OffsetIndex offsetIndex(long base, int maxBytes) throws IOException {
        OffsetIndex index = new OffsetIndex(dir.resolve("x.index"), base);
        index.resize(maxBytes);
        return index;
    }

    @Test
    void offsetLookupReturnsTheLargestEntryAtOrBelowTheTarget() throws IOException {
        OffsetIndex index = offsetIndex(100, 800);
        index.append(104, 10);
        index.append(110, 200);
        index.append(125, 900);
        assertEquals(new OffsetIndex.Entry(100, 0), index.lookup(100));
        assertEquals(new OffsetIndex.Entry(100, 0), index.lookup(103));
        assertEquals(new OffsetIndex.Entry(104, 10), index.lookup(104));
        assertEquals(new OffsetIndex.Entry(110, 200), index.lookup(124));
        assertEquals(new OffsetIndex.Entry(125, 900), index.lookup(Long.MAX_VALUE));
        assertEquals(new OffsetIndex.Entry(100, 0), index.lookup(0));
        index.close();
    }

    @Test
    void offsetIndexRejectsEntriesThatDoNotIncrease() throws IOException {
        OffsetIndex index = offsetIndex(0, 800);
        index.append(5, 100);
        assertThrows(IllegalArgumentException.class, () -> index.append(5, 200));
        assertThrows(IllegalArgumentException.class, () -> index.append(6, 100));
        assertThrows(IllegalArgumentException.class, () -> index.append((long) Integer.MAX_VALUE + 1, 300));
        index.close();
    }

    @Test
    void fullIndexRefusesAppends() throws IOException {
        OffsetIndex index = offsetIndex(0, 16);
        index.append(1, 1);
        index.append(2, 2);
        assertTrue(index.isFull());
        assertThrows(IllegalStateException.class, () -> index.append(3, 3));
        index.close();
    }

    @Test
    void truncateRemovesEntriesAtOrAboveTheOffset() throws IOException {
        OffsetIndex index = offsetIndex(0, 800);
        for (int i = 1; i <= 10; i++) {
            index.append(i * 10, i * 100);
        }
        index.truncateTo(50);
        assertEquals(4, index.entries());
        assertEquals(Optional.of(new OffsetIndex.Entry(40, 400)), index.lastEntry());
        index.truncateTo(41);
        assertEquals(4, index.entries());
        index.truncateTo(0);
        assertEquals(0, index.entries());
        index.close();
    }

    @Test
    void closeTrimsTheFileAndReopenSeesTheSameEntries() throws IOException {
        OffsetIndex index = offsetIndex(1000, 80_000);
        index.append(1001, 64);
        index.append(1002, 128);
        index.close();
        assertEquals(16, Files.size(dir.resolve("x.index")));
        OffsetIndex reopened = new OffsetIndex(dir.resolve("x.index"), 1000);
        assertEquals(2, reopened.entries());
        assertEquals(new OffsetIndex.Entry(1002, 128), reopened.lookup(5000));
        assertEquals(Optional.empty(), reopened.sanityProblem(1003, 200));
        reopened.close();
    }

    @Test
    void sanityCheckFindsRaggedOutOfOrderAndOutOfRangeIndexes() throws IOException {
        Path file = dir.resolve("y.index");
        Files.write(file, new byte[] {0, 0, 0, 1, 0, 0, 0, 1, 0});
        OffsetIndex ragged = new OffsetIndex(file, 0);
        assertTrue(ragged.sanityProblem(10, 100).isPresent());
        ragged.close();

        ByteBuffer entries = ByteBuffer.allocate(16).putInt(5).putInt(100).putInt(3).putInt(200);
        Files.write(file, entries.array());
        OffsetIndex outOfOrder = new OffsetIndex(file, 0);
        assertTrue(outOfOrder.sanityProblem(10, 1000).isPresent());
        outOfOrder.closeHandle();

        entries = ByteBuffer.allocate(16).putInt(3).putInt(100).putInt(5).putInt(200);
        Files.write(file, entries.array());
        OffsetIndex beyond = new OffsetIndex(file, 0);
        assertEquals(Optional.empty(), beyond.sanityProblem(6, 201));
        assertTrue(beyond.sanityProblem(5, 1000).isPresent(), "offset beyond the log");
        assertTrue(beyond.sanityProblem(10, 200).isPresent(), "position beyond the log");
        beyond.closeHandle();
    }

    @Test
    void preallocatedZeroesAreNotSane() throws IOException {
        Path file = dir.resolve("z.index");
        Files.write(file, ByteBuffer.allocate(64).putInt(1).putInt(10).array());
        OffsetIndex index = new OffsetIndex(file, 0);
        assertTrue(index.sanityProblem(100, 1000).isPresent());
        index.closeHandle();
    }

    @Test
    void timeIndexKeepsOnlyIncreasingTimestamps() throws IOException {
        TimeIndex index = new TimeIndex(dir.resolve("x.timeindex"), 0);
        index.resize(120);
        index.maybeAppend(1000, 3);
        index.maybeAppend(1000, 5);
        index.maybeAppend(900, 7);
        index.maybeAppend(2000, 9);
        assertEquals(2, index.entries());
        assertEquals(Optional.empty(), index.lookup(999));
        assertEquals(Optional.of(new TimeIndex.Entry(1000, 3)), index.lookup(1000));
        assertEquals(Optional.of(new TimeIndex.Entry(1000, 3)), index.lookup(1999));
        assertEquals(Optional.of(new TimeIndex.Entry(2000, 9)), index.lookup(Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> index.maybeAppend(3000, 8));
        index.truncateTo(9);
        assertEquals(Optional.of(new TimeIndex.Entry(1000, 3)), index.lastEntry());
        assertEquals(Optional.empty(), index.sanityProblem(4, 100));
        assertTrue(index.sanityProblem(3, 100).isPresent());
        index.close();
        assertEquals(12, Files.size(dir.resolve("x.timeindex")));
    }

    @Test
    void timeIndexSkipsAppendsWhenFull() throws IOException {
        TimeIndex index = new TimeIndex(dir.resolve("f.timeindex"), 0);
        index.resize(24);
        index.maybeAppend(1, 1);
        index.maybeAppend(2, 2);
        index.maybeAppend(3, 3);
        assertEquals(2, index.entries());
        assertFalse(index.lookup(3).isEmpty());
        index.close();
    }
}
