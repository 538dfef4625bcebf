package io.sluice.core.handler;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.core.metadata.AlterConfigOp;
import io.sluice.core.metadata.TopicAdmin;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.IncrementalAlterConfigsRequest;
import io.sluice.protocol.message.IncrementalAlterConfigsResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * IncrementalAlterConfigs (versions 0-1). TOPIC resources: SET, DELETE (back to the default), APPEND and SUBTRACT
 * (list-typed keys such as {@code cleanup.policy} only) applied to the topic's overrides, the result validated
 * as a topic would use it and written with a version check on {@code /config/topics/<topic>} (retried on a
 * concurrent change). {@code validate_only} writes nothing.
 *
 * <p>Errors per resource: INVALID_CONFIG (unknown key, bad value, APPEND/SUBTRACT of a non-list key),
 * UNKNOWN_TOPIC_OR_PARTITION, INVALID_TOPIC_EXCEPTION, INVALID_REQUEST (the same resource twice in the request,
 * the same key twice in a resource, an unknown operation, a missing value). BROKER resources are INVALID_REQUEST:
 * Sluice has no dynamic broker configuration. Other types: INVALID_REQUEST.
 */
public final class IncrementalAlterConfigsHandler
        implements ApiHandler<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse> {
    private final TopicAdmin admin;

    public IncrementalAlterConfigsHandler(TopicAdmin admin) {
        this.admin = Objects.requireNonNull(admin, "admin");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.INCREMENTAL_ALTER_CONFIGS;
    }

    @Override
    public CompletableFuture<IncrementalAlterConfigsResponse> handle(RequestContext context,
                                                                     IncrementalAlterConfigsRequest request) {
        List<ApiError> outcomes = ResourceAlterations.alterEach("IncrementalAlterConfigs", request.resources(),
            IncrementalAlterConfigsRequest.Resource::resourceType, IncrementalAlterConfigsRequest.Resource::resourceName,
            r -> alter(r, request.validateOnly()));
        List<IncrementalAlterConfigsResponse.Response> out = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i++) {
            IncrementalAlterConfigsRequest.Resource r = request.resources().get(i);
            ApiError error = outcomes.get(i);
            out.add(new IncrementalAlterConfigsResponse.Response(error.code(), error.message(), r.resourceType(),
                r.resourceName()));
        }
        return CompletableFuture.completedFuture(new IncrementalAlterConfigsResponse(0, out));
    }

    private void alter(IncrementalAlterConfigsRequest.Resource r, boolean validateOnly) {
        switch (r.resourceType()) {
            case ResourceTypes.TOPIC -> {
                Set<String> seen = new HashSet<>();
                List<AlterConfigOp> ops = new ArrayList<>(r.configs().size());
                for (IncrementalAlterConfigsRequest.Resource.Config c : r.configs()) {
                    if (!seen.add(c.name())) {
                        throw new ApiException(Errors.INVALID_REQUEST,
                            "Config '" + c.name() + "' appears more than once for topic '" + r.resourceName() + "'.");
                    }
                    AlterConfigOp.Type type = AlterConfigOp.Type.forId(c.configOperation()).orElseThrow(() ->
                        new ApiException(Errors.INVALID_REQUEST,
                            "Unknown config operation " + c.configOperation() + " for config '" + c.name() + "'."));
                    ops.add(new AlterConfigOp(c.name(), type, c.value()));
                }
                admin.incrementalAlterTopicConfigs(r.resourceName(), ops, validateOnly);
            }
            case ResourceTypes.BROKER -> throw new ApiException(Errors.INVALID_REQUEST,
                ResourceTypes.DYNAMIC_BROKER_CONFIG_UNSUPPORTED);
            default -> throw new ApiException(Errors.INVALID_REQUEST, "Altering configs of resource type "
                + ResourceTypes.name(r.resourceType()) + " is not supported.");
        }
    }

    @Override
    public IncrementalAlterConfigsResponse errorResponse(RequestContext context, IncrementalAlterConfigsRequest request,
                                                         Errors error) {
        List<IncrementalAlterConfigsResponse.Response> out = new ArrayList<>();
        for (IncrementalAlterConfigsRequest.Resource r : request.resources()) {
            out.add(new IncrementalAlterConfigsResponse.Response(error.code(), error.message(), r.resourceType(),
                r.resourceName()));
        }
        return new IncrementalAlterConfigsResponse(0, out);
    }
}
