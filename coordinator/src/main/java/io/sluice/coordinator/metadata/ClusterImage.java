package io.sluice.coordinator.metadata;

import io.sluice.common.Uuid;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An immutable snapshot of everything a broker needs to know about the cluster from ZooKeeper. Built by
 * {@link MetadataWatcher}; brokers read it without locks and swap to the next one when it changes.
 *
 * @param clusterId             content of {@code /cluster/id}, empty until the first broker creates it
 * @param brokers               live (registered) brokers by id
 * @param controllerId          broker id in {@code /controller}, or {@link #NO_CONTROLLER}
 * @param controllerEpoch       value of {@code /controller_epoch}, 0 before the first election
 * @param topics                topics by name (those with an assignment znode), including ones pending deletion
 * @param topicsPendingDeletion names under {@code /admin/delete_topics}
 * @param shuttingDownBrokers   ids under {@code /admin/controlled_shutdown}: brokers in a controlled shutdown
 *                              (the znodes are ephemeral, so a broker that died is no longer listed)
 * @param deletionConfirmations per topic pending deletion, the brokers that confirmed (under
 *                              {@code /admin/delete_topics/<topic>/<brokerId>}) having deleted their replicas, with
 *                              the topic id each confirmed
 * @param electionRequests      leader election requests under {@code /admin/elect_leaders}, by znode name
 */
public record ClusterImage(Optional<String> clusterId, Map<Integer, BrokerInfo> brokers, int controllerId,
                           int controllerEpoch, Map<String, TopicImage> topics, Set<String> topicsPendingDeletion,
                           Set<Integer> shuttingDownBrokers, Map<String, Map<Integer, Uuid>> deletionConfirmations,
                           Map<String, LeaderElectionRequest> electionRequests) {
    public static final int NO_CONTROLLER = -1;
    public static final ClusterImage EMPTY =
        new ClusterImage(Optional.empty(), Map.of(), NO_CONTROLLER, 0, Map.of(), Set.of());

    public ClusterImage {
        Objects.requireNonNull(clusterId, "clusterId");
        brokers = Collections.unmodifiableSortedMap(new TreeMap<>(brokers));
        topics = Collections.unmodifiableSortedMap(new TreeMap<>(topics));
        topicsPendingDeletion = Collections.unmodifiableSortedSet(new TreeSet<>(topicsPendingDeletion));
        shuttingDownBrokers = Collections.unmodifiableSortedSet(new TreeSet<>(shuttingDownBrokers));
        TreeMap<String, Map<Integer, Uuid>> confirmations = new TreeMap<>();
        deletionConfirmations.forEach((t, c) -> confirmations.put(t, Collections.unmodifiableSortedMap(new TreeMap<>(c))));
        deletionConfirmations = Collections.unmodifiableSortedMap(confirmations);
        electionRequests = Collections.unmodifiableSortedMap(new TreeMap<>(electionRequests));
    }

    /** An image without controlled shutdowns, deletion confirmations or election requests. */
    public ClusterImage(Optional<String> clusterId, Map<Integer, BrokerInfo> brokers, int controllerId,
                        int controllerEpoch, Map<String, TopicImage> topics, Set<String> topicsPendingDeletion) {
        this(clusterId, brokers, controllerId, controllerEpoch, topics, topicsPendingDeletion, Set.of(), Map.of(), Map.of());
    }

    public Optional<BrokerInfo> broker(int brokerId) {
        return Optional.ofNullable(brokers.get(brokerId));
    }

    public boolean isLive(int brokerId) {
        return brokers.containsKey(brokerId);
    }

    /** Ids of the registered brokers, ascending. */
    public SortedSet<Integer> liveBrokerIds() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(brokers.keySet()));
    }

    /** True if {@code brokerId} is registered and in a controlled shutdown. */
    public boolean isShuttingDown(int brokerId) {
        return shuttingDownBrokers.contains(brokerId) && brokers.containsKey(brokerId);
    }

    public boolean hasController() {
        return controllerId != NO_CONTROLLER;
    }

    public Optional<TopicImage> topic(String name) {
        return Optional.ofNullable(topics.get(name));
    }

    /** Linear in the number of topics; callers that look ids up per request should index once per image. */
    public Optional<TopicImage> topic(Uuid topicId) {
        return topics.values().stream().filter(t -> t.id().equals(topicId)).findFirst();
    }

    public Optional<PartitionImage> partition(String topic, int partition) {
        return topic(topic).flatMap(t -> t.partition(partition));
    }

    public Optional<PartitionImage> partition(PartitionRef ref) {
        return partition(ref.topic(), ref.partition());
    }

    public Optional<PartitionState> partitionState(String topic, int partition) {
        return partition(topic, partition).flatMap(PartitionImage::state);
    }

    /** The partition's leader, if it has a state with a leader. */
    public Optional<Integer> leader(String topic, int partition) {
        return partitionState(topic, partition).filter(PartitionState::hasLeader).map(PartitionState::leader);
    }

    public boolean isPendingDeletion(String topic) {
        return topicsPendingDeletion.contains(topic);
    }

    /** The brokers that confirmed deleting their replicas of {@code topic} with id {@code topicId}. */
    public Set<Integer> deletionConfirmedBy(String topic, Uuid topicId) {
        Map<Integer, Uuid> confirmations = deletionConfirmations.getOrDefault(topic, Map.of());
        Set<Integer> out = new TreeSet<>();
        confirmations.forEach((broker, id) -> {
            if (id.equals(topicId)) {
                out.add(broker);
            }
        });
        return Collections.unmodifiableSet(out);
    }

    public Optional<LeaderElectionRequest> electionRequest(String name) {
        return Optional.ofNullable(electionRequests.get(name));
    }
}
