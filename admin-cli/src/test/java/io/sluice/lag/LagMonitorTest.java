package io.sluice.lag;

import io.sluice.common.TopicPartition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Storage and evaluation through the monitor's refresh, with a fake cluster and a fake clock. */
class LagMonitorTest {
    private static final long REFRESH = 10_000;
    private final FakeClock clock = new FakeClock(1_700_000_000_000L);
    private final FakeOffsetsSource source = new FakeOffsetsSource();
    private LagMonitor monitor;

    private LagMonitor monitor(ClusterConfig config) {
        monitor = new LagMonitor(List.of(config), c -> source, clock);
        return monitor;
    }

    private LagMonitor monitor() {
        return monitor(new ClusterConfig("local", List.of("h:1"), REFRESH, 10, null, null, 3_600_000, 5));
    }

    @AfterEach
    void close() {
        if (monitor != null) {
            monitor.close();
        }
    }

    private ClusterState state() {
        return monitor.cluster("local").orElseThrow();
    }

    private GroupStatus status(String group) {
        return state().status(group, clock.milliseconds()).orElseThrow();
    }

    /** Advances the clock one refresh interval and refreshes. */
    private void tick() throws IOException {
        clock.advance(REFRESH);
        monitor.refresh("local");
    }

    @Test
    void aConsumerKeepingUpIsOk() throws IOException {
        monitor();
        for (int i = 1; i <= 12; i++) {
            source.end("t", 0, i * 100);
            source.commit("g", "t", 0, i * 100 - (i % 3 == 0 ? 0 : 20));
            tick();
        }
        GroupStatus g = status("g");
        assertEquals(LagStatus.OK, g.status());
        assertEquals(1.0, g.complete());
        assertEquals(10, state().detail("g").orElseThrow().get("t").get(0).offsets().size());
    }

    @Test
    void aStoppedGroupsLagKeepsGrowingAndTurnsToStop() throws IOException {
        monitor();
        source.end("t", 0, 100);
        for (int i = 1; i <= 10; i++) {
            source.commit("g", "t", 0, 90 + i * 10);
            source.end("t", 0, 105 + i * 12);
            tick();
        }
        // Moving but lag never decreasing: WARN.
        assertEquals(LagStatus.WARN, status("g").partitions().get(0).status());
        assertEquals(LagStatus.WARN, status("g").status());
        long lagBefore = status("g").totallag();
        // The consumer stops: the group empties, producers go on.
        source.active.put("g", false);
        for (int i = 0; i < 9; i++) {
            source.end("t", 0, 300 + i * 50);
            tick();
        }
        GroupStatus stillInWindow = status("g");
        assertTrue(stillInWindow.totallag() > lagBefore, "the lag grows without commits: " + stillInWindow);
        assertEquals(LagStatus.WARN, stillInWindow.status(), "90 s since the last commit, the window spans 90 s");
        tick();
        GroupStatus stopped = status("g");
        assertEquals(LagStatus.STOP, stopped.partitions().get(0).status());
        assertEquals(LagStatus.ERR, stopped.status());
        assertEquals(Long.valueOf(300 + 8 * 50 - 190), stopped.totallag());
    }

    @Test
    void anActiveGroupCommittingTheSameOffsetStalls() throws IOException {
        monitor();
        source.end("t", 0, 50);
        source.commit("g", "t", 0, 40);
        for (int i = 0; i < 3; i++) {
            source.end("t", 0, 50 + i);
            tick();
        }
        assertEquals(LagStatus.STALL, status("g").partitions().get(0).status());
        assertEquals(LagStatus.ERR, status("g").status());
        assertEquals(3, state().detail("g").orElseThrow().get("t").get(0).offsets().stream()
            .filter(c -> c != null).count(), "each refresh of an active group is a commit");
    }

    @Test
    void offsetsResetBackwardsIsRewind() throws IOException {
        monitor();
        source.end("t", 0, 1000);
        source.commit("g", "t", 0, 500);
        tick();
        source.commit("g", "t", 0, 600);
        tick();
        source.commit("g", "t", 0, 100);
        tick();
        assertEquals(LagStatus.REWIND, status("g").partitions().get(0).status());
        assertEquals(LagStatus.ERR, status("g").status());
    }

    @Test
    void aQuietTopicIsNeverAFalseStop() throws IOException {
        monitor();
        source.end("t", 0, 70);
        source.commit("g", "t", 0, 70);
        source.active.put("g", false);
        tick();
        clock.advance(24 * 3_600_000L);
        assertEquals(LagStatus.OK, status("g").status(), "no new data: lag 0 however old the commit");
    }

    @Test
    void groupsExpireWithoutCommits() throws IOException {
        monitor();
        source.end("t", 0, 10);
        source.commit("g", "t", 0, 5);
        source.active.put("g", false);
        tick();
        clock.advance(3_600_000L - REFRESH);
        monitor.refresh("local");
        assertTrue(state().hasGroup("g"), "exactly at the expiry");
        tick();
        assertTrue(state().hasGroup("g"), "one hour since the last commit: not more than the expiry");
        tick();
        assertFalse(state().hasGroup("g"));
        assertTrue(state().status("g", clock.milliseconds()).isEmpty());
        tick();
        assertFalse(state().hasGroup("g"), "still listed by the cluster, with the same offsets: stays forgotten");
        source.commit("g", "t", 0, 6);
        tick();
        assertTrue(state().hasGroup("g"), "a new commit brings it back");
    }

