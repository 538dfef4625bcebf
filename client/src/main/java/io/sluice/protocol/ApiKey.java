package io.sluice.protocol;

import io.sluice.protocol.message.AlterConfigsRequest;
import io.sluice.protocol.message.AlterConfigsResponse;
import io.sluice.protocol.message.AlterPartitionReassignmentsRequest;
import io.sluice.protocol.message.AlterPartitionReassignmentsResponse;
import io.sluice.protocol.message.ApiVersionsRequest;
import io.sluice.protocol.message.ApiVersionsResponse;
import io.sluice.protocol.message.CreatePartitionsRequest;
import io.sluice.protocol.message.CreatePartitionsResponse;
import io.sluice.protocol.message.CreateTopicsRequest;
import io.sluice.protocol.message.CreateTopicsResponse;
import io.sluice.protocol.message.DeleteGroupsRequest;
import io.sluice.protocol.message.DeleteGroupsResponse;
import io.sluice.protocol.message.DeleteRecordsRequest;
import io.sluice.protocol.message.DeleteRecordsResponse;
import io.sluice.protocol.message.DeleteTopicsRequest;
import io.sluice.protocol.message.DeleteTopicsResponse;
import io.sluice.protocol.message.DescribeClusterRequest;
import io.sluice.protocol.message.DescribeClusterResponse;
import io.sluice.protocol.message.DescribeConfigsRequest;
import io.sluice.protocol.message.DescribeConfigsResponse;
import io.sluice.protocol.message.DescribeGroupsRequest;
import io.sluice.protocol.message.DescribeGroupsResponse;
import io.sluice.protocol.message.ElectLeadersRequest;
import io.sluice.protocol.message.ElectLeadersResponse;
import io.sluice.protocol.message.FetchRequest;
import io.sluice.protocol.message.FetchResponse;
import io.sluice.protocol.message.FindCoordinatorRequest;
import io.sluice.protocol.message.FindCoordinatorResponse;
import io.sluice.protocol.message.HeartbeatRequest;
import io.sluice.protocol.message.HeartbeatResponse;
import io.sluice.protocol.message.IncrementalAlterConfigsRequest;
import io.sluice.protocol.message.IncrementalAlterConfigsResponse;
import io.sluice.protocol.message.InitProducerIdRequest;
import io.sluice.protocol.message.InitProducerIdResponse;
import io.sluice.protocol.message.JoinGroupRequest;
import io.sluice.protocol.message.JoinGroupResponse;
import io.sluice.protocol.message.LeaveGroupRequest;
import io.sluice.protocol.message.LeaveGroupResponse;
import io.sluice.protocol.message.ListGroupsRequest;
import io.sluice.protocol.message.ListGroupsResponse;
import io.sluice.protocol.message.ListOffsetsRequest;
import io.sluice.protocol.message.ListOffsetsResponse;
import io.sluice.protocol.message.ListPartitionReassignmentsRequest;
import io.sluice.protocol.message.ListPartitionReassignmentsResponse;
import io.sluice.protocol.message.MetadataRequest;
import io.sluice.protocol.message.MetadataResponse;
import io.sluice.protocol.message.OffsetCommitRequest;
import io.sluice.protocol.message.OffsetCommitResponse;
import io.sluice.protocol.message.OffsetDeleteRequest;
import io.sluice.protocol.message.OffsetDeleteResponse;
import io.sluice.protocol.message.OffsetFetchRequest;
import io.sluice.protocol.message.OffsetFetchResponse;
import io.sluice.protocol.message.OffsetForLeaderEpochRequest;
import io.sluice.protocol.message.OffsetForLeaderEpochResponse;
import io.sluice.protocol.message.ProduceRequest;
import io.sluice.protocol.message.ProduceResponse;
import io.sluice.protocol.message.SyncGroupRequest;
import io.sluice.protocol.message.SyncGroupResponse;
import io.sluice.protocol.schema.Message;
import io.sluice.protocol.schema.VersionRange;
import java.util.Optional;

/**
 * The Kafka APIs Sluice speaks, with the version range it implements and advertises. The ranges and the
 * flexible versions are read from each request record's {@link Message} annotation, so they are stated once.
 */
