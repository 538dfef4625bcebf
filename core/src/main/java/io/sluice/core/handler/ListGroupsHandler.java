package io.sluice.core.handler;

import io.sluice.common.Errors;
import io.sluice.core.group.GroupCoordinator;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.ListGroupsRequest;
import io.sluice.protocol.message.ListGroupsResponse;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * ListGroups (v0-5): the groups this broker coordinates, filtered by state (v4+) and type (v5+; all Sluice groups
 * are "classic"). Admin clients ask every broker and merge.
 */
public final class ListGroupsHandler implements ApiHandler<ListGroupsRequest, ListGroupsResponse> {
    private final GroupCoordinator coordinator;

    public ListGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = Objects.requireNonNull(coordinator, "coordinator");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.LIST_GROUPS;
    }

    @Override
    public CompletableFuture<ListGroupsResponse> handle(RequestContext context, ListGroupsRequest request) {
        short version = context.apiVersion();
        List<String> states = version >= 4 ? request.statesFilter() : List.of();
        List<String> types = version >= 5 ? request.typesFilter() : List.of();
        return coordinator.listGroups(states, types)
            .thenApply(listed -> new ListGroupsResponse(0, listed.error().code(), listed.groups()));
    }

    @Override
    public ListGroupsResponse errorResponse(RequestContext context, ListGroupsRequest request, Errors error) {
        return new ListGroupsResponse(0, error.code(), List.of());
    }
}
