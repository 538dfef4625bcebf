package io.sluice.core.handler;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.core.log.LeaderEpochCache;
import io.sluice.core.log.TopicPartition;
import io.sluice.core.replication.Partition;
import io.sluice.core.replication.ReplicaManager;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.OffsetForLeaderEpochRequest;
import io.sluice.protocol.message.OffsetForLeaderEpochResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * OffsetForLeaderEpoch (v2-4): where a leader epoch ended on the leader, from its leader-epoch cache. Consumers
 * use it to validate their position after a leader change, followers to find where their log diverged.
 */
public final class OffsetForLeaderEpochHandler implements ApiHandler<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse> {
    private final ReplicaManager replicaManager;

    public OffsetForLeaderEpochHandler(ReplicaManager replicaManager) {
        this.replicaManager = replicaManager;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.OFFSET_FOR_LEADER_EPOCH;
    }

    @Override
    public CompletableFuture<OffsetForLeaderEpochResponse> handle(RequestContext context, OffsetForLeaderEpochRequest request) {
        List<OffsetForLeaderEpochResponse.Topic> topics = new ArrayList<>();
        for (OffsetForLeaderEpochRequest.Topic topic : request.topics()) {
            List<OffsetForLeaderEpochResponse.Topic.Partition> parts = new ArrayList<>();
            for (OffsetForLeaderEpochRequest.Topic.Partition p : topic.partitions()) {
                try {
                    if (topic.topic().isEmpty() || p.partition() < 0) {
                        throw new ApiException(Errors.UNKNOWN_TOPIC_OR_PARTITION, null);
                    }
                    Partition partition = replicaManager.leaderPartition(new TopicPartition(topic.topic(), p.partition()));
                    partition.checkLeaderEpoch(p.currentLeaderEpoch());
                    LeaderEpochCache.EpochEndOffset end = partition.endOffsetForEpoch(p.leaderEpoch());
                    parts.add(new OffsetForLeaderEpochResponse.Topic.Partition(Errors.NONE.code(), p.partition(),
                        end.leaderEpoch(), end.endOffset()));
                } catch (ApiException e) {
                    parts.add(new OffsetForLeaderEpochResponse.Topic.Partition(e.error().code(), p.partition(), -1, -1L));
                }
            }
            topics.add(new OffsetForLeaderEpochResponse.Topic(topic.topic(), parts));
        }
        return CompletableFuture.completedFuture(new OffsetForLeaderEpochResponse(0, topics));
    }

    @Override
    public OffsetForLeaderEpochResponse errorResponse(RequestContext context, OffsetForLeaderEpochRequest request, Errors error) {
        List<OffsetForLeaderEpochResponse.Topic> topics = new ArrayList<>();
        for (OffsetForLeaderEpochRequest.Topic topic : request.topics()) {
            topics.add(new OffsetForLeaderEpochResponse.Topic(topic.topic(), topic.partitions().stream()
                .map(p -> new OffsetForLeaderEpochResponse.Topic.Partition(error.code(), p.partition(), -1, -1L)).toList()));
        }
        return new OffsetForLeaderEpochResponse(0, topics);
    }
}
