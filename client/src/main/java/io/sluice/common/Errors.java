package io.sluice.common;

/**
 * The error codes of the Kafka wire protocol. Every response carries one or more of these as an
 * int16; {@link #NONE} (0) means success.
 *
 * <p>The constant names and numeric codes are the ones Kafka uses, so they show up unchanged in
 * logs and tools. {@link #retriable()} says whether a Kafka client treats the error as transient
 * (it retries the request, usually after refreshing metadata or finding the coordinator again)
 * rather than failing the operation. {@link #message()} is a default one-line explanation meant
 * for an operator; callers that know more should add their own detail.
 *
 * <p>A code this broker does not know is read as {@link #UNKNOWN_SERVER_ERROR} by
 * {@link #forCode(short)}, never as an exception.
 */
public enum Errors {
    UNKNOWN_SERVER_ERROR(-1, false, "The server hit an unexpected error while handling the request."),
    NONE(0, false, "No error."),
    OFFSET_OUT_OF_RANGE(1, false, "The requested offset is outside the range of offsets kept for this partition."),
    CORRUPT_MESSAGE(2, true, "A record failed its CRC check, is too small, or is otherwise malformed."),
    UNKNOWN_TOPIC_OR_PARTITION(3, true, "This server does not host the requested topic or partition."),
    INVALID_FETCH_SIZE(4, false, "The fetch size in the request is not valid."),
    LEADER_NOT_AVAILABLE(5, true, "The partition has no leader right now, for example because an election is in progress."),
    NOT_LEADER_OR_FOLLOWER(6, true, "This server is neither the leader nor a follower of the partition; the client's metadata is stale."),
    REQUEST_TIMED_OUT(7, true, "The request did not complete within its timeout."),
    BROKER_NOT_AVAILABLE(8, false, "The broker is not available."),
    REPLICA_NOT_AVAILABLE(9, true, "A replica of the partition is not available on the expected broker."),
    MESSAGE_TOO_LARGE(10, false, "The record batch is larger than the maximum size the server accepts."),
    STALE_CONTROLLER_EPOCH(11, false, "The request came from a controller whose epoch is older than the current one."),
    OFFSET_METADATA_TOO_LARGE(12, false, "The metadata string attached to the committed offset is too long."),
    NETWORK_EXCEPTION(13, true, "The connection to the server was lost before a response arrived."),
    COORDINATOR_LOAD_IN_PROGRESS(14, true, "The coordinator is still loading its state; try again shortly."),
    COORDINATOR_NOT_AVAILABLE(15, true, "The coordinator for this group or transaction is not available."),
    NOT_COORDINATOR(16, true, "This server is not the coordinator for this group or transaction."),
    INVALID_TOPIC_EXCEPTION(17, false, "The topic name is not valid, or the operation is not allowed on this internal topic."),
    RECORD_LIST_TOO_LARGE(18, false, "The produce request's record batch exceeds the segment size limit."),
    NOT_ENOUGH_REPLICAS(19, true, "Fewer in-sync replicas exist than min.insync.replicas requires; the write was rejected."),
    NOT_ENOUGH_REPLICAS_AFTER_APPEND(20, true, "The write was stored on the leader but too few in-sync replicas remained to acknowledge it."),
    INVALID_REQUIRED_ACKS(21, false, "The acks value in the produce request is not one of -1, 0 or 1."),
    ILLEGAL_GENERATION(22, false, "The member's group generation is not the current one."),
    INCONSISTENT_GROUP_PROTOCOL(23, false, "The member's protocol type or protocols do not match those of the group."),
    INVALID_GROUP_ID(24, false, "The group id is empty or otherwise not valid."),
    UNKNOWN_MEMBER_ID(25, false, "The member id is not known to the group coordinator."),
    INVALID_SESSION_TIMEOUT(26, false, "The session timeout is outside the range the broker allows."),
    REBALANCE_IN_PROGRESS(27, false, "The group is rebalancing; the member has to rejoin."),
    INVALID_COMMIT_OFFSET_SIZE(28, false, "The size of the offset commit data is not valid."),
    TOPIC_AUTHORIZATION_FAILED(29, false, "The client is not authorized to access this topic."),
    GROUP_AUTHORIZATION_FAILED(30, false, "The client is not authorized to access this group."),
    CLUSTER_AUTHORIZATION_FAILED(31, false, "The client is not authorized to perform this cluster-level operation."),
    INVALID_TIMESTAMP(32, false, "A record timestamp is outside the range the topic accepts."),
    UNSUPPORTED_SASL_MECHANISM(33, false, "The server does not support the requested SASL mechanism."),
    ILLEGAL_SASL_STATE(34, false, "The request is not valid at this point of the SASL handshake."),
    UNSUPPORTED_VERSION(35, false, "The server does not support this version of the request."),
    TOPIC_ALREADY_EXISTS(36, false, "A topic with this name already exists."),
    INVALID_PARTITIONS(37, false, "The number of partitions is not valid."),
    INVALID_REPLICATION_FACTOR(38, false, "The replication factor is not valid, or exceeds the number of available brokers."),
    INVALID_REPLICA_ASSIGNMENT(39, false, "The explicit replica assignment is not valid."),
    INVALID_CONFIG(40, false, "A configuration value is not valid."),
    NOT_CONTROLLER(41, true, "This server is not the active controller."),
    INVALID_REQUEST(42, false, "The request is malformed or inconsistent; see the broker log for details."),
    UNSUPPORTED_FOR_MESSAGE_FORMAT(43, false, "The operation is not supported by the topic's record format version."),
    POLICY_VIOLATION(44, false, "The request was rejected by a configured policy."),
    OUT_OF_ORDER_SEQUENCE_NUMBER(45, false, "The broker received a producer sequence number that skips ahead of the expected one."),
    DUPLICATE_SEQUENCE_NUMBER(46, false, "The broker already has a batch with this producer sequence number."),
    INVALID_PRODUCER_EPOCH(47, false, "The producer epoch is older than the current one for this producer id."),
    INVALID_TXN_STATE(48, false, "The operation is not allowed in the transaction's current state."),
    INVALID_PRODUCER_ID_MAPPING(49, false, "The producer id is not the one currently assigned to this transactional id."),
    INVALID_TRANSACTION_TIMEOUT(50, false, "The transaction timeout exceeds the broker's transaction.max.timeout.ms."),
    CONCURRENT_TRANSACTIONS(51, true, "Another transaction for this producer is still being completed; try again shortly."),
    TRANSACTION_COORDINATOR_FENCED(52, false, "This transaction coordinator has been replaced by a newer one."),
    TRANSACTIONAL_ID_AUTHORIZATION_FAILED(53, false, "The client is not authorized to use this transactional id."),
    SECURITY_DISABLED(54, false, "Security features are not enabled on this cluster."),
    OPERATION_NOT_ATTEMPTED(55, false, "The operation was skipped because another part of the same request failed."),
    KAFKA_STORAGE_ERROR(56, true, "The log directory holding this partition is offline or failed on disk."),
    LOG_DIR_NOT_FOUND(57, false, "The requested log directory does not exist on this broker."),
    SASL_AUTHENTICATION_FAILED(58, false, "SASL authentication failed; check the credentials."),
    UNKNOWN_PRODUCER_ID(59, false, "The broker has no state for this producer id, for example because its records were deleted."),
    REASSIGNMENT_IN_PROGRESS(60, false, "A replica reassignment is already running for this partition."),
    DELEGATION_TOKEN_AUTH_DISABLED(61, false, "Delegation token authentication is not enabled."),
    DELEGATION_TOKEN_NOT_FOUND(62, false, "No delegation token with this id exists."),
    DELEGATION_TOKEN_OWNER_MISMATCH(63, false, "The principal does not own this delegation token and may not renew it."),
    DELEGATION_TOKEN_REQUEST_NOT_ALLOWED(64, false, "Delegation token requests are not allowed over this kind of connection or authentication."),
    DELEGATION_TOKEN_AUTHORIZATION_FAILED(65, false, "The client is not authorized to perform this delegation token operation."),
    DELEGATION_TOKEN_EXPIRED(66, false, "The delegation token has expired."),
    INVALID_PRINCIPAL_TYPE(67, false, "The principal type is not supported."),
    NON_EMPTY_GROUP(68, false, "The group still has members and cannot be deleted."),
    GROUP_ID_NOT_FOUND(69, false, "No group with this id exists."),
    FETCH_SESSION_ID_NOT_FOUND(70, true, "The incremental fetch session is not known to the broker; start a new one."),
    INVALID_FETCH_SESSION_EPOCH(71, true, "The fetch session epoch does not match the one the broker expects."),
    LISTENER_NOT_FOUND(72, true, "The leader has no endpoint on the listener the client connected through."),
    TOPIC_DELETION_DISABLED(73, false, "Topic deletion is disabled on this cluster (delete.topic.enable=false)."),
    FENCED_LEADER_EPOCH(74, true, "The leader epoch in the request is older than the broker's current one."),
    UNKNOWN_LEADER_EPOCH(75, true, "The leader epoch in the request is newer than the broker knows about."),
    UNSUPPORTED_COMPRESSION_TYPE(76, false, "The compression codec is not supported by the requesting client's version."),
    STALE_BROKER_EPOCH(77, false, "The broker epoch in the request is not the broker's current one."),
    OFFSET_NOT_AVAILABLE(78, true, "The leader cannot serve this offset yet, for example while its high watermark catches up."),
    MEMBER_ID_REQUIRED(79, false, "The member must rejoin the group using the member id the coordinator assigned."),
    PREFERRED_LEADER_NOT_AVAILABLE(80, true, "The preferred replica is not available to become leader."),
    GROUP_MAX_SIZE_REACHED(81, false, "The group already has the maximum number of members."),
    FENCED_INSTANCE_ID(82, false, "Another member with the same group.instance.id has taken over; this member is fenced."),
    ELIGIBLE_LEADERS_NOT_AVAILABLE(83, true, "No replica eligible for the requested leader election is available."),
    ELECTION_NOT_NEEDED(84, true, "The partition already has the requested leader; no election was needed."),
    NO_REASSIGNMENT_IN_PROGRESS(85, false, "There is no replica reassignment running for this partition."),
    GROUP_SUBSCRIBED_TO_TOPIC(86, false, "The group is still subscribed to the topic, so its offsets for it cannot be deleted."),
    INVALID_RECORD(87, false, "A record was rejected by broker-side validation."),
    UNSTABLE_OFFSET_COMMIT(88, true, "The partition has pending transactional offset commits; try again shortly."),
    THROTTLING_QUOTA_EXCEEDED(89, true, "The request exceeded a throttling quota."),
    PRODUCER_FENCED(90, false, "A newer producer with the same transactional id has started; this producer is fenced."),
    RESOURCE_NOT_FOUND(91, false, "The requested resource does not exist."),
    DUPLICATE_RESOURCE(92, false, "The request names the same resource more than once."),
    UNACCEPTABLE_CREDENTIAL(93, false, "The requested credential does not meet the server's requirements."),
    INCONSISTENT_VOTER_SET(94, false, "The sender's voter set does not agree with the receiver's (KRaft)."),
    INVALID_UPDATE_VERSION(95, false, "The feature version in the update request is not valid."),
    FEATURE_UPDATE_FAILED(96, false, "The feature update could not be applied."),
    PRINCIPAL_DESERIALIZATION_FAILURE(97, false, "The forwarded request's principal could not be decoded."),
    SNAPSHOT_NOT_FOUND(98, false, "The requested metadata snapshot does not exist."),
    POSITION_OUT_OF_RANGE(99, false, "The requested position is outside the snapshot's size."),
    UNKNOWN_TOPIC_ID(100, true, "This server does not know a topic with the given topic id."),
    DUPLICATE_BROKER_REGISTRATION(101, false, "A broker with this id is already registered."),
    BROKER_ID_NOT_REGISTERED(102, false, "The broker id is not registered with the controller."),
    INCONSISTENT_TOPIC_ID(103, true, "The topic id in the request does not match the topic id on the broker."),
    INCONSISTENT_CLUSTER_ID(104, false, "The cluster id in the request does not match this cluster's id."),
    TRANSACTIONAL_ID_NOT_FOUND(105, false, "No transaction with this transactional id exists."),
    FETCH_SESSION_TOPIC_ID_ERROR(106, true, "The fetch session changed whether it uses topic ids between requests."),
    INELIGIBLE_REPLICA(107, false, "The proposed in-sync replica set contains a replica that is not eligible to join it."),
    NEW_LEADER_ELECTED(108, false, "The partition change was rejected because a new leader has been elected meanwhile."),
    OFFSET_MOVED_TO_TIERED_STORAGE(109, false, "The requested offset is only available in tiered (remote) storage."),
    FENCED_MEMBER_EPOCH(110, false, "The member epoch is fenced; the member must rejoin the group with epoch 0."),
    UNRELEASED_INSTANCE_ID(111, false, "The group.instance.id is still held by a member that has not left the group."),
    UNSUPPORTED_ASSIGNOR(112, false, "The requested server-side partition assignor is not supported."),
    STALE_MEMBER_EPOCH(113, false, "The member epoch is older than the current one; the request was not applied."),
    MISMATCHED_ENDPOINT_TYPE(114, false, "The request was sent to the wrong kind of endpoint (broker versus controller)."),
    UNSUPPORTED_ENDPOINT_TYPE(115, false, "This endpoint type does not support the request."),
    UNKNOWN_CONTROLLER_ID(116, false, "The controller id is not known."),
    UNKNOWN_SUBSCRIPTION_ID(117, false, "The client telemetry subscription id is not known, or no longer valid."),
    TELEMETRY_TOO_LARGE(118, false, "The client telemetry payload is larger than the broker accepts."),
    INVALID_REGISTRATION(119, false, "The controller rejected the broker registration as not valid."),
    TRANSACTION_ABORTABLE(120, false, "The transaction hit an error from which the producer must abort and retry it."),
    INVALID_RECORD_STATE(121, false, "The share-group record is not in a state that allows this acknowledgement."),
    SHARE_SESSION_NOT_FOUND(122, true, "The share session is not known to the broker; start a new one."),
    INVALID_SHARE_SESSION_EPOCH(123, true, "The share session epoch does not match the one the broker expects."),
    FENCED_STATE_EPOCH(124, false, "The share-group state epoch is older than the current one."),
    INVALID_VOTER_KEY(125, false, "The voter key does not match the receiver's voter key (KRaft)."),
    DUPLICATE_VOTER(126, false, "The voter is already part of the voter set (KRaft)."),
    VOTER_NOT_FOUND(127, false, "The voter is not part of the voter set (KRaft)."),
    INVALID_REGULAR_EXPRESSION(128, false, "The subscription regular expression is not valid."),
    REBOOTSTRAP_REQUIRED(129, false, "The client must reconnect using its bootstrap servers and refresh metadata."),
    STREAMS_INVALID_TOPOLOGY(130, false, "The Streams topology supplied by the member is not valid."),
    STREAMS_INVALID_TOPOLOGY_EPOCH(131, false, "The Streams topology epoch supplied by the member is not valid."),
    STREAMS_TOPOLOGY_FENCED(132, false, "The Streams topology epoch is older than the group's current one."),
    SHARE_SESSION_LIMIT_REACHED(133, true, "The broker has reached its limit of share sessions; try again later.");

