package io.sluice.core.handler;

import io.sluice.common.Errors;
import io.sluice.core.group.GroupCoordinator;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.DeleteGroupsRequest;
import io.sluice.protocol.message.DeleteGroupsResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * DeleteGroups (v0-2): deletes empty groups with their offsets (tombstones in {@code __consumer_offsets});
 * NON_EMPTY_GROUP while a group has members, GROUP_ID_NOT_FOUND for unknown groups.
 */
public final class DeleteGroupsHandler implements ApiHandler<DeleteGroupsRequest, DeleteGroupsResponse> {
    private final GroupCoordinator coordinator;

    public DeleteGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = Objects.requireNonNull(coordinator, "coordinator");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DELETE_GROUPS;
    }

    @Override
    public CompletableFuture<DeleteGroupsResponse> handle(RequestContext context, DeleteGroupsRequest request) {
        List<CompletableFuture<DeleteGroupsResponse.Result>> futures = new ArrayList<>();
        for (String groupId : request.groupsNames()) {
            futures.add(coordinator.deleteGroup(groupId));
        }
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).thenApply(v ->
            new DeleteGroupsResponse(0, futures.stream().map(CompletableFuture::join).toList()));
    }

    @Override
    public DeleteGroupsResponse errorResponse(RequestContext context, DeleteGroupsRequest request, Errors error) {
        return new DeleteGroupsResponse(0, request.groupsNames().stream()
            .map(g -> new DeleteGroupsResponse.Result(g, error.code())).toList());
    }
}
