package io.sluice.client.admin;

import io.sluice.common.Node;
import io.sluice.common.TopicPartition;
import java.util.List;

/**
 * A group as DescribeGroups reports it: state, protocol type and chosen protocol (the assignor, for consumer
 * groups), coordinator and members. Immutable.
 */
public record GroupDescription(String groupId, String state, String protocolType, String protocol, Node coordinator,
                               List<Member> members) {
    public GroupDescription {
        members = List.copyOf(members);
    }

    /** A member; {@code assignment} is decoded for consumer groups, else empty. */
    public record Member(String memberId, String groupInstanceId, String clientId, String host,
                         List<TopicPartition> assignment) {
        public Member {
            assignment = List.copyOf(assignment);
        }
    }
}
