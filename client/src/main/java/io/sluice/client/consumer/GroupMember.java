package io.sluice.client.consumer;

import io.sluice.client.consumer.ConsumerProtocol.Assignment;
import io.sluice.client.consumer.ConsumerProtocol.Subscription;
import io.sluice.client.consumer.PartitionAssignor.RebalanceProtocol;
import io.sluice.client.metadata.Cluster;
import io.sluice.client.metadata.Metadata;
import io.sluice.client.network.NetworkClient;
import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.common.Node;
import io.sluice.common.TopicPartition;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.FindCoordinatorRequest;
import io.sluice.protocol.message.FindCoordinatorResponse;
import io.sluice.protocol.message.HeartbeatRequest;
import io.sluice.protocol.message.HeartbeatResponse;
import io.sluice.protocol.message.JoinGroupRequest;
import io.sluice.protocol.message.JoinGroupResponse;
import io.sluice.protocol.message.LeaveGroupRequest;
import io.sluice.protocol.message.OffsetCommitRequest;
import io.sluice.protocol.message.OffsetCommitResponse;
import io.sluice.protocol.message.OffsetFetchRequest;
import io.sluice.protocol.message.OffsetFetchResponse;
import io.sluice.protocol.message.SyncGroupRequest;
import io.sluice.protocol.message.SyncGroupResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One consumer's membership in a group over the classic protocol: finding the coordinator, JoinGroup (with the
 * MEMBER_ID_REQUIRED handshake), the leader's client-side assignment, SyncGroup, heartbeats from a background
 * thread, the {@code max.poll.interval.ms} watchdog, LeaveGroup, and offset commits and fetches.
 *
 * <p>Requests to the coordinator use a connection of their own (node id {@code Integer.MAX_VALUE - id}), so a
 * JoinGroup parked by the coordinator never holds up fetches. Membership state is read and written by the
 * polling thread, the network thread and the heartbeat thread, under this object's monitor.
 */
