package io.sluice.core.handler;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.core.log.TopicPartition;
import io.sluice.core.replication.Partition;
import io.sluice.core.replication.ReplicaManager;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.DeleteRecordsRequest;
import io.sluice.protocol.message.DeleteRecordsResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * DeleteRecords (v0-2): the leader raises the partition's log start offset to the requested offset (-1 = the
 * high watermark); beyond the HW is OFFSET_OUT_OF_RANGE. The low watermark reported is the leader's new log
 * start offset.
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
        List<DeleteRecordsResponse.Topic> topics = new ArrayList<>();
        for (DeleteRecordsRequest.Topic topic : request.topics()) {
            List<DeleteRecordsResponse.Topic.Partition> parts = new ArrayList<>();
            for (DeleteRecordsRequest.Topic.Partition p : topic.partitions()) {
                try {
                    if (topic.name().isEmpty() || p.partitionIndex() < 0) {
                        throw new ApiException(Errors.UNKNOWN_TOPIC_OR_PARTITION, null);
                    }
                    TopicPartition tp = new TopicPartition(topic.name(), p.partitionIndex());
                    Partition partition = replicaManager.leaderPartition(tp);
                    long low = partition.deleteRecordsBefore(p.offset());
                    replicaManager.onLogChanged(tp);
                    parts.add(new DeleteRecordsResponse.Topic.Partition(p.partitionIndex(), low, Errors.NONE.code()));
                } catch (ApiException e) {
                    parts.add(new DeleteRecordsResponse.Topic.Partition(p.partitionIndex(), -1, e.error().code()));
                }
            }
            topics.add(new DeleteRecordsResponse.Topic(topic.name(), parts));
        }
        return CompletableFuture.completedFuture(new DeleteRecordsResponse(0, topics));
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
