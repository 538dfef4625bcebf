package io.sluice.core.handler;

import io.sluice.common.Errors;
import io.sluice.core.group.GroupCoordinator;
import io.sluice.core.group.GroupResponses;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.HeartbeatRequest;
import io.sluice.protocol.message.HeartbeatResponse;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** Heartbeat (v0-4): keeps a member's session; REBALANCE_IN_PROGRESS asks it to rejoin (design doc 3.10). */
public final class HeartbeatHandler implements ApiHandler<HeartbeatRequest, HeartbeatResponse> {
    private final GroupCoordinator coordinator;

    public HeartbeatHandler(GroupCoordinator coordinator) {
        this.coordinator = Objects.requireNonNull(coordinator, "coordinator");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.HEARTBEAT;
    }

    @Override
    public CompletableFuture<HeartbeatResponse> handle(RequestContext context, HeartbeatRequest request) {
        return coordinator.heartbeat(context.apiVersion(), request);
    }

    @Override
    public HeartbeatResponse errorResponse(RequestContext context, HeartbeatRequest request, Errors error) {
        return GroupResponses.heartbeat(error);
    }
}
