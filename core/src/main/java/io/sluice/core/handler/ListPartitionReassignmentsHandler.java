package io.sluice.core.handler;

import io.sluice.common.Errors;
import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.coordinator.metadata.PartitionImage;
import io.sluice.coordinator.metadata.TopicImage;
import io.sluice.core.metadata.MetadataWaiter;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.ListPartitionReassignmentsRequest;
import io.sluice.protocol.message.ListPartitionReassignmentsResponse;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * ListPartitionReassignments (version 0): the reassignments in progress, from this broker's metadata image (the
 * topic znodes' {@code adding_replicas}/{@code removing_replicas}): per partition its current replicas (target and
 * original together), the replicas being added and those being removed. A null {@code topics} lists every
 * topic; partitions (and topics) that are not being reassigned, or do not exist, are left out, as in Kafka.
 */
public final class ListPartitionReassignmentsHandler
        implements ApiHandler<ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse> {
    private final MetadataWaiter waiter;

    public ListPartitionReassignmentsHandler(MetadataWaiter waiter) {
        this.waiter = Objects.requireNonNull(waiter, "waiter");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.LIST_PARTITION_REASSIGNMENTS;
    }

    @Override
    public CompletableFuture<ListPartitionReassignmentsResponse> handle(RequestContext context,
                                                                       ListPartitionReassignmentsRequest request) {
        ClusterImage image = waiter.current();
        List<ListPartitionReassignmentsResponse.Topic> topics = new ArrayList<>();
        if (request.topics() == null) {
            for (TopicImage topic : image.topics().values()) {
                if (!image.isPendingDeletion(topic.name())) {
                    add(topics, topic, topic.partitions().keySet());
                }
            }
        } else {
            for (ListPartitionReassignmentsRequest.Topic t : request.topics()) {
                image.topic(t.name()).filter(topic -> !image.isPendingDeletion(topic.name()))
                    .ifPresent(topic -> add(topics, topic, new LinkedHashSet<>(t.partitionIndexes())));
            }
        }
        return CompletableFuture.completedFuture(new ListPartitionReassignmentsResponse(0, Errors.NONE.code(), null, topics));
    }

    private static void add(List<ListPartitionReassignmentsResponse.Topic> out, TopicImage topic, Iterable<Integer> indexes) {
        List<ListPartitionReassignmentsResponse.Topic.Partition> partitions = new ArrayList<>();
        for (int p : indexes) {
            PartitionImage partition = topic.partitions().get(p);
            if (partition != null && partition.isReassigning()) {
                partitions.add(new ListPartitionReassignmentsResponse.Topic.Partition(p, partition.replicas(),
                    partition.addingReplicas(), partition.removingReplicas()));
            }
        }
        if (!partitions.isEmpty()) {
            out.add(new ListPartitionReassignmentsResponse.Topic(topic.name(), partitions));
        }
    }

    @Override
    public ListPartitionReassignmentsResponse errorResponse(RequestContext context,
                                                           ListPartitionReassignmentsRequest request, Errors error) {
        return new ListPartitionReassignmentsResponse(0, error.code(), error.message(), List.of());
    }
}
