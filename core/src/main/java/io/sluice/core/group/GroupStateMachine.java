package io.sluice.core.group;

import io.sluice.common.Errors;
import io.sluice.protocol.message.DescribeGroupsResponse;
import io.sluice.protocol.message.HeartbeatRequest;
import io.sluice.protocol.message.JoinGroupRequest;
import io.sluice.protocol.message.JoinGroupResponse;
import io.sluice.protocol.message.LeaveGroupRequest;
import io.sluice.protocol.message.LeaveGroupResponse;
import io.sluice.protocol.message.ListGroupsResponse;
import io.sluice.protocol.message.OffsetCommitRequest;
import io.sluice.protocol.message.OffsetDeleteRequest;
import io.sluice.protocol.message.OffsetFetchRequest;
import io.sluice.protocol.message.OffsetFetchResponse;
import io.sluice.protocol.message.SyncGroupRequest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The groups and offsets of one {@code __consumer_offsets} partition, and the classic rebalance protocol
 * (design doc sections 3.7-3.14 and 6) as a pure state machine: each operation takes a request (and the time)
 * and returns a {@link GroupResult} of records, replies and timers. It does no I/O and reads no clock; the
 * {@link GroupCoordinator} runtime appends the records and sends the replies once they are committed.
 *
 * <p>A request that must wait (JoinGroup until the join phase ends, a follower's SyncGroup until the leader's
 * assignment) is parked under the id the runtime gave it and answered by a later operation's result. Records are
 * applied to this state when they are produced; {@link #replay} applies records read back from the log, which is
 * how a new leader of the partition rebuilds the state (offsets and groups as last persisted).
 *
 * <p>Not thread-safe: confined to the group-coordinator thread (or to the loader thread until it is published).
 */
public final class GroupStateMachine {
    private static final Logger log = LogManager.getLogger(GroupStateMachine.class);
    static final String GROUP_TYPE = "classic";

    private final int partition;
    private final GroupConfig config;
    private final Supplier<String> uniqueIds;
    private final Map<String, ClassicGroup> groups = new HashMap<>();
    private final OffsetOperations offsets;
    /** The result of the operation being applied. */
    private GroupResult.Builder out;

    /**
     * @param partition the {@code __consumer_offsets} partition (for log messages)
     * @param uniqueIds unique suffixes for new member ids (random UUIDs; deterministic in tests)
     */
    public GroupStateMachine(int partition, GroupConfig config, Supplier<String> uniqueIds) {
        this.partition = partition;
        this.config = Objects.requireNonNull(config, "config");
        this.uniqueIds = Objects.requireNonNull(uniqueIds, "uniqueIds");
        this.offsets = new OffsetOperations(this, config);
    }

    public int partition() {
        return partition;
    }

    private GroupResult run(Runnable operation) {
        if (out != null) {
            throw new IllegalStateException("Re-entrant operation on the group state machine");
        }
        out = new GroupResult.Builder();
        try {
            operation.run();
            return out.build();
        } finally {
            out = null;
        }
    }

    // =========================================================================================== JoinGroup

    /** What a JoinGroup carries, with the connection's client id and host. */
    private record Join(long requestId, short version, String groupId, String memberId, String instanceId,
                        String clientId, String clientHost, int sessionTimeoutMs, int rebalanceTimeoutMs,
                        String protocolType, List<GroupMember.Protocol> protocols) {
        GroupMember.Parked parked() {
            return new GroupMember.Parked(requestId, version);
        }
    }

    /**
     * JoinGroup (v0-9). Answered at once with an error, MEMBER_ID_REQUIRED, or the current generation (a member
     * that changed nothing); otherwise parked until the join phase ends.
     */
    public GroupResult joinGroup(long requestId, short version, String clientId, String clientHost,
                                 JoinGroupRequest request, long nowMs) {
        List<GroupMember.Protocol> protocols = new ArrayList<>();
        if (request.protocols() != null) {
            for (JoinGroupRequest.Protocol p : request.protocols()) {
                protocols.add(new GroupMember.Protocol(p.name(), copy(p.metadata())));
            }
        }
        int session = request.sessionTimeoutMs();
        int rebalance = version >= 1 && request.rebalanceTimeoutMs() > 0 ? request.rebalanceTimeoutMs() : session;
        Join join = new Join(requestId, version, request.groupId(), request.memberId() == null ? "" : request.memberId(),
            version >= 5 ? request.groupInstanceId() : null, clientId == null ? "" : clientId,
            clientHost == null ? "" : clientHost, session, rebalance, request.protocolType(), protocols);
        return run(() -> doJoin(join, nowMs));
    }

    private void doJoin(Join j, long nowMs) {
        if (j.groupId() == null || j.groupId().isEmpty()) {
            joinError(j, Errors.INVALID_GROUP_ID, j.memberId());
            return;
        }
        if (j.sessionTimeoutMs() < config.minSessionTimeoutMs() || j.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
            joinError(j, Errors.INVALID_SESSION_TIMEOUT, j.memberId());
            return;
        }
        boolean unknownMember = j.memberId().isEmpty();
        ClassicGroup g = groups.get(j.groupId());
        boolean created = false;
        if (g == null) {
            if (!unknownMember) {
                joinError(j, Errors.UNKNOWN_MEMBER_ID, j.memberId());
                return;
            }
            g = new ClassicGroup(j.groupId(), nowMs);
            groups.put(j.groupId(), g);
            created = true;
        }
        try {
            if (!acceptsJoin(g, j)) {
                joinError(j, Errors.GROUP_MAX_SIZE_REACHED, j.memberId());
            } else if (!g.supportsProtocols(j.protocolType(), j.protocols())) {
                joinError(j, Errors.INCONSISTENT_GROUP_PROTOCOL, j.memberId());
            } else if (unknownMember) {
                joinUnknownMember(g, j, nowMs);
            } else {
                joinKnownMember(g, j, nowMs);
            }
        } finally {
            if (created && g.isEmptyShell()) {
                groups.remove(g.groupId);
            }
        }
    }

    /** group.max.size counts members and member ids handed out but not used yet; existing members always pass. */
    private boolean acceptsJoin(ClassicGroup g, Join j) {
        if (!j.memberId().isEmpty() && (g.members.containsKey(j.memberId()) || g.pendingMembers.contains(j.memberId()))) {
            return true;
        }
        if (j.instanceId() != null && g.staticMembers.containsKey(j.instanceId())) {
            return true;
        }
        return g.members.size() + g.pendingMembers.size() < config.maxGroupSize();
    }

    private void joinUnknownMember(ClassicGroup g, Join j, long nowMs) {
        if (j.instanceId() != null) {
            String newId = j.instanceId() + "-" + uniqueIds.get();
            String existing = g.staticMembers.get(j.instanceId());
            if (existing != null) {
                replaceStaticMember(g, j, existing, newId, nowMs);
            } else {
                addMemberAndRebalance(g, j, newId, nowMs);
            }
            return;
        }
        String newId = j.clientId() + "-" + uniqueIds.get();
        if (j.version() >= 4) {
            // KIP-394: the member must come back with this id, so a client that retries after a lost response does
            // not leave a ghost member behind for a whole session timeout.
            g.pendingMembers.add(newId);
            out.schedule(new TimerKey.PendingMemberExpiry(g.groupId, newId), j.sessionTimeoutMs());
            joinError(j, Errors.MEMBER_ID_REQUIRED, newId);
            return;
        }
        addMemberAndRebalance(g, j, newId, nowMs);
    }

    private void joinKnownMember(ClassicGroup g, Join j, long nowMs) {
        if (g.isStaticMemberFenced(j.instanceId(), j.memberId())) {
            joinError(j, Errors.FENCED_INSTANCE_ID, j.memberId());
            return;
        }
        if (g.pendingMembers.remove(j.memberId())) {
            out.cancel(new TimerKey.PendingMemberExpiry(g.groupId, j.memberId()));
            addMemberAndRebalance(g, j, j.memberId(), nowMs);
            return;
        }
        GroupMember m = g.members.get(j.memberId());
        if (m == null) {
            joinError(j, Errors.UNKNOWN_MEMBER_ID, j.memberId());
            return;
        }
        switch (g.state) {
            case PREPARING_REBALANCE -> updateMemberAndRebalance(g, m, j, nowMs);
            case COMPLETING_REBALANCE -> {
                if (m.sameProtocols(j.protocols())) {
                    // The member lost our answer: give it again.
                    scheduleSession(g, m);
                    out.reply(j.requestId(), joinResponse(g, m, j.version(), false));
                } else {
                    updateMemberAndRebalance(g, m, j, nowMs);
                }
            }
            case STABLE -> {
                if (g.isLeader(m.memberId) || !m.sameProtocols(j.protocols())) {
                    // The leader rejoins to reassign (e.g. the topics' partitions changed): a new generation.
                    updateMemberAndRebalance(g, m, j, nowMs);
                } else {
                    scheduleSession(g, m);
                    out.reply(j.requestId(), joinResponse(g, m, j.version(), false));
                }
            }
            default -> joinError(j, Errors.UNKNOWN_MEMBER_ID, j.memberId());
        }
    }

    private void addMemberAndRebalance(ClassicGroup g, Join j, String memberId, long nowMs) {
        GroupMember m = new GroupMember(memberId, j.instanceId(), j.clientId(), j.clientHost(), j.rebalanceTimeoutMs(),
            j.sessionTimeoutMs(), j.protocols());
        if (g.members.isEmpty()) {
            g.protocolType = j.protocolType();
        }
        g.members.put(memberId, m);
        if (m.isStatic()) {
            g.staticMembers.put(m.groupInstanceId, memberId);
        }
        if (g.leaderId == null) {
            g.leaderId = memberId;
        }
        m.awaitingJoin = j.parked();
        if (g.is(GroupState.PREPARING_REBALANCE) && g.initialDelayPhase) {
            g.newMemberAdded = true;
        }
        scheduleSession(g, m);
        maybePrepareRebalance(g, "member " + memberId + " joined", nowMs);
    }

    private void updateMemberAndRebalance(ClassicGroup g, GroupMember m, Join j, long nowMs) {
        if (m.awaitingJoin != null) {
            // A second JoinGroup while the first is parked: the newer one wins.
            out.reply(m.awaitingJoin.requestId(), GroupResponses.joinError(m.awaitingJoin.version(),
                Errors.REBALANCE_IN_PROGRESS, m.memberId));
        }
        m.protocols = j.protocols();
        m.rebalanceTimeoutMs = j.rebalanceTimeoutMs();
        m.sessionTimeoutMs = j.sessionTimeoutMs();
        m.awaitingJoin = j.parked();
        scheduleSession(g, m);
        maybePrepareRebalance(g, "member " + m.memberId + " rejoined", nowMs);
    }

    /**
     * A static member restarted: it takes over the old member's place under a new id, and the old id is fenced.
     * In a Stable group whose selected protocol stays the same with the member's new protocols there is no
     * rebalance: the member gets the current generation back (a v9+ leader with the member list and
     * skip_assignment; an older leader must rebalance to learn the members). The metadata bytes themselves may
     * differ: a restarted consumer's subscription carries its own generation and owned partitions.
     */
    private void replaceStaticMember(ClassicGroup g, Join j, String oldId, String newId, long nowMs) {
        GroupMember old = g.members.get(oldId);
        if (old.awaitingJoin != null) {
            out.reply(old.awaitingJoin.requestId(), GroupResponses.joinError(old.awaitingJoin.version(),
                Errors.FENCED_INSTANCE_ID, oldId));
        }
        if (old.awaitingSync != null) {
            out.reply(old.awaitingSync.requestId(), GroupResponses.syncError(Errors.FENCED_INSTANCE_ID));
        }
        out.cancel(new TimerKey.SessionExpiry(g.groupId, oldId));
        GroupMember m = old.withMemberId(newId);
        m.clientId = j.clientId();
        m.clientHost = j.clientHost();
        m.protocols = j.protocols();
        m.rebalanceTimeoutMs = j.rebalanceTimeoutMs();
        m.sessionTimeoutMs = j.sessionTimeoutMs();
        LinkedHashMap<String, GroupMember> reordered = new LinkedHashMap<>();
        g.members.forEach((id, member) -> reordered.put(id.equals(oldId) ? newId : id, id.equals(oldId) ? m : member));
        g.members.clear();
        g.members.putAll(reordered);
        g.staticMembers.put(m.groupInstanceId, newId);
        if (g.pendingSyncMembers.remove(oldId)) {
            g.pendingSyncMembers.add(newId);
        }
        if (oldId.equals(g.leaderId)) {
            g.leaderId = newId;
        }
        scheduleSession(g, m);
        log.info("Static member {} of group {} rejoined with member id {} (was {})", m.groupInstanceId, g.groupId,
            newId, oldId);
        boolean isLeader = g.isLeader(newId);
        boolean sameProtocol = g.protocolName != null && g.protocolName.equals(g.selectProtocol());
        if (g.is(GroupState.STABLE) && sameProtocol && (!isLeader || j.version() >= 9)) {
            out.record(new GroupRecord.GroupMetadata(g.groupId, Optional.of(g.toValue())));
            out.reply(j.requestId(), joinResponse(g, m, j.version(), isLeader));
            return;
        }
        m.awaitingJoin = j.parked();
        maybePrepareRebalance(g, "static member " + m.groupInstanceId + " rejoined", nowMs);
    }

    /** The response for a member of the current generation; only the leader gets the member list. */
    private JoinGroupResponse joinResponse(ClassicGroup g, GroupMember m, short version, boolean skipAssignment) {
        List<JoinGroupResponse.Member> members = new ArrayList<>();
        if (g.isLeader(m.memberId)) {
            for (GroupMember member : g.members.values()) {
                members.add(new JoinGroupResponse.Member(member.memberId, member.groupInstanceId,
                    GroupResponses.bytes(member.metadata(g.protocolName))));
            }
        }
        return GroupResponses.join(version, Errors.NONE, g.generationId, g.protocolType, g.protocolName, g.leaderId,
            skipAssignment, m.memberId, members);
    }

    private void joinError(Join j, Errors error, String memberId) {
        out.reply(j.requestId(), GroupResponses.joinError(j.version(), error, memberId));
    }

    // =========================================================================================== rebalance

    private void maybePrepareRebalance(ClassicGroup g, String reason, long nowMs) {
        if (g.is(GroupState.STABLE) || g.is(GroupState.COMPLETING_REBALANCE) || g.is(GroupState.EMPTY)) {
            prepareRebalance(g, reason, nowMs);
        }
        maybeCompleteJoin(g, nowMs);
    }

    private void prepareRebalance(ClassicGroup g, String reason, long nowMs) {
        if (g.is(GroupState.COMPLETING_REBALANCE)) {
            // The assignment of this generation will never be stored: the members must rejoin.
            for (GroupMember m : g.members.values()) {
                m.assignment = GroupMember.EMPTY;
                if (m.awaitingSync != null) {
                    out.reply(m.awaitingSync.requestId(), GroupResponses.syncError(Errors.REBALANCE_IN_PROGRESS));
                    m.awaitingSync = null;
                }
            }
        }
        out.cancel(new TimerKey.SyncDeadline(g.groupId, g.generationId));
        g.pendingSyncMembers.clear();
        boolean fromEmpty = g.is(GroupState.EMPTY);
        g.transitionTo(GroupState.PREPARING_REBALANCE, nowMs);
        g.newMemberAdded = false;
        if (fromEmpty && config.initialRebalanceDelayMs() > 0) {
            g.initialDelayPhase = true;
            g.initialDelayRemainingMs = Math.max(0, g.rebalanceTimeoutMs() - config.initialRebalanceDelayMs());
            out.schedule(new TimerKey.JoinDeadline(g.groupId), config.initialRebalanceDelayMs());
        } else {
            g.initialDelayPhase = false;
            out.schedule(new TimerKey.JoinDeadline(g.groupId), g.rebalanceTimeoutMs());
        }
        log.info("Preparing to rebalance group {} (generation {}, {} members): {}", g.groupId, g.generationId,
            g.members.size(), reason);
    }

    private void maybeCompleteJoin(ClassicGroup g, long nowMs) {
        if (g.is(GroupState.PREPARING_REBALANCE) && !g.initialDelayPhase && g.allMembersJoined()) {
            completeJoin(g, nowMs);
        }
    }

    /**
     * Ends the join phase: drops dynamic members that did not rejoin, starts the next generation, selects the
     * protocol and the leader, and answers every parked JoinGroup (the leader with the member list).
     */
    private void completeJoin(ClassicGroup g, long nowMs) {
        out.cancel(new TimerKey.JoinDeadline(g.groupId));
        g.initialDelayPhase = false;
        g.newMemberAdded = false;
        for (GroupMember m : List.copyOf(g.members.values())) {
            if (m.awaitingJoin == null && !m.isStatic()) {
                log.info("Removing member {} from group {}: it did not rejoin in time", m.memberId, g.groupId);
                removeMember(g, m, Errors.UNKNOWN_MEMBER_ID);
            }
        }
        GroupMember leader = g.leaderId == null ? null : g.members.get(g.leaderId);
        if (leader == null || leader.awaitingJoin == null) {
            g.leaderId = g.members.values().stream().filter(m -> m.awaitingJoin != null).map(m -> m.memberId)
                .findFirst().orElse(g.members.isEmpty() ? null : g.members.keySet().iterator().next());
        }
        g.generationId++;
        if (g.members.isEmpty()) {
            g.protocolName = null;
            g.leaderId = null;
            g.transitionTo(GroupState.EMPTY, nowMs);
            out.record(new GroupRecord.GroupMetadata(g.groupId, Optional.of(g.toValue())));
            log.info("Group {} with generation {} is now empty", g.groupId, g.generationId);
            return;
        }
        g.protocolName = g.selectProtocol();
        g.transitionTo(GroupState.COMPLETING_REBALANCE, nowMs);
        for (GroupMember m : g.members.values()) {
            if (m.awaitingJoin != null) {
                out.reply(m.awaitingJoin.requestId(), joinResponse(g, m, m.awaitingJoin.version(), false));
                m.awaitingJoin = null;
                scheduleSession(g, m);
            }
        }
        g.pendingSyncMembers.addAll(g.members.keySet());
        out.schedule(new TimerKey.SyncDeadline(g.groupId, g.generationId), g.rebalanceTimeoutMs());
        log.info("Group {} completed its join phase: generation {}, protocol {}, leader {}, {} members", g.groupId,
            g.generationId, g.protocolName, g.leaderId, g.members.size());
    }

    /** Removes a member without starting a rebalance; answers its parked requests with {@code error}. */
    private void removeMember(ClassicGroup g, GroupMember m, Errors error) {
        if (m.awaitingJoin != null) {
            out.reply(m.awaitingJoin.requestId(), GroupResponses.joinError(m.awaitingJoin.version(), error, m.memberId));
            m.awaitingJoin = null;
        }
        if (m.awaitingSync != null) {
            out.reply(m.awaitingSync.requestId(), GroupResponses.syncError(error));
            m.awaitingSync = null;
        }
        g.members.remove(m.memberId);
        if (m.isStatic() && m.memberId.equals(g.staticMembers.get(m.groupInstanceId))) {
            g.staticMembers.remove(m.groupInstanceId);
        }
        g.pendingSyncMembers.remove(m.memberId);
        out.cancel(new TimerKey.SessionExpiry(g.groupId, m.memberId));
        if (m.memberId.equals(g.leaderId)) {
            g.leaderId = g.members.isEmpty() ? null : g.members.keySet().iterator().next();
        }
    }

    /** After members left or were removed: the others must rejoin (or the join phase may now be complete). */
    private void onMembersRemoved(ClassicGroup g, String reason, long nowMs) {
        if (g.is(GroupState.STABLE) || g.is(GroupState.COMPLETING_REBALANCE)) {
            prepareRebalance(g, reason, nowMs);
        }
        maybeCompleteJoin(g, nowMs);
    }

    void scheduleSession(ClassicGroup g, GroupMember m) {
        out.schedule(new TimerKey.SessionExpiry(g.groupId, m.memberId), m.sessionTimeoutMs);
    }

    // =========================================================================================== timers

    /** A timer this state machine asked for has fired (the runtime drops timers that were replaced). */
    public GroupResult onTimer(TimerKey key, long nowMs) {
        return run(() -> {
            ClassicGroup g = groups.get(key.groupId());
            if (g == null) {
                return;
            }
            if (key instanceof TimerKey.SessionExpiry s) {
                onSessionExpired(g, s.memberId(), nowMs);
            } else if (key instanceof TimerKey.PendingMemberExpiry p) {
                if (g.pendingMembers.remove(p.memberId())) {
                    log.debug("Member id {} handed out by group {} was never used", p.memberId(), g.groupId);
                    maybeCompleteJoin(g, nowMs);
                    if (g.isEmptyShell()) {
                        groups.remove(g.groupId);
                    }
                }
            } else if (key instanceof TimerKey.JoinDeadline) {
                onJoinDeadline(g, nowMs);
            } else if (key instanceof TimerKey.SyncDeadline d) {
                onSyncDeadline(g, d.generation(), nowMs);
            } else {
                throw new IllegalStateException("Unhandled timer " + key);
            }
        });
    }

    private void onSessionExpired(ClassicGroup g, String memberId, long nowMs) {
        GroupMember m = g.members.get(memberId);
        if (m == null) {
            return;
        }
        if (m.awaitingJoin != null || m.awaitingSync != null) {
            scheduleSession(g, m);           // a parked member is alive; the rebalance timeouts bound its wait
            return;
        }
        log.info("Member {} of group {} has failed (no heartbeat within {} ms), removing it", memberId, g.groupId,
            m.sessionTimeoutMs);
        removeMember(g, m, Errors.UNKNOWN_MEMBER_ID);
        onMembersRemoved(g, "member " + memberId + " session expired", nowMs);
    }

    private void onJoinDeadline(ClassicGroup g, long nowMs) {
        if (!g.is(GroupState.PREPARING_REBALANCE)) {
            return;
        }
        if (g.initialDelayPhase) {
            if (g.newMemberAdded && g.initialDelayRemainingMs > 0) {
                long delay = Math.min(config.initialRebalanceDelayMs(), g.initialDelayRemainingMs);
                g.initialDelayRemainingMs -= delay;
                g.newMemberAdded = false;
                out.schedule(new TimerKey.JoinDeadline(g.groupId), delay);
                return;
            }
            g.initialDelayPhase = false;
        }
        completeJoin(g, nowMs);
    }

    private void onSyncDeadline(ClassicGroup g, int generation, long nowMs) {
        if (g.generationId != generation || g.pendingSyncMembers.isEmpty()
                || !(g.is(GroupState.COMPLETING_REBALANCE) || g.is(GroupState.STABLE))) {
            return;
        }
        List<String> missing = List.copyOf(g.pendingSyncMembers);
        log.info("Removing members {} from group {}: no SyncGroup for generation {} in time", missing, g.groupId,
            generation);
        for (String id : missing) {
            GroupMember m = g.members.get(id);
            if (m != null) {
                removeMember(g, m, Errors.REBALANCE_IN_PROGRESS);
            }
        }
        g.pendingSyncMembers.clear();
        onMembersRemoved(g, "members " + missing + " did not sync", nowMs);
    }

    // =========================================================================================== SyncGroup

    /** SyncGroup (v0-5): the leader's assignment is stored, then every member gets its part. */
    public GroupResult syncGroup(long requestId, short version, SyncGroupRequest request, long nowMs) {
        return run(() -> {
            String instanceId = version >= 3 ? request.groupInstanceId() : null;
            String memberId = request.memberId() == null ? "" : request.memberId();
            Errors error = syncError(request, version, instanceId, memberId);
            if (error != Errors.NONE) {
                out.reply(requestId, GroupResponses.syncError(error));
                return;
            }
            ClassicGroup g = groups.get(request.groupId());
            GroupMember m = g.members.get(memberId);
            switch (g.state) {
                case PREPARING_REBALANCE -> out.reply(requestId, GroupResponses.syncError(Errors.REBALANCE_IN_PROGRESS));
                case COMPLETING_REBALANCE -> {
                    if (m.awaitingSync != null) {
                        out.reply(m.awaitingSync.requestId(), GroupResponses.syncError(Errors.REBALANCE_IN_PROGRESS));
                    }
                    m.awaitingSync = new GroupMember.Parked(requestId, version);
                    synced(g, m);
                    scheduleSession(g, m);
                    if (g.isLeader(memberId)) {
                        storeAssignment(g, request, nowMs);
                    }
                }
                case STABLE -> {
                    synced(g, m);
                    scheduleSession(g, m);
                    out.reply(requestId, GroupResponses.sync(Errors.NONE, g.protocolType, g.protocolName, m.assignment));
                }
                default -> out.reply(requestId, GroupResponses.syncError(Errors.UNKNOWN_MEMBER_ID));
            }
        });
    }

    private Errors syncError(SyncGroupRequest request, short version, String instanceId, String memberId) {
        if (request.groupId() == null || request.groupId().isEmpty()) {
            return Errors.INVALID_GROUP_ID;
        }
        ClassicGroup g = groups.get(request.groupId());
        if (g == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (g.isStaticMemberFenced(instanceId, memberId)) {
            return Errors.FENCED_INSTANCE_ID;
        }
        if (!g.members.containsKey(memberId)) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (request.generationId() != g.generationId) {
            return Errors.ILLEGAL_GENERATION;
        }
        if (version >= 5 && ((request.protocolType() != null && !request.protocolType().equals(g.protocolType))
                || (request.protocolName() != null && !request.protocolName().equals(g.protocolName)))) {
            return Errors.INCONSISTENT_GROUP_PROTOCOL;
        }
        return Errors.NONE;
    }

    private void synced(ClassicGroup g, GroupMember m) {
        if (g.pendingSyncMembers.remove(m.memberId) && g.pendingSyncMembers.isEmpty()) {
            out.cancel(new TimerKey.SyncDeadline(g.groupId, g.generationId));
        }
    }

    /** The leader's assignment: members it left out get an empty one. Stored, then handed to every parked member. */
    private void storeAssignment(ClassicGroup g, SyncGroupRequest request, long nowMs) {
        Map<String, byte[]> assignments = new HashMap<>();
        if (request.assignments() != null) {
            for (SyncGroupRequest.Assignment a : request.assignments()) {
                assignments.put(a.memberId(), copy(a.assignment()));
            }
        }
        for (GroupMember member : g.members.values()) {
            member.assignment = assignments.getOrDefault(member.memberId, GroupMember.EMPTY);
        }
        g.transitionTo(GroupState.STABLE, nowMs);
        out.record(new GroupRecord.GroupMetadata(g.groupId, Optional.of(g.toValue())));
        for (GroupMember member : g.members.values()) {
            if (member.awaitingSync != null) {
                out.reply(member.awaitingSync.requestId(),
                    GroupResponses.sync(Errors.NONE, g.protocolType, g.protocolName, member.assignment));
                member.awaitingSync = null;
            }
        }
        log.info("Group {} is stable: assignment of generation {} stored ({} members)", g.groupId, g.generationId,
            g.members.size());
    }

    // =========================================================================================== Heartbeat

    /** Heartbeat (v0-4): refreshes the session; REBALANCE_IN_PROGRESS tells the member to rejoin. */
    public GroupResult heartbeat(long requestId, short version, HeartbeatRequest request, long nowMs) {
        return run(() -> out.reply(requestId, GroupResponses.heartbeat(doHeartbeat(version, request))));
    }

    private Errors doHeartbeat(short version, HeartbeatRequest request) {
        if (request.groupId() == null || request.groupId().isEmpty()) {
            return Errors.INVALID_GROUP_ID;
        }
        ClassicGroup g = groups.get(request.groupId());
        if (g == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        String memberId = request.memberId() == null ? "" : request.memberId();
        if (g.isStaticMemberFenced(version >= 3 ? request.groupInstanceId() : null, memberId)) {
            return Errors.FENCED_INSTANCE_ID;
        }
        GroupMember m = g.members.get(memberId);
        if (m == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (request.generationId() != g.generationId) {
            return Errors.ILLEGAL_GENERATION;
        }
        return switch (g.state) {
            case PREPARING_REBALANCE -> {
                scheduleSession(g, m);
                yield Errors.REBALANCE_IN_PROGRESS;
            }
            case COMPLETING_REBALANCE, STABLE -> {
                scheduleSession(g, m);
                yield Errors.NONE;
            }
            default -> Errors.UNKNOWN_MEMBER_ID;
        };
    }

    // =========================================================================================== LeaveGroup

    /** LeaveGroup (v0-5, batched from v3): removes the members and rebalances the rest. */
    public GroupResult leaveGroup(long requestId, short version, LeaveGroupRequest request, long nowMs) {
        return run(() -> {
            List<GroupResponses.LeavingMember> leaving = GroupResponses.leavingMembers(version, request);
            if (request.groupId() == null || request.groupId().isEmpty()) {
                out.reply(requestId, GroupResponses.leave(version, Errors.INVALID_GROUP_ID, List.of()));
                return;
            }
            ClassicGroup g = groups.get(request.groupId());
            List<LeaveGroupResponse.Member> results = new ArrayList<>();
            List<String> removed = new ArrayList<>();
            List<String> removedPending = new ArrayList<>();
            for (GroupResponses.LeavingMember l : leaving) {
                Errors error = g == null ? Errors.UNKNOWN_MEMBER_ID : leave(g, l, removed, removedPending);
                results.add(new LeaveGroupResponse.Member(l.memberId(), l.groupInstanceId(), error.code()));
            }
            if (g != null && !removed.isEmpty()) {
                onMembersRemoved(g, "members " + removed + " left", nowMs);
            } else if (g != null && !removedPending.isEmpty()) {
                maybeCompleteJoin(g, nowMs);      // members that never joined: no rebalance, but maybe the join is done
            }
            if (g != null && g.isEmptyShell()) {
                groups.remove(g.groupId);
            }
            out.reply(requestId, GroupResponses.leave(version, Errors.NONE, results));
        });
    }

    private Errors leave(ClassicGroup g, GroupResponses.LeavingMember l, List<String> removed,
                         List<String> removedPending) {
        String memberId = l.memberId();
        if (memberId.isEmpty() && l.groupInstanceId() != null) {
            memberId = g.staticMembers.get(l.groupInstanceId());      // an admin removing a static member
            if (memberId == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
        } else if (g.isStaticMemberFenced(l.groupInstanceId(), memberId)) {
            return Errors.FENCED_INSTANCE_ID;
        }
        if (g.pendingMembers.remove(memberId)) {
            out.cancel(new TimerKey.PendingMemberExpiry(g.groupId, memberId));
            removedPending.add(memberId);
            return Errors.NONE;
        }
        GroupMember m = g.members.get(memberId);
        if (m == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        log.info("Member {} is leaving group {}", memberId, g.groupId);
        removeMember(g, m, Errors.UNKNOWN_MEMBER_ID);
        removed.add(memberId);
        return Errors.NONE;
    }

    // =========================================================================================== offsets

    /**
     * OffsetCommit (v2-9). A "simple" commit (generation -1, no member) is accepted only by an empty or unknown
     * group; otherwise the member and its generation are checked. Answered once the offset records are replicated.
     *
     * @param partitionExists whether a topic partition exists (commits for others get UNKNOWN_TOPIC_OR_PARTITION)
     */
    public GroupResult commitOffsets(long requestId, short version, OffsetCommitRequest request,
                                     BiPredicate<String, Integer> partitionExists, long nowMs) {
        return run(() -> offsets.commit(requestId, version, request, partitionExists, nowMs));
    }

    /**
     * One group's committed offsets (OffsetFetch): the given partitions (-1 for those without a commit), or with
     * {@code topics} null all of them. An unknown group has no offsets.
     */
    public OffsetFetchResponse.Group fetchOffsets(String groupId, List<OffsetFetchRequest.Group.Topic> topics) {
        return offsets.fetch(groupId, topics);
    }

    /**
     * OffsetDelete (v0): deletes offsets of an empty group, or those of topics a consumer group does not subscribe
     * to (GROUP_SUBSCRIBED_TO_TOPIC for the others).
     */
    public GroupResult deleteOffsets(long requestId, OffsetDeleteRequest request,
                                     BiPredicate<String, Integer> partitionExists) {
        return run(() -> offsets.delete(requestId, request, partitionExists));
    }

    /**
     * Removes expired offsets (design doc 6.2): all offsets of an empty group with a protocol type once the
     * retention passed since it became empty; for groups without a protocol type each offset by its commit time;
     * for a stable consumer group the offsets of topics it no longer subscribes to; commits with an explicit
     * expiry at that time. An empty group left without offsets is deleted (group tombstone).
     */
    public GroupResult expireOffsets(long nowMs) {
        return run(() -> offsets.expire(nowMs));
    }

    /**
     * The given topics were deleted: their committed offsets are dropped in every group (tombstones), and a group
     * left empty without offsets is deleted. Nothing happens for topics no group committed to.
     */
    public GroupResult deleteTopics(Set<String> topics) {
        Set<String> copy = Set.copyOf(topics);
        return run(() -> offsets.deleteTopics(copy));
    }

    // =========================================================================================== admin

    /** DeleteGroups for one group: only an empty group; tombstones for its offsets and itself. */
    public GroupResult deleteGroup(long requestId, String groupId) {
        return run(() -> {
            ClassicGroup g = groups.get(groupId);
            if (g == null || g.is(GroupState.DEAD)) {
                out.reply(requestId, Errors.GROUP_ID_NOT_FOUND);
                return;
            }
            if (!g.is(GroupState.EMPTY) || !g.members.isEmpty()) {
                out.reply(requestId, Errors.NON_EMPTY_GROUP);
                return;
            }
            for (TopicPartitionKey tp : g.sortedOffsets().keySet()) {
                GroupRecord r = GroupRecord.OffsetCommit.tombstone(groupId, tp);
                apply(r);
                out.record(r);
            }
            for (String pending : g.pendingMembers) {
                out.cancel(new TimerKey.PendingMemberExpiry(groupId, pending));
            }
            GroupRecord r = GroupRecord.GroupMetadata.tombstone(groupId);
            apply(r);
            out.record(r);
            log.info("Group {} deleted", groupId);
            out.reply(requestId, Errors.NONE, error -> error);
        });
    }

    /** DescribeGroups for one group; an unknown group is reported as Dead without members. */
    public DescribeGroupsResponse.Group describeGroup(String groupId) {
        ClassicGroup g = groups.get(groupId);
        if (g == null) {
            return GroupResponses.describeError(groupId, Errors.NONE);
        }
        boolean stable = g.is(GroupState.STABLE);
        List<DescribeGroupsResponse.Group.Member> members = new ArrayList<>();
        for (GroupMember m : g.members.values()) {
            ByteBuffer metadata = stable ? GroupResponses.bytes(m.metadata(g.protocolName)) : GroupResponses.noBytes();
            ByteBuffer assignment = stable ? GroupResponses.bytes(m.assignment) : GroupResponses.noBytes();
            members.add(new DescribeGroupsResponse.Group.Member(m.memberId, m.groupInstanceId, m.clientId, m.clientHost,
                metadata, assignment));
        }
        return new DescribeGroupsResponse.Group(Errors.NONE.code(), groupId, g.state.protocolName(),
            g.protocolType == null ? "" : g.protocolType, stable && g.protocolName != null ? g.protocolName : "",
            members, Integer.MIN_VALUE);
    }

    /**
     * ListGroups: the groups here, filtered by state names (ignoring case) and types; an empty filter keeps all.
     * Every group here is a "classic" group.
     */
    public List<ListGroupsResponse.Group> listGroups(List<String> statesFilter, List<String> typesFilter) {
        Set<String> states = statesFilter == null ? Set.of()
            : statesFilter.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        Set<String> types = typesFilter == null ? Set.of()
            : typesFilter.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        List<ListGroupsResponse.Group> out = new ArrayList<>();
        if (!types.isEmpty() && !types.contains(GROUP_TYPE)) {
            return out;
        }
        for (ClassicGroup g : new TreeMap<>(groups).values()) {
            if (!states.isEmpty() && !states.contains(g.state.protocolName().toLowerCase(Locale.ROOT))) {
                continue;
            }
            out.add(new ListGroupsResponse.Group(g.groupId, g.protocolType == null ? "" : g.protocolType,
                g.state.protocolName(), GROUP_TYPE));
        }
        return out;
    }

    // =========================================================================================== loading

    /**
     * Applies one record read from the log (or produced by this state machine): an offset or its deletion, a
     * group's persisted state (members, generation, assignment) or its deletion.
     */
    public void replay(GroupRecord record) {
        if (out != null) {
            throw new IllegalStateException("replay during an operation");
        }
        apply(record);
    }

    void apply(GroupRecord record) {
        if (record instanceof GroupRecord.OffsetCommit c) {
            if (c.value().isPresent()) {
                groups.computeIfAbsent(c.groupId(), id -> new ClassicGroup(id, c.value().get().commitTimestampMs()))
                    .offsets.put(c.partition(), c.value().get());
            } else {
                ClassicGroup g = groups.get(c.groupId());
                if (g != null) {
                    g.offsets.remove(c.partition());
                }
            }
            return;
        }
        GroupRecord.GroupMetadata gm = (GroupRecord.GroupMetadata) record;
        if (gm.value().isEmpty()) {
            ClassicGroup g = groups.remove(gm.groupId());
            if (g != null) {
                g.transitionTo(GroupState.DEAD, g.stateTimestampMs);
            }
            return;
        }
        GroupMetadataValue v = gm.value().get();
        ClassicGroup g = groups.computeIfAbsent(gm.groupId(), id -> new ClassicGroup(id, v.currentStateTimestamp()));
        g.protocolType = v.protocolType().isEmpty() ? null : v.protocolType();
        g.generationId = v.generation();
        g.protocolName = v.protocol();
        g.leaderId = v.leader();
        g.members.clear();
        g.staticMembers.clear();
        g.pendingMembers.clear();
        g.pendingSyncMembers.clear();
        for (GroupMetadataValue.MemberValue mv : v.members()) {
            List<GroupMember.Protocol> protocols = v.protocol() == null ? List.of()
                : List.of(new GroupMember.Protocol(v.protocol(), mv.subscription()));
            GroupMember m = new GroupMember(mv.memberId(), mv.groupInstanceId(), mv.clientId(), mv.clientHost(),
                mv.rebalanceTimeoutMs(), mv.sessionTimeoutMs(), protocols);
            m.assignment = mv.assignment();
            g.members.put(m.memberId, m);
            if (m.isStatic()) {
                g.staticMembers.put(m.groupInstanceId, m.memberId);
            }
        }
        g.transitionTo(v.members().isEmpty() ? GroupState.EMPTY : GroupState.STABLE, v.currentStateTimestamp());
    }

    /** After replaying a partition: every loaded member's session starts now. */
    public GroupResult onLoaded() {
        return run(() -> {
            for (ClassicGroup g : groups.values()) {
                for (GroupMember m : g.members.values()) {
                    scheduleSession(g, m);
                }
            }
        });
    }

    public int groupCount() {
        return groups.size();
    }

    public int offsetCount() {
        return groups.values().stream().mapToInt(g -> g.offsets.size()).sum();
    }

    // =========================================================================================== views

    /** What a group persists, for comparing live state with replayed state (tests). */
    record PersistedGroup(GroupState state, String protocolType, int generation, String protocolName, String leader,
                          long stateTimestampMs, List<GroupMetadataValue.MemberValue> members,
                          Map<TopicPartitionKey, OffsetAndMetadata> offsets) {
    }

    /** Every group as it would be rebuilt from the log, keyed by group id. */
    Map<String, PersistedGroup> persistedView() {
        Map<String, PersistedGroup> view = new TreeMap<>();
        for (ClassicGroup g : groups.values()) {
            GroupMetadataValue v = g.toValue();
            view.put(g.groupId, new PersistedGroup(g.state, g.protocolType, g.generationId, g.protocolName, g.leaderId,
                g.stateTimestampMs, v.members(), g.sortedOffsets()));
        }
        return view;
    }

    /** The group's state, or empty if there is no such group (tests, logging). */
    Optional<GroupState> state(String groupId) {
        return Optional.ofNullable(groups.get(groupId)).map(g -> g.state);
    }

    /** The group, or null (this package: offset operations, tests). */
    ClassicGroup group(String groupId) {
        return groups.get(groupId);
    }

    /** A copy of the list of groups, safe to iterate while groups are removed. */
    List<ClassicGroup> allGroups() {
        return List.copyOf(groups.values());
    }

    /** The result of the operation being run (offset operations add to it). */
    GroupResult.Builder out() {
        if (out == null) {
            throw new IllegalStateException("No operation is running");
        }
        return out;
    }

    private static byte[] copy(ByteBuffer buffer) {
        if (buffer == null) {
            return GroupMember.EMPTY;
        }
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return b;
    }
}
