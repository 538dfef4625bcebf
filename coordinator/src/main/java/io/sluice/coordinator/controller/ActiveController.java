package io.sluice.coordinator.controller;

import io.sluice.common.Uuid;
import io.sluice.coordinator.metadata.BrokerInfo;
import io.sluice.coordinator.metadata.CasResult;
import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.coordinator.metadata.MetadataWatcher;
import io.sluice.coordinator.metadata.PartitionImage;
import io.sluice.coordinator.metadata.PartitionState;
import io.sluice.coordinator.metadata.TopicImage;
import io.sluice.coordinator.metadata.ZkJson;
import io.sluice.coordinator.zk.CoordinatorException;
import io.sluice.coordinator.zk.ZkPaths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.zookeeper.KeeperException;

/**
 * The controller's work for one term (one controller epoch), as a single-threaded event loop.
 *
 * <p><b>Input.</b> The {@link MetadataWatcher}'s images: the watcher's listener only records the newest image and
 * enqueues a {@link ControllerEvent.MetadataChanged} (at most one queued at a time). Every broker keeps that
 * image warm, so a new controller starts from memory instead of reading every znode serially (failure mode 1
 * of the design doc); the image is a complete read of the state, kept current by watches.
 *
 * <p><b>Work: reconcile ZooKeeper with the image,</b> level-triggered and idempotent:
 * <ul>
 *   <li>every partition of every topic (not being deleted) without a state znode (new topics, added
 *       partitions) gets one: {@link LeaderElection#initialState};</li>
 *   <li>every partition whose leader is not live, or whose ISR names a dead broker, gets a new state:
 *       {@link LeaderElection#onLiveBrokersChanged} (new leader from the live ISR, epoch + 1, offline when no
 *       ISR member lives and {@code unclean.leader.election.enable} is off). A broker whose epoch changed
 *       between two images (it restarted in between) counts as dead for that round, as in Kafka;</li>
 *   <li>every topic under {@code /admin/delete_topics}: after the {@link TopicDeletionHook} completes,
 *       {@code /brokers/topics/<t>} (recursively), {@code /config/topics/<t>} and the marker are deleted.</li>
 * </ul>
 * Every write goes through the {@link FencedZkWriter}, so it carries the epoch check, and every partition-state
 * update is also conditional on the version the decision was based on. Because the image may lag behind our own
 * writes, the versions we produced are remembered and a partition is not decided again until the image shows
 * that version; a write that loses a race (stale version, node exists) is simply decided again from the next
 * image. A failed epoch check ends the term: {@code onFenced} is called and the loop stops. Other ZooKeeper
 * trouble schedules a retry.
 *
 * <p>TODO(#5): send LeaderAndIsr/UpdateMetadata/StopReplica to brokers; batch partition-state writes into
 * chunked multi-ops for fast failover of many partitions; controlled shutdown; reassignment.
 *
 * <p>Thread-safety: all fields marked "controller thread only" are touched only on {@code controllerThread}.
 * Reads of ZooKeeper here block that thread (Kafka's ZooKeeper-mode controller did the same); they are few per
 * event.
 */
public final class ActiveController {
    private static final Logger log = LogManager.getLogger(ActiveController.class);
    private static final Logger stateChangeLog = LogManager.getLogger("state.change");
    /** Operations per transaction, well inside jute.maxbuffer for our small znodes. */
    static final int MAX_OPS_PER_TRANSACTION = 200;
    static final String UNCLEAN_LEADER_ELECTION = "unclean.leader.election.enable";
    private static final long RETRY_BACKOFF_MS = 500;

    private final int brokerId;
    private final CuratorFramework zk;
    private final FencedZkWriter writer;
    private final MetadataWatcher watcher;
    private final ScheduledExecutorService controllerThread;
    private final TopicDeletionHook deletionHook;
    private final Consumer<ControllerMovedException> onFenced;

    private final AtomicBoolean imageEventQueued = new AtomicBoolean();
    private volatile ClusterImage latestImage;

    // controller thread only
    private boolean active;
    private MetadataWatcher.ListenerRegistration registration;
    private boolean retryScheduled;
    private final Map<PartitionKey, Integer> writtenVersions = new HashMap<>();
    private final Map<Integer, Long> knownBrokerEpochs = new HashMap<>();
    private final Set<String> deletionsAwaitingReplicas = new HashSet<>();
    private final Map<String, Uuid> deletedTopics = new HashMap<>();

    private record PartitionKey(String topic, int partition) {
    }

