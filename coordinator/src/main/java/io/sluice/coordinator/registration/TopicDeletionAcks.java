package io.sluice.coordinator.registration;

import io.sluice.common.Uuid;
import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.coordinator.metadata.PartitionImage;
import io.sluice.coordinator.metadata.TopicImage;
import io.sluice.coordinator.metadata.ZkJson;
import io.sluice.coordinator.zk.CoordinatorException;
import io.sluice.coordinator.zk.ZkPaths;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.zookeeper.KeeperException;

/**
 * This broker's part in deleting topics across the cluster (the controller's part is
 * io.sluice.coordinator.controller.TopicDeletionHook).
 *
 * <ul>
 *   <li><b>Confirm.</b> After the broker has applied an image, and so deleted its logs of every topic that image
 *       marks for deletion, {@link #onImageApplied} confirms each such topic it holds replicas of by creating
 *       {@code /admin/delete_topics/<topic>/<brokerId>} = {@code {"version":1,"topic_id":"<id>"}} (the id keeps a
 *       late confirmation from counting for a re-created topic of the same name). The controller removes the
 *       topic's znodes once every live replica broker has confirmed.</li>
 *   <li><b>Clean up after downtime.</b> A topic deleted while this broker was down is removed without its
 *       confirmation; the controller leaves {@code /admin/stray_replicas/<brokerId>/<topic>} instead. At start,
 *       before hosting any partition, the broker calls {@link #deleteStrayReplicas}: it deletes every local log of
 *       each such topic, then the record.</li>
 * </ul>
 *
 * <p>Thread-safety: {@link #onImageApplied} is non-blocking (background creates) and safe from any thread; the
 * stray-replica methods block on ZooKeeper and are meant for start-up.
 */
public final class TopicDeletionAcks {
    private static final Logger log = LogManager.getLogger(TopicDeletionAcks.class);

    private final CuratorFramework zk;
    private final int brokerId;
    /** Topic name -> id of the confirmations sent (or in flight). */
    private final Map<String, Uuid> confirmed = new ConcurrentHashMap<>();

    public TopicDeletionAcks(CuratorFramework zk, int brokerId) {
        this.zk = Objects.requireNonNull(zk, "zk");
        this.brokerId = brokerId;
        ZkPaths.strayReplicas(brokerId);
    }

    /**
     * Call after the broker applied {@code image} without error, i.e. after it deleted its logs of the topics the
     * image marks for deletion: confirms each of them this broker holds a replica of, once per topic id.
     */
    public void onImageApplied(ClusterImage image) {
        confirmed.keySet().retainAll(image.topicsPendingDeletion());
        for (String name : image.topicsPendingDeletion()) {
            TopicImage topic = image.topic(name).orElse(null);
            if (topic == null || !holdsReplica(topic) || topic.id().equals(confirmed.get(name))) {
                continue;
            }
            if (!image.deletionConfirmedBy(name, topic.id()).contains(brokerId)) {
                confirm(name, topic.id());
            }
        }
    }

    private boolean holdsReplica(TopicImage topic) {
        for (PartitionImage p : topic.partitions().values()) {
            if (p.replicas().contains(brokerId)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Confirms, in the background, that this broker deleted its replicas of {@code topic} (id {@code topicId}).
     * Only call it once the logs are gone. A missing marker (the deletion finished) is fine.
     */
    public void confirm(String topic, Uuid topicId) {
        String path = ZkPaths.deleteTopicConfirmation(topic, brokerId);
        confirmed.put(topic, topicId);
        try {
            zk.create().inBackground((client, event) -> {
                int rc = event.getResultCode();
                if (rc == KeeperException.Code.OK.intValue()) {
                    log.info("Broker {} confirmed the deletion of its replicas of topic {} (id {})", brokerId, topic, topicId);
                } else if (rc != KeeperException.Code.NODEEXISTS.intValue() && rc != KeeperException.Code.NONODE.intValue()) {
                    log.warn("Broker {} could not confirm the deletion of topic {} ({}); will retry with the next image",
                        brokerId, topic, KeeperException.Code.get(rc));
                    confirmed.remove(topic, topicId);
                }
            }).forPath(path, ZkJson.encodeTopicIdRecord(topicId));
        } catch (Exception e) {
            confirmed.remove(topic, topicId);
            log.warn("Broker {} could not confirm the deletion of topic {}: {}", brokerId, topic, e.toString());
        }
    }

    /** The topics deleted while this broker was down that it still holds logs of, with their ids. Blocking. */
    public Map<String, Uuid> strayReplicaRecords() {
        String dir = ZkPaths.strayReplicas(brokerId);
        Map<String, Uuid> out = new TreeMap<>();
        try {
            for (String topic : zk.getChildren().forPath(dir)) {
                String path = ZkPaths.strayReplica(brokerId, topic);
                try {
                    out.put(topic, ZkJson.decodeTopicIdRecord(path, zk.getData().forPath(path)));
                } catch (KeeperException.NoNodeException raced) {
                    // cleared meanwhile
                }
            }
        } catch (KeeperException.NoNodeException none) {
            return out;
        } catch (Exception e) {
            throw CoordinatorException.wrap("Could not read " + dir, e);
        }
        return out;
    }

    /** Deletes the record of {@code topic}, once its local logs are gone. Blocking. */
    public void clearStrayReplicaRecord(String topic) {
        String path = ZkPaths.strayReplica(brokerId, topic);
        try {
            zk.delete().forPath(path);
        } catch (KeeperException.NoNodeException gone) {
            // fine
        } catch (Exception e) {
            throw CoordinatorException.wrap("Could not delete " + path, e);
        }
    }

    /**
     * Start-up: for each topic deleted while this broker was down, calls {@code deleteLocalLogs} with the topic's
     * name (it must delete every local log of that topic and throw if it cannot), then clears the record. Call
     * before the broker hosts any partition (before it applies its first image), so that a topic re-created
     * under the same name never sees the old data.
     *
     * @return the topics whose logs were deleted
     */
    public Set<String> deleteStrayReplicas(Consumer<String> deleteLocalLogs) {
        Map<String, Uuid> records = strayReplicaRecords();
        for (Map.Entry<String, Uuid> e : records.entrySet()) {
            log.info("Broker {} deletes its logs of topic {} (id {}), which was deleted while it was down", brokerId,
                e.getKey(), e.getValue());
            deleteLocalLogs.accept(e.getKey());
            clearStrayReplicaRecord(e.getKey());
        }
        return records.keySet();
    }
}
