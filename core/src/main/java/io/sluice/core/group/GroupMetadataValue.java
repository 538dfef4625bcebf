package io.sluice.core.group;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A group's persisted state: the value of a group metadata record in {@code __consumer_offsets}, written when a
 * generation's assignment is stored, when a group becomes empty, and when a static member is replaced.
 * Immutable (byte arrays are copied in and out).
 *
 * @param protocolType          "consumer" for consumers; "" for a group without one
 * @param generation            the generation id
 * @param protocol              the selected protocol (assignor), or null
 * @param leader                the leader's member id, or null
 * @param currentStateTimestamp when the group entered its current state, or -1 (value versions 0-1)
 * @param members               the members with their subscription (metadata of the selected protocol) and
 *                              assignment
 */
public record GroupMetadataValue(String protocolType, int generation, String protocol, String leader,
                                 long currentStateTimestamp, List<MemberValue> members) {

    public GroupMetadataValue {
        Objects.requireNonNull(protocolType, "protocolType");
        members = List.copyOf(members);
    }

    /** One member as persisted. {@code groupInstanceId} is null for dynamic members. */
    public record MemberValue(String memberId, String groupInstanceId, String clientId, String clientHost,
                              int rebalanceTimeoutMs, int sessionTimeoutMs, byte[] subscription, byte[] assignment) {

        public MemberValue {
            Objects.requireNonNull(memberId, "memberId");
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(clientHost, "clientHost");
            subscription = subscription.clone();
            assignment = assignment.clone();
        }

        @Override
        public byte[] subscription() {
            return subscription.clone();
        }

        @Override
        public byte[] assignment() {
            return assignment.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MemberValue m && memberId.equals(m.memberId)
                && Objects.equals(groupInstanceId, m.groupInstanceId) && clientId.equals(m.clientId)
                && clientHost.equals(m.clientHost) && rebalanceTimeoutMs == m.rebalanceTimeoutMs
                && sessionTimeoutMs == m.sessionTimeoutMs && Arrays.equals(subscription, m.subscription)
                && Arrays.equals(assignment, m.assignment);
        }

        @Override
        public int hashCode() {
            return Objects.hash(memberId, groupInstanceId, clientId, clientHost, rebalanceTimeoutMs, sessionTimeoutMs,
                Arrays.hashCode(subscription), Arrays.hashCode(assignment));
        }

        @Override
        public String toString() {
            return "MemberValue(" + memberId + (groupInstanceId == null ? "" : ", instance " + groupInstanceId)
                + ", client " + clientId + "@" + clientHost + ", " + subscription.length + " B subscription, "
                + assignment.length + " B assignment)";
        }
    }
}