    ActiveController(int brokerId, CuratorFramework zk, FencedZkWriter writer, MetadataWatcher watcher,
                     ScheduledExecutorService controllerThread, TopicDeletionHook deletionHook,
                     Consumer<ControllerMovedException> onFenced) {
        this.brokerId = brokerId;
        this.zk = Objects.requireNonNull(zk, "zk");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.watcher = Objects.requireNonNull(watcher, "watcher");
        this.controllerThread = Objects.requireNonNull(controllerThread, "controllerThread");
        this.deletionHook = Objects.requireNonNull(deletionHook, "deletionHook");
        this.onFenced = Objects.requireNonNull(onFenced, "onFenced");
    }

    public ControllerEpoch epoch() {
        return writer.epoch();
    }

    FencedZkWriter writer() {
        return writer;
    }

    /** Controller thread: start the term. */
    void activate() {
        active = true;
        latestImage = watcher.current();
        registration = watcher.addListener(this::onImage);
        enqueue(new ControllerEvent.Activated());
    }

    /** Controller thread: end the term; queued events are dropped. */
    void deactivate() {
        active = false;
        if (registration != null) {
            registration.close();
            registration = null;
        }
    }

    /** Watcher thread: remember the newest image and make sure one MetadataChanged is queued. */
    private void onImage(ClusterImage image) {
        latestImage = image;
        if (imageEventQueued.compareAndSet(false, true)) {
            enqueue(new ControllerEvent.MetadataChanged());
        }
    }

    private void enqueue(ControllerEvent event) {
        try {
            controllerThread.execute(() -> process(event));
        } catch (RejectedExecutionException e) {
            log.debug("Controller thread stopped; dropping {}", event);
        }
    }

    // ---- controller thread ------------------------------------------------------------------------------------

    private void process(ControllerEvent event) {
        if (!active) {
            return;
        }
        try {
            if (event instanceof ControllerEvent.Activated) {
                log.info("Controller {} (epoch {}) reconciling the full cluster state", brokerId, writer.epoch().epoch());
                reconcile();
            } else if (event instanceof ControllerEvent.MetadataChanged) {
                imageEventQueued.set(false);          // images arriving from now on queue another event
                reconcile();
            } else if (event instanceof ControllerEvent.RetryRequested) {
                retryScheduled = false;
                reconcile();
            } else if (event instanceof ControllerEvent.TopicReplicasDeleted deleted) {
                onReplicasDeleted(deleted);
            } else {
                throw new IllegalStateException("Unhandled controller event " + event);
            }
        } catch (ControllerMovedException e) {
            log.warn("Controller {} was fenced: {}", brokerId, e.getMessage());
            deactivate();
            onFenced.accept(e);
        } catch (CoordinatorException e) {
            log.warn("Controller {} could not finish {}: {}; retrying in {} ms", brokerId,
                event.getClass().getSimpleName(), e.getMessage(), RETRY_BACKOFF_MS);
            scheduleRetry(e.getMessage());
        } catch (RuntimeException e) {
            // A bug or bad data; the executor would swallow it silently, so say so loudly and try again later.
            log.error("Controller {} failed processing {}; retrying in {} ms", brokerId, event, RETRY_BACKOFF_MS, e);
            scheduleRetry(e.toString());
        }
    }

