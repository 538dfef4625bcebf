package io.sluice.core.handler;

import io.sluice.common.Errors;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.ApiVersionsRequest;
import io.sluice.protocol.message.ApiVersionsResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/** ApiVersions: the APIs this broker actually handles, each with the version range it implements. */
public final class ApiVersionsHandler implements ApiHandler<ApiVersionsRequest, ApiVersionsResponse> {
    private final Predicate<ApiKey> handled;

    public ApiVersionsHandler(Predicate<ApiKey> handled) {
        this.handled = handled;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.API_VERSIONS;
    }

    @Override
    public CompletableFuture<ApiVersionsResponse> handle(RequestContext context, ApiVersionsRequest request) {
        List<ApiVersionsResponse.ApiVersion> versions = new ArrayList<>();
        for (ApiKey key : ApiKey.values()) {
            if (handled.test(key)) {
                versions.add(new ApiVersionsResponse.ApiVersion(key.id, key.oldestVersion(), key.latestVersion()));
            }
        }
        return CompletableFuture.completedFuture(response(Errors.NONE, versions));
    }

    @Override
    public ApiVersionsResponse errorResponse(RequestContext context, ApiVersionsRequest request, Errors error) {
        return response(error, List.of());
    }

    private static ApiVersionsResponse response(Errors error, List<ApiVersionsResponse.ApiVersion> versions) {
        return new ApiVersionsResponse(error.code(), versions, 0, List.of(), -1L, List.of(), false);
    }
}
