package io.sluice.core.handler;

import io.sluice.common.Errors;
import io.sluice.coordinator.metadata.BrokerInfo;
import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.core.metadata.TopicAdmin;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.DescribeClusterRequest;
import io.sluice.protocol.message.DescribeClusterResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * DescribeCluster (versions 0-1): cluster id, controller and the live brokers with their endpoints for the
 * listener the request came in on. A broker answers {@code endpoint_type} 1 (brokers); 2 (controllers) is
 * MISMATCHED_ENDPOINT_TYPE and anything else UNSUPPORTED_ENDPOINT_TYPE. If the controller is not among the
 * listed brokers, its id is reported as -1. Completes at once; thread-safe.
 */
public final class DescribeClusterHandler implements ApiHandler<DescribeClusterRequest, DescribeClusterResponse> {
    static final byte BROKERS = 1;
    static final byte CONTROLLERS = 2;

    private final Supplier<ClusterImage> images;

    public DescribeClusterHandler(TopicAdmin admin) {
        this(admin::image);
    }

    public DescribeClusterHandler(Supplier<ClusterImage> images) {
        this.images = Objects.requireNonNull(images, "images");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DESCRIBE_CLUSTER;
    }

    @Override
    public CompletableFuture<DescribeClusterResponse> handle(RequestContext context, DescribeClusterRequest request) {
        byte endpointType = context.apiVersion() >= 1 ? request.endpointType() : BROKERS;
        if (endpointType == CONTROLLERS) {
            return CompletableFuture.completedFuture(error(endpointType, ApiError.of(Errors.MISMATCHED_ENDPOINT_TYPE,
                "The request was sent to a broker, but asked for controller endpoints (endpoint_type 2).")));
        }
        if (endpointType != BROKERS) {
            return CompletableFuture.completedFuture(error(endpointType, ApiError.of(Errors.UNSUPPORTED_ENDPOINT_TYPE,
                "Unsupported endpoint_type " + endpointType + "; brokers answer endpoint_type 1.")));
        }
        ClusterImage image = images.get();
        List<DescribeClusterResponse.Broker> brokers = new ArrayList<>();
        for (BrokerInfo b : image.brokers().values()) {
            b.endpoint(context.listenerName()).ifPresent(e ->
                brokers.add(new DescribeClusterResponse.Broker(b.id(), e.host(), e.port(), b.rack().orElse(null))));
        }
        int controllerId = brokers.stream().anyMatch(b -> b.brokerId() == image.controllerId())
            ? image.controllerId() : ClusterImage.NO_CONTROLLER;
        return CompletableFuture.completedFuture(new DescribeClusterResponse(0, Errors.NONE.code(), null, endpointType,
            image.clusterId().orElse(""), controllerId, brokers,
            AuthorizedOperations.cluster(request.includeClusterAuthorizedOperations())));
    }

    private static DescribeClusterResponse error(byte endpointType, ApiError error) {
        return new DescribeClusterResponse(0, error.code(), error.message(), endpointType, "",
            ClusterImage.NO_CONTROLLER, List.of(), AuthorizedOperations.OMITTED);
    }

    @Override
    public DescribeClusterResponse errorResponse(RequestContext context, DescribeClusterRequest request, Errors error) {
        byte endpointType = context.apiVersion() >= 1 ? request.endpointType() : BROKERS;
        return error(endpointType, ApiError.of(error));
    }
}
