package io.sluice.core.handler;

import io.sluice.common.Errors;
import io.sluice.core.group.GroupCoordinator;
import io.sluice.core.group.GroupResponses;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.SyncGroupRequest;
import io.sluice.protocol.message.SyncGroupResponse;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** SyncGroup (v0-5): the leader's assignment is stored, then each member gets its part (design doc 3.9). */
public final class SyncGroupHandler implements ApiHandler<SyncGroupRequest, SyncGroupResponse> {
    private final GroupCoordinator coordinator;

    public SyncGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = Objects.requireNonNull(coordinator, "coordinator");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.SYNC_GROUP;
    }

    @Override
    public CompletableFuture<SyncGroupResponse> handle(RequestContext context, SyncGroupRequest request) {
        return coordinator.syncGroup(context.apiVersion(), request);
    }

    @Override
    public SyncGroupResponse errorResponse(RequestContext context, SyncGroupRequest request, Errors error) {
        return GroupResponses.syncError(error);
    }
}