    private void scheduleRetry(String reason) {
        if (retryScheduled || !active) {
            return;
        }
        retryScheduled = true;
        try {
            controllerThread.schedule(() -> process(new ControllerEvent.RetryRequested(reason)),
                RETRY_BACKOFF_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            retryScheduled = false;
        }
    }

    private void reconcile() {
        ClusterImage image = latestImage;
        if (image == null) {
            return;
        }
        forgetConfirmedWrites(image);
        deletedTopics.keySet().retainAll(image.topicsPendingDeletion());
        Set<Integer> live = image.liveBrokerIds();
        Set<Integer> eligible = new HashSet<>(live);
        eligible.removeAll(bouncedBrokers(image));

        for (String topic : image.topicsPendingDeletion()) {
            startDeletion(topic, image);
        }
        for (TopicImage topic : image.topics().values()) {
            if (image.isPendingDeletion(topic.name())) {
                continue;
            }
            createMissingStates(topic, live);
            electLeaders(topic, eligible);
        }
    }

    /** Drops remembered writes the image now reflects (or that no longer matter). */
    private void forgetConfirmedWrites(ClusterImage image) {
        writtenVersions.entrySet().removeIf(e -> {
            Optional<PartitionImage> partition = image.partition(e.getKey().topic(), e.getKey().partition());
            if (partition.isEmpty()) {
                return true;
            }
            return partition.get().state().map(s -> s.zkVersion() >= e.getValue()).orElse(false);
        });
    }

    private Set<Integer> bouncedBrokers(ClusterImage image) {
        Set<Integer> bounced = new HashSet<>();
        for (BrokerInfo broker : image.brokers().values()) {
            Long previous = knownBrokerEpochs.get(broker.id());
            if (previous != null && previous != broker.brokerEpoch()) {
                bounced.add(broker.id());
            }
        }
        knownBrokerEpochs.clear();
        image.brokers().values().forEach(b -> knownBrokerEpochs.put(b.id(), b.brokerEpoch()));
        if (!bounced.isEmpty()) {
            log.info("Brokers {} re-registered with a new broker epoch; moving leadership off their old incarnation", bounced);
        }
        return bounced;
    }

    // ---- new partitions ---------------------------------------------------------------------------------------

    private void createMissingStates(TopicImage topic, Set<Integer> live) {
        List<Integer> missing = new ArrayList<>();
        topic.partitions().forEach((p, image) -> {
            if (image.state().isEmpty() && !writtenVersions.containsKey(new PartitionKey(topic.name(), p))) {
                missing.add(p);
            }
        });
        if (missing.isEmpty()) {
            return;
        }
        String partitionsPath = ZkPaths.topicPartitions(topic.name());
        Optional<List<String>> existingDirs = children(partitionsPath);
        int controllerEpoch = writer.epoch().epoch();

        // Parents before children; a state create is tagged with its partition so each chunk can be recorded.
        List<CuratorOp> ops = new ArrayList<>();
        List<Integer> stateOf = new ArrayList<>();
        Map<Integer, PartitionState> decided = new HashMap<>();
        try {
            if (existingDirs.isEmpty()) {
                ops.add(writer.op().create().forPath(partitionsPath, new byte[0]));
                stateOf.add(null);
            }
            for (int p : missing) {
                if (existingDirs.map(dirs -> !dirs.contains(Integer.toString(p))).orElse(true)) {
                    ops.add(writer.op().create().forPath(ZkPaths.partition(topic.name(), p), new byte[0]));
                    stateOf.add(null);
                }
                PartitionState initial = LeaderElection.initialState(topic.partitions().get(p).replicas(), live, controllerEpoch);
                decided.put(p, initial);
                ops.add(writer.op().create().forPath(ZkPaths.partitionState(topic.name(), p), ZkJson.encodePartitionState(initial)));
                stateOf.add(p);
            }
        } catch (Exception e) {
            throw CoordinatorException.wrap("Could not prepare partition states of " + topic.name(), e);
        }

        int chunk = MAX_OPS_PER_TRANSACTION - 1;          // one slot for the topic-exists check
        for (int from = 0; from < ops.size(); from += chunk) {
            int to = Math.min(ops.size(), from + chunk);
            List<CuratorOp> txn = new ArrayList<>();
            try {
                txn.add(writer.op().check().forPath(ZkPaths.topic(topic.name())));   // the topic was not deleted meanwhile
            } catch (Exception e) {
                throw CoordinatorException.wrap("Could not prepare partition states of " + topic.name(), e);
            }
            txn.addAll(ops.subList(from, to));
            FencedZkWriter.Outcome outcome = writer.write(txn);
            if (outcome instanceof FencedZkWriter.Outcome.Conflict conflict) {
                log.info("Creating partition state for {} conflicted ({} at operation {}); will re-read and retry",
                    topic.name(), conflict.code(), conflict.index());
                scheduleRetry("partition state creation conflict for " + topic.name());
                return;
            }
            for (Integer p : stateOf.subList(from, to)) {
                if (p != null) {
                    writtenVersions.put(new PartitionKey(topic.name(), p), 0);
                    PartitionState s = decided.get(p);
                    stateChangeLog.info("Controller {} epoch {} created state of new partition {}-{}: leader {}, leader epoch {}, ISR {}",
                        brokerId, controllerEpoch, topic.name(), p, s.leader(), s.leaderEpoch(), s.isr());
                }
            }
        }
    }

    // ---- leader failover --------------------------------------------------------------------------------------

    private void electLeaders(TopicImage topic, Set<Integer> eligible) {
        boolean unclean = topic.booleanConfig(UNCLEAN_LEADER_ELECTION, false);
        int controllerEpoch = writer.epoch().epoch();
        topic.partitions().forEach((p, image) -> {
            if (image.state().isEmpty() || writtenVersions.containsKey(new PartitionKey(topic.name(), p))) {
                return;
            }
            PartitionState current = image.state().get();
            Optional<PartitionState> next =
                LeaderElection.onLiveBrokersChanged(current, image.replicas(), eligible, unclean, controllerEpoch);
            if (next.isEmpty()) {
                return;
            }
            CasResult result = writer.writePartitionState(topic.name(), p, next.get(), current.zkVersion());
            if (result instanceof CasResult.Written written) {
                writtenVersions.put(new PartitionKey(topic.name(), p), written.newZkVersion());
                PartitionState s = next.get();
                stateChangeLog.info("Controller {} epoch {} changed {}-{}: leader {} -> {}, leader epoch {} -> {}, ISR {} -> {}{}",
                    brokerId, controllerEpoch, topic.name(), p, current.leader(), s.leader(), current.leaderEpoch(),
                    s.leaderEpoch(), current.isr(), s.isr(), s.hasLeader() ? "" : " (partition offline)");
            } else {
                log.debug("Partition {}-{} changed before our write ({}); deciding again from the next image",
                    topic.name(), p, result);
            }
        });
    }

    // ---- topic deletion ---------------------------------------------------------------------------------------

    private void startDeletion(String topic, ClusterImage image) {
        Optional<TopicImage> topicImage = image.topic(topic);
        Uuid id = topicImage.map(TopicImage::id).orElse(Uuid.ZERO);
        if (id.equals(deletedTopics.get(topic)) || deletionsAwaitingReplicas.contains(topic)) {
            return;                       // done already (image lagging), or waiting for the hook
        }
        if (topicImage.isEmpty()) {
            deleteTopicZnodes(topic, id);  // only a marker (and maybe a config) left
            return;
        }
        log.info("Controller {} deleting topic {} (id {})", brokerId, topic, id);
        deletionsAwaitingReplicas.add(topic);
        CompletionStage<Void> stage;
        try {
            stage = deletionHook.deleteReplicas(topicImage.get());
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((ignored, error) -> enqueue(new ControllerEvent.TopicReplicasDeleted(topic, id, error)));
    }

    private void onReplicasDeleted(ControllerEvent.TopicReplicasDeleted event) {
        deletionsAwaitingReplicas.remove(event.topic());
        if (event.error() != null) {
            log.warn("Replicas of topic {} were not all deleted ({}); retrying", event.topic(), event.error().toString());
            scheduleRetry("replica deletion of " + event.topic());
            return;
        }
        ClusterImage image = latestImage;
        if (image == null || !image.isPendingDeletion(event.topic())) {
            return;
        }
        Uuid current = image.topic(event.topic()).map(TopicImage::id).orElse(Uuid.ZERO);
        if (!current.equals(event.topicId())) {
            scheduleRetry("topic " + event.topic() + " changed during deletion");
            return;
        }
        deleteTopicZnodes(event.topic(), event.topicId());
    }

    private void deleteTopicZnodes(String topic, Uuid id) {
        List<String> paths = new ArrayList<>();
        collectBottomUp(ZkPaths.topic(topic), paths);
        collectBottomUp(ZkPaths.topicConfig(topic), paths);
        collectBottomUp(ZkPaths.deleteTopicMarker(topic), paths);     // last: the deletion is done when it goes
        for (int from = 0; from < paths.size(); from += MAX_OPS_PER_TRANSACTION) {
            List<CuratorOp> ops = new ArrayList<>();
            try {
                for (String path : paths.subList(from, Math.min(paths.size(), from + MAX_OPS_PER_TRANSACTION))) {
                    ops.add(writer.op().delete().forPath(path));
                }
            } catch (Exception e) {
                throw CoordinatorException.wrap("Could not prepare the deletion of topic " + topic, e);
            }
            if (writer.write(ops) instanceof FencedZkWriter.Outcome.Conflict conflict) {
                log.info("Deleting topic {} conflicted ({} at operation {}); retrying", topic, conflict.code(), conflict.index());
                scheduleRetry("deletion conflict for " + topic);
                return;
            }
        }
        deletedTopics.put(topic, id);
        writtenVersions.keySet().removeIf(k -> k.topic().equals(topic));
        stateChangeLog.info("Controller {} epoch {} deleted topic {} (id {})", brokerId, writer.epoch().epoch(), topic, id);
    }

    /** Appends {@code path}'s subtree, children before parents; nothing if it does not exist. */
    private void collectBottomUp(String path, List<String> out) {
        Optional<List<String>> children = children(path);
        if (children.isEmpty()) {
            return;
        }
        for (String child : children.get()) {
            collectBottomUp(path + "/" + child, out);
        }
        out.add(path);
    }

    /** The children of {@code path}, or empty if it does not exist. */
    private Optional<List<String>> children(String path) {
        try {
            return Optional.of(List.copyOf(zk.getChildren().forPath(path)));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (Exception e) {
            throw CoordinatorException.wrap("Could not list " + path, e);
        }
    }
}