final class GroupMember implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(GroupMember.class);

    enum State { UNJOINED, REBALANCING, STABLE }

    record Settings(String groupId, String groupInstanceId, int sessionTimeoutMs, int rebalanceTimeoutMs,
                    int heartbeatIntervalMs, long retryBackoffMs, List<PartitionAssignor> assignors) {
    }

    private final Settings settings;
    private final NetworkClient network;
    private final Metadata metadata;
    private final RebalanceProtocol protocol;
    private final Thread heartbeatThread;

    private Node coordinator;
    private CompletableFuture<Node> coordinatorLookup;
    private String memberId = "";
    private int generation = -1;
    private String protocolName;
    private State state = State.UNJOINED;
    private boolean rejoinNeeded = true;
    private RuntimeException fatal;
    private long lastHeartbeatNs;
    private boolean heartbeatInFlight;
    private volatile long lastPollNs = System.nanoTime();
    private volatile boolean pollTimerActive;
    private volatile boolean closed;
    /** What this member was assigned in {@link #assignedGeneration}: the sticky assignor's user data. */
    private List<TopicPartition> assigned = List.of();
    private int assignedGeneration = -1;

    GroupMember(Settings settings, NetworkClient network, Metadata metadata) {
        this.settings = settings;
        this.network = network;
        this.metadata = metadata;
        boolean cooperative = settings.assignors().stream()
            .allMatch(a -> a.supportedProtocols().contains(RebalanceProtocol.COOPERATIVE));
        this.protocol = cooperative ? RebalanceProtocol.COOPERATIVE : RebalanceProtocol.EAGER;
        this.heartbeatThread = new Thread(this::runHeartbeats, "sluice-consumer-heartbeat-" + network.settings().clientId());
        heartbeatThread.setDaemon(true);
        heartbeatThread.start();
    }

    String groupId() {
        return settings.groupId();
    }

    RebalanceProtocol protocol() {
        return protocol;
    }

    synchronized String memberId() {
        return memberId;
    }

    synchronized int generation() {
        return generation;
    }

    synchronized State state() {
        return state;
    }

    /** True when the member must (re)join before it owns partitions again. */
    synchronized boolean rejoinNeeded() {
        return rejoinNeeded || state == State.UNJOINED;
    }

    synchronized void requestRejoin() {
        rejoinNeeded = true;
    }

    /** True once the member lost its generation (fenced, expired, poll timeout): its partitions are gone. */
    synchronized boolean generationLost() {
        return generation < 0 && !assigned.isEmpty();
    }

    synchronized RuntimeException fatalError() {
        return fatal;
    }

    /** The polling thread calls this on every poll (the {@code max.poll.interval.ms} watchdog). */
    void recordPoll() {
        lastPollNs = System.nanoTime();
        pollTimerActive = true;
    }

    void stopPollTimer() {
        pollTimerActive = false;
    }

    // ------------------------------------------------------------------ coordinator

    /** The coordinator's dedicated-connection node, once found. */
    synchronized CompletableFuture<Node> coordinator() {
        if (coordinator != null) {
            return CompletableFuture.completedFuture(coordinator);
        }
        if (coordinatorLookup != null && !coordinatorLookup.isDone()) {
            return coordinatorLookup;
        }
        String group = settings.groupId();
        Node any = metadata.anyNode();
        CompletableFuture<FindCoordinatorResponse> sent = network.send(any, ApiKey.FIND_COORDINATOR,
            ApiKey.FIND_COORDINATOR.latestVersion(), v -> v >= 4
                ? new FindCoordinatorRequest("", (byte) 0, List.of(group))
                : new FindCoordinatorRequest(group, (byte) 0, List.of()));
        CompletableFuture<Node> lookup = sent.thenApply(r -> {
            Errors error;
            Node found;
            if (r.coordinators() != null && !r.coordinators().isEmpty()) {
                FindCoordinatorResponse.Coordinator c = r.coordinators().get(0);
                error = Errors.forCode(c.errorCode());
                found = new Node(Integer.MAX_VALUE - c.nodeId(), c.host(), c.port());
            } else {
                error = Errors.forCode(r.errorCode());
                found = new Node(Integer.MAX_VALUE - r.nodeId(), r.host(), r.port());
            }
            if (error != Errors.NONE) {
                throw new ApiException(error, "FindCoordinator for group " + group + ": " + error.message());
            }
            synchronized (this) {
                coordinator = found;
            }
            LOG.debug("Group {} coordinator is {}", group, found);
            return found;
        });
        coordinatorLookup = lookup;
        return lookup;
    }

    synchronized void coordinatorUnknown(String why) {
        if (coordinator != null) {
            LOG.info("Group {}: marking coordinator {} unknown: {}", settings.groupId(), coordinator, why);
        }
        coordinator = null;
    }

    /** Marks the coordinator unknown if {@code error} says so (or the connection failed); returns the error. */
    private Errors noteError(Throwable t) {
        Errors error = ApiException.errorOf(t);
        if (error == Errors.NOT_COORDINATOR || error == Errors.COORDINATOR_NOT_AVAILABLE
            || error == Errors.NETWORK_EXCEPTION || error == Errors.REQUEST_TIMED_OUT) {
            coordinatorUnknown(String.valueOf(error));
        }
        return error;
    }

    // ------------------------------------------------------------------ join and sync

    /**
     * One JoinGroup-SyncGroup round. {@code owned} are the partitions this member keeps into the rebalance
     * (cooperative only; eager members own nothing by now). Completes with this member's assignment, or fails
     * with an ApiException (the caller retries retriable ones and rebalance errors).
     */
    CompletableFuture<Assignment> join(List<String> topics, Collection<TopicPartition> owned) {
        Subscription base;
        synchronized (this) {
            state = State.REBALANCING;
            rejoinNeeded = false;
            base = new Subscription(topics, null, protocol == RebalanceProtocol.COOPERATIVE ? List.copyOf(owned) : List.of(),
                generation, null);
        }
        List<JoinGroupRequest.Protocol> protocols = new ArrayList<>();
        for (PartitionAssignor a : settings.assignors()) {
            List<TopicPartition> previous;
            int previousGeneration;
            synchronized (this) {
                previous = protocol == RebalanceProtocol.COOPERATIVE ? List.copyOf(owned) : assigned;
                previousGeneration = protocol == RebalanceProtocol.COOPERATIVE ? generation : assignedGeneration;
            }
            Subscription s = new Subscription(base.topics(), a.subscriptionUserData(previous, previousGeneration),
                base.ownedPartitions(), base.generationId(), null);
            protocols.add(new JoinGroupRequest.Protocol(a.name(), ConsumerProtocol.serializeSubscription(s)));
        }
        CompletableFuture<Assignment> result = coordinator().thenCompose(node -> sendJoin(node, protocols, 0));
        return result.whenComplete((a, e) -> {
            if (e != null) {
                Errors error = noteError(e);
                synchronized (this) {
                    if (state == State.REBALANCING) {
                        state = State.UNJOINED;
                    }
                    rejoinNeeded = true;
                    if (error == Errors.FENCED_INSTANCE_ID) {
                        fatal = new ApiException(error, "Group " + settings.groupId() + ": group.instance.id "
                            + settings.groupInstanceId() + " was taken over by another member");
                    }
                }
            }
        });
    }

    private CompletableFuture<Assignment> sendJoin(Node node, List<JoinGroupRequest.Protocol> protocols, int round) {
        String id;
        synchronized (this) {
            id = memberId;
        }
        long timeoutMs = settings.rebalanceTimeoutMs() + 5_000L;
        CompletableFuture<JoinGroupResponse> sent = network.send(node, ApiKey.JOIN_GROUP, ApiKey.JOIN_GROUP.latestVersion(),
            v -> new JoinGroupRequest(settings.groupId(), settings.sessionTimeoutMs(), settings.rebalanceTimeoutMs(), id,
                v >= 5 ? settings.groupInstanceId() : null, ConsumerProtocol.PROTOCOL_TYPE, protocols,
                v >= 8 ? "joining" : null), timeoutMs);
        return sent.thenCompose(r -> {
            Errors error = Errors.forCode(r.errorCode());
            switch (error) {
                case NONE -> {
                    synchronized (this) {
                        memberId = r.memberId();
                        generation = r.generationId();
                        protocolName = r.protocolName();
                    }
                    LOG.info("Group {}: joined generation {} as {} ({}), protocol {}", settings.groupId(), r.generationId(),
                        r.memberId(), r.leader().equals(r.memberId()) ? "leader" : "follower", r.protocolName());
                    if (r.leader().equals(r.memberId()) && !r.skipAssignment()) {
                        return lead(r).thenCompose(assignments -> sync(node, r, assignments));
                    }
                    return sync(node, r, List.of());
                }
                case MEMBER_ID_REQUIRED -> {
                    synchronized (this) {
                        memberId = r.memberId();
                    }
                    if (round > 3) {
                        throw new ApiException(error, "JoinGroup asked for a member id again");
                    }
                    return sendJoin(node, protocols, round + 1);
                }
                case UNKNOWN_MEMBER_ID -> {
                    resetGeneration(true);
                    throw new ApiException(error, "JoinGroup: " + error.message());
                }
                default -> throw new ApiException(error, "JoinGroup for group " + settings.groupId() + ": " + error.message());
            }
        });
    }

    /** The leader's part: every member's subscription through the chosen assignor. */
    private CompletableFuture<List<SyncGroupRequest.Assignment>> lead(JoinGroupResponse r) {
        PartitionAssignor assignor = settings.assignors().stream().filter(a -> a.name().equals(r.protocolName()))
            .findFirst().orElseThrow(() -> new ApiException(Errors.INCONSISTENT_GROUP_PROTOCOL,
                "The coordinator chose assignor " + r.protocolName() + ", which this consumer does not have"));
        Map<String, Subscription> subscriptions = new TreeMap<>();
        Set<String> topics = new TreeSet<>();
        for (JoinGroupResponse.Member m : r.members()) {
            Subscription s = ConsumerProtocol.deserializeSubscription(m.metadata());
            subscriptions.put(m.memberId(), s);
            topics.addAll(s.topics());
        }
        return metadata.fetch(List.copyOf(topics)).thenApply(response -> {
            Cluster cluster = Cluster.from(response);
            Map<String, Integer> counts = new HashMap<>();
            for (String t : topics) {
                int n = cluster.partitionCount(t);
                if (n > 0) {
                    counts.put(t, n);
                }
            }
            Map<String, List<TopicPartition>> assignment = assignor.assign(counts, subscriptions);
            LOG.info("Group {}: {} assigned {}", settings.groupId(), assignor.name(), assignment);
            List<SyncGroupRequest.Assignment> out = new ArrayList<>();
            for (String member : subscriptions.keySet()) {
                List<TopicPartition> mine = assignment.getOrDefault(member, List.of());
                out.add(new SyncGroupRequest.Assignment(member,
                    ConsumerProtocol.serializeAssignment(new Assignment(mine))));
            }
            return out;
        });
    }

    private CompletableFuture<Assignment> sync(Node node, JoinGroupResponse joined,
                                               List<SyncGroupRequest.Assignment> assignments) {
        CompletableFuture<SyncGroupResponse> sent = network.send(node, ApiKey.SYNC_GROUP, ApiKey.SYNC_GROUP.latestVersion(),
            v -> new SyncGroupRequest(settings.groupId(), joined.generationId(), joined.memberId(),
                v >= 3 ? settings.groupInstanceId() : null, ConsumerProtocol.PROTOCOL_TYPE, joined.protocolName(),
                assignments), settings.rebalanceTimeoutMs() + 5_000L);
        return sent.thenApply(r -> {
            Errors error = Errors.forCode(r.errorCode());
            if (error == Errors.UNKNOWN_MEMBER_ID) {
                resetGeneration(true);
            } else if (error == Errors.ILLEGAL_GENERATION) {
                resetGeneration(false);
            }
            if (error != Errors.NONE) {
                throw new ApiException(error, "SyncGroup for group " + settings.groupId() + ": " + error.message());
            }
            Assignment a = ConsumerProtocol.deserializeAssignment(r.assignment());
            synchronized (this) {
                if (generation == joined.generationId()) {
                    state = State.STABLE;
                    lastHeartbeatNs = System.nanoTime();
                    assigned = a.partitions();
                    assignedGeneration = generation;
                }
            }
            return a;
        });
    }

    /** Forgets the generation (and the member id if {@code memberIdToo}): the member must rejoin. */
    synchronized void resetGeneration(boolean memberIdToo) {
        generation = -1;
        if (memberIdToo) {
            memberId = "";
        }
        state = State.UNJOINED;
        rejoinNeeded = true;
    }

    /** After the consumer handed lost partitions to its listener. */
    synchronized void clearAssigned() {
        assigned = List.of();
    }

    synchronized void setAssigned(Collection<TopicPartition> partitions) {
        assigned = List.copyOf(partitions);
    }

    // ------------------------------------------------------------------ heartbeats

    private void runHeartbeats() {
        while (!closed) {
            try {
                heartbeatTick();
                Thread.sleep(Math.max(10, Math.min(100, settings.heartbeatIntervalMs() / 4)));
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("Group {}: heartbeat thread error", settings.groupId(), e);
            }
        }
    }

    private void heartbeatTick() {
        long now = System.nanoTime();
        Node node;
        String id;
        int gen;
        synchronized (this) {
            if (state != State.STABLE) {
                return;
            }
            if (pollTimerActive && now - lastPollNs > TimeUnit.MILLISECONDS.toNanos(settings.rebalanceTimeoutMs())) {
                LOG.warn("Group {}: no poll within max.poll.interval.ms ({} ms); leaving the group so its partitions "
                    + "move to other members", settings.groupId(), settings.rebalanceTimeoutMs());
                pollTimerActive = false;
                if (settings.groupInstanceId() == null) {
                    sendLeave("consumer poll timeout has expired");
                }
                resetGeneration(settings.groupInstanceId() == null);
                return;
            }
            if (heartbeatInFlight || now - lastHeartbeatNs < TimeUnit.MILLISECONDS.toNanos(settings.heartbeatIntervalMs())
                || coordinator == null) {
                if (coordinator == null && !heartbeatInFlight) {
                    coordinator().exceptionally(e -> null);
                }
                return;
            }
            node = coordinator;
            id = memberId;
            gen = generation;
            heartbeatInFlight = true;
            lastHeartbeatNs = now;
        }
        CompletableFuture<HeartbeatResponse> sent = network.send(node, ApiKey.HEARTBEAT, ApiKey.HEARTBEAT.latestVersion(),
            v -> new HeartbeatRequest(settings.groupId(), gen, id, v >= 3 ? settings.groupInstanceId() : null));
        sent.whenComplete((r, e) -> {
            Errors error = e != null ? noteError(e) : Errors.forCode(r.errorCode());
            synchronized (this) {
                heartbeatInFlight = false;
                if (gen != generation) {
                    return;
                }
                switch (error) {
                    case NONE -> {
                    }
                    case REBALANCE_IN_PROGRESS -> rejoinNeeded = true;
                    case ILLEGAL_GENERATION -> resetGeneration(false);
                    case UNKNOWN_MEMBER_ID -> resetGeneration(true);
                    case FENCED_INSTANCE_ID -> {
                        fatal = new ApiException(error, "Group " + settings.groupId() + ": group.instance.id "
                            + settings.groupInstanceId() + " was taken over by another member");
                        resetGeneration(false);
                    }
                    default -> {
                        if (error != Errors.NONE) {
                            LOG.debug("Group {}: heartbeat failed: {}", settings.groupId(), error);
                            lastHeartbeatNs = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(
                                Math.max(0, settings.heartbeatIntervalMs() - settings.retryBackoffMs()));
                        }
                    }
                }
            }
        });
    }

    // ------------------------------------------------------------------ leave

    /** LeaveGroup without waiting (static members never leave). Caller holds the monitor or does not care. */
    private CompletableFuture<Void> sendLeave(String reason) {
        Node node = coordinator;
        String id = memberId;
        if (node == null || id.isEmpty() || settings.groupInstanceId() != null) {
            return CompletableFuture.completedFuture(null);
        }
        LOG.info("Group {}: member {} leaving: {}", settings.groupId(), id, reason);
        CompletableFuture<io.sluice.protocol.message.LeaveGroupResponse> sent = network.send(node, ApiKey.LEAVE_GROUP, ApiKey.LEAVE_GROUP.latestVersion(),
            v -> v >= 3
                ? new LeaveGroupRequest(settings.groupId(), List.of(new LeaveGroupRequest.Member(id, null,
                    v >= 5 ? reason : null)), "")
                : new LeaveGroupRequest(settings.groupId(), List.of(), id));
        return sent.handle((r, e) -> null);
    }

    /** Leaves the group (dynamic members) and forgets the membership. */
    CompletableFuture<Void> leave(String reason) {
        CompletableFuture<Void> sent;
        synchronized (this) {
            sent = state == State.UNJOINED && generation < 0 ? CompletableFuture.completedFuture(null) : sendLeave(reason);
            resetGeneration(true);
            assigned = List.of();
        }
        return sent;
    }

    // ------------------------------------------------------------------ offsets

    /** OffsetCommit with this member's generation (or as a simple consumer when {@code asMember} is false). */
    CompletableFuture<Void> commit(Map<TopicPartition, OffsetAndMetadata> offsets, boolean asMember) {
        int gen;
        String id;
        synchronized (this) {
            gen = asMember ? generation : -1;
            id = asMember ? memberId : "";
            if (asMember && generation < 0) {
                // Not in any generation (never joined, or removed: session expiry, max.poll.interval.ms): the
                // broker would take such a commit as a simple consumer's when the group is empty, for partitions
                // this member no longer owns. Refuse it here, as Kafka's consumer does.
                return CompletableFuture.failedFuture(state == State.REBALANCING
                    ? new ApiException(Errors.REBALANCE_IN_PROGRESS, "Group " + settings.groupId()
                        + ": the consumer is joining the group; poll to complete the rebalance, then commit again.")
                    : new CommitFailedException("Group " + settings.groupId() + ": the consumer is not part of an "
                        + "active generation of the group (it may have been removed after max.poll.interval.ms or "
                        + "session.timeout.ms); its partitions may have moved to another member."));
            }
        }
        Map<String, List<OffsetCommitRequest.Topic.Partition>> byTopic = new TreeMap<>();
        offsets.forEach((tp, o) -> byTopic.computeIfAbsent(tp.topic(), k -> new ArrayList<>())
            .add(new OffsetCommitRequest.Topic.Partition(tp.partition(), o.offset(), o.leaderEpoch(), o.metadata())));
        List<OffsetCommitRequest.Topic> topics = byTopic.entrySet().stream()
            .map(e -> new OffsetCommitRequest.Topic(e.getKey(), e.getValue())).toList();
        String instance = asMember ? settings.groupInstanceId() : null;
        return coordinator().thenCompose(node -> network.<OffsetCommitResponse>send(node, ApiKey.OFFSET_COMMIT,
            ApiKey.OFFSET_COMMIT.latestVersion(), v -> new OffsetCommitRequest(settings.groupId(), gen, id,
                v >= 7 ? instance : null, -1L, topics)))
            .thenApply(r -> {
                for (OffsetCommitResponse.Topic t : r.topics()) {
                    for (OffsetCommitResponse.Topic.Partition p : t.partitions()) {
                        Errors error = Errors.forCode(p.errorCode());
                        if (error == Errors.NONE) {
                            continue;
                        }
                        String what = "OffsetCommit " + t.name() + "-" + p.partitionIndex() + " for group "
                            + settings.groupId() + ": " + error.message();
                        if (error == Errors.UNKNOWN_MEMBER_ID || error == Errors.ILLEGAL_GENERATION
                            || error == Errors.FENCED_INSTANCE_ID) {
                            if (asMember && movedOnSince(gen)) {
                                // Sent with a generation the member has left behind by rejoining: its current
                                // membership is fine, only this commit came too late. Not a reason to reset.
                                throw new ApiException(Errors.REBALANCE_IN_PROGRESS, what + " The commit carried "
                                    + "generation " + gen + "; the member has rejoined since. Poll, then commit again.");
                            }
                            resetGeneration(error == Errors.UNKNOWN_MEMBER_ID);
                            throw new CommitFailedException(what + " The consumer is not part of the current "
                                + "generation of the group; its partitions may have moved to another member.");
                        }
                        if (error == Errors.REBALANCE_IN_PROGRESS) {
                            requestRejoin();
                        }
                        throw new ApiException(error, what);
                    }
                }
                return (Void) null;
            })
            .whenComplete((x, e) -> {
                if (e != null) {
                    noteError(e);
                }
            });
    }

    /** True if the member joined another generation after {@code sentGeneration}, or is joining one now. */
    private synchronized boolean movedOnSince(int sentGeneration) {
        return generation != sentGeneration && (generation >= 0 || state == State.REBALANCING);
    }

    /** The committed offsets of {@code partitions}; partitions without one are absent. */
    CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> fetchCommitted(Collection<TopicPartition> partitions) {
        Map<String, List<Integer>> byTopic = new TreeMap<>();
        partitions.forEach(tp -> byTopic.computeIfAbsent(tp.topic(), k -> new ArrayList<>()).add(tp.partition()));
        String group = settings.groupId();
        return coordinator().thenCompose(node -> network.<OffsetFetchResponse>send(node, ApiKey.OFFSET_FETCH,
            ApiKey.OFFSET_FETCH.latestVersion(), v -> v >= 8
                ? new OffsetFetchRequest(List.of(new OffsetFetchRequest.Group(group, null, -1, byTopic.entrySet().stream()
                    .map(e -> new OffsetFetchRequest.Group.Topic(e.getKey(), e.getValue())).toList())), "", null, false)
                : new OffsetFetchRequest(List.of(), group, byTopic.entrySet().stream()
                    .map(e -> new OffsetFetchRequest.Topic(e.getKey(), e.getValue())).toList(), false)))
            .thenApply(r -> {
                Map<TopicPartition, OffsetAndMetadata> out = new LinkedHashMap<>();
                if (r.groups() != null && !r.groups().isEmpty()) {
                    OffsetFetchResponse.Group g = r.groups().get(0);
                    check(Errors.forCode(g.errorCode()), "OffsetFetch");
                    for (OffsetFetchResponse.Group.Topic t : g.topics()) {
                        for (OffsetFetchResponse.Group.Topic.Partition p : t.partitions()) {
                            check(Errors.forCode(p.errorCode()), "OffsetFetch " + t.name() + "-" + p.partitionIndex());
                            if (p.committedOffset() >= 0) {
                                out.put(new TopicPartition(t.name(), p.partitionIndex()), new OffsetAndMetadata(
                                    p.committedOffset(), p.committedLeaderEpoch(), p.metadata()));
                            }
                        }
                    }
                } else {
                    check(Errors.forCode(r.errorCode()), "OffsetFetch");
                    for (OffsetFetchResponse.Topic t : r.topics()) {
                        for (OffsetFetchResponse.Topic.Partition p : t.partitions()) {
                            check(Errors.forCode(p.errorCode()), "OffsetFetch " + t.name() + "-" + p.partitionIndex());
                            if (p.committedOffset() >= 0) {
                                out.put(new TopicPartition(t.name(), p.partitionIndex()), new OffsetAndMetadata(
                                    p.committedOffset(), p.committedLeaderEpoch(), p.metadata()));
                            }
                        }
                    }
                }
                return out;
            })
            .whenComplete((x, e) -> {
                if (e != null) {
                    noteError(e);
                }
            });
    }

    private void check(Errors error, String what) {
        if (error != Errors.NONE && error != Errors.UNKNOWN_TOPIC_OR_PARTITION) {
            throw new ApiException(error, what + " for group " + settings.groupId() + ": " + error.message());
        }
    }

    @Override
    public void close() {
        closed = true;
        heartbeatThread.interrupt();
        try {
            heartbeatThread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
