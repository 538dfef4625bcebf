package io.sluice.core.handler;

import io.sluice.common.Errors;
import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.coordinator.metadata.ElectionType;
import io.sluice.coordinator.metadata.LeaderElectionRequest;
import io.sluice.coordinator.metadata.PartitionOutcome;
import io.sluice.coordinator.metadata.PartitionRef;
import io.sluice.coordinator.metadata.ZkMetadataStore;
import io.sluice.core.metadata.MetadataWaiter;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.ElectLeadersRequest;
import io.sluice.protocol.message.ElectLeadersResponse;
import io.sluice.protocol.message.ElectLeadersResponse.ReplicaElectionResult;
import io.sluice.protocol.message.ElectLeadersResponse.ReplicaElectionResult.PartitionResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * ElectLeaders (versions 0-2): preferred (0) or unclean (1) leader election on request; v0 always means preferred.
 * Leader decisions belong to the controller, so this broker writes an election request znode
 * ({@code /admin/elect_leaders/request_<seq>}, {@link ZkMetadataStore#submitLeaderElection}) and waits, up to
 * {@code timeout_ms} and without a thread ({@link MetadataWaiter}), until its image shows the controller's answer
 * in that znode; then it deletes the request and answers. Partitions still unanswered at the timeout get
 * REQUEST_TIMED_OUT (the controller still performs the election and removes the request later).
 *
 * <p>Per partition: NONE (elected), ELECTION_NOT_NEEDED, PREFERRED_LEADER_NOT_AVAILABLE,
 * ELIGIBLE_LEADERS_NOT_AVAILABLE, UNKNOWN_TOPIC_OR_PARTITION (answered here, without asking the controller,
 * when the image does not know the partition). A null {@code topic_partitions} means every partition; as in Kafka,
 * partitions that needed no election are then left out of the response. An unknown election type is
 * INVALID_REQUEST for every partition (and at the top level from v1).
 */
public final class ElectLeadersHandler implements ApiHandler<ElectLeadersRequest, ElectLeadersResponse> {
    private final ZkMetadataStore store;
    private final MetadataWaiter waiter;

    public ElectLeadersHandler(ZkMetadataStore store, MetadataWaiter waiter) {
        this.store = Objects.requireNonNull(store, "store");
        this.waiter = Objects.requireNonNull(waiter, "waiter");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.ELECT_LEADERS;
    }

    @Override
    public CompletableFuture<ElectLeadersResponse> handle(RequestContext context, ElectLeadersRequest request) {
        byte typeValue = context.apiVersion() == 0 ? ElectionType.PREFERRED.value : request.electionType();
        Optional<ElectionType> type = ElectionType.of(typeValue);
        if (type.isEmpty()) {
            return CompletableFuture.completedFuture(failed(request, ApiError.of(Errors.INVALID_REQUEST,
                "Unknown election type " + typeValue + "; expected 0 (preferred) or 1 (unclean).")));
        }
        ClusterImage image = waiter.current();
        Map<PartitionRef, PartitionOutcome> answered = new LinkedHashMap<>();
        Optional<List<PartitionRef>> toElect;
        if (request.topicPartitions() == null) {
            toElect = Optional.empty();
        } else {
            List<PartitionRef> known = new ArrayList<>();
            for (PartitionRef ref : requested(request)) {
                if (image.partition(ref).isEmpty() || image.isPendingDeletion(ref.topic())) {
                    answered.put(ref, PartitionOutcome.of(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                        "Partition " + ref + " does not exist."));
                } else {
                    known.add(ref);
                    answered.put(ref, null);                   // keeps request order; filled in below
                }
            }
            if (known.isEmpty()) {
                return CompletableFuture.completedFuture(response(answered));
            }
            toElect = Optional.of(known);
        }
        String name;
        try {
            name = store.submitLeaderElection(type.get(), toElect);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failed(request, ApiError.from(e, "ElectLeaders")));
        }
        int timeoutMs = request.timeoutMs();
        return waiter.await(i -> i.electionRequest(name).map(LeaderElectionRequest::isAnswered).orElse(false), timeoutMs)
            .thenApply(result -> {
                Optional<Map<PartitionRef, PartitionOutcome>> results =
                    result.flatMap(i -> i.electionRequest(name)).flatMap(LeaderElectionRequest::results);
                if (results.isPresent()) {
                    store.forgetLeaderElection(name);                      // background delete, never blocks
                }
                if (toElect.isEmpty()) {
                    return response(results.map(LinkedHashMap::new).orElseGet(LinkedHashMap::new));
                }
                for (PartitionRef ref : toElect.get()) {
                    answered.put(ref, results.map(r -> r.get(ref)).orElse(PartitionOutcome.of(Errors.REQUEST_TIMED_OUT,
                        "The controller did not perform the election within " + timeoutMs + " ms.")));
                }
                answered.replaceAll((ref, outcome) -> outcome != null ? outcome : PartitionOutcome.of(
                    Errors.UNKNOWN_SERVER_ERROR, "The controller's answer does not mention " + ref + "."));
                return response(answered);
            });
    }

    /** The requested partitions, each once, in request order. */
    private static Set<PartitionRef> requested(ElectLeadersRequest request) {
        Set<PartitionRef> out = new LinkedHashSet<>();
        for (ElectLeadersRequest.TopicPartition t : request.topicPartitions()) {
            for (int p : t.partitions()) {
                if (p >= 0) {
                    out.add(new PartitionRef(t.topic(), p));
                }
            }
        }
        return out;
    }

    private static ElectLeadersResponse response(Map<PartitionRef, PartitionOutcome> outcomes) {
        Map<String, List<PartitionResult>> byTopic = new LinkedHashMap<>();
        outcomes.forEach((ref, outcome) -> byTopic.computeIfAbsent(ref.topic(), t -> new ArrayList<>())
            .add(new PartitionResult(ref.partition(), outcome.error().code(), outcome.message().orElse(null))));
        List<ReplicaElectionResult> results = new ArrayList<>();
        byTopic.forEach((topic, partitions) -> results.add(new ReplicaElectionResult(topic, partitions)));
        return new ElectLeadersResponse(0, Errors.NONE.code(), results);
    }

    private static ElectLeadersResponse failed(ElectLeadersRequest request, ApiError error) {
        List<ReplicaElectionResult> results = new ArrayList<>();
        if (request.topicPartitions() != null) {
            for (ElectLeadersRequest.TopicPartition t : request.topicPartitions()) {
                List<PartitionResult> partitions = new ArrayList<>();
                for (int p : new LinkedHashSet<>(t.partitions())) {
                    partitions.add(new PartitionResult(p, error.code(), error.message()));
                }
                results.add(new ReplicaElectionResult(t.topic(), partitions));
            }
        }
        return new ElectLeadersResponse(0, error.code(), results);
    }

    @Override
    public ElectLeadersResponse errorResponse(RequestContext context, ElectLeadersRequest request, Errors error) {
        return failed(request, ApiError.of(error));
    }
}
