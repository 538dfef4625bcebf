package io.sluice.core.handler;

import io.sluice.common.Errors;
import io.sluice.core.log.TopicPartition;
import io.sluice.core.replication.DeleteRecordsResult;
import io.sluice.core.replication.ReplicaManager;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.DeleteRecordsRequest;
import io.sluice.protocol.message.DeleteRecordsResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * DeleteRecords (v0-2): the leader raises the partition's log start offset to the requested offset (-1 = the
 * high watermark; beyond the HW is OFFSET_OUT_OF_RANGE) and answers once the low watermark — the smallest log
 * start offset over the leader and its live followers — reached it, or after timeout_ms (REQUEST_TIMED_OUT).
 */
public final class DeleteRecordsHandler implements ApiHandler<DeleteRecordsRequest, DeleteRecordsResponse> {
    private final ReplicaManager replicaManager;

    public DeleteRecordsHandler(ReplicaManager replicaManager) {
        this.replicaManager = replicaManager;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DELETE_RECORDS;
    }

    @Override
    public CompletableFuture<DeleteRecordsResponse> handle(RequestContext context, DeleteRecordsRequest request) {
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        for (DeleteRecordsRequest.Topic topic : request.topics()) {
            for (DeleteRecordsRequest.Topic.Partition p : topic.partitions()) {
                if (!topic.name().isEmpty() && p.partitionIndex() >= 0) {
                    offsets.put(new TopicPartition(topic.name(), p.partitionIndex()), p.offset());
                }
            }
        }
        return replicaManager.deleteRecords(request.timeoutMs(), offsets).thenApply(results -> {
            List<DeleteRecordsResponse.Topic> topics = new ArrayList<>();
            for (DeleteRecordsRequest.Topic topic : request.topics()) {
                List<DeleteRecordsResponse.Topic.Partition> parts = new ArrayList<>();
                for (DeleteRecordsRequest.Topic.Partition p : topic.partitions()) {
                    DeleteRecordsResult r = topic.name().isEmpty() || p.partitionIndex() < 0 ? null
                        : results.get(new TopicPartition(topic.name(), p.partitionIndex()));
                    if (r == null) {
                        r = DeleteRecordsResult.error(Errors.UNKNOWN_TOPIC_OR_PARTITION, null);
                    }
                    parts.add(new DeleteRecordsResponse.Topic.Partition(p.partitionIndex(), r.lowWatermark(), r.error().code()));
                }
                topics.add(new DeleteRecordsResponse.Topic(topic.name(), parts));
            }
            return new DeleteRecordsResponse(0, topics);
        });
    }

    @Override
    public DeleteRecordsResponse errorResponse(RequestContext context, DeleteRecordsRequest request, Errors error) {
        List<DeleteRecordsResponse.Topic> topics = new ArrayList<>();
        for (DeleteRecordsRequest.Topic topic : request.topics()) {
            topics.add(new DeleteRecordsResponse.Topic(topic.name(), topic.partitions().stream()
                .map(p -> new DeleteRecordsResponse.Topic.Partition(p.partitionIndex(), -1, error.code())).toList()));
        }
        return new DeleteRecordsResponse(0, topics);
    }
}
