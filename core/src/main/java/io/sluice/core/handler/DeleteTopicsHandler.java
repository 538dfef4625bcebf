package io.sluice.core.handler;

import io.sluice.common.Errors;
import io.sluice.common.Uuid;
import io.sluice.core.metadata.TopicAdmin;
import io.sluice.core.metadata.TopicAdmin.DeletedTopic;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.DeleteTopicsRequest;
import io.sluice.protocol.message.DeleteTopicsResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * DeleteTopics (versions 1-6): marks each topic for deletion in ZooKeeper (the controller deletes it) and waits,
 * up to {@code timeout_ms} and without a thread, until it is gone from the metadata; REQUEST_TIMED_OUT otherwise
 * (the deletion still happens). {@code timeout_ms <= 0} answers right after marking.
 *
 * <p>v1-5 name topics; v6 names or ids (both, or neither: INVALID_REQUEST). Errors per topic:
 * UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_TOPIC_ID, TOPIC_DELETION_DISABLED when {@code delete.topic.enable=false}
 * (INVALID_REQUEST before v3, which did not know that code), INVALID_REQUEST for the broker's internal topics.
 * Repeated entries are answered once.
 */
public final class DeleteTopicsHandler implements ApiHandler<DeleteTopicsRequest, DeleteTopicsResponse> {
    private final TopicAdmin admin;

    public DeleteTopicsHandler(TopicAdmin admin) {
        this.admin = Objects.requireNonNull(admin, "admin");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DELETE_TOPICS;
    }

    @Override
    public CompletableFuture<DeleteTopicsResponse> handle(RequestContext context, DeleteTopicsRequest request) {
        short version = context.apiVersion();
        Map<DeleteTopicsRequest.Topic, CompletableFuture<DeleteTopicsResponse.Response>> results = new LinkedHashMap<>();
        for (DeleteTopicsRequest.Topic t : entries(request, version)) {
            if (!results.containsKey(t)) {
                results.put(t, delete(t, request.timeoutMs(), version));
            }
        }
        List<CompletableFuture<DeleteTopicsResponse.Response>> futures = new ArrayList<>(results.values());
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
            .thenApply(ignored -> new DeleteTopicsResponse(0, futures.stream().map(CompletableFuture::join).toList()));
    }

    /** The requested topics as v6 entries (name or id). */
    private static List<DeleteTopicsRequest.Topic> entries(DeleteTopicsRequest request, short version) {
        if (version >= 6) {
            return request.topics() == null ? List.of() : request.topics();
        }
        List<String> names = request.topicNames() == null ? List.of() : request.topicNames();
        return names.stream().map(n -> new DeleteTopicsRequest.Topic(n, Uuid.ZERO)).toList();
    }

    private CompletableFuture<DeleteTopicsResponse.Response> delete(DeleteTopicsRequest.Topic t, int timeoutMs,
                                                                    short version) {
        String name = t.name();
        Uuid id = t.topicId() == null ? Uuid.ZERO : t.topicId();
        if (name != null && !id.equals(Uuid.ZERO)) {
            return CompletableFuture.completedFuture(response(name, id, ApiError.of(Errors.INVALID_REQUEST,
                "Give either a topic name or a topic id, not both."), version));
        }
        if (name == null && id.equals(Uuid.ZERO)) {
            return CompletableFuture.completedFuture(response(null, id, ApiError.of(Errors.INVALID_REQUEST,
                "A topic name or a topic id is required."), version));
        }
        CompletableFuture<DeletedTopic> deletion = name != null
            ? admin.deleteTopic(name, timeoutMs)
            : admin.deleteTopic(id, timeoutMs);
        String what = "DeleteTopics of " + (name != null ? "'" + name + "'" : id);
        return deletion.handle((deleted, error) -> error == null
            ? response(deleted.name(), deleted.topicId(), ApiError.NONE, version)
            : response(name, id, ApiError.from(error, what), version));
    }

    private static DeleteTopicsResponse.Response response(String name, Uuid id, ApiError error, short version) {
        ApiError e = error;
        if (version < 3 && error.error() == Errors.TOPIC_DELETION_DISABLED) {
            e = ApiError.of(Errors.INVALID_REQUEST, error.message());   // older clients do not know code 73
        }
        String n = name == null && version < 6 ? "" : name;
        return new DeleteTopicsResponse.Response(n, id, e.code(), e.message());
    }

    @Override
    public DeleteTopicsResponse errorResponse(RequestContext context, DeleteTopicsRequest request, Errors error) {
        short version = context.apiVersion();
        List<DeleteTopicsResponse.Response> out = new ArrayList<>();
        for (DeleteTopicsRequest.Topic t : new java.util.LinkedHashSet<>(entries(request, version))) {
            out.add(response(t.name(), t.topicId() == null ? Uuid.ZERO : t.topicId(), ApiError.of(error), version));
        }
        return new DeleteTopicsResponse(0, out);
    }
}
