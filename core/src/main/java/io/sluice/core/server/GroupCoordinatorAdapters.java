package io.sluice.core.server;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.coordinator.metadata.TopicImage;
import io.sluice.core.group.GroupConfig;
import io.sluice.core.group.OffsetsLeadershipListener;
import io.sluice.core.group.OffsetsTopic;
import io.sluice.core.group.PartitionReader;
import io.sluice.core.group.PartitionWriter;
import io.sluice.core.log.AppendOrigin;
import io.sluice.core.log.TopicPartition;
import io.sluice.core.replication.Partition;
import io.sluice.core.replication.ProduceResult;
import io.sluice.core.replication.ReplicaManager;
import io.sluice.record.MemoryRecords;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The group coordinator's small interfaces ({@code io.sluice.core.group}) implemented over the broker's
 * {@link ReplicaManager} and metadata image. Wiring only.
 */
public final class GroupCoordinatorAdapters {

    private GroupCoordinatorAdapters() {
    }

    /** Appends as leader of {@code __consumer_offsets} with acks=-1; fails if we no longer lead at that epoch. */
    public static PartitionWriter writer(ReplicaManager replicas) {
        return (partition, leaderEpoch, records, timeoutMs) -> {
            TopicPartition tp = new TopicPartition(OffsetsTopic.NAME, partition);
            Partition p = replicas.partition(tp).orElse(null);
            if (p == null || !p.isLeader() || p.leaderEpoch() != leaderEpoch) {
                return CompletableFuture.failedFuture(new ApiException(Errors.NOT_LEADER_OR_FOLLOWER,
                    "Broker " + replicas.brokerId() + " no longer leads " + tp + " at leader epoch " + leaderEpoch));
            }
            return replicas.appendRecords(timeoutMs, (short) -1, Map.of(tp, records), AppendOrigin.COORDINATOR)
                .thenApply(results -> {
                    ProduceResult r = results.get(tp);
                    if (r == null) {
                        throw new ApiException(Errors.UNKNOWN_SERVER_ERROR, "No append result for " + tp);
                    }
                    if (r.error() != Errors.NONE) {
                        throw new ApiException(r.error(), r.errorMessage());
                    }
                    return null;
                });
        };
    }

    /** Reads the local replica of {@code __consumer_offsets} up to its log end (the new leader's log is the truth). */
    public static PartitionReader reader(ReplicaManager replicas) {
        return new PartitionReader() {
            private Partition partition(int partition) {
                TopicPartition tp = new TopicPartition(OffsetsTopic.NAME, partition);
                return replicas.partition(tp).orElseThrow(() -> new ApiException(Errors.NOT_LEADER_OR_FOLLOWER,
                    "Broker " + replicas.brokerId() + " does not host " + tp));
            }

            @Override
            public long logStartOffset(int partition) {
                return partition(partition).log().logStartOffset();
            }

            @Override
            public long logEndOffset(int partition) {
                return partition(partition).log().logEndOffset();
            }

            @Override
            public MemoryRecords read(int partition, long offset, int maxBytes) {
                return partition(partition).log().read(offset, maxBytes, Long.MAX_VALUE, true).records().toMemoryRecords();
            }
        };
    }

    /**
     * Whether a topic partition exists in the image and its topic is not being deleted (commits for others are
     * refused, so no offset of a deleted topic is written after its offsets were dropped).
     */
    public static BiPredicate<String, Integer> partitionExists(Supplier<ClusterImage> images) {
        return (topic, partition) -> {
            ClusterImage image = images.get();
            return image.partition(topic, partition).isPresent() && !image.isPendingDeletion(topic);
        };
    }

    /**
     * The topics an image change deletes: those the new image marks for deletion, those of the old image the new
     * one does not have any more, and those re-created under the same name (another topic id).
     */
    public static Set<String> deletedTopics(ClusterImage before, ClusterImage after) {
        Set<String> deleted = new TreeSet<>(after.topicsPendingDeletion());
        for (TopicImage old : before.topics().values()) {
            Optional<TopicImage> now = after.topic(old.name());
            if (now.isEmpty() || !now.get().id().equals(old.id())) {
                deleted.add(old.name());
            }
        }
        deleted.remove(OffsetsTopic.NAME);
        return deleted;
    }

    /**
     * Tells the group coordinator which topics were deleted, after each applied image, so it drops their committed
     * offsets. Call {@link #onImageApplied} on the thread that applies images, in order. Thread-safe (synchronized).
     */
    public static final class TopicDeletions {
        private final Consumer<Set<String>> listener;
        private ClusterImage previous;
        private Set<String> reported = Set.of();

        /** @param listener gets the deleted topics (e.g. {@code GroupCoordinator::onTopicsDeleted}) */
        public TopicDeletions(ClusterImage first, Consumer<Set<String>> listener) {
            this.previous = Objects.requireNonNull(first, "first");
            this.listener = Objects.requireNonNull(listener, "listener");
            onImageApplied(first);
        }

        public synchronized void onImageApplied(ClusterImage image) {
            Set<String> deleted = deletedTopics(previous, image);
            previous = image;
            if (!deleted.equals(reported)) {
                reported = deleted;
                listener.accept(deleted);
            }
        }
    }

    /** Partitions of {@code __consumer_offsets}: of the topic if it exists, else offsets.topic.num.partitions. */
    public static IntSupplier offsetsPartitionCount(Supplier<ClusterImage> images, GroupConfig config) {
        return () -> images.get().topic(OffsetsTopic.NAME).map(TopicImage::partitionCount)
            .filter(n -> n > 0).orElse(config.offsetsTopicNumPartitions());
    }

    /**
     * Tells the group coordinator which {@code __consumer_offsets} partitions this broker leads, and at which epoch,
     * by comparing the replica manager's partitions with what it reported last. Call {@link #refresh()} after every
     * {@code ReplicaManager.applyImage} (and after a ZooKeeper session was restored), on the thread that applies
     * images. Thread-safe (synchronized).
     */
    public static final class OffsetsLeadership {
        private final ReplicaManager replicas;
        private final OffsetsLeadershipListener listener;
        /** Partition → leader epoch we reported leading at. */
        private final Map<Integer, Integer> led = new HashMap<>();

        public OffsetsLeadership(ReplicaManager replicas, OffsetsLeadershipListener listener) {
            this.replicas = Objects.requireNonNull(replicas, "replicas");
            this.listener = Objects.requireNonNull(listener, "listener");
        }

        public synchronized void refresh() {
            Map<Integer, Integer> now = new HashMap<>();
            for (Map.Entry<TopicPartition, Partition> e : replicas.partitions().entrySet()) {
                Partition p = e.getValue();
                if (e.getKey().topic().equals(OffsetsTopic.NAME) && p.isLeader() && p.fencedReason().isEmpty()) {
                    now.put(e.getKey().partition(), p.leaderEpoch());
                }
            }
            for (Map.Entry<Integer, Integer> e : now.entrySet()) {
                Integer before = led.get(e.getKey());
                if (before == null || !before.equals(e.getValue())) {
                    listener.onBecomeLeader(e.getKey(), e.getValue());
                }
            }
            for (Integer partition : led.keySet()) {
                if (!now.containsKey(partition)) {
                    listener.onResign(partition);
                }
            }
            led.clear();
            led.putAll(now);
        }
    }
}
