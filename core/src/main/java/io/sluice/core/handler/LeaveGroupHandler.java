package io.sluice.core.handler;

import io.sluice.common.Errors;
import io.sluice.core.group.GroupCoordinator;
import io.sluice.core.group.GroupResponses;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.LeaveGroupRequest;
import io.sluice.protocol.message.LeaveGroupResponse;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * LeaveGroup (v0-5): removes members (one in v0-2, a batch with per-member errors from v3) and rebalances the
 * rest (design doc 3.11).
 */
public final class LeaveGroupHandler implements ApiHandler<LeaveGroupRequest, LeaveGroupResponse> {
    private final GroupCoordinator coordinator;

    public LeaveGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = Objects.requireNonNull(coordinator, "coordinator");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.LEAVE_GROUP;
    }

    @Override
    public CompletableFuture<LeaveGroupResponse> handle(RequestContext context, LeaveGroupRequest request) {
        return coordinator.leaveGroup(context.apiVersion(), request);
    }

    @Override
    public LeaveGroupResponse errorResponse(RequestContext context, LeaveGroupRequest request, Errors error) {
        return GroupResponses.leaveError(context.apiVersion(), error, request);
    }
}
