package io.sluice.core.handler;

import io.sluice.common.Errors;
import io.sluice.core.group.GroupCoordinator;
import io.sluice.core.group.GroupResponses;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.DescribeGroupsRequest;
import io.sluice.protocol.message.DescribeGroupsResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeGroups (v0-5): each group's state, protocol and members (with metadata and assignment when Stable);
 * an unknown group is reported as Dead without members, as Kafka does up to v5.
 */
public final class DescribeGroupsHandler implements ApiHandler<DescribeGroupsRequest, DescribeGroupsResponse> {
    /** READ, DELETE, DESCRIBE: every operation on a group (there is no authorizer). */
    static final int ALL_GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8);

    private final GroupCoordinator coordinator;

    public DescribeGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = Objects.requireNonNull(coordinator, "coordinator");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DESCRIBE_GROUPS;
    }

    @Override
    public CompletableFuture<DescribeGroupsResponse> handle(RequestContext context, DescribeGroupsRequest request) {
        boolean withOperations = context.apiVersion() >= 3 && request.includeAuthorizedOperations();
        List<CompletableFuture<DescribeGroupsResponse.Group>> futures = new ArrayList<>();
        for (String groupId : request.groups()) {
            futures.add(coordinator.describeGroup(groupId));
        }
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<DescribeGroupsResponse.Group> groups = new ArrayList<>();
            for (CompletableFuture<DescribeGroupsResponse.Group> f : futures) {
                DescribeGroupsResponse.Group g = f.join();
                int operations = withOperations && g.errorCode() == Errors.NONE.code()
                    ? ALL_GROUP_OPERATIONS : Integer.MIN_VALUE;
                groups.add(new DescribeGroupsResponse.Group(g.errorCode(), g.groupId(), g.groupState(),
                    g.protocolType(), g.protocolData(), g.members(), operations));
            }
            return new DescribeGroupsResponse(0, groups);
        });
    }

    @Override
    public DescribeGroupsResponse errorResponse(RequestContext context, DescribeGroupsRequest request, Errors error) {
        return new DescribeGroupsResponse(0, request.groups().stream()
            .map(g -> GroupResponses.describeError(g, error)).toList());
    }
}
