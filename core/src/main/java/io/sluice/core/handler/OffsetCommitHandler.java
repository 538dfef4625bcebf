package io.sluice.core.handler;

import io.sluice.common.Errors;
import io.sluice.core.group.GroupCoordinator;
import io.sluice.core.group.GroupResponses;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.OffsetCommitRequest;
import io.sluice.protocol.message.OffsetCommitResponse;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * OffsetCommit (v2-9): generation and member checks, then the offsets are appended to {@code __consumer_offsets}
 * and acknowledged once replicated (design doc 3.12).
 */
public final class OffsetCommitHandler implements ApiHandler<OffsetCommitRequest, OffsetCommitResponse> {
    private final GroupCoordinator coordinator;

    public OffsetCommitHandler(GroupCoordinator coordinator) {
        this.coordinator = Objects.requireNonNull(coordinator, "coordinator");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.OFFSET_COMMIT;
    }

    @Override
    public CompletableFuture<OffsetCommitResponse> handle(RequestContext context, OffsetCommitRequest request) {
        return coordinator.commitOffsets(context.apiVersion(), request);
    }

    @Override
    public OffsetCommitResponse errorResponse(RequestContext context, OffsetCommitRequest request, Errors error) {
        return GroupResponses.commitError(request, error);
    }
}
