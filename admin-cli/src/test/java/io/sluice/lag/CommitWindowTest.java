package io.sluice.lag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommitWindowTest {
    @Test
    void keepsTheLastCapacityCommitsOldestFirst() {
        CommitWindow w = new CommitWindow(3);
        for (int i = 1; i <= 5; i++) {
            assertTrue(w.add(new Commit(i * 10, i * 1000, 1)));
        }
        assertEquals(List.of(new Commit(30, 3000, 1), new Commit(40, 4000, 1), new Commit(50, 5000, 1)), w.commits());
        assertEquals(new Commit(50, 5000, 1), w.newest());
    }

    @Test
    void aDuplicateIsNotStoredButTheSameOffsetAtANewTimeIs() {
        CommitWindow w = new CommitWindow(5);
        w.add(new Commit(10, 1000, 2));
        assertFalse(w.add(new Commit(10, 1000, 2)), "same offset, same time");
        assertTrue(w.add(new Commit(10, 2000, 3)), "same offset, later time");
        assertEquals(2, w.size());
    }

    @Test
    void aLateOlderCommitIsDroppedUnlessItMovesForward() {
        CommitWindow w = new CommitWindow(5);
        w.add(new Commit(10, 2000, 2));
        assertFalse(w.add(new Commit(9, 1000, 3)));
        assertFalse(w.add(new Commit(10, 1500, 3)));
        assertTrue(w.add(new Commit(11, 1500, 1)));
        assertTrue(w.add(new Commit(5, 3000, 7)), "a rewind at a later time is a commit");
    }

    @Test
    void slotsShowUnfilledSlotsAsLeadingNulls() {
        CommitWindow w = new CommitWindow(4);
        assertEquals(Arrays.asList(null, null, null, null), w.slots());
        assertNull(w.newest());
        w.add(new Commit(1, 1, 0));
        w.add(new Commit(2, 2, 0));
        assertEquals(Arrays.asList(null, null, new Commit(1, 1, 0), new Commit(2, 2, 0)), w.slots());
    }
}