    @Test
    void includeAndExcludePatterns() throws IOException {
        monitor(new ClusterConfig("local", List.of("h:1"), REFRESH, 10, Pattern.compile("^app-"),
            Pattern.compile("-test$"), 3_600_000, 5));
        source.end("t", 0, 10);
        for (String g : List.of("app-orders", "app-orders-test", "other")) {
            source.commit(g, "t", 0, 5);
        }
        tick();
        assertEquals(List.of("app-orders"), state().groups());
    }

    @Test
    void timeLagIsTheAgeOfTheOldestUnconsumedRecord() throws IOException {
        monitor();
        source.timestampBase = clock.milliseconds();
        source.timestampStep = 1000;
        source.end("t", 0, 20);
        source.commit("g", "t", 0, 5);
        tick();
        // The record at offset 5 was written at base + 5 s; the clock is at base + 10 s.
        assertEquals(5_000L, status("g").partitions().get(0).timeLagMs());
        clock.advance(7_000);
        assertEquals(12_000L, status("g").partitions().get(0).timeLagMs(), "time lag grows with the clock");
        source.commit("g", "t", 0, 20);
        tick();
        assertEquals(0L, status("g").partitions().get(0).timeLagMs(), "caught up");
    }

    @Test
    void historyIsBoundedAndFollowsTheLag() throws IOException {
        monitor();
        source.commit("g", "t", 0, 0);
        for (int i = 1; i <= 7; i++) {
            source.end("t", 0, i * 10);
            tick();
        }
        List<LagSample> history = state().history("g").orElseThrow();
        assertEquals(5, history.size(), "history size 5");
        assertEquals(List.of(30L, 40L, 50L, 60L, 70L), history.stream().map(LagSample::totalLag).toList());
    }

    @Test
    void partitionsNoLongerCommittedAreForgottenAndDetailIsBurrowShaped() throws IOException {
        monitor();
        source.end("t", 0, 10);
        source.end("t", 1, 10);
        source.commit("g", "t", 0, 10);
        source.commit("g", "t", 1, 4);
        tick();
        Map<String, List<ConsumerPartition>> detail = state().detail("g").orElseThrow();
        ConsumerPartition p1 = detail.get("t").get(1);
        assertEquals(6, p1.currentLag());
        List<Commit> expectedSlots = Arrays.asList(new Commit[10]);
        expectedSlots = new java.util.ArrayList<>(expectedSlots);
        expectedSlots.set(9, new Commit(4, clock.milliseconds(), 6));
        assertEquals(expectedSlots, p1.offsets());
        source.committed.get("g").remove(new TopicPartition("t", 1));
        tick();
        assertEquals(1, status("g").partitionCount());
        assertEquals(List.of("g"), state().consumersOf("t"));
        assertEquals(List.of(10L, 10L), state().topicOffsets("t").orElseThrow());
        assertTrue(state().topicOffsets("nope").isEmpty());
    }

    @Test
    void aFailedRefreshKeepsWhatWasStored() throws IOException {
        monitor();
        source.end("t", 0, 10);
        source.commit("g", "t", 0, 5);
        tick();
        source.failing = true;
        clock.advance(REFRESH);
        assertThrows(IOException.class, () -> monitor.refresh("local"));
        assertEquals(5, status("g").totallag());
    }

    @Test
    void unknownGroupIsEmpty() throws IOException {
        monitor();
        tick();
        assertTrue(state().status("missing", clock.milliseconds()).isEmpty());
        assertNull(state().detail("missing").orElse(null));
    }

    @Test
    void partitionsShowTheOwnerAndClientIdOfTheMemberThatHasThem() throws IOException {
        monitor();
        source.end("t", 0, 100);
        source.end("t", 1, 100);
        source.commit("g", "t", 0, 40);
        source.commit("g", "t", 1, 50);
        source.owners.put("g", Map.of(new TopicPartition("t", 0), new OffsetsSource.Owner("/10.0.0.7", "app-1")));
        tick();
        List<PartitionStatus> partitions = status("g").partitions();
        assertEquals("/10.0.0.7", partitions.get(0).owner());
        assertEquals("app-1", partitions.get(0).clientId());
        assertEquals("", partitions.get(1).owner(), "a partition no member has");
        assertEquals("", partitions.get(1).clientId());
        ConsumerPartition raw = state().detail("g").orElseThrow().get("t").get(0);
        assertEquals("/10.0.0.7", raw.owner());
        assertEquals("app-1", raw.clientId());

        // The member leaves: the group is inactive, owners are not asked for, and the fields are empty again.
        source.active.put("g", false);
        source.ownersAsked.clear();
        tick();
        assertEquals(List.of(), source.ownersAsked);
        assertEquals("", status("g").partitions().get(0).owner());
        assertEquals("", status("g").partitions().get(0).clientId());
    }
}
