package io.sluice.core.handler;

import io.sluice.common.Errors;
import io.sluice.core.metadata.TopicAdmin;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.CreatePartitionsRequest;
import io.sluice.protocol.message.CreatePartitionsResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * CreatePartitions (versions 0-3): raises topics' partition counts through {@link TopicAdmin} and waits (up to
 * {@code timeout_ms}, without a thread) for the new partitions' leaders. Increase only: a count equal to or below
 * the current one is INVALID_PARTITIONS with a message saying which. Explicit assignments name the replicas of
 * each <em>new</em> partition. Other errors per topic: UNKNOWN_TOPIC_OR_PARTITION, INVALID_TOPIC_EXCEPTION (being
 * deleted), INVALID_REPLICA_ASSIGNMENT, INVALID_REPLICATION_FACTOR, INVALID_REQUEST (topic twice in the request),
 * REQUEST_TIMED_OUT. {@code validate_only} changes nothing. One result per distinct topic, in request order.
 */
public final class CreatePartitionsHandler implements ApiHandler<CreatePartitionsRequest, CreatePartitionsResponse> {
    private final TopicAdmin admin;

    public CreatePartitionsHandler(TopicAdmin admin) {
        this.admin = Objects.requireNonNull(admin, "admin");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.CREATE_PARTITIONS;
    }

    @Override
    public CompletableFuture<CreatePartitionsResponse> handle(RequestContext context, CreatePartitionsRequest request) {
        Map<String, Integer> occurrences = new HashMap<>();
        for (CreatePartitionsRequest.Topic t : request.topics()) {
            occurrences.merge(t.name(), 1, Integer::sum);
        }
        Map<String, CompletableFuture<CreatePartitionsResponse.Result>> results = new LinkedHashMap<>();
        for (CreatePartitionsRequest.Topic t : request.topics()) {
            String name = t.name();
            if (results.containsKey(name)) {
                continue;
            }
            if (occurrences.get(name) > 1) {
                results.put(name, CompletableFuture.completedFuture(result(name, ApiError.of(Errors.INVALID_REQUEST,
                    "Topic '" + name + "' appears more than once in the request."))));
                continue;
            }
            List<List<Integer>> assignments = t.assignments() == null ? null
                : t.assignments().stream().map(CreatePartitionsRequest.Topic.Assignment::brokerIds).toList();
            results.put(name, admin.createPartitions(name, t.count(), assignments, request.validateOnly(),
                    request.timeoutMs())
                .handle((ignored, error) -> result(name, error == null ? ApiError.NONE
                    : ApiError.from(error, "CreatePartitions of '" + name + "'"))));
        }
        List<CompletableFuture<CreatePartitionsResponse.Result>> futures = new ArrayList<>(results.values());
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).thenApply(ignored ->
            new CreatePartitionsResponse(0, futures.stream().map(CompletableFuture::join).toList()));
    }

    private static CreatePartitionsResponse.Result result(String name, ApiError error) {
        return new CreatePartitionsResponse.Result(name, error.code(), error.message());
    }

    @Override
    public CreatePartitionsResponse errorResponse(RequestContext context, CreatePartitionsRequest request, Errors error) {
        List<CreatePartitionsResponse.Result> out = new ArrayList<>();
        for (String name : new LinkedHashSet<>(request.topics().stream().map(CreatePartitionsRequest.Topic::name).toList())) {
            out.add(result(name, ApiError.of(error)));
        }
        return new CreatePartitionsResponse(0, out);
    }
}
