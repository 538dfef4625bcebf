package io.sluice.core.handler;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.coordinator.metadata.BrokerEndpoint;
import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.coordinator.metadata.PartitionImage;
import io.sluice.coordinator.metadata.TopicImage;
import io.sluice.core.group.GroupConfig;
import io.sluice.core.group.OffsetsTopic;
import io.sluice.core.metadata.TopicAdmin;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.FindCoordinatorRequest;
import io.sluice.protocol.message.FindCoordinatorResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * FindCoordinator (v0-4; v4 batches keys): the coordinator of group G is the leader of {@code __consumer_offsets}
 * partition {@code abs(G.hashCode()) % partitions} (design doc 3.7), as the metadata image knows it. While the
 * topic does not exist it is created (compacted, offsets.topic.* settings) and the answer is
 * COORDINATOR_NOT_AVAILABLE, which clients retry. Sluice has no transactions: a transaction key gets
 * COORDINATOR_NOT_AVAILABLE with a message saying so; other key types are INVALID_REQUEST.
 *
 * <p>Thread-safe. Creating the topic writes ZooKeeper on the calling request-handler thread (once at a time).
 */
public final class FindCoordinatorHandler implements ApiHandler<FindCoordinatorRequest, FindCoordinatorResponse> {
    private static final Logger log = LogManager.getLogger(FindCoordinatorHandler.class);
    static final byte GROUP = 0;
    static final byte TRANSACTION = 1;

    private final Supplier<ClusterImage> images;
    private final Runnable createOffsetsTopic;
    private final AtomicBoolean creating = new AtomicBoolean();

    public FindCoordinatorHandler(TopicAdmin admin, GroupConfig config) {
        this(admin::image, () -> admin.createOffsetsTopic(config.offsetsTopicNumPartitions(),
            config.offsetsTopicReplicationFactor(), config.offsetsTopicSegmentBytes()));
    }

    /**
     * @param createOffsetsTopic creates {@code __consumer_offsets}; may throw an ApiException (TOPIC_ALREADY_EXISTS
     *                           when someone else was faster)
     */
    public FindCoordinatorHandler(Supplier<ClusterImage> images, Runnable createOffsetsTopic) {
        this.images = Objects.requireNonNull(images, "images");
        this.createOffsetsTopic = Objects.requireNonNull(createOffsetsTopic, "createOffsetsTopic");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.FIND_COORDINATOR;
    }

    /** A coordinator, or why there is none. */
    private record Found(Errors error, String message, int nodeId, String host, int port) {
        static Found error(Errors error, String message) {
            return new Found(error, message, -1, "", -1);
        }
    }

    @Override
    public CompletableFuture<FindCoordinatorResponse> handle(RequestContext context, FindCoordinatorRequest request) {
        short version = context.apiVersion();
        byte keyType = version >= 1 ? request.keyType() : GROUP;
        if (version >= 4) {
            List<FindCoordinatorResponse.Coordinator> coordinators = new ArrayList<>();
            for (String key : request.coordinatorKeys()) {
                Found f = find(context, keyType, key);
                coordinators.add(new FindCoordinatorResponse.Coordinator(key, f.nodeId(), f.host(), f.port(),
                    f.error().code(), f.message()));
            }
            return CompletableFuture.completedFuture(new FindCoordinatorResponse(0, coordinators, Errors.NONE.code(),
                null, -1, "", -1));
        }
        Found f = find(context, keyType, request.key());
        return CompletableFuture.completedFuture(new FindCoordinatorResponse(0, List.of(), f.error().code(),
            f.message(), f.nodeId(), f.host(), f.port()));
    }

    private Found find(RequestContext context, byte keyType, String key) {
        if (keyType == TRANSACTION) {
            return Found.error(Errors.COORDINATOR_NOT_AVAILABLE,
                "This broker does not support transactions, so there is no transaction coordinator.");
        }
        if (keyType != GROUP) {
            return Found.error(Errors.INVALID_REQUEST, "Unsupported coordinator key type " + keyType
                + " (only 0, consumer groups, is supported).");
        }
        if (key == null) {
            return Found.error(Errors.INVALID_REQUEST, "No group id given.");
        }
        ClusterImage image = images.get();
        Optional<TopicImage> topic = image.topic(OffsetsTopic.NAME);
        if (topic.isEmpty() || image.isPendingDeletion(OffsetsTopic.NAME)) {
            ensureOffsetsTopic();
            return Found.error(Errors.COORDINATOR_NOT_AVAILABLE,
                "The group coordinator is not available yet: " + OffsetsTopic.NAME + " is being created.");
        }
        int partition = OffsetsTopic.partitionFor(key, topic.get().partitionCount());
        int leader = topic.get().partition(partition).map(PartitionImage::leader).orElse(-1);
        if (leader < 0) {
            return Found.error(Errors.COORDINATOR_NOT_AVAILABLE,
                "Partition " + partition + " of " + OffsetsTopic.NAME + " has no leader.");
        }
        Optional<BrokerEndpoint> endpoint = image.broker(leader).flatMap(b -> b.endpoint(context.listenerName()));
        if (endpoint.isEmpty()) {
            return Found.error(Errors.COORDINATOR_NOT_AVAILABLE, "The coordinator (broker " + leader
                + ") has no endpoint for listener " + context.listenerName() + ".");
        }
        return new Found(Errors.NONE, null, leader, endpoint.get().host(), endpoint.get().port());
    }

    private void ensureOffsetsTopic() {
        if (!creating.compareAndSet(false, true)) {
            return;
        }
        try {
            createOffsetsTopic.run();
            log.info("Created {} for the group coordinator", OffsetsTopic.NAME);
        } catch (ApiException e) {
            if (e.error() != Errors.TOPIC_ALREADY_EXISTS) {
                log.warn("Could not create {}: {}", OffsetsTopic.NAME, e.getMessage());
            }
        } catch (RuntimeException e) {
            log.warn("Could not create {}", OffsetsTopic.NAME, e);
        } finally {
            creating.set(false);
        }
    }

    @Override
    public FindCoordinatorResponse errorResponse(RequestContext context, FindCoordinatorRequest request, Errors error) {
        if (context.apiVersion() >= 4) {
            return new FindCoordinatorResponse(0, request.coordinatorKeys().stream()
                .map(k -> new FindCoordinatorResponse.Coordinator(k, -1, "", -1, error.code(), error.message())).toList(),
                Errors.NONE.code(), null, -1, "", -1);
        }
        return new FindCoordinatorResponse(0, List.of(), error.code(), error.message(), -1, "", -1);
    }
}
