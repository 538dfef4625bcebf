package io.sluice.core.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.Errors;
import io.sluice.common.MockTime;
import io.sluice.protocol.message.HeartbeatRequest;
import io.sluice.protocol.message.HeartbeatResponse;
import io.sluice.protocol.message.JoinGroupRequest;
import io.sluice.protocol.message.JoinGroupResponse;
import io.sluice.protocol.message.LeaveGroupRequest;
import io.sluice.protocol.message.LeaveGroupResponse;
import io.sluice.protocol.message.OffsetCommitRequest;
import io.sluice.protocol.message.OffsetCommitResponse;
import io.sluice.protocol.message.SyncGroupRequest;
import io.sluice.protocol.message.SyncGroupResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * Drives a {@link GroupStateMachine} the way the runtime does, without threads: results are collected (records
 * in order, replies by request id), timers are kept in a table and fired in due order when the {@link MockTime}
 * is advanced. Replies are taken as soon as an operation returns them (commit is the runtime's business).
 */
final class MachineHarness {
    static final int SESSION = 10_000;
    static final int REBALANCE = 30_000;
    static final BiPredicate<String, Integer> ALL_EXIST = (t, p) -> !t.startsWith("unknown");

    final MockTime time = new MockTime(1_000_000L);
    final GroupConfig config;
    final GroupStateMachine machine;
    final List<GroupRecord> records = new ArrayList<>();
    final Map<Long, Object> replies = new HashMap<>();
    /** Timer → due time, as the runtime would keep them. */
    final Map<TimerKey, Long> timers = new LinkedHashMap<>();
    private long nextRequestId;
    private int ids;

    MachineHarness(GroupConfig config) {
        this.config = config;
        this.machine = new GroupStateMachine(7, config, () -> "uuid" + (++ids));
    }

    MachineHarness() {
        this(GroupConfig.defaults());
    }

    long nextId() {
        return ++nextRequestId;
    }

    long now() {
        return time.milliseconds();
    }

    void apply(GroupResult r) {
        records.addAll(r.records());
        for (GroupResult.Reply reply : r.replies()) {
            assertFalse(replies.containsKey(reply.requestId()), "request " + reply.requestId() + " answered twice");
            replies.put(reply.requestId(), reply.response());
        }
        for (GroupResult.TimerOp op : r.timers()) {
            if (op instanceof GroupResult.TimerOp.Schedule s) {
                timers.remove(s.key());
                timers.put(s.key(), now() + s.delayMs());
            } else {
                timers.remove(op.key());
            }
        }
    }

    /** Moves the clock, firing every timer that comes due on the way, in due order. */
    void advance(long ms) {
        long target = now() + ms;
        while (true) {
            Map.Entry<TimerKey, Long> next = null;
            for (Map.Entry<TimerKey, Long> e : timers.entrySet()) {
                if (e.getValue() <= target && (next == null || e.getValue() < next.getValue())) {
                    next = e;
                }
            }
            if (next == null) {
                break;
            }
            TimerKey key = next.getKey();
            time.advance(next.getValue() - now());
            timers.remove(key);
            apply(machine.onTimer(key, now()));
        }
        time.advance(target - now());
    }

    boolean answered(long requestId) {
        return replies.containsKey(requestId);
    }

    @SuppressWarnings("unchecked")
    <T> T reply(long requestId) {
        Object r = replies.get(requestId);
        assertNotNull(r, "request " + requestId + " was not answered");
        return (T) r;
    }

    // ------------------------------------------------------------------ protocol helpers

    /** A "consumer" protocol subscription (version 0) to the given topics. */
    static byte[] subscription(String... topics) {
        int size = 2 + 4 + 4;
        for (String t : topics) {
            size += 2 + t.getBytes(StandardCharsets.UTF_8).length;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putShort((short) 0).putInt(topics.length);
        for (String t : topics) {
            byte[] name = t.getBytes(StandardCharsets.UTF_8);
            b.putShort((short) name.length).put(name);
        }
        b.putInt(-1);       // user_data: null
        return b.array();
    }

    static List<JoinGroupRequest.Protocol> protocols(String... names) {
        List<JoinGroupRequest.Protocol> out = new ArrayList<>();
        for (String n : names) {
            out.add(new JoinGroupRequest.Protocol(n, ByteBuffer.wrap(subscription("orders"))));
        }
        return out;
    }

    static JoinGroupRequest joinRequest(String group, String memberId, String instanceId, int session, int rebalance,
                                        List<JoinGroupRequest.Protocol> protocols) {
        return new JoinGroupRequest(group, session, rebalance, memberId, instanceId, "consumer", protocols, null);
    }

    long join(int version, JoinGroupRequest request) {
        long id = nextId();
        apply(machine.joinGroup(id, (short) version, "client", "/127.0.0.1", request, now()));
        return id;
    }

    long join(int version, String group, String memberId) {
        return join(version, joinRequest(group, memberId, null, SESSION, REBALANCE, protocols("range")));
    }

    long joinStatic(int version, String group, String memberId, String instanceId) {
        return join(version, joinRequest(group, memberId, instanceId, SESSION, REBALANCE, protocols("range")));
    }

    /** A new dynamic member: the MEMBER_ID_REQUIRED round trip, then the parked join. Returns [memberId, requestId]. */
    Object[] newMember(String group) {
        long first = join(9, group, "");
        JoinGroupResponse r = reply(first);
        assertEquals(Errors.MEMBER_ID_REQUIRED.code(), r.errorCode());
        long second = join(9, group, r.memberId());
        return new Object[] {r.memberId(), second};
    }

    JoinGroupResponse joinResponse(long requestId) {
        return reply(requestId);
    }

    long sync(int version, String group, int generation, String memberId, String instanceId,
              Map<String, byte[]> assignments) {
        List<SyncGroupRequest.Assignment> list = new ArrayList<>();
        assignments.forEach((m, a) -> list.add(new SyncGroupRequest.Assignment(m, ByteBuffer.wrap(a))));
        long id = nextId();
        apply(machine.syncGroup(id, (short) version, new SyncGroupRequest(group, generation, memberId, instanceId,
            null, null, list), now()));
        return id;
    }

    SyncGroupResponse syncResponse(long id) {
        return reply(id);
    }

    Errors heartbeat(String group, int generation, String memberId, String instanceId) {
        long id = nextId();
        apply(machine.heartbeat(id, (short) 4, new HeartbeatRequest(group, generation, memberId, instanceId), now()));
        return Errors.forCode(((HeartbeatResponse) reply(id)).errorCode());
    }

    LeaveGroupResponse leave(int version, String group, List<LeaveGroupRequest.Member> members, String memberId) {
        long id = nextId();
        apply(machine.leaveGroup(id, (short) version, new LeaveGroupRequest(group, members, memberId), now()));
        return reply(id);
    }

    OffsetCommitResponse commit(int version, String group, int generation, String memberId, String instanceId,
                                long retentionMs, String topic, int partition, long offset, String metadata) {
        long id = nextId();
        OffsetCommitRequest request = new OffsetCommitRequest(group, generation, memberId, instanceId, retentionMs,
            List.of(new OffsetCommitRequest.Topic(topic, List.of(
                new OffsetCommitRequest.Topic.Partition(partition, offset, 3, metadata)))));
        apply(machine.commitOffsets(id, (short) version, request, ALL_EXIST, now()));
        return reply(id);
    }

    static Errors commitError(OffsetCommitResponse r) {
        return Errors.forCode(r.topics().get(0).partitions().get(0).errorCode());
    }

    Optional<GroupState> state(String group) {
        return machine.state(group);
    }

    /**
     * A Stable group of {@code n} dynamic members (joined with v9; initial delay applies), the leader's assignment
     * giving member i the bytes {i}. Returns the member ids, leader first.
     */
    List<String> stableGroup(String group, int n) {
        List<String> ids = new ArrayList<>();
        List<Long> joins = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Object[] m = newMember(group);
            ids.add((String) m[0]);
            joins.add((Long) m[1]);
        }
        advance(config.initialRebalanceDelayMs() * (long) (n + 1));
        for (long j : joins) {
            assertEquals(Errors.NONE.code(), joinResponse(j).errorCode());
        }
        int generation = joinResponse(joins.get(0)).generationId();
        String leader = joinResponse(joins.get(0)).leader();
        assertTrue(ids.remove(leader));
        ids.add(0, leader);
        Map<String, byte[]> assignment = new LinkedHashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            assignment.put(ids.get(i), new byte[] {(byte) i});
        }
        for (String id : ids.subList(1, ids.size())) {
            sync(5, group, generation, id, null, Map.of());
        }
        long leaderSync = sync(5, group, generation, leader, null, assignment);
        assertEquals(Errors.NONE.code(), syncResponse(leaderSync).errorCode());
        assertEquals(Optional.of(GroupState.STABLE), state(group));
        return ids;
    }

    int generation(String group) {
        return machine.group(group).generationId;
    }
}
