package io.sluice.core.handler;

import io.sluice.common.Errors;
import io.sluice.common.Uuid;
import io.sluice.coordinator.metadata.BrokerEndpoint;
import io.sluice.coordinator.metadata.BrokerInfo;
import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.coordinator.metadata.PartitionImage;
import io.sluice.coordinator.metadata.PartitionState;
import io.sluice.coordinator.metadata.TopicImage;
import io.sluice.core.metadata.TopicAdmin;
import io.sluice.core.metadata.TopicAutoCreator;
import io.sluice.core.metadata.TopicAutoCreator.AutoCreation;
import io.sluice.core.metadata.TopicNames;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.MetadataRequest;
import io.sluice.protocol.message.MetadataResponse;
import io.sluice.protocol.message.MetadataResponse.Topic.Partition;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Metadata (versions 0-12): the live brokers, the controller and the requested topics' partitions, from the
 * current {@link ClusterImage}.
 *
 * <ul>
 *   <li>Which topics: v0 an empty list means all; v1+ null means all and empty means none. "All" leaves out
 *       topics marked for deletion. v12 may name a topic by id only (unknown id: UNKNOWN_TOPIC_ID).</li>
 *   <li>Brokers: every live broker that has an endpoint for the listener the request came in on, with that
 *       endpoint's advertised host and port.</li>
 *   <li>Partitions: leader (-1 and LEADER_NOT_AVAILABLE if none, or if it is not live), leader epoch, replicas,
 *       ISR, and offline replicas (replicas on brokers that are not live). v0 lists only live replicas and
 *       reports REPLICA_NOT_AVAILABLE when some are missing, as Kafka does.</li>
 *   <li>Unknown topics are created when the request allows it (the v4+ flag; implied before v4) and
 *       {@code auto.create.topics.enable} is on; they are reported as LEADER_NOT_AVAILABLE so the client retries.
 *       Otherwise UNKNOWN_TOPIC_OR_PARTITION. An illegal name gets INVALID_TOPIC_EXCEPTION.</li>
 * </ul>
 *
 * <p>Completes at once; the only I/O is the ZooKeeper write of an auto-created topic. Thread-safe.
 */
public final class MetadataHandler implements ApiHandler<MetadataRequest, MetadataResponse> {
    private final Supplier<ClusterImage> images;
    private final TopicAutoCreator autoCreator;

    public MetadataHandler(TopicAdmin admin) {
        this(admin::image, admin);
    }

    /**
     * @param images      the current metadata image (read once per request)
     * @param autoCreator creates unknown topics when a request allows it ({@link TopicAutoCreator#DISABLED}: never)
     */
    public MetadataHandler(Supplier<ClusterImage> images, TopicAutoCreator autoCreator) {
        this.images = Objects.requireNonNull(images, "images");
        this.autoCreator = Objects.requireNonNull(autoCreator, "autoCreator");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.METADATA;
    }

    @Override
    public CompletableFuture<MetadataResponse> handle(RequestContext context, MetadataRequest request) {
        short version = context.apiVersion();
        ClusterImage image = images.get();
        String listener = context.listenerName();
        boolean topicOps = version >= 8 && request.includeTopicAuthorizedOperations();
        List<MetadataResponse.Topic> topics = new ArrayList<>();
        boolean all = request.topics() == null || (version == 0 && request.topics().isEmpty());
        if (all) {
            for (TopicImage topic : image.topics().values()) {
                if (!image.isPendingDeletion(topic.name())) {
                    topics.add(describe(topic, image, listener, version, topicOps));
                }
            }
        } else {
            boolean allowAutoCreate = version < 4 || request.allowAutoTopicCreation();
            for (MetadataRequest.Topic requested : new LinkedHashSet<>(request.topics())) {
                topics.add(lookUp(requested, image, listener, version, allowAutoCreate, topicOps));
            }
        }
        boolean clusterOps = version >= 8 && version <= 10 && request.includeClusterAuthorizedOperations();
        return CompletableFuture.completedFuture(new MetadataResponse(0, brokers(image, listener),
            image.clusterId().orElse(null), image.controllerId(), topics, AuthorizedOperations.cluster(clusterOps)));
    }

