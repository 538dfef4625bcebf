package io.sluice.core.group;

import io.sluice.common.Errors;
import io.sluice.protocol.message.OffsetCommitRequest;
import io.sluice.protocol.message.OffsetCommitResponse;
import io.sluice.protocol.message.OffsetDeleteRequest;
import io.sluice.protocol.message.OffsetDeleteResponse;
import io.sluice.protocol.message.OffsetFetchRequest;
import io.sluice.protocol.message.OffsetFetchResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The offset half of a {@link GroupStateMachine}: OffsetCommit, OffsetFetch, OffsetDelete and the expiration of
 * old offsets (design doc 3.12 and 6.2). It works on the state machine's groups and adds to the result of the
 * operation being run; offsets change only through {@link GroupStateMachine#apply}, the same code that replays
 * them from the log.
 *
 * <p>Not thread-safe: confined like its state machine.
 */
final class OffsetOperations {
    private static final Logger log = LogManager.getLogger(OffsetOperations.class);

    private final GroupStateMachine machine;
    private final GroupConfig config;

    OffsetOperations(GroupStateMachine machine, GroupConfig config) {
        this.machine = machine;
        this.config = config;
    }

    /** OffsetCommit: see {@link GroupStateMachine#commitOffsets}. */
    void commit(long requestId, short version, OffsetCommitRequest request,
                BiPredicate<String, Integer> partitionExists, long nowMs) {
        GroupResult.Builder out = machine.out();
        String groupId = request.groupId() == null ? "" : request.groupId();
        String memberId = request.memberId() == null ? "" : request.memberId();
        String instanceId = version >= 7 ? request.groupInstanceId() : null;
        int generation = request.generationIdOrMemberEpoch();
        ClassicGroup g = machine.group(groupId);
        Errors groupError = Errors.NONE;
        GroupMember member = null;
        if (g == null) {
            if (generation >= 0) {
                groupError = Errors.ILLEGAL_GENERATION;      // a member of a generation the group no longer has
            }
        } else if (g.isStaticMemberFenced(instanceId, memberId)) {
            groupError = Errors.FENCED_INSTANCE_ID;
        } else if (generation < 0 && g.is(GroupState.EMPTY)) {
            groupError = Errors.NONE;                          // a simple commit (admin, manual assignment)
        } else if (g.is(GroupState.COMPLETING_REBALANCE)) {
            groupError = Errors.REBALANCE_IN_PROGRESS;
        } else if ((member = g.members.get(memberId)) == null) {
            groupError = Errors.UNKNOWN_MEMBER_ID;
        } else if (generation != g.generationId) {
            groupError = Errors.ILLEGAL_GENERATION;
        }
        OptionalLong expire = version <= 4 && request.retentionTimeMs() != -1
            ? OptionalLong.of(nowMs + request.retentionTimeMs()) : OptionalLong.empty();
        List<OffsetCommitResponse.Topic> topics = new ArrayList<>();
        List<GroupRecord> records = new ArrayList<>();
        for (OffsetCommitRequest.Topic t : request.topics()) {
            List<OffsetCommitResponse.Topic.Partition> partitions = new ArrayList<>();
            for (OffsetCommitRequest.Topic.Partition p : t.partitions()) {
                Errors error;
                if (!partitionExists.test(t.name(), p.partitionIndex())) {
                    error = Errors.UNKNOWN_TOPIC_OR_PARTITION;
                } else if (p.committedMetadata() != null && p.committedMetadata().length() > config.offsetMetadataMaxBytes()) {
                    error = Errors.OFFSET_METADATA_TOO_LARGE;
                } else {
                    error = groupError;
                }
                if (error == Errors.NONE) {
                    OffsetAndMetadata value = new OffsetAndMetadata(p.committedOffset(),
                        version >= 6 ? p.committedLeaderEpoch() : OffsetAndMetadata.NO_LEADER_EPOCH,
                        p.committedMetadata() == null ? "" : p.committedMetadata(), nowMs, expire);
                    records.add(new GroupRecord.OffsetCommit(groupId, new TopicPartitionKey(t.name(), p.partitionIndex()),
                        Optional.of(value)));
                }
                partitions.add(new OffsetCommitResponse.Topic.Partition(p.partitionIndex(), error.code()));
            }
            topics.add(new OffsetCommitResponse.Topic(t.name(), partitions));
        }
        if (member != null && groupError == Errors.NONE) {
            machine.scheduleSession(g, member);
        }
        for (GroupRecord r : records) {
            machine.apply(r);
            out.record(r);
        }
        OffsetCommitResponse response = new OffsetCommitResponse(0, topics);
        out.reply(requestId, response, error -> GroupResponses.commitFailed(response, error));
    }

    /**
     * One group's committed offsets (OffsetFetch): the given partitions (-1 for those without a commit), or with
     * {@code topics} null all of them. An unknown group has no offsets.
     */
    OffsetFetchResponse.Group fetch(String groupId, List<OffsetFetchRequest.Group.Topic> topics) {
        ClassicGroup g = machine.group(groupId);
        Map<TopicPartitionKey, OffsetAndMetadata> offsets = g == null ? Map.of() : g.offsets;
        List<OffsetFetchResponse.Group.Topic> result = new ArrayList<>();
        if (topics == null) {
            Map<String, List<OffsetFetchResponse.Group.Topic.Partition>> byTopic = new LinkedHashMap<>();
            new TreeMap<>(offsets).forEach((tp, v) -> byTopic.computeIfAbsent(tp.topic(), k -> new ArrayList<>())
                .add(fetched(tp.partition(), v)));
            byTopic.forEach((topic, partitions) -> result.add(new OffsetFetchResponse.Group.Topic(topic, partitions)));
        } else {
            for (OffsetFetchRequest.Group.Topic t : topics) {
                List<OffsetFetchResponse.Group.Topic.Partition> partitions = new ArrayList<>();
                for (int p : t.partitionIndexes()) {
                    partitions.add(fetched(p, offsets.get(new TopicPartitionKey(t.name(), p))));
                }
                result.add(new OffsetFetchResponse.Group.Topic(t.name(), partitions));
            }
        }
        return new OffsetFetchResponse.Group(groupId, result, Errors.NONE.code());
    }

    private static OffsetFetchResponse.Group.Topic.Partition fetched(int partition, OffsetAndMetadata v) {
        if (v == null) {
            return new OffsetFetchResponse.Group.Topic.Partition(partition, -1, -1, "", Errors.NONE.code());
        }
        return new OffsetFetchResponse.Group.Topic.Partition(partition, v.offset(), v.leaderEpoch(), v.metadata(),
            Errors.NONE.code());
    }

    /**
     * OffsetDelete (v0): deletes offsets of an empty group, or those of topics a consumer group does not subscribe
     * to (GROUP_SUBSCRIBED_TO_TOPIC for the others).
     */
    void delete(long requestId, OffsetDeleteRequest request, BiPredicate<String, Integer> partitionExists) {
        GroupResult.Builder out = machine.out();
        ClassicGroup g = machine.group(request.groupId());
        if (g == null || g.is(GroupState.DEAD)) {
            out.reply(requestId, GroupResponses.deleteOffsetsError(Errors.GROUP_ID_NOT_FOUND));
            return;
        }
        Set<String> subscribed = Set.of();
        if (!g.is(GroupState.EMPTY)) {
            Optional<Set<String>> topics = g.subscribedTopics();
            if (topics.isEmpty()) {
                out.reply(requestId, GroupResponses.deleteOffsetsError(Errors.NON_EMPTY_GROUP));
                return;
            }
            subscribed = topics.get();
        }
        List<OffsetDeleteResponse.Topic> topics = new ArrayList<>();
        for (OffsetDeleteRequest.Topic t : request.topics()) {
            List<OffsetDeleteResponse.Topic.Partition> partitions = new ArrayList<>();
            for (OffsetDeleteRequest.Topic.Partition p : t.partitions()) {
                Errors error;
                if (!partitionExists.test(t.name(), p.partitionIndex())) {
                    error = Errors.UNKNOWN_TOPIC_OR_PARTITION;
                } else if (subscribed.contains(t.name())) {
                    error = Errors.GROUP_SUBSCRIBED_TO_TOPIC;
                } else {
                    error = Errors.NONE;
                    TopicPartitionKey tp = new TopicPartitionKey(t.name(), p.partitionIndex());
                    if (g.offsets.containsKey(tp)) {
                        GroupRecord r = GroupRecord.OffsetCommit.tombstone(g.groupId, tp);
                        machine.apply(r);
                        out.record(r);
                    }
                }
                partitions.add(new OffsetDeleteResponse.Topic.Partition(p.partitionIndex(), error.code()));
            }
            topics.add(new OffsetDeleteResponse.Topic(t.name(), partitions));
        }
        out.reply(requestId, new OffsetDeleteResponse(Errors.NONE.code(), 0, topics),
            GroupResponses::deleteOffsetsError);
    }

    /**
     * Drops every committed offset of the given (deleted) topics, with tombstones so a replay does not bring them
     * back; a group left empty without offsets is deleted too, as after expiration.
     */
    void deleteTopics(Set<String> topics) {
        if (topics.isEmpty()) {
            return;
        }
        GroupResult.Builder out = machine.out();
        for (ClassicGroup g : machine.allGroups()) {
            List<TopicPartitionKey> gone = new ArrayList<>();
            for (TopicPartitionKey tp : g.sortedOffsets().keySet()) {
                if (topics.contains(tp.topic())) {
                    gone.add(tp);
                }
            }
            if (gone.isEmpty()) {
                continue;
            }
            for (TopicPartitionKey tp : gone) {
                GroupRecord r = GroupRecord.OffsetCommit.tombstone(g.groupId, tp);
                machine.apply(r);
                out.record(r);
            }
            log.info("Removed {} offsets of group {} for deleted topics", gone.size(), g.groupId);
            deleteIfEmpty(g, out);
        }
    }

    /** An empty group left without offsets (and no member ids handed out) is deleted: a group tombstone. */
    private void deleteIfEmpty(ClassicGroup g, GroupResult.Builder out) {
        if (g.is(GroupState.EMPTY) && g.offsets.isEmpty() && g.members.isEmpty() && g.pendingMembers.isEmpty()) {
            GroupRecord r = GroupRecord.GroupMetadata.tombstone(g.groupId);
            machine.apply(r);
            out.record(r);
            log.info("Group {} is empty and has no offsets left: deleted", g.groupId);
        }
    }

    /**
     * Removes expired offsets (design doc 6.2): all offsets of an empty group with a protocol type once the
     * retention passed since it became empty; for groups without a protocol type each offset by its commit time;
     * for a stable consumer group the offsets of topics it no longer subscribes to; commits with an explicit
     * expiry at that time. An empty group left without offsets is deleted (group tombstone).
     */
    void expire(long nowMs) {
        GroupResult.Builder out = machine.out();
        long retention = config.offsetsRetentionMs();
        for (ClassicGroup g : machine.allGroups()) {
            Optional<Set<String>> subscribed = g.is(GroupState.STABLE) ? g.subscribedTopics() : Optional.empty();
            List<TopicPartitionKey> expired = new ArrayList<>();
            for (Map.Entry<TopicPartitionKey, OffsetAndMetadata> e : g.sortedOffsets().entrySet()) {
                OffsetAndMetadata v = e.getValue();
                boolean isExpired;
                if (v.expireTimestampMs().isPresent()) {
                    isExpired = nowMs >= v.expireTimestampMs().getAsLong();
                } else if (g.protocolType == null) {
                    isExpired = nowMs - v.commitTimestampMs() >= retention;
                } else if (g.is(GroupState.EMPTY)) {
                    long base = g.stateTimestampMs >= 0 ? g.stateTimestampMs : v.commitTimestampMs();
                    isExpired = nowMs - base >= retention;
                } else if (subscribed.isPresent() && !subscribed.get().contains(e.getKey().topic())) {
                    isExpired = nowMs - v.commitTimestampMs() >= retention;
                } else {
                    isExpired = false;
                }
                if (isExpired) {
                    expired.add(e.getKey());
                }
            }
            for (TopicPartitionKey tp : expired) {
                GroupRecord r = GroupRecord.OffsetCommit.tombstone(g.groupId, tp);
                machine.apply(r);
                out.record(r);
            }
            if (!expired.isEmpty()) {
                log.info("Expired {} offsets of group {}", expired.size(), g.groupId);
            }
            deleteIfEmpty(g, out);
        }
    }
}