    private static final int MIN_CODE;
    private static final Errors[] BY_CODE;

    static {
        int min = 0;
        int max = 0;
        for (Errors e : values()) {
            min = Math.min(min, e.code);
            max = Math.max(max, e.code);
        }
        MIN_CODE = min;
        BY_CODE = new Errors[max - min + 1];
        for (Errors e : values()) {
            if (BY_CODE[e.code - min] != null) {
                throw new ExceptionInInitializerError("Duplicate error code " + e.code + ": "
                        + BY_CODE[e.code - min] + " and " + e);
            }
            BY_CODE[e.code - min] = e;
        }
    }

    private final short code;
    private final boolean retriable;
    private final String message;

    Errors(int code, boolean retriable, String message) {
        this.code = (short) code;
        this.retriable = retriable;
        this.message = message;
    }

    /** The int16 sent on the wire. */
    public short code() {
        return code;
    }

    /** Whether a Kafka client treats this error as transient and retries. */
    public boolean retriable() {
        return retriable;
    }

    /** A default one-line explanation for an operator. */
    public String message() {
        return message;
    }

    /** True for every constant except {@link #NONE}. */
    public boolean isError() {
        return code != 0;
    }

    /** The constant for a wire code; a code not in this table maps to {@link #UNKNOWN_SERVER_ERROR}. */
    public static Errors forCode(short code) {
        int i = code - MIN_CODE;
        if (i >= 0 && i < BY_CODE.length) {
            Errors e = BY_CODE[i];
            if (e != null) {
                return e;
            }
        }
        return UNKNOWN_SERVER_ERROR;
    }
}
