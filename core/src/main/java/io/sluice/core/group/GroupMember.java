package io.sluice.core.group;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One member of a classic group: its identity, timeouts, the protocols (assignors) it supports with their
 * metadata, its current assignment, and the JoinGroup/SyncGroup request it has parked, if any.
 *
 * <p>Not thread-safe: owned by its {@link ClassicGroup}, used only on the group-coordinator thread.
 */
final class GroupMember {
    static final byte[] EMPTY = new byte[0];

    /** One protocol the member supports, in its order of preference. Byte arrays are not copied (never mutated). */
    record Protocol(String name, byte[] metadata) {
        Protocol {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(metadata, "metadata");
        }

        boolean sameAs(Protocol o) {
            return name.equals(o.name) && Arrays.equals(metadata, o.metadata);
        }
    }

    /** A request waiting for the rebalance to get far enough, and the version to answer it in. */
    record Parked(long requestId, short version) {
    }

    final String memberId;
    final String groupInstanceId;
    String clientId;
    String clientHost;
    int rebalanceTimeoutMs;
    int sessionTimeoutMs;
    List<Protocol> protocols;
    byte[] assignment = EMPTY;
    Parked awaitingJoin;
    Parked awaitingSync;

    GroupMember(String memberId, String groupInstanceId, String clientId, String clientHost, int rebalanceTimeoutMs,
                int sessionTimeoutMs, List<Protocol> protocols) {
        this.memberId = memberId;
        this.groupInstanceId = groupInstanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.protocols = List.copyOf(protocols);
    }

    /** This member under a new id (a static member that restarted), with its assignment. */
    GroupMember withMemberId(String newMemberId) {
        GroupMember m = new GroupMember(newMemberId, groupInstanceId, clientId, clientHost, rebalanceTimeoutMs,
            sessionTimeoutMs, protocols);
        m.assignment = assignment;
        return m;
    }

    boolean isStatic() {
        return groupInstanceId != null;
    }

    /** The metadata for {@code protocol}, or empty if the member does not support it. */
    byte[] metadata(String protocol) {
        if (protocol != null) {
            for (Protocol p : protocols) {
                if (p.name().equals(protocol)) {
                    return p.metadata();
                }
            }
        }
        return EMPTY;
    }

    boolean supports(String protocol) {
        return protocols.stream().anyMatch(p -> p.name().equals(protocol));
    }

    /** Same protocols, in the same order, with the same metadata. */
    boolean sameProtocols(List<Protocol> other) {
        if (other.size() != protocols.size()) {
            return false;
        }
        for (int i = 0; i < other.size(); i++) {
            if (!protocols.get(i).sameAs(other.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "GroupMember(" + memberId + (groupInstanceId == null ? "" : ", instance " + groupInstanceId) + ")";
    }
}
