package io.sluice.core.handler;

import io.sluice.common.Errors;
import io.sluice.core.log.TopicPartition;
import io.sluice.core.replication.FetchParams;
import io.sluice.core.replication.FetchResult;
import io.sluice.core.replication.ReplicaManager;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.FetchRequest;
import io.sluice.protocol.message.FetchResponse;
import io.sluice.record.MemoryRecords;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Fetch (v4-12) for consumers and followers. Fetch sessions (KIP-227) are declined: every response is a full
 * response (session id 0) listing every requested partition, which all clients accept. Records are slices of
 * log files that the network layer sends without copying.
 */
public final class FetchHandler implements ApiHandler<FetchRequest, FetchResponse> {
    private final ReplicaManager replicaManager;
    private final int brokerMaxBytes;

    /** @param brokerMaxBytes the broker's {@code fetch.max.bytes} cap on a response */
    public FetchHandler(ReplicaManager replicaManager, int brokerMaxBytes) {
        this.replicaManager = replicaManager;
        this.brokerMaxBytes = brokerMaxBytes;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.FETCH;
    }

    @Override
    public CompletableFuture<FetchResponse> handle(RequestContext context, FetchRequest request) {
        if (request.sessionId() != 0) {
            // We never hand out session ids, so any non-zero id is unknown to us.
            return CompletableFuture.completedFuture(new FetchResponse(0, Errors.FETCH_SESSION_ID_NOT_FOUND.code(), 0, List.of()));
        }
        if (request.sessionEpoch() > 0) {
            return CompletableFuture.completedFuture(new FetchResponse(0, Errors.INVALID_FETCH_SESSION_EPOCH.code(), 0, List.of()));
        }
        List<FetchParams.PartitionFetch> partitions = new ArrayList<>();
        List<FetchRequest.Topic> invalid = new ArrayList<>();
        for (FetchRequest.Topic topic : request.topics()) {
            for (FetchRequest.Topic.Partition p : topic.partitions()) {
                if (topic.topic().isEmpty() || p.partition() < 0) {
                    invalid.add(topic);
                    continue;
                }
                partitions.add(new FetchParams.PartitionFetch(new TopicPartition(topic.topic(), p.partition()),
                    p.fetchOffset(), p.currentLeaderEpoch(), p.partitionMaxBytes(), p.lastFetchedEpoch(),
                    p.logStartOffset()));
            }
        }
        int maxBytes = Math.min(request.maxBytes(), brokerMaxBytes);
        FetchParams params = new FetchParams(request.replicaId(), request.maxWaitMs(), request.minBytes(), maxBytes,
            request.isolationLevel() == 1, partitions);
        return replicaManager.fetch(params).thenApply(results -> response(request, results));
    }

    private static FetchResponse response(FetchRequest request, Map<TopicPartition, FetchResult> results) {
        boolean committed = request.isolationLevel() == 1;
        List<FetchResponse.Response> topics = new ArrayList<>();
        for (FetchRequest.Topic topic : request.topics()) {
            List<FetchResponse.Response.Partition> parts = new ArrayList<>();
            for (FetchRequest.Topic.Partition p : topic.partitions()) {
                FetchResult r = topic.topic().isEmpty() || p.partition() < 0 ? null
                    : results.get(new TopicPartition(topic.topic(), p.partition()));
                if (r == null) {
                    r = FetchResult.error(Errors.UNKNOWN_TOPIC_OR_PARTITION, null, -1, -1);
                }
                parts.add(partition(p.partition(), r, committed));
            }
            topics.add(new FetchResponse.Response(topic.topic(), parts));
        }
        return new FetchResponse(0, Errors.NONE.code(), 0, topics);
    }

    private static FetchResponse.Response.Partition partition(int index, FetchResult r, boolean committed) {
        var diverging = r.divergingEpoch()
            .map(d -> new FetchResponse.Response.Partition.DivergingEpoch(d.epoch(), d.endOffset()))
            .orElse(new FetchResponse.Response.Partition.DivergingEpoch(-1, -1L));
        var leader = r.error() == Errors.NOT_LEADER_OR_FOLLOWER || r.error() == Errors.FENCED_LEADER_EPOCH
            ? new FetchResponse.Response.Partition.CurrentLeader(r.leaderId(), r.leaderEpoch())
            : new FetchResponse.Response.Partition.CurrentLeader(-1, -1);
        return new FetchResponse.Response.Partition(index, r.error().code(), r.highWatermark(), r.lastStableOffset(),
            r.logStartOffset(), committed ? List.of() : null, -1,
            r.records() == null ? MemoryRecords.EMPTY : r.records(), diverging, leader,
            new FetchResponse.Response.Partition.SnapshotId(-1L, -1));
    }

    @Override
    public FetchResponse errorResponse(RequestContext context, FetchRequest request, Errors error) {
        return new FetchResponse(0, error.code(), 0, List.of());
    }
}