    private MetadataResponse.Topic lookUp(MetadataRequest.Topic requested, ClusterImage image, String listener,
                                          short version, boolean allowAutoCreate, boolean topicOps) {
        String name = requested.name();
        Uuid id = requested.topicId() == null ? Uuid.ZERO : requested.topicId();
        // Kafka looks a topic up by id whenever the id is set; clients send the name as null or "" then.
        if (version >= 10 && !id.equals(Uuid.ZERO) && (name == null || name.isEmpty())) {
            return image.topic(id).filter(t -> !image.isPendingDeletion(t.name()))
                .map(t -> describe(t, image, listener, version, topicOps))
                .orElseGet(() -> error(Errors.UNKNOWN_TOPIC_ID, null, id, version));
        }
        if (name == null) {
            if (version >= 12 && !id.equals(Uuid.ZERO)) {
                return image.topic(id).filter(t -> !image.isPendingDeletion(t.name()))
                    .map(t -> describe(t, image, listener, version, topicOps))
                    .orElseGet(() -> error(Errors.UNKNOWN_TOPIC_ID, null, id, version));
            }
            return error(Errors.INVALID_REQUEST, null, id, version);
        }
        if (!TopicNames.isValid(name)) {
            return error(Errors.INVALID_TOPIC_EXCEPTION, name, Uuid.ZERO, version);
        }
        Optional<TopicImage> topic = image.topic(name);
        if (image.isPendingDeletion(name)) {
            return error(Errors.UNKNOWN_TOPIC_OR_PARTITION, name, Uuid.ZERO, version);
        }
        if (topic.isPresent()) {
            return describe(topic.get(), image, listener, version, topicOps);
        }
        if (!allowAutoCreate) {
            return error(Errors.UNKNOWN_TOPIC_OR_PARTITION, name, Uuid.ZERO, version);
        }
        AutoCreation outcome = autoCreator.autoCreate(name);
        if (outcome instanceof AutoCreation.Created created) {
            return new MetadataResponse.Topic(Errors.LEADER_NOT_AVAILABLE.code(), name, created.topicId(), false,
                List.of(), AuthorizedOperations.topic(topicOps));
        }
        return error(((AutoCreation.Refused) outcome).error(), name, Uuid.ZERO, version);
    }

    private static MetadataResponse.Topic describe(TopicImage topic, ClusterImage image, String listener, short version,
                                                   boolean topicOps) {
        List<Partition> partitions = new ArrayList<>(topic.partitionCount());
        for (Map.Entry<Integer, PartitionImage> e : topic.partitions().entrySet()) {
            partitions.add(partition(e.getKey(), e.getValue(), image, listener, version));
        }
        return new MetadataResponse.Topic(Errors.NONE.code(), topic.name(), topic.id(),
            TopicNames.isInternal(topic.name()), partitions, AuthorizedOperations.topic(topicOps));
    }

    private static Partition partition(int index, PartitionImage partition, ClusterImage image, String listener,
                                       short version) {
        Optional<PartitionState> state = partition.state();
        List<Integer> replicas = partition.replicas();
        List<Integer> isr = state.map(PartitionState::isr).orElse(List.of());
        List<Integer> offline = replicas.stream().filter(b -> !image.isLive(b)).toList();
        int leaderEpoch = state.map(PartitionState::leaderEpoch).orElse(-1);
        int leader = partition.leader();
        Errors error = Errors.NONE;
        if (leader < 0 || !image.isLive(leader)) {
            leader = PartitionState.NO_LEADER;
            error = Errors.LEADER_NOT_AVAILABLE;
        } else if (image.broker(leader).flatMap(b -> b.endpoint(listener)).isEmpty()) {
            // the leader is up but cannot be reached through this listener: tell newer clients why
            leader = PartitionState.NO_LEADER;
            error = version >= 6 ? Errors.LISTENER_NOT_FOUND : Errors.LEADER_NOT_AVAILABLE;
        }
        if (version == 0) {
            // v0 clients expect only reachable replicas, and an error when some are missing
            List<Integer> liveReplicas = replicas.stream().filter(image::isLive).toList();
            List<Integer> liveIsr = isr.stream().filter(image::isLive).toList();
            if (error == Errors.NONE && (liveReplicas.size() < replicas.size() || liveIsr.size() < isr.size())) {
                error = Errors.REPLICA_NOT_AVAILABLE;
            }
            replicas = liveReplicas;
            isr = liveIsr;
        }
        return new Partition(error.code(), index, leader, leaderEpoch, replicas, isr, offline);
    }

    private static MetadataResponse.Topic error(Errors error, String name, Uuid id, short version) {
        // before v12 the name is not nullable: an entry without a name is answered with ""
        String n = name == null && version < 12 ? "" : name;
        return new MetadataResponse.Topic(error.code(), n, id, false, List.of(), AuthorizedOperations.OMITTED);
    }

    /** Live brokers that have an endpoint for {@code listener}, ascending by id. */
    static List<MetadataResponse.Broker> brokers(ClusterImage image, String listener) {
        List<MetadataResponse.Broker> out = new ArrayList<>(image.brokers().size());
        for (BrokerInfo broker : image.brokers().values()) {
            Optional<BrokerEndpoint> endpoint = broker.endpoint(listener);
            endpoint.ifPresent(e -> out.add(
                new MetadataResponse.Broker(broker.id(), e.host(), e.port(), broker.rack().orElse(null))));
        }
        return out;
    }

    @Override
    public MetadataResponse errorResponse(RequestContext context, MetadataRequest request, Errors error) {
        short version = context.apiVersion();
        List<MetadataResponse.Topic> topics = new ArrayList<>();
        if (request.topics() != null) {
            Set<MetadataRequest.Topic> distinct = new LinkedHashSet<>(request.topics());
            for (MetadataRequest.Topic t : distinct) {
                topics.add(error(error, t.name(), t.topicId() == null ? Uuid.ZERO : t.topicId(), version));
            }
        }
        return new MetadataResponse(0, List.of(), null, ClusterImage.NO_CONTROLLER, topics, AuthorizedOperations.OMITTED);
    }
}
