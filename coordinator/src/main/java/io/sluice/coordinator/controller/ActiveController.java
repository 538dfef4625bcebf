package io.sluice.coordinator.controller;

import io.sluice.common.Errors;
import io.sluice.common.Uuid;
import io.sluice.coordinator.metadata.BrokerInfo;
import io.sluice.coordinator.metadata.CasResult;
import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.coordinator.metadata.ElectionType;
import io.sluice.coordinator.metadata.LeaderElectionRequest;
import io.sluice.coordinator.metadata.MetadataWatcher;
import io.sluice.coordinator.metadata.PartitionImage;
import io.sluice.coordinator.metadata.PartitionOutcome;
import io.sluice.coordinator.metadata.PartitionRef;
import io.sluice.coordinator.metadata.PartitionState;
import io.sluice.coordinator.metadata.TopicAssignment;
import io.sluice.coordinator.metadata.TopicImage;
import io.sluice.coordinator.metadata.ZkJson;
import io.sluice.coordinator.zk.CoordinatorException;
import io.sluice.coordinator.zk.ZkPaths;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The controller's work for one term (one controller epoch), as a single-threaded event loop.
 *
 * <p><b>Input.</b> The {@link MetadataWatcher}'s images: the watcher's listener only records the newest image and
 * enqueues a {@link ControllerEvent.MetadataChanged} (at most one queued at a time). Every broker keeps that
 * image warm, so a new controller starts from memory instead of reading every znode serially (failure mode 1
 * of the design doc); the image is a complete read of the state, kept current by watches. A timer adds the
 * periodic preferred-leader check.
 *
 * <p><b>Work: reconcile ZooKeeper with the image,</b> level-triggered and idempotent, so a new controller simply
 * resumes whatever its predecessor left half done (reassignments, election requests, deletions):
 * <ul>
 *   <li>every partition of every topic (not being deleted) without a state znode (new topics, added
 *       partitions) gets one: {@link LeaderElection#initialState};</li>
 *   <li>every partition whose leader is not live, or whose ISR names a dead broker, gets a new state:
 *       {@link LeaderElection#onLiveBrokersChanged} (new leader from the live ISR, epoch + 1, offline when no
 *       ISR member lives and {@code unclean.leader.election.enable} is off). A broker whose epoch changed
 *       between two images (it restarted in between) counts as dead for that round, as in Kafka;</li>
 *   <li>controlled shutdown: leadership and ISR membership move off brokers listed under
 *       {@code /admin/controlled_shutdown} ({@link LeaderElection#onControlledShutdown});</li>
 *   <li>reassignments: a partition whose target replicas are all in the ISR is completed in one transaction
 *       (leader moved into the target if needed, the removed replicas out of the ISR and the replica list, see
 *       {@link ReassignmentProgress});</li>
 *   <li>election requests under {@code /admin/elect_leaders} are performed and answered in place
 *       ({@link LeaderElection#electPreferred}, {@link LeaderElection#electUnclean}); answered requests the
 *       requesting broker did not delete are deleted after {@link #ANSWERED_REQUEST_RETENTION_MS};</li>
 *   <li>topics under {@code /admin/delete_topics}: once the {@link TopicDeletionHook} awaits no broker,
 *       stray-replica records for dead replica brokers are written, then {@code /brokers/topics/<t>}
 *       (recursively), {@code /config/topics/<t>} and the marker with its confirmations are deleted, last.</li>
 * </ul>
 * Every write goes through the {@link FencedZkWriter}, so it carries the epoch check, and every partition-state or
 * assignment update is also conditional on the version the decision was based on. Because the image may lag
 * behind our own writes, the versions we produced are remembered and a partition (or a topic's assignment) is not
 * decided again until the image shows that version; a write that loses a race (stale version, node exists) is
 * simply decided again from the next image. A failed epoch check ends the term: {@code onFenced} is called and
 * the loop stops. Other ZooKeeper trouble schedules a retry.
 *
 * <p>TODO(#5): batch partition-state writes into chunked multi-ops for fast failover of many partitions.
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
    /** How long an answered election request may wait for its broker to delete it before the controller does. */
    static final long ANSWERED_REQUEST_RETENTION_MS = 120_000;

    private final int brokerId;
    private final CuratorFramework zk;
    private final FencedZkWriter writer;
    private final MetadataWatcher watcher;
    private final ScheduledExecutorService controllerThread;
    private final ControllerSettings settings;
    private final Clock clock;
    private final Consumer<ControllerMovedException> onFenced;

    private final AtomicBoolean imageEventQueued = new AtomicBoolean();
    private volatile ClusterImage latestImage;

    // controller thread only
    private boolean active;
    private MetadataWatcher.ListenerRegistration registration;
    private ScheduledFuture<?> imbalanceTimer;
    private boolean retryScheduled;
    private boolean cleanupScheduled;
    private final Map<PartitionRef, Integer> writtenVersions = new HashMap<>();
    private final Map<String, Integer> writtenAssignmentVersions = new HashMap<>();
    private final Map<Integer, Long> knownBrokerEpochs = new HashMap<>();
    private final Map<String, Uuid> deletedTopics = new HashMap<>();
    private final Map<String, Set<Integer>> deletionWaitLogged = new HashMap<>();
    private final Map<String, Map<PartitionRef, PartitionOutcome>> partialElectionResults = new HashMap<>();
    private final Set<String> answeredByUs = new HashSet<>();
    private final Map<String, Long> answeredSeenAtMs = new HashMap<>();

    ActiveController(int brokerId, CuratorFramework zk, FencedZkWriter writer, MetadataWatcher watcher,
                     ScheduledExecutorService controllerThread, ControllerSettings settings, Clock clock,
                     Consumer<ControllerMovedException> onFenced) {
        this.brokerId = brokerId;
        this.zk = Objects.requireNonNull(zk, "zk");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.watcher = Objects.requireNonNull(watcher, "watcher");
        this.controllerThread = Objects.requireNonNull(controllerThread, "controllerThread");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
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
        if (settings.autoLeaderRebalanceEnable()) {
            long interval = settings.leaderImbalanceCheckIntervalMs();
            imbalanceTimer = controllerThread.scheduleWithFixedDelay(
                () -> process(new ControllerEvent.LeaderImbalanceCheckDue()), interval, interval, TimeUnit.MILLISECONDS);
        }
        enqueue(new ControllerEvent.Activated());
    }

    /** Controller thread: end the term; queued events are dropped. */
    void deactivate() {
        active = false;
        if (registration != null) {
            registration.close();
            registration = null;
        }
        if (imbalanceTimer != null) {
            imbalanceTimer.cancel(false);
            imbalanceTimer = null;
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
            } else if (event instanceof ControllerEvent.LeaderImbalanceCheckDue) {
                rebalancePreferredLeaders();
            } else if (event instanceof ControllerEvent.ElectionRequestCleanupDue) {
                cleanupScheduled = false;
                ClusterImage image = latestImage;
                if (image != null) {
                    cleanUpAnsweredRequests(image);
                }
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
        deletionWaitLogged.keySet().retainAll(image.topicsPendingDeletion());
        Set<Integer> live = image.liveBrokerIds();
        Set<Integer> eligible = new HashSet<>(live);
        eligible.removeAll(bouncedBrokers(image));
        Set<Integer> shuttingDown = new TreeSet<>(image.shuttingDownBrokers());
        shuttingDown.retainAll(eligible);

        for (String topic : image.topicsPendingDeletion()) {
            maybeDeleteTopic(topic, image);
        }
        for (TopicImage topic : image.topics().values()) {
            if (image.isPendingDeletion(topic.name())) {
                continue;
            }
            createMissingStates(topic, live);
            updateLeadersAndIsr(topic, eligible, shuttingDown);
            progressReassignments(topic, eligible, shuttingDown);
        }
        answerElectionRequests(image, eligible, shuttingDown);
        cleanUpAnsweredRequests(image);
    }

    /** Drops remembered writes the image now reflects (or that no longer matter). */
    private void forgetConfirmedWrites(ClusterImage image) {
        writtenVersions.entrySet().removeIf(e -> {
            Optional<PartitionImage> partition = image.partition(e.getKey());
            if (partition.isEmpty()) {
                return true;
            }
            return partition.get().state().map(s -> s.zkVersion() >= e.getValue()).orElse(false);
        });
        writtenAssignmentVersions.entrySet().removeIf(e -> image.topic(e.getKey())
            .map(t -> t.assignmentZkVersion() >= e.getValue()).orElse(true));
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
            if (image.state().isEmpty() && !writtenVersions.containsKey(new PartitionRef(topic.name(), p))) {
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
                    writtenVersions.put(new PartitionRef(topic.name(), p), 0);
                    PartitionState s = decided.get(p);
                    stateChangeLog.info("Controller {} epoch {} created state of new partition {}-{}: leader {}, leader epoch {}, ISR {}",
                        brokerId, controllerEpoch, topic.name(), p, s.leader(), s.leaderEpoch(), s.isr());
                }
            }
        }
    }

    // ---- leader failover and controlled shutdown ----------------------------------------------------------------

    private void updateLeadersAndIsr(TopicImage topic, Set<Integer> eligible, Set<Integer> shuttingDown) {
        boolean unclean = topic.booleanConfig(UNCLEAN_LEADER_ELECTION, false);
        int controllerEpoch = writer.epoch().epoch();
        topic.partitions().forEach((p, image) -> {
            PartitionRef ref = new PartitionRef(topic.name(), p);
            if (image.state().isEmpty() || writtenVersions.containsKey(ref)) {
                return;
            }
            PartitionState current = image.state().get();
            String why = "live brokers changed";
            Optional<PartitionState> next = LeaderElection.onLiveBrokersChanged(current, image.replicas(), eligible,
                shuttingDown, unclean, controllerEpoch);
            if (next.isEmpty()) {
                next = LeaderElection.onControlledShutdown(current, image.replicas(), eligible, shuttingDown, controllerEpoch);
                why = "controlled shutdown of " + shuttingDown;
            }
            if (next.isPresent()) {
                writeState(ref, current, next.get(), why);
            }
        });
    }

    /** Fenced compare-and-set of one partition's state; true if written. */
    private boolean writeState(PartitionRef ref, PartitionState current, PartitionState next, String why) {
        CasResult result = writer.writePartitionState(ref.topic(), ref.partition(), next, current.zkVersion());
        if (result instanceof CasResult.Written written) {
            writtenVersions.put(ref, written.newZkVersion());
            logStateChange(ref, current, next, why);
            return true;
        }
        log.debug("Partition {} changed before our write ({}); deciding again from the next image", ref, result);
        return false;
    }

    private void logStateChange(PartitionRef ref, PartitionState current, PartitionState next, String why) {
        stateChangeLog.info("Controller {} epoch {} changed {} ({}): leader {} -> {}, leader epoch {} -> {}, ISR {} -> {}{}",
            brokerId, writer.epoch().epoch(), ref, why, current.leader(), next.leader(), current.leaderEpoch(),
            next.leaderEpoch(), current.isr(), next.isr(), next.hasLeader() ? "" : " (partition offline)");
    }

    // ---- reassignments ----------------------------------------------------------------------------------------

    private void progressReassignments(TopicImage topic, Set<Integer> eligible, Set<Integer> shuttingDown) {
        if (!topic.isReassigning() || writtenAssignmentVersions.containsKey(topic.name())) {
            return;
        }
        int controllerEpoch = writer.epoch().epoch();
        TopicAssignment next = topic.assignment();
        Map<Integer, PartitionState> stateChanges = new TreeMap<>();
        Map<Integer, PartitionState> before = new TreeMap<>();
        List<Integer> completed = new ArrayList<>();
        int budget = MAX_OPS_PER_TRANSACTION - 1;          // one op for the assignment itself
        for (Map.Entry<Integer, PartitionImage> e : topic.partitions().entrySet()) {
            PartitionImage partition = e.getValue();
            PartitionRef ref = new PartitionRef(topic.name(), e.getKey());
            if (!partition.isReassigning() || writtenVersions.containsKey(ref) || budget == 0) {
                continue;
            }
            ReassignmentProgress.Step step = ReassignmentProgress.next(partition, eligible, shuttingDown, controllerEpoch);
            if (step instanceof ReassignmentProgress.Step.Complete complete) {
                next = next.withPartition(e.getKey(), complete.replicas(), List.of(), List.of());
                completed.add(e.getKey());
                if (complete.nextState().isPresent()) {
                    stateChanges.put(e.getKey(), complete.nextState().get());
                    before.put(e.getKey(), partition.state().orElseThrow());
                    budget--;
                }
            } else if (log.isDebugEnabled()) {
                log.debug("Reassignment of {} to {}: {}", ref, partition.targetReplicas(), step);
            }
        }
        if (completed.isEmpty()) {
            return;
        }
        List<CuratorOp> ops = new ArrayList<>();
        try {
            ops.add(writer.op().setData().withVersion(topic.assignmentZkVersion())
                .forPath(ZkPaths.topic(topic.name()), ZkJson.encodeTopicAssignment(next)));
            for (Map.Entry<Integer, PartitionState> e : stateChanges.entrySet()) {
                ops.add(writer.op().setData().withVersion(before.get(e.getKey()).zkVersion())
                    .forPath(ZkPaths.partitionState(topic.name(), e.getKey()), ZkJson.encodePartitionState(e.getValue())));
            }
        } catch (Exception e) {
            throw CoordinatorException.wrap("Could not prepare the completion of reassignments of " + topic.name(), e);
        }
        FencedZkWriter.Outcome outcome = writer.write(ops);
        if (outcome instanceof FencedZkWriter.Outcome.Conflict conflict) {
            log.info("Completing reassignments of {} conflicted ({} at operation {}); deciding again", topic.name(),
                conflict.code(), conflict.index());
            scheduleRetry("reassignment completion conflict for " + topic.name());
            return;
        }
        List<CuratorTransactionResult> results = ((FencedZkWriter.Outcome.Committed) outcome).results();
        writtenAssignmentVersions.put(topic.name(), results.get(0).getResultStat().getVersion());
        int i = 1;
        for (Map.Entry<Integer, PartitionState> e : stateChanges.entrySet()) {
            PartitionRef ref = new PartitionRef(topic.name(), e.getKey());
            writtenVersions.put(ref, results.get(i++).getResultStat().getVersion());
            logStateChange(ref, before.get(e.getKey()), e.getValue(), "reassignment completed");
        }
        for (int p : completed) {
            PartitionImage partition = topic.partitions().get(p);
            stateChangeLog.info("Controller {} epoch {} completed the reassignment of {}-{}: replicas {} -> {}",
                brokerId, controllerEpoch, topic.name(), p, partition.originalReplicas(), next.replicas(p));
        }
    }

    // ---- leader elections on request ----------------------------------------------------------------------------

    private void answerElectionRequests(ClusterImage image, Set<Integer> eligible, Set<Integer> shuttingDown) {
        answeredByUs.retainAll(image.electionRequests().keySet());
        partialElectionResults.keySet().retainAll(image.electionRequests().keySet());
        for (LeaderElectionRequest request : image.electionRequests().values()) {
            if (request.isAnswered()) {
                answeredByUs.remove(request.name());
                answeredSeenAtMs.putIfAbsent(request.name(), clock.millis());
            } else if (!answeredByUs.contains(request.name())) {
                answer(request, image, eligible, shuttingDown);
            }
        }
    }

    private void answer(LeaderElectionRequest request, ClusterImage image, Set<Integer> eligible, Set<Integer> shuttingDown) {
        Map<PartitionRef, PartitionOutcome> results =
            partialElectionResults.computeIfAbsent(request.name(), n -> new TreeMap<>());
        boolean everyPartition = request.partitions().isEmpty();
        Set<PartitionRef> targets = new TreeSet<>();
        if (everyPartition) {
            image.topics().values().stream().filter(t -> !image.isPendingDeletion(t.name()))
                .forEach(t -> t.partitions().keySet().forEach(p -> targets.add(new PartitionRef(t.name(), p))));
        } else {
            targets.addAll(request.partitions().get());
        }
        int controllerEpoch = writer.epoch().epoch();
        boolean deferred = false;
        for (PartitionRef ref : targets) {
            if (results.containsKey(ref)) {
                continue;
            }
            Optional<PartitionImage> partition = image.partition(ref);
            if (partition.isEmpty() || image.isPendingDeletion(ref.topic())) {
                results.put(ref, PartitionOutcome.of(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                    "Partition " + ref + " does not exist."));
                continue;
            }
            if (writtenVersions.containsKey(ref)) {
                deferred = true;                     // our own write is not in the image yet
                continue;
            }
            LeaderElection.Requested decision = request.type() == ElectionType.PREFERRED
                ? LeaderElection.electPreferred(ref.toString(), partition.get(), eligible, shuttingDown, controllerEpoch)
                : LeaderElection.electUnclean(ref.toString(), partition.get(), eligible, controllerEpoch);
            if (decision instanceof LeaderElection.Requested.Answered answered) {
                results.put(ref, answered.outcome());
            } else {
                PartitionState current = partition.get().state().orElseThrow();
                PartitionState next = ((LeaderElection.Requested.Elected) decision).next();
                if (writeState(ref, current, next, request.type() + " election " + request.name())) {
                    results.put(ref, PartitionOutcome.NONE);
                } else {
                    deferred = true;
                }
            }
        }
        if (deferred) {
            scheduleRetry("election request " + request.name() + " waits for newer partition states");
            return;
        }
        Map<PartitionRef, PartitionOutcome> answer = new TreeMap<>();
        results.forEach((ref, outcome) -> {
            if (!everyPartition || outcome.error() != Errors.ELECTION_NOT_NEEDED) {
                answer.put(ref, outcome);
            }
        });
        FencedZkWriter.Outcome outcome;
        try {
            outcome = writer.write(List.of(writer.op().setData().withVersion(request.zkVersion())
                .forPath(ZkPaths.electLeadersRequest(request.name()), ZkJson.encodeLeaderElectionRequest(request.withResults(answer)))));
        } catch (CoordinatorException e) {          // ControllerMovedException included
            throw e;
        } catch (Exception e) {
            throw CoordinatorException.wrap("Could not answer election request " + request.name(), e);
        }
        partialElectionResults.remove(request.name());
        answeredByUs.add(request.name());
        if (outcome instanceof FencedZkWriter.Outcome.Conflict conflict) {
            log.debug("Election request {} went away before it was answered ({})", request.name(), conflict.code());
            return;
        }
        log.info("Controller {} answered {} election request {}: {} partitions elected, {} answered otherwise",
            brokerId, request.type(), request.name(), answer.values().stream().filter(o -> !o.isError()).count(),
            answer.values().stream().filter(PartitionOutcome::isError).count());
        scheduleCleanup();
    }

    private void scheduleCleanup() {
        if (cleanupScheduled || !active) {
            return;
        }
        cleanupScheduled = true;
        try {
            controllerThread.schedule(() -> process(new ControllerEvent.ElectionRequestCleanupDue()),
                ANSWERED_REQUEST_RETENTION_MS + RETRY_BACKOFF_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            cleanupScheduled = false;
        }
    }

    /** Deletes answered requests their brokers left behind (a broker that died while waiting for the answer). */
    private void cleanUpAnsweredRequests(ClusterImage image) {
        answeredSeenAtMs.keySet().retainAll(image.electionRequests().keySet());
        long now = clock.millis();
        List<CuratorOp> ops = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, Long> e : answeredSeenAtMs.entrySet()) {
            if (now - e.getValue() >= ANSWERED_REQUEST_RETENTION_MS) {
                try {
                    ops.add(writer.op().delete().forPath(ZkPaths.electLeadersRequest(e.getKey())));
                    names.add(e.getKey());
                } catch (Exception ex) {
                    throw CoordinatorException.wrap("Could not prepare the deletion of election requests", ex);
                }
            }
        }
        if (!answeredSeenAtMs.isEmpty() && ops.isEmpty()) {
            scheduleCleanup();
        }
        for (int i = 0; i < ops.size(); i++) {                 // one by one: a request deleted meanwhile is fine
            writer.write(List.of(ops.get(i)));
            answeredSeenAtMs.remove(names.get(i));
            log.debug("Deleted answered election request {} that nobody collected", names.get(i));
        }
    }

    // ---- automatic preferred-leader election --------------------------------------------------------------------

    private void rebalancePreferredLeaders() {
        ClusterImage image = latestImage;
        if (image == null) {
            return;
        }
        List<PartitionRef> moves = LeaderImbalance.partitionsToRebalance(image, settings.leaderImbalancePerBrokerPercentage());
        if (moves.isEmpty()) {
            return;
        }
        Set<Integer> live = image.liveBrokerIds();
        Set<Integer> shuttingDown = image.shuttingDownBrokers();
        int controllerEpoch = writer.epoch().epoch();
        int moved = 0;
        for (PartitionRef ref : moves) {
            if (writtenVersions.containsKey(ref)) {
                continue;
            }
            PartitionImage partition = image.partition(ref).orElseThrow();
            if (LeaderElection.electPreferred(ref.toString(), partition, live, shuttingDown, controllerEpoch)
                    instanceof LeaderElection.Requested.Elected elected
                    && writeState(ref, partition.state().orElseThrow(), elected.next(), "preferred leader rebalance")) {
                moved++;
            }
        }
        log.info("Controller {} moved {} of {} partitions back to their preferred leader (imbalance above {}%)",
            brokerId, moved, moves.size(), settings.leaderImbalancePerBrokerPercentage());
    }

    // ---- topic deletion ---------------------------------------------------------------------------------------

    private void maybeDeleteTopic(String topic, ClusterImage image) {
        Optional<TopicImage> topicImage = image.topic(topic);
        Uuid id = topicImage.map(TopicImage::id).orElse(Uuid.ZERO);
        if (id.equals(deletedTopics.get(topic))) {
            return;                       // done already; the image lags
        }
        if (topicImage.isEmpty()) {
            deleteTopicZnodes(topic, id, Set.of());  // only a marker (and maybe a config) left
            return;
        }
        Set<Integer> awaited = settings.deletionHook().awaitedBrokers(topicImage.get(), image);
        if (!awaited.isEmpty()) {
            if (!awaited.equals(deletionWaitLogged.put(topic, awaited))) {
                log.info("Controller {} deleting topic {} (id {}): waiting for brokers {} to delete their replicas",
                    brokerId, topic, id, awaited);
            }
            return;
        }
        Set<Integer> stray = new TreeSet<>(TopicDeletionHook.replicaBrokers(topicImage.get()));
        stray.removeAll(image.deletionConfirmedBy(topic, id));
        stray.removeAll(image.liveBrokerIds());
        if (!stray.isEmpty() && !recordStrayReplicas(topic, id, stray)) {
            return;
        }
        deleteTopicZnodes(topic, id, stray);
    }

    /** Writes {@code /admin/stray_replicas/<b>/<topic>} for each dead broker {@code b}; false on a lost race. */
    private boolean recordStrayReplicas(String topic, Uuid id, Set<Integer> brokers) {
        List<CuratorOp> ops = new ArrayList<>();
        byte[] data = ZkJson.encodeTopicIdRecord(id);
        try {
            if (!exists(ZkPaths.ADMIN_STRAY_REPLICAS)) {
                ops.add(writer.op().create().forPath(ZkPaths.ADMIN_STRAY_REPLICAS, new byte[0]));
            }
            for (int b : brokers) {
                if (!exists(ZkPaths.strayReplicas(b))) {
                    ops.add(writer.op().create().forPath(ZkPaths.strayReplicas(b), new byte[0]));
                }
                String path = ZkPaths.strayReplica(b, topic);
                ops.add(exists(path) ? writer.op().setData().forPath(path, data) : writer.op().create().forPath(path, data));
            }
        } catch (CoordinatorException e) {
            throw e;
        } catch (Exception e) {
            throw CoordinatorException.wrap("Could not prepare stray-replica records for topic " + topic, e);
        }
        if (writer.write(ops) instanceof FencedZkWriter.Outcome.Conflict conflict) {
            log.info("Recording stray replicas of {} conflicted ({} at operation {}); retrying", topic, conflict.code(),
                conflict.index());
            scheduleRetry("stray replica records for " + topic);
            return false;
        }
        log.info("Topic {} (id {}) is deleted while brokers {} are down: they delete their replicas when they start",
            topic, id, brokers);
        return true;
    }

    private void deleteTopicZnodes(String topic, Uuid id, Set<Integer> stray) {
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
        writtenAssignmentVersions.remove(topic);
        stateChangeLog.info("Controller {} epoch {} deleted topic {} (id {}){}", brokerId, writer.epoch().epoch(), topic, id,
            stray.isEmpty() ? "" : "; brokers " + stray + " were down and delete their replicas when they start");
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

    private boolean exists(String path) {
        try {
            Stat stat = zk.checkExists().forPath(path);
            return stat != null;
        } catch (Exception e) {
            throw CoordinatorException.wrap("Could not read " + path, e);
        }
    }
}
