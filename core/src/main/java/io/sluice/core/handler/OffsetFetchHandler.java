package io.sluice.core.handler;

import io.sluice.common.Errors;
import io.sluice.core.group.GroupCoordinator;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.OffsetFetchRequest;
import io.sluice.protocol.message.OffsetFetchResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * OffsetFetch (v1-9): committed offsets of the given partitions, or of all (null topics, v2+); one group in v1-7,
 * a batch of groups from v8. Partitions without a commit, and unknown groups, report offset -1 and NONE
 * (design doc 3.12). Without transactions there are never unstable offsets, so require_stable changes nothing.
 */
public final class OffsetFetchHandler implements ApiHandler<OffsetFetchRequest, OffsetFetchResponse> {
    private final GroupCoordinator coordinator;

    public OffsetFetchHandler(GroupCoordinator coordinator) {
        this.coordinator = Objects.requireNonNull(coordinator, "coordinator");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.OFFSET_FETCH;
    }

    @Override
    public CompletableFuture<OffsetFetchResponse> handle(RequestContext context, OffsetFetchRequest request) {
        short version = context.apiVersion();
        if (version >= 8) {
            List<CompletableFuture<OffsetFetchResponse.Group>> futures = new ArrayList<>();
            for (OffsetFetchRequest.Group g : request.groups()) {
                futures.add(coordinator.fetchOffsets(g.groupId(), g.topics()));
            }
            return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).thenApply(v ->
                new OffsetFetchResponse(0, futures.stream().map(CompletableFuture::join).toList(), List.of(),
                    Errors.NONE.code()));
        }
        List<OffsetFetchRequest.Group.Topic> topics = request.topics() == null ? null
            : request.topics().stream().map(t -> new OffsetFetchRequest.Group.Topic(t.name(), t.partitionIndexes()))
                .toList();
        return coordinator.fetchOffsets(request.groupId(), topics).thenApply(group -> singleGroup(version, request, group));
    }

    /** A v1-7 response from the group's part: group errors go to the top level (v2+) or every partition (v1). */
    private static OffsetFetchResponse singleGroup(short version, OffsetFetchRequest request,
                                                   OffsetFetchResponse.Group group) {
        if (group.errorCode() != Errors.NONE.code()) {
            return errorResponse(version, request, Errors.forCode(group.errorCode()));
        }
        List<OffsetFetchResponse.Topic> topics = new ArrayList<>();
        for (OffsetFetchResponse.Group.Topic t : group.topics()) {
            topics.add(new OffsetFetchResponse.Topic(t.name(), t.partitions().stream()
                .map(p -> new OffsetFetchResponse.Topic.Partition(p.partitionIndex(), p.committedOffset(),
                    p.committedLeaderEpoch(), p.metadata() == null ? "" : p.metadata(), p.errorCode()))
                .toList()));
        }
        return new OffsetFetchResponse(0, List.of(), topics, Errors.NONE.code());
    }

    @Override
    public OffsetFetchResponse errorResponse(RequestContext context, OffsetFetchRequest request, Errors error) {
        return errorResponse(context.apiVersion(), request, error);
    }

    private static OffsetFetchResponse errorResponse(short version, OffsetFetchRequest request, Errors error) {
        if (version >= 8) {
            return new OffsetFetchResponse(0, request.groups().stream()
                .map(g -> new OffsetFetchResponse.Group(g.groupId(), List.of(), error.code())).toList(), List.of(),
                Errors.NONE.code());
        }
        if (version >= 2) {
            return new OffsetFetchResponse(0, List.of(), List.of(), error.code());
        }
        List<OffsetFetchResponse.Topic> topics = new ArrayList<>();
        if (request.topics() != null) {
            for (OffsetFetchRequest.Topic t : request.topics()) {
                topics.add(new OffsetFetchResponse.Topic(t.name(), t.partitionIndexes().stream()
                    .map(p -> new OffsetFetchResponse.Topic.Partition(p, -1, -1, "", error.code())).toList()));
            }
        }
        return new OffsetFetchResponse(0, List.of(), topics, error.code());
    }
}
