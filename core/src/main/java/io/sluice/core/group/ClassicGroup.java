package io.sluice.core.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The state of one classic group: its {@link GroupState}, generation, selected protocol, leader, members (in join
 * order), static-member mapping, member ids handed out with MEMBER_ID_REQUIRED that were not used yet, and its
 * committed offsets.
 *
 * <p>Not thread-safe: owned by a {@link GroupStateMachine}, used only on the group-coordinator thread (or, before
 * a load is published, on the loader thread).
 */
final class ClassicGroup {
    final String groupId;
    GroupState state = GroupState.EMPTY;
    /** When the group entered its current state (persisted as currentStateTimestamp; -1 if unknown). */
    long stateTimestampMs;
    /** "consumer" for consumer groups; null for groups that only hold offsets. */
    String protocolType;
    /** The selected protocol (assignor) of the current generation, or null. */
    String protocolName;
    int generationId;
    String leaderId;
    final LinkedHashMap<String, GroupMember> members = new LinkedHashMap<>();
    /** group.instance.id → current member id. */
    final Map<String, String> staticMembers = new HashMap<>();
    /** Member ids handed out with MEMBER_ID_REQUIRED, not yet used to join. */
    final Set<String> pendingMembers = new LinkedHashSet<>();
    /** Members of the current generation that have not sent SyncGroup yet. */
    final Set<String> pendingSyncMembers = new LinkedHashSet<>();
    final Map<TopicPartitionKey, OffsetAndMetadata> offsets = new HashMap<>();
    /** The first rebalance of an empty group waits group.initial.rebalance.delay.ms, extended for new members. */
    boolean initialDelayPhase;
    long initialDelayRemainingMs;
    boolean newMemberAdded;

    ClassicGroup(String groupId, long nowMs) {
        this.groupId = groupId;
        this.stateTimestampMs = nowMs;
    }

    void transitionTo(GroupState next, long nowMs) {
        state = next;
        stateTimestampMs = nowMs;
    }

    boolean is(GroupState s) {
        return state == s;
    }

    boolean isLeader(String memberId) {
        return memberId.equals(leaderId);
    }

    /** The largest rebalance timeout among the members (0 without members). */
    int rebalanceTimeoutMs() {
        int max = 0;
        for (GroupMember m : members.values()) {
            max = Math.max(max, m.rebalanceTimeoutMs);
        }
        return max;
    }

    boolean allMembersJoined() {
        return pendingMembers.isEmpty() && members.values().stream().allMatch(m -> m.awaitingJoin != null);
    }

    /** True if {@code instanceId} belongs to a member other than {@code memberId}. */
    boolean isStaticMemberFenced(String instanceId, String memberId) {
        if (instanceId == null) {
            return false;
        }
        String current = staticMembers.get(instanceId);
        return current != null && !current.equals(memberId);
    }

    /**
     * Can a member join that supports these protocols? An empty group takes any non-empty protocol type and list;
     * otherwise the type must match and one of the protocols must be supported by every member.
     */
    boolean supportsProtocols(String type, List<GroupMember.Protocol> protocols) {
        if (type == null || type.isEmpty() || protocols.isEmpty()) {
            return false;
        }
        if (members.isEmpty()) {
            return true;
        }
        if (!type.equals(protocolType)) {
            return false;
        }
        for (GroupMember.Protocol p : protocols) {
            if (members.values().stream().allMatch(m -> m.supports(p.name()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The protocol for the next generation: among those every member supports, each member votes for the one it
     * prefers most; most votes wins, ties go to the candidate the earliest member prefers most.
     */
    String selectProtocol() {
        List<GroupMember> all = new ArrayList<>(members.values());
        List<String> candidates = new ArrayList<>();
        for (GroupMember.Protocol p : all.get(0).protocols) {
            if (all.stream().allMatch(m -> m.supports(p.name()))) {
                candidates.add(p.name());
            }
        }
        if (candidates.isEmpty()) {
            return all.get(0).protocols.get(0).name();     // cannot happen: every join was checked
        }
        Map<String, Integer> votes = new LinkedHashMap<>();
        candidates.forEach(c -> votes.put(c, 0));
        for (GroupMember m : all) {
            for (GroupMember.Protocol p : m.protocols) {
                if (votes.containsKey(p.name())) {
                    votes.merge(p.name(), 1, Integer::sum);
                    break;
                }
            }
        }
        String best = candidates.get(0);
        for (Map.Entry<String, Integer> e : votes.entrySet()) {
            if (e.getValue() > votes.get(best)) {
                best = e.getKey();
            }
        }
        return best;
    }

    /**
     * The topics the members subscribe to with the selected protocol, if this is a consumer group whose
     * subscriptions can all be read.
     */
    Optional<Set<String>> subscribedTopics() {
        if (!ConsumerProtocol.PROTOCOL_TYPE.equals(protocolType) || protocolName == null) {
            return Optional.empty();
        }
        Set<String> topics = new LinkedHashSet<>();
        for (GroupMember m : members.values()) {
            Optional<Set<String>> t = ConsumerProtocol.subscribedTopics(m.metadata(protocolName));
            if (t.isEmpty()) {
                return Optional.empty();
            }
            topics.addAll(t.get());
        }
        return Optional.of(topics);
    }

    /** The persisted form of this group (group metadata record value). */
    GroupMetadataValue toValue() {
        List<GroupMetadataValue.MemberValue> values = new ArrayList<>();
        for (GroupMember m : members.values()) {
            values.add(new GroupMetadataValue.MemberValue(m.memberId, m.groupInstanceId, m.clientId, m.clientHost,
                m.rebalanceTimeoutMs, m.sessionTimeoutMs, m.metadata(protocolName), m.assignment));
        }
        return new GroupMetadataValue(protocolType == null ? "" : protocolType, generationId, protocolName, leaderId,
            stateTimestampMs, values);
    }

    /** Offsets sorted by topic and partition. */
    TreeMap<TopicPartitionKey, OffsetAndMetadata> sortedOffsets() {
        return new TreeMap<>(offsets);
    }

    /** Nothing worth keeping: no members, no pending members, no offsets, never had a generation. */
    boolean isEmptyShell() {
        return state == GroupState.EMPTY && members.isEmpty() && pendingMembers.isEmpty() && offsets.isEmpty()
            && generationId == 0;
    }

    @Override
    public String toString() {
        return "ClassicGroup(" + groupId + ", " + state.protocolName() + ", generation " + generationId + ", "
            + members.size() + " members)";
    }
}
