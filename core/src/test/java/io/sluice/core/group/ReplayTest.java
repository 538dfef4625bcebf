package io.sluice.core.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.Errors;
import io.sluice.protocol.message.LeaveGroupRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Failover is replay: the records a state machine produced, written to a log and loaded into a fresh state
 * machine, rebuild the same groups (generation, protocol, leader, members, assignments, state) and offsets.
 */
class ReplayTest {
    private static final long DAY = 24 * 60 * 60 * 1000L;

    /** Writes the harness's records in batches of a few, like the runtime, then loads them. */
    private static GroupStateMachine reload(MachineHarness h, int partition) {
        InMemoryOffsetsLog log = new InMemoryOffsetsLog();
        List<GroupRecord> records = h.records;
        for (int i = 0; i < records.size(); i += 3) {
            log.append(partition, 1, OffsetsRecordCodec.toBatch(records.subList(i, Math.min(records.size(), i + 3)),
                h.now()), 1_000);
        }
        GroupStateMachine fresh = new GroupStateMachine(partition, h.config, () -> "other");
        OffsetsLoader.Summary summary = OffsetsLoader.load(log, partition, fresh);
        assertEquals(records.size(), summary.records());
        assertEquals(0, summary.skipped());
        return fresh;
    }

    @Test
    void replayingTheRecordsRebuildsTheLiveState() {
        MachineHarness h = new MachineHarness(GroupConfig.defaults().withOffsetsRetentionMs(DAY));
        // A stable consumer group with commits.
        List<String> a = h.stableGroup("alpha", 3);
        h.commit(9, "alpha", 1, a.get(0), null, -1, "orders", 0, 100, "m0");
        h.commit(9, "alpha", 1, a.get(1), null, -1, "orders", 1, 200, "");
        // A second generation after a member left.
        h.leave(5, "alpha", List.of(new LeaveGroupRequest.Member(a.get(2), null, null)), null);
        long r0 = h.join(9, "alpha", a.get(0));
        h.join(9, "alpha", a.get(1));
        int generation = h.joinResponse(r0).generationId();
        h.sync(5, "alpha", generation, a.get(1), null, Map.of());
        h.sync(5, "alpha", generation, a.get(0), null, Map.of(a.get(0), new byte[] {7}, a.get(1), new byte[] {8}));
        h.commit(9, "alpha", generation, a.get(0), null, -1, "orders", 0, 150, "again");
        // A static group whose member restarted (persisted under its new id).
        long s1 = h.joinStatic(9, "static", "", "i1");
        h.advance(3_000);
        String staticId = h.joinResponse(s1).memberId();
        h.sync(5, "static", 1, staticId, "i1", Map.of(staticId, new byte[] {5}));
        long restart = h.joinStatic(9, "static", "", "i1");
        assertEquals(Errors.NONE.code(), h.joinResponse(restart).errorCode());
        // An offset-only group, one deleted offset, one deleted group, and one that emptied.
        h.commit(9, "tool", -1, "", null, -1, "orders", 0, 1, "");
        h.commit(9, "tool", -1, "", null, -1, "orders", 1, 2, "");
        h.commit(9, "gone", -1, "", null, -1, "orders", 0, 3, "");
        h.apply(h.machine.deleteGroup(h.nextId(), "gone"));
        h.apply(h.machine.deleteOffsets(h.nextId(), new io.sluice.protocol.message.OffsetDeleteRequest("tool",
            List.of(new io.sluice.protocol.message.OffsetDeleteRequest.Topic("orders",
                List.of(new io.sluice.protocol.message.OffsetDeleteRequest.Topic.Partition(1))))), MachineHarness.ALL_EXIST));
        List<String> e = h.stableGroup("emptied", 1);
        h.commit(9, "emptied", 1, e.get(0), null, -1, "orders", 2, 9, "");
        h.leave(5, "emptied", List.of(new LeaveGroupRequest.Member(e.get(0), null, null)), null);

        Map<String, GroupStateMachine.PersistedGroup> live = h.machine.persistedView();
        assertTrue(live.containsKey("alpha") && live.containsKey("static") && live.containsKey("emptied"));
        assertFalse(live.containsKey("gone"));
        assertEquals(live, reload(h, 7).persistedView());
    }

    @Test
    void expirationIsReplayedToo() {
        MachineHarness h = new MachineHarness(GroupConfig.defaults().withOffsetsRetentionMs(DAY));
        h.commit(9, "old", -1, "", null, -1, "orders", 0, 1, "");
        h.advance(DAY / 2);
        h.commit(9, "young", -1, "", null, -1, "orders", 0, 2, "");
        h.advance(DAY / 2);
        h.apply(h.machine.expireOffsets(h.now()));
        Map<String, GroupStateMachine.PersistedGroup> live = h.machine.persistedView();
        assertEquals(List.of("young"), List.copyOf(live.keySet()));
        assertEquals(live, reload(h, 0).persistedView());
    }
}
