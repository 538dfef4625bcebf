package io.sluice.core.handler;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.core.log.TimestampAndOffset;
import io.sluice.core.log.TopicPartition;
import io.sluice.core.replication.Partition;
import io.sluice.core.replication.ReplicaManager;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.ListOffsetsRequest;
import io.sluice.protocol.message.ListOffsetsResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * ListOffsets (v1-9): earliest (-2), latest (-1), max timestamp (-3), earliest local (-4, same as earliest: no
 * tiered storage), latest tiered (-5: none), or the first offset whose timestamp is at least the target.
 * Consumers see up to the high watermark (no transactions: the last stable offset equals it); replicas up to
 * the log end.
 */
public final class ListOffsetsHandler implements ApiHandler<ListOffsetsRequest, ListOffsetsResponse> {
    static final long EARLIEST = -2;
    static final long LATEST = -1;
    static final long MAX_TIMESTAMP = -3;
    static final long EARLIEST_LOCAL = -4;
    static final long LATEST_TIERED = -5;

    private final ReplicaManager replicaManager;

    public ListOffsetsHandler(ReplicaManager replicaManager) {
        this.replicaManager = replicaManager;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.LIST_OFFSETS;
    }

    @Override
    public CompletableFuture<ListOffsetsResponse> handle(RequestContext context, ListOffsetsRequest request) {
        boolean fromReplica = request.replicaId() >= 0;
        Set<TopicPartition> seen = new HashSet<>();
        List<ListOffsetsResponse.Topic> topics = new ArrayList<>();
        for (ListOffsetsRequest.Topic topic : request.topics()) {
            List<ListOffsetsResponse.Topic.Partition> parts = new ArrayList<>();
            for (ListOffsetsRequest.Topic.Partition p : topic.partitions()) {
                parts.add(lookup(topic.name(), p, fromReplica, seen));
            }
            topics.add(new ListOffsetsResponse.Topic(topic.name(), parts));
        }
        return CompletableFuture.completedFuture(new ListOffsetsResponse(0, topics));
    }

    private ListOffsetsResponse.Topic.Partition lookup(String topic, ListOffsetsRequest.Topic.Partition p,
                                                        boolean fromReplica, Set<TopicPartition> seen) {
        try {
            if (topic.isEmpty() || p.partitionIndex() < 0) {
                throw new ApiException(Errors.UNKNOWN_TOPIC_OR_PARTITION, "Unknown partition " + topic + "-" + p.partitionIndex());
            }
            TopicPartition tp = new TopicPartition(topic, p.partitionIndex());
            if (!seen.add(tp)) {
                throw new ApiException(Errors.INVALID_REQUEST, "Partition " + tp + " appears twice in the request");
            }
            Partition partition = replicaManager.leaderPartition(tp);
            partition.checkLeaderEpoch(p.currentLeaderEpoch());
            int epoch = partition.leaderEpoch();
            long ts = p.timestamp();
            if (ts == EARLIEST || ts == EARLIEST_LOCAL) {
                return found(p, -1, partition.logStartOffset(), epoch);
            }
            if (ts == LATEST) {
                return found(p, -1, fromReplica ? partition.logEndOffset() : partition.highWatermark(), epoch);
            }
            if (ts == LATEST_TIERED) {
                return found(p, -1, -1, -1);
            }
            Optional<TimestampAndOffset> hit = ts == MAX_TIMESTAMP
                ? partition.maxTimestampOffset(fromReplica)
                : partition.offsetForTimestamp(ts, fromReplica);
            if (ts < 0 && ts != MAX_TIMESTAMP) {
                throw new ApiException(Errors.INVALID_REQUEST, "Unknown special timestamp " + ts);
            }
            return hit.map(h -> found(p, h.timestamp(), h.offset(), h.leaderEpoch()))
                .orElseGet(() -> found(p, -1, -1, -1));
        } catch (ApiException e) {
            return new ListOffsetsResponse.Topic.Partition(p.partitionIndex(), e.error().code(), -1, -1, -1);
        }
    }

    private static ListOffsetsResponse.Topic.Partition found(ListOffsetsRequest.Topic.Partition p, long timestamp,
                                                              long offset, int epoch) {
        return new ListOffsetsResponse.Topic.Partition(p.partitionIndex(), Errors.NONE.code(), timestamp, offset, epoch);
    }

    @Override
    public ListOffsetsResponse errorResponse(RequestContext context, ListOffsetsRequest request, Errors error) {
        List<ListOffsetsResponse.Topic> topics = new ArrayList<>();
        for (ListOffsetsRequest.Topic topic : request.topics()) {
            topics.add(new ListOffsetsResponse.Topic(topic.name(), topic.partitions().stream()
                .map(p -> new ListOffsetsResponse.Topic.Partition(p.partitionIndex(), error.code(), -1, -1, -1)).toList()));
        }
        return new ListOffsetsResponse(0, topics);
    }
}
