package io.sluice.core.handler;

import io.sluice.common.Errors;
import io.sluice.core.group.GroupCoordinator;
import io.sluice.core.group.GroupResponses;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.JoinGroupRequest;
import io.sluice.protocol.message.JoinGroupResponse;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * JoinGroup (v0-9): handed to the group coordinator with the client's id and address; the response usually
 * completes when the group's join phase ends (design doc 3.8). Thread-safe.
 */
public final class JoinGroupHandler implements ApiHandler<JoinGroupRequest, JoinGroupResponse> {
    private final GroupCoordinator coordinator;

    public JoinGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = Objects.requireNonNull(coordinator, "coordinator");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.JOIN_GROUP;
    }

    @Override
    public CompletableFuture<JoinGroupResponse> handle(RequestContext context, JoinGroupRequest request) {
        return coordinator.joinGroup(context.apiVersion(), context.clientId(), clientHost(context), request);
    }

    /** Kafka reports a member's host as its address with a leading '/' (tools show it that way). */
    static String clientHost(RequestContext context) {
        String host = context.connection().clientHost();
        return host == null ? "" : host.startsWith("/") ? host : "/" + host;
    }

    @Override
    public JoinGroupResponse errorResponse(RequestContext context, JoinGroupRequest request, Errors error) {
        return GroupResponses.joinError(context.apiVersion(), error, request);
    }
}
