package io.sluice.core.handler;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.core.metadata.TopicAdmin;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.AlterConfigsRequest;
import io.sluice.protocol.message.AlterConfigsResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * AlterConfigs (versions 0-2, the legacy API; kafka-clients 3.9's {@code Admin.alterConfigs}): the request's
 * entries <em>replace</em> all of a topic's overrides (keys left out go back to their defaults; entries with a
 * null value are ignored). Validated like IncrementalAlterConfigs and written with a version check;
 * {@code validate_only} writes nothing. Errors per resource: INVALID_CONFIG, UNKNOWN_TOPIC_OR_PARTITION,
 * INVALID_TOPIC_EXCEPTION, INVALID_REQUEST (duplicate resource or key; BROKER and other resource types).
 */
public final class AlterConfigsHandler implements ApiHandler<AlterConfigsRequest, AlterConfigsResponse> {
    private final TopicAdmin admin;

    public AlterConfigsHandler(TopicAdmin admin) {
        this.admin = Objects.requireNonNull(admin, "admin");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.ALTER_CONFIGS;
    }

    @Override
    public CompletableFuture<AlterConfigsResponse> handle(RequestContext context, AlterConfigsRequest request) {
        List<ApiError> outcomes = ResourceAlterations.alterEach("AlterConfigs", request.resources(),
            AlterConfigsRequest.Resource::resourceType, AlterConfigsRequest.Resource::resourceName,
            r -> alter(r, request.validateOnly()));
        List<AlterConfigsResponse.Response> out = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i++) {
            AlterConfigsRequest.Resource r = request.resources().get(i);
            ApiError error = outcomes.get(i);
            out.add(new AlterConfigsResponse.Response(error.code(), error.message(), r.resourceType(), r.resourceName()));
        }
        return CompletableFuture.completedFuture(new AlterConfigsResponse(0, out));
    }

    private void alter(AlterConfigsRequest.Resource r, boolean validateOnly) {
        switch (r.resourceType()) {
            case ResourceTypes.TOPIC -> {
                Map<String, String> configs = new LinkedHashMap<>();
                for (AlterConfigsRequest.Resource.Config c : r.configs()) {
                    if (configs.containsKey(c.name())) {
                        throw new ApiException(Errors.INVALID_REQUEST,
                            "Config '" + c.name() + "' appears more than once for topic '" + r.resourceName() + "'.");
                    }
                    configs.put(c.name(), c.value());
                }
                admin.replaceTopicConfigs(r.resourceName(), configs, validateOnly);
            }
            case ResourceTypes.BROKER -> throw new ApiException(Errors.INVALID_REQUEST,
                ResourceTypes.DYNAMIC_BROKER_CONFIG_UNSUPPORTED);
            default -> throw new ApiException(Errors.INVALID_REQUEST, "Altering configs of resource type "
                + ResourceTypes.name(r.resourceType()) + " is not supported.");
        }
    }

    @Override
    public AlterConfigsResponse errorResponse(RequestContext context, AlterConfigsRequest request, Errors error) {
        List<AlterConfigsResponse.Response> out = new ArrayList<>();
        for (AlterConfigsRequest.Resource r : request.resources()) {
            out.add(new AlterConfigsResponse.Response(error.code(), error.message(), r.resourceType(), r.resourceName()));
        }
        return new AlterConfigsResponse(0, out);
    }
}
