package io.sluice.core.handler;

import io.sluice.common.Errors;
import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.coordinator.metadata.PartitionImage;
import io.sluice.coordinator.metadata.PartitionOutcome;
import io.sluice.coordinator.metadata.ZkMetadataStore;
import io.sluice.core.metadata.MetadataWaiter;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.AlterPartitionReassignmentsRequest;
import io.sluice.protocol.message.AlterPartitionReassignmentsResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * AlterPartitionReassignments (versions 0-1): starts or cancels (null {@code replicas}) partition reassignments.
 * Any broker records them directly in the topic znode ({@link ZkMetadataStore#alterPartitionReassignments}: the
 * new replicas are added to the replica list as {@code adding_replicas}, the old ones marked as
 * {@code removing_replicas}); the controller completes each once the new replicas are in the ISR (see
 * io.sluice.coordinator.controller.ReassignmentProgress). The response comes once the change is recorded and this
 * broker's metadata shows it (waiting at most {@code timeout_ms}, without a thread), not when the data has moved,
 * as in Kafka.
 *
 * <p>Per partition: NONE, UNKNOWN_TOPIC_OR_PARTITION, INVALID_REPLICA_ASSIGNMENT (empty, duplicate or
 * unregistered brokers), INVALID_REPLICATION_FACTOR (v1 {@code allow_replication_factor_change=false} and the
 * replica count would change), REASSIGNMENT_IN_PROGRESS (a different target while one runs: cancel first),
 * NO_REASSIGNMENT_IN_PROGRESS (cancelling nothing), INVALID_REQUEST (a partition twice in the request).
 */
public final class AlterPartitionReassignmentsHandler
        implements ApiHandler<AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse> {
    private final ZkMetadataStore store;
    private final MetadataWaiter waiter;

    public AlterPartitionReassignmentsHandler(ZkMetadataStore store, MetadataWaiter waiter) {
        this.store = Objects.requireNonNull(store, "store");
        this.waiter = Objects.requireNonNull(waiter, "waiter");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.ALTER_PARTITION_REASSIGNMENTS;
    }

    @Override
    public CompletableFuture<AlterPartitionReassignmentsResponse> handle(RequestContext context,
                                                                        AlterPartitionReassignmentsRequest request) {
        boolean allowRfChange = context.apiVersion() == 0 || request.allowReplicationFactorChange();
        Map<String, Map<Integer, ApiError>> errors = new LinkedHashMap<>();
        Map<String, Map<Integer, Optional<List<Integer>>>> targets = new LinkedHashMap<>();
        for (AlterPartitionReassignmentsRequest.Topic t : request.topics()) {
            Map<Integer, ApiError> topicErrors = errors.computeIfAbsent(t.name(), n -> new LinkedHashMap<>());
            Map<Integer, Optional<List<Integer>>> topicTargets = targets.computeIfAbsent(t.name(), n -> new LinkedHashMap<>());
            for (AlterPartitionReassignmentsRequest.Topic.Partition p : t.partitions()) {
                if (topicErrors.containsKey(p.partitionIndex())) {
                    topicErrors.put(p.partitionIndex(), ApiError.of(Errors.INVALID_REQUEST,
                        "Partition " + t.name() + "-" + p.partitionIndex() + " appears more than once in the request."));
                    topicTargets.remove(p.partitionIndex());
                    continue;
                }
                topicErrors.put(p.partitionIndex(), null);
                topicTargets.put(p.partitionIndex(), Optional.ofNullable(p.replicas()).map(List::copyOf));
            }
        }
        List<Predicate<ClusterImage>> visible = new ArrayList<>();
        targets.forEach((topic, partitions) -> {
            if (partitions.isEmpty()) {
                return;
            }
            Map<Integer, PartitionOutcome> outcomes;
            try {
                outcomes = store.alterPartitionReassignments(topic, partitions, allowRfChange);
            } catch (RuntimeException e) {
                ApiError error = ApiError.from(e, "AlterPartitionReassignments of '" + topic + "'");
                partitions.keySet().forEach(p -> errors.get(topic).put(p, error));
                return;
            }
            outcomes.forEach((p, outcome) -> {
                errors.get(topic).put(p, ApiError.of(outcome.error(), outcome.message().orElse(null)));
                if (!outcome.isError()) {
                    visible.add(recorded(topic, p, partitions.get(p)));
                }
            });
        });
        AlterPartitionReassignmentsResponse response = response(errors, allowRfChange);
        if (visible.isEmpty()) {
            return CompletableFuture.completedFuture(response);
        }
        return waiter.await(image -> visible.stream().allMatch(v -> v.test(image)), request.timeoutMs())
            .thenApply(ignored -> response);
    }

    /** True once an image shows the accepted change of one partition (or something later). */
    private static Predicate<ClusterImage> recorded(String topic, int partition, Optional<List<Integer>> target) {
        return image -> image.partition(topic, partition).map(p -> target.isPresent()
            ? p.targetReplicas().equals(target.get())
            : p.addingReplicas().isEmpty()).orElse(true);
    }

    private static AlterPartitionReassignmentsResponse response(Map<String, Map<Integer, ApiError>> errors,
                                                                boolean allowRfChange) {
        List<AlterPartitionReassignmentsResponse.Response> topics = new ArrayList<>();
        errors.forEach((topic, partitions) -> {
            List<AlterPartitionReassignmentsResponse.Response.Partition> out = new ArrayList<>();
            partitions.forEach((p, error) -> {
                ApiError e = error == null ? ApiError.NONE : error;
                out.add(new AlterPartitionReassignmentsResponse.Response.Partition(p, e.code(), e.message()));
            });
            topics.add(new AlterPartitionReassignmentsResponse.Response(topic, out));
        });
        return new AlterPartitionReassignmentsResponse(0, allowRfChange, Errors.NONE.code(), null, topics);
    }

    @Override
    public AlterPartitionReassignmentsResponse errorResponse(RequestContext context,
                                                             AlterPartitionReassignmentsRequest request, Errors error) {
        Map<String, Map<Integer, ApiError>> errors = new LinkedHashMap<>();
        for (AlterPartitionReassignmentsRequest.Topic t : request.topics()) {
            for (AlterPartitionReassignmentsRequest.Topic.Partition p : t.partitions()) {
                errors.computeIfAbsent(t.name(), n -> new LinkedHashMap<>()).put(p.partitionIndex(), ApiError.of(error));
            }
        }
        AlterPartitionReassignmentsResponse r = response(errors,
            context.apiVersion() == 0 || request.allowReplicationFactorChange());
        return new AlterPartitionReassignmentsResponse(0, r.allowReplicationFactorChange(), error.code(), error.message(),
            r.responses());
    }
}