public enum ApiKey {
    PRODUCE(0, "Produce", ProduceRequest.class, ProduceResponse.class),
    FETCH(1, "Fetch", FetchRequest.class, FetchResponse.class),
    LIST_OFFSETS(2, "ListOffsets", ListOffsetsRequest.class, ListOffsetsResponse.class),
    METADATA(3, "Metadata", MetadataRequest.class, MetadataResponse.class),
    OFFSET_COMMIT(8, "OffsetCommit", OffsetCommitRequest.class, OffsetCommitResponse.class),
    OFFSET_FETCH(9, "OffsetFetch", OffsetFetchRequest.class, OffsetFetchResponse.class),
    FIND_COORDINATOR(10, "FindCoordinator", FindCoordinatorRequest.class, FindCoordinatorResponse.class),
    JOIN_GROUP(11, "JoinGroup", JoinGroupRequest.class, JoinGroupResponse.class),
    HEARTBEAT(12, "Heartbeat", HeartbeatRequest.class, HeartbeatResponse.class),
    LEAVE_GROUP(13, "LeaveGroup", LeaveGroupRequest.class, LeaveGroupResponse.class),
    SYNC_GROUP(14, "SyncGroup", SyncGroupRequest.class, SyncGroupResponse.class),
    DESCRIBE_GROUPS(15, "DescribeGroups", DescribeGroupsRequest.class, DescribeGroupsResponse.class),
    LIST_GROUPS(16, "ListGroups", ListGroupsRequest.class, ListGroupsResponse.class),
    API_VERSIONS(18, "ApiVersions", ApiVersionsRequest.class, ApiVersionsResponse.class),
    CREATE_TOPICS(19, "CreateTopics", CreateTopicsRequest.class, CreateTopicsResponse.class),
    DELETE_TOPICS(20, "DeleteTopics", DeleteTopicsRequest.class, DeleteTopicsResponse.class),
    DELETE_RECORDS(21, "DeleteRecords", DeleteRecordsRequest.class, DeleteRecordsResponse.class),
    INIT_PRODUCER_ID(22, "InitProducerId", InitProducerIdRequest.class, InitProducerIdResponse.class),
    OFFSET_FOR_LEADER_EPOCH(23, "OffsetForLeaderEpoch", OffsetForLeaderEpochRequest.class, OffsetForLeaderEpochResponse.class),
    DESCRIBE_CONFIGS(32, "DescribeConfigs", DescribeConfigsRequest.class, DescribeConfigsResponse.class),
    ALTER_CONFIGS(33, "AlterConfigs", AlterConfigsRequest.class, AlterConfigsResponse.class),
    CREATE_PARTITIONS(37, "CreatePartitions", CreatePartitionsRequest.class, CreatePartitionsResponse.class),
    DELETE_GROUPS(42, "DeleteGroups", DeleteGroupsRequest.class, DeleteGroupsResponse.class),
    ELECT_LEADERS(43, "ElectLeaders", ElectLeadersRequest.class, ElectLeadersResponse.class),
    INCREMENTAL_ALTER_CONFIGS(44, "IncrementalAlterConfigs", IncrementalAlterConfigsRequest.class, IncrementalAlterConfigsResponse.class),
    ALTER_PARTITION_REASSIGNMENTS(45, "AlterPartitionReassignments", AlterPartitionReassignmentsRequest.class,
        AlterPartitionReassignmentsResponse.class),
    LIST_PARTITION_REASSIGNMENTS(46, "ListPartitionReassignments", ListPartitionReassignmentsRequest.class,
        ListPartitionReassignmentsResponse.class),
    OFFSET_DELETE(47, "OffsetDelete", OffsetDeleteRequest.class, OffsetDeleteResponse.class),
    DESCRIBE_CLUSTER(60, "DescribeCluster", DescribeClusterRequest.class, DescribeClusterResponse.class);

    private static final ApiKey[] BY_ID = new ApiKey[128];

    static {
        for (ApiKey key : values()) {
            BY_ID[key.id] = key;
        }
    }

    public final short id;
    public final String title;
    public final Class<? extends ApiMessage> requestType;
    public final Class<? extends ApiMessage> responseType;
    private final VersionRange versions;
    private final VersionRange flexibleVersions;

    ApiKey(int id, String title, Class<? extends ApiMessage> requestType, Class<? extends ApiMessage> responseType) {
        this.id = (short) id;
        this.title = title;
        this.requestType = requestType;
        this.responseType = responseType;
        Message spec = requestType.getAnnotation(Message.class);
        this.versions = VersionRange.parse(spec.versions());
        this.flexibleVersions = VersionRange.parse(spec.flexibleVersions());
    }

    public static Optional<ApiKey> forId(int id) {
        return id >= 0 && id < BY_ID.length ? Optional.ofNullable(BY_ID[id]) : Optional.empty();
    }

    public short oldestVersion() {
        return versions.lowest();
    }

    public short latestVersion() {
        return versions.highest();
    }

    public VersionRange versions() {
        return versions;
    }

    public boolean isVersionSupported(short version) {
        return versions.contains(version);
    }

    /** Flexible versions use compact encodings and tagged fields. Also true for versions above our maximum. */
    public boolean isFlexible(short version) {
        return !flexibleVersions.isEmpty() && version >= flexibleVersions.lowest();
    }

    /** Request header version 2 for flexible versions, else 1. */
    public short requestHeaderVersion(short version) {
        return isFlexible(version) ? (short) 2 : (short) 1;
    }

    /** Response header version 1 for flexible versions, else 0; ApiVersions responses always use 0. */
    public short responseHeaderVersion(short version) {
        if (this == API_VERSIONS) {
            return 0;
        }
        return isFlexible(version) ? (short) 1 : (short) 0;
    }
}
