package io.sluice.core.handler;

import io.sluice.common.Errors;
import io.sluice.core.group.GroupCoordinator;
import io.sluice.core.group.GroupResponses;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.OffsetDeleteRequest;
import io.sluice.protocol.message.OffsetDeleteResponse;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * OffsetDelete (v0): deletes committed offsets of an empty group, or of topics a consumer group does not
 * subscribe to (GROUP_SUBSCRIBED_TO_TOPIC otherwise).
 */
public final class OffsetDeleteHandler implements ApiHandler<OffsetDeleteRequest, OffsetDeleteResponse> {
    private final GroupCoordinator coordinator;

    public OffsetDeleteHandler(GroupCoordinator coordinator) {
        this.coordinator = Objects.requireNonNull(coordinator, "coordinator");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.OFFSET_DELETE;
    }

    @Override
    public CompletableFuture<OffsetDeleteResponse> handle(RequestContext context, OffsetDeleteRequest request) {
        return coordinator.deleteOffsets(request);
    }

    @Override
    public OffsetDeleteResponse errorResponse(RequestContext context, OffsetDeleteRequest request, Errors error) {
        return GroupResponses.deleteOffsetsError(error);
    }
}
