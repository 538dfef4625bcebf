package io.sluice.core.group;

import io.sluice.common.Errors;
import io.sluice.protocol.message.DescribeGroupsResponse;
import io.sluice.protocol.message.HeartbeatResponse;
import io.sluice.protocol.message.JoinGroupRequest;
import io.sluice.protocol.message.JoinGroupResponse;
import io.sluice.protocol.message.LeaveGroupRequest;
import io.sluice.protocol.message.LeaveGroupResponse;
import io.sluice.protocol.message.OffsetCommitRequest;
import io.sluice.protocol.message.OffsetCommitResponse;
import io.sluice.protocol.message.OffsetDeleteResponse;
import io.sluice.protocol.message.OffsetFetchRequest;
import io.sluice.protocol.message.OffsetFetchResponse;
import io.sluice.protocol.message.SyncGroupResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds group responses so that they encode in the version asked for (strings that become nullable only in
 * later versions are "" rather than null before). Stateless.
 */
public final class GroupResponses {
    private static final ByteBuffer NO_BYTES = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private GroupResponses() {
    }

    static ByteBuffer bytes(byte[] b) {
        return ByteBuffer.wrap(b).asReadOnlyBuffer();
    }

    public static JoinGroupResponse join(short version, Errors error, int generation, String protocolType,
                                         String protocolName, String leader, boolean skipAssignment, String memberId,
                                         List<JoinGroupResponse.Member> members) {
        return new JoinGroupResponse(0, error.code(), generation, protocolType,
            protocolName == null && version < 7 ? "" : protocolName, leader == null ? "" : leader, skipAssignment,
            memberId == null ? "" : memberId, members);
    }

    public static JoinGroupResponse joinError(short version, Errors error, String memberId) {
        return join(version, error, -1, null, null, "", false, memberId, List.of());
    }

    /** The error response for a request, echoing its member id as Kafka does. */
    public static JoinGroupResponse joinError(short version, Errors error, JoinGroupRequest request) {
        return joinError(version, error, request.memberId());
    }

    public static SyncGroupResponse sync(Errors error, String protocolType, String protocolName, byte[] assignment) {
        return new SyncGroupResponse(0, error.code(), protocolType, protocolName,
            assignment == null ? NO_BYTES : bytes(assignment));
    }

    public static SyncGroupResponse syncError(Errors error) {
        return sync(error, null, null, null);
    }

    public static HeartbeatResponse heartbeat(Errors error) {
        return new HeartbeatResponse(0, error.code());
    }

    /** One member of a LeaveGroup request (v0-2 requests have exactly one, without instance id). */
    public record LeavingMember(String memberId, String groupInstanceId) {
    }

    public static List<LeavingMember> leavingMembers(short version, LeaveGroupRequest request) {
        if (version < 3) {
            return List.of(new LeavingMember(request.memberId() == null ? "" : request.memberId(), null));
        }
        List<LeavingMember> out = new ArrayList<>();
        for (LeaveGroupRequest.Member m : request.members()) {
            out.add(new LeavingMember(m.memberId() == null ? "" : m.memberId(), m.groupInstanceId()));
        }
        return out;
    }

    /**
     * A LeaveGroup response: v3+ carry one error per member and the top-level error only for the group; v0-2 have
     * only the top-level error, which is then the (single) member's.
     */
    public static LeaveGroupResponse leave(short version, Errors topLevel, List<LeaveGroupResponse.Member> members) {
        if (version < 3) {
            Errors error = topLevel;
            if (error == Errors.NONE && !members.isEmpty()) {
                error = Errors.forCode(members.get(0).errorCode());
            }
            return new LeaveGroupResponse(0, error.code(), List.of());
        }
        return new LeaveGroupResponse(0, topLevel.code(), members);
    }

    public static LeaveGroupResponse leaveError(short version, Errors error, LeaveGroupRequest request) {
        return leave(version, error, List.of());
    }

    public static OffsetCommitResponse commitError(OffsetCommitRequest request, Errors error) {
        List<OffsetCommitResponse.Topic> topics = new ArrayList<>();
        for (OffsetCommitRequest.Topic t : request.topics()) {
            topics.add(new OffsetCommitResponse.Topic(t.name(), t.partitions().stream()
                .map(p -> new OffsetCommitResponse.Topic.Partition(p.partitionIndex(), error.code())).toList()));
        }
        return new OffsetCommitResponse(0, topics);
    }

    /** Replaces every NONE partition error with {@code error}, keeping the other errors. */
    static OffsetCommitResponse commitFailed(OffsetCommitResponse response, Errors error) {
        List<OffsetCommitResponse.Topic> topics = new ArrayList<>();
        for (OffsetCommitResponse.Topic t : response.topics()) {
            topics.add(new OffsetCommitResponse.Topic(t.name(), t.partitions().stream()
                .map(p -> p.errorCode() == Errors.NONE.code()
                    ? new OffsetCommitResponse.Topic.Partition(p.partitionIndex(), error.code()) : p).toList()));
        }
        return new OffsetCommitResponse(0, topics);
    }

    /** One group's offsets, every requested partition with {@code error} (null topics: none listed). */
    public static OffsetFetchResponse.Group fetchError(String groupId, List<OffsetFetchRequest.Group.Topic> topics,
                                                      Errors error) {
        return new OffsetFetchResponse.Group(groupId, List.of(), error.code());
    }

    public static OffsetDeleteResponse deleteOffsetsError(Errors error) {
        return new OffsetDeleteResponse(error.code(), 0, List.of());
    }

    /** A group that cannot be described ({@code error}), or that does not exist (NONE: state Dead). */
    public static DescribeGroupsResponse.Group describeError(String groupId, Errors error) {
        return new DescribeGroupsResponse.Group(error.code(), groupId,
            error == Errors.NONE ? GroupState.DEAD.protocolName() : "", "", "", List.of(), Integer.MIN_VALUE);
    }

    static ByteBuffer noBytes() {
        return NO_BYTES;
    }
}
