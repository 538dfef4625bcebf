package io.sluice.core.handler;

import io.sluice.common.Errors;
import io.sluice.common.Uuid;
import io.sluice.core.metadata.DescribedConfig;
import io.sluice.core.metadata.TopicAdmin;
import io.sluice.core.metadata.TopicAdmin.CreatedTopic;
import io.sluice.core.metadata.TopicAdmin.NewTopic;
import io.sluice.core.metadata.TopicAdmin.ReplicaAssignment;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.CreateTopicsRequest;
import io.sluice.protocol.message.CreateTopicsResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * CreateTopics (versions 2-7). Any broker creates topics by writing ZooKeeper through {@link TopicAdmin}, then
 * waits (up to {@code timeout_ms}, without a thread) until every new partition has a leader; REQUEST_TIMED_OUT if
 * that takes longer (the topic exists all the same). A {@code timeout_ms <= 0} answers right after the write, as
 * Kafka does.
 *
 * <p>Per topic: INVALID_REQUEST when a name appears twice in the request (or a config key twice for a topic),
 * INVALID_TOPIC_EXCEPTION, TOPIC_ALREADY_EXISTS, INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR,
 * INVALID_REPLICA_ASSIGNMENT, INVALID_CONFIG, each with an error message. {@code validate_only} checks everything
 * and creates nothing. v5+ responses carry the partition count, replication factor and every effective config
 * with its source; v7 the new topic id. One response entry per distinct topic name, in request order.
 */
public final class CreateTopicsHandler implements ApiHandler<CreateTopicsRequest, CreateTopicsResponse> {
    private final TopicAdmin admin;

    public CreateTopicsHandler(TopicAdmin admin) {
        this.admin = Objects.requireNonNull(admin, "admin");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.CREATE_TOPICS;
    }

    @Override
    public CompletableFuture<CreateTopicsResponse> handle(RequestContext context, CreateTopicsRequest request) {
        Map<String, Integer> occurrences = new HashMap<>();
        for (CreateTopicsRequest.Topic t : request.topics()) {
            occurrences.merge(t.name(), 1, Integer::sum);
        }
        Map<String, CompletableFuture<CreateTopicsResponse.Topic>> results = new LinkedHashMap<>();
        for (CreateTopicsRequest.Topic t : request.topics()) {
            String name = t.name();
            if (results.containsKey(name)) {
                continue;
            }
            if (occurrences.get(name) > 1) {
                results.put(name, CompletableFuture.completedFuture(failed(name, ApiError.of(Errors.INVALID_REQUEST,
                    "Topic '" + name + "' appears more than once in the request."))));
                continue;
            }
            results.put(name, create(t, request.validateOnly(), request.timeoutMs()));
        }
        List<CompletableFuture<CreateTopicsResponse.Topic>> futures = new ArrayList<>(results.values());
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
            .thenApply(ignored -> new CreateTopicsResponse(0, futures.stream().map(CompletableFuture::join).toList()));
    }

    private CompletableFuture<CreateTopicsResponse.Topic> create(CreateTopicsRequest.Topic t, boolean validateOnly,
                                                                 int timeoutMs) {
        Map<String, String> configs = new LinkedHashMap<>();
        for (CreateTopicsRequest.Topic.Config c : t.configs()) {
            if (configs.containsKey(c.name())) {
                return CompletableFuture.completedFuture(failed(t.name(), ApiError.of(Errors.INVALID_REQUEST,
                    "Config '" + c.name() + "' is given more than once for topic '" + t.name() + "'.")));
            }
            configs.put(c.name(), c.value());
        }
        List<ReplicaAssignment> assignments = t.assignments().stream()
            .map(a -> new ReplicaAssignment(a.partitionIndex(), a.brokerIds()))
            .toList();
        NewTopic spec = new NewTopic(t.name(), t.numPartitions(), t.replicationFactor(), assignments, configs);
        return admin.createTopic(spec, validateOnly, timeoutMs).handle((created, error) -> error == null
            ? succeeded(created)
            : failed(t.name(), ApiError.from(error, "CreateTopics of '" + t.name() + "'")));
    }

    private static CreateTopicsResponse.Topic succeeded(CreatedTopic created) {
        List<CreateTopicsResponse.Topic.Config> configs = new ArrayList<>(created.effectiveConfigs().size());
        for (DescribedConfig c : created.effectiveConfigs()) {
            configs.add(new CreateTopicsResponse.Topic.Config(c.name(), c.value(), c.readOnly(), c.source().id,
                c.sensitive()));
        }
        return new CreateTopicsResponse.Topic(created.name(), created.topicId(), Errors.NONE.code(), null,
            created.numPartitions(), (short) created.replicationFactor(), configs, Errors.NONE.code());
    }

    private static CreateTopicsResponse.Topic failed(String name, ApiError error) {
        return new CreateTopicsResponse.Topic(name, Uuid.ZERO, error.code(), error.message(), -1, (short) -1, null,
            Errors.NONE.code());
    }

    @Override
    public CreateTopicsResponse errorResponse(RequestContext context, CreateTopicsRequest request, Errors error) {
        List<CreateTopicsResponse.Topic> topics = new ArrayList<>();
        for (String name : new LinkedHashSet<>(request.topics().stream().map(CreateTopicsRequest.Topic::name).toList())) {
            topics.add(failed(name, ApiError.of(error)));
        }
        return new CreateTopicsResponse(0, topics);
    }
}
