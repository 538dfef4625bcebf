package io.sluice.core.group;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.common.Scheduler;
import io.sluice.common.Time;
import io.sluice.protocol.message.DeleteGroupsResponse;
import io.sluice.protocol.message.DescribeGroupsResponse;
import io.sluice.protocol.message.HeartbeatRequest;
import io.sluice.protocol.message.HeartbeatResponse;
import io.sluice.protocol.message.JoinGroupRequest;
import io.sluice.protocol.message.JoinGroupResponse;
import io.sluice.protocol.message.LeaveGroupRequest;
import io.sluice.protocol.message.LeaveGroupResponse;
import io.sluice.protocol.message.ListGroupsResponse;
import io.sluice.protocol.message.OffsetCommitRequest;
import io.sluice.protocol.message.OffsetCommitResponse;
import io.sluice.protocol.message.OffsetDeleteRequest;
import io.sluice.protocol.message.OffsetDeleteResponse;
import io.sluice.protocol.message.OffsetFetchRequest;
import io.sluice.protocol.message.OffsetFetchResponse;
import io.sluice.protocol.message.SyncGroupRequest;
import io.sluice.protocol.message.SyncGroupResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The group coordinator's runtime: runs the {@link GroupStateMachine} of every {@code __consumer_offsets}
 * partition this broker leads on one thread ({@code group-coordinator}), appends what they decide through the
 * {@link PartitionWriter}, and answers each request only once the records it depends on are replicated.
 *
 * <p><b>Events.</b> Requests (from request-handler threads), timer expiries (from the {@link Scheduler}),
 * leadership changes ({@link OffsetsLeadershipListener}, from the metadata thread), finished loads (from the
 * loader thread) and failed appends are all queued to the group thread; nothing else touches the state machines.
 *
 * <p><b>Commit before reply.</b> An operation's records are applied to its state machine at once (the next
 * operation sees them) and appended as one batch. Its replies are sent when that append is replicated; replies
 * of an operation without records wait for the partition's previous append, so no response ever reveals state
 * that could still be lost. If an append fails without having been written (not leader, too few in-sync
 * replicas, a storage error), the partition is reloaded from its log, which drops whatever was applied early;
 * the requests parked there get NOT_COORDINATOR and the clients look the coordinator up again. An append that
 * timed out waiting for replication was written and stays applied.
 *
 * <p><b>Loading.</b> On {@link #onBecomeLeader} the partition is replayed on the {@code group-loader} thread into
 * a fresh state machine (COORDINATOR_LOAD_IN_PROGRESS meanwhile), which is then handed to the group thread; on
 * {@link #onResign} its groups are dropped (NOT_COORDINATOR). Requests for a group of a partition this broker
 * does not lead get NOT_COORDINATOR.
 *
 * <p>Thread-safe: public methods may be called from any thread and never block (except {@link #close}).
 */
public final class GroupCoordinator implements OffsetsLeadershipListener, AutoCloseable {
    private static final Logger log = LogManager.getLogger(GroupCoordinator.class);
    private static final long LOAD_RETRY_BACKOFF_MS = 1_000;

    private enum ShardState { LOADING, ACTIVE, UNLOADED }

    /** One led partition. Group thread only. */
    private static final class Shard {
        final int partition;
        final int leaderEpoch;
        ShardState state = ShardState.LOADING;
        GroupStateMachine machine;
        /** Completes (normally) when every append so far settled without needing a reload. */
        CompletableFuture<Void> lastWrite = CompletableFuture.completedFuture(null);
        final Map<TimerKey, Timer> timers = new HashMap<>();

        Shard(int partition, int leaderEpoch) {
            this.partition = partition;
            this.leaderEpoch = leaderEpoch;
        }
    }

    private record Timer(long token, Scheduler.Cancellable cancellable) {
    }

    /** A request the state machine has not answered yet. */
    private record Pending(Shard shard, CompletableFuture<Object> future, Function<Errors, ?> errorResponse) {
        void fail(Errors error) {
            future.complete(errorResponse.apply(error));
        }
    }

    /** One operation on a state machine, given the request's id and the time. */
    @FunctionalInterface
    private interface Operation {
        GroupResult apply(GroupStateMachine machine, long requestId, long nowMs);
    }

    /** The groups of every loaded partition, and whether some partition is still loading. */
    public record ListedGroups(Errors error, List<ListGroupsResponse.Group> groups) {
        public ListedGroups {
            groups = List.copyOf(groups);
        }
    }

    private final GroupConfig config;
    private final PartitionWriter writer;
    private final PartitionReader reader;
    private final BiPredicate<String, Integer> partitionExists;
    private final IntSupplier offsetsPartitionCount;
    private final Time time;
    private final Scheduler scheduler;
    private final Executor groupThread;
    private final Executor loaderThread;
    private final Supplier<String> uniqueIds;
    private final List<ExecutorService> ownedExecutors;

    // group thread only
    private final Map<Integer, Shard> shards = new HashMap<>();
    private final Map<Long, Pending> pending = new HashMap<>();
    private long nextRequestId;
    private long nextTimerToken;
    /** The topics last reported deleted (or being deleted): dropped again from every partition that loads. */
    private Set<String> deletedTopics = Set.of();

    private volatile Scheduler.Cancellable expiration;
    private volatile boolean closed;

    /**
     * For tests: every event runs on {@code groupThread} (which must run tasks one at a time, in order), loads on
     * {@code loaderThread}.
     *
     * @param partitionExists       whether a topic partition exists (OffsetCommit, OffsetDelete)
     * @param offsetsPartitionCount partitions of {@code __consumer_offsets} (of the topic if it exists, else
     *                              offsets.topic.num.partitions), for mapping groups to partitions
     * @param uniqueIds             unique suffixes of new member ids
     */
    public GroupCoordinator(GroupConfig config, PartitionWriter writer, PartitionReader reader,
                            BiPredicate<String, Integer> partitionExists, IntSupplier offsetsPartitionCount, Time time,
                            Scheduler scheduler, Executor groupThread, Executor loaderThread, Supplier<String> uniqueIds) {
        this(config, writer, reader, partitionExists, offsetsPartitionCount, time, scheduler, groupThread, loaderThread,
            uniqueIds, List.of());
    }

    private GroupCoordinator(GroupConfig config, PartitionWriter writer, PartitionReader reader,
                             BiPredicate<String, Integer> partitionExists, IntSupplier offsetsPartitionCount, Time time,
                             Scheduler scheduler, Executor groupThread, Executor loaderThread, Supplier<String> uniqueIds,
                             List<ExecutorService> ownedExecutors) {
        this.config = Objects.requireNonNull(config, "config");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.reader = Objects.requireNonNull(reader, "reader");
        this.partitionExists = Objects.requireNonNull(partitionExists, "partitionExists");
        this.offsetsPartitionCount = Objects.requireNonNull(offsetsPartitionCount, "offsetsPartitionCount");
        this.time = Objects.requireNonNull(time, "time");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.groupThread = Objects.requireNonNull(groupThread, "groupThread");
        this.loaderThread = Objects.requireNonNull(loaderThread, "loaderThread");
        this.uniqueIds = Objects.requireNonNull(uniqueIds, "uniqueIds");
        this.ownedExecutors = List.copyOf(ownedExecutors);
    }

    /**
     * A coordinator with its own {@code group-coordinator} and {@code group-loader} threads (stopped by
     * {@link #close}). Timers run on {@code scheduler}, which the caller owns.
     */
    public static GroupCoordinator create(GroupConfig config, PartitionWriter writer, PartitionReader reader,
                                          BiPredicate<String, Integer> partitionExists,
                                          IntSupplier offsetsPartitionCount, Time time, Scheduler scheduler) {
        ExecutorService group = Executors.newSingleThreadExecutor(daemon("group-coordinator"));
        ExecutorService loader = Executors.newSingleThreadExecutor(daemon("group-loader"));
        return new GroupCoordinator(config, writer, reader, partitionExists, offsetsPartitionCount, time, scheduler,
            group, loader, () -> UUID.randomUUID().toString(), List.of(group, loader));
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Starts the periodic offset expiration (every offsets.retention.check.interval.ms). */
    public void startup() {
        long interval = config.offsetsRetentionCheckIntervalMs();
        expiration = scheduler.schedulePeriodic("offsets-expiration", interval, interval,
            () -> execute(this::expireOffsets, () -> { }));
    }

    public GroupConfig config() {
        return config;
    }

    /** The {@code __consumer_offsets} partition of a group. */
    /**
     * Groups in the loaded partitions, counted on the group thread (waits at most a second; -1 if it is busy
     * longer or closed). For metrics.
     */
    public int groupCount() {
        if (closed) {
            return -1;
        }
        try {
            return CompletableFuture.supplyAsync(() -> shards.values().stream()
                    .mapToInt(s -> s.machine == null ? 0 : s.machine.groupCount()).sum(), groupThread)
                .get(1, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                 | java.util.concurrent.RejectedExecutionException e) {
            return -1;
        }
    }

    public int partitionFor(String groupId) {
        return OffsetsTopic.partitionFor(groupId == null ? "" : groupId, offsetsPartitionCount.getAsInt());
    }

    // =========================================================================================== requests

    public CompletableFuture<JoinGroupResponse> joinGroup(short version, String clientId, String clientHost,
                                                          JoinGroupRequest request) {
        return submit(request.groupId(), e -> GroupResponses.joinError(version, e, request), null,
            (m, id, now) -> m.joinGroup(id, version, clientId, clientHost, request, now));
    }

    public CompletableFuture<SyncGroupResponse> syncGroup(short version, SyncGroupRequest request) {
        return submit(request.groupId(), GroupResponses::syncError, null,
            (m, id, now) -> m.syncGroup(id, version, request, now));
    }

    /** While the group's partition is loading, heartbeats are answered NONE (as Kafka does). */
    public CompletableFuture<HeartbeatResponse> heartbeat(short version, HeartbeatRequest request) {
        return submit(request.groupId(), GroupResponses::heartbeat, GroupResponses.heartbeat(Errors.NONE),
            (m, id, now) -> m.heartbeat(id, version, request, now));
    }

    public CompletableFuture<LeaveGroupResponse> leaveGroup(short version, LeaveGroupRequest request) {
        return submit(request.groupId(), e -> GroupResponses.leaveError(version, e, request), null,
            (m, id, now) -> m.leaveGroup(id, version, request, now));
    }

    public CompletableFuture<OffsetCommitResponse> commitOffsets(short version, OffsetCommitRequest request) {
        return submit(request.groupId(), e -> GroupResponses.commitError(request, e), null,
            (m, id, now) -> m.commitOffsets(id, version, request, partitionExists, now));
    }

    /**
     * One group's committed offsets.
     *
     * @param topics the partitions asked for, or null for all
     * @return the group's part of an OffsetFetch v8+ response (a group-level error, or the offsets)
     */
    public CompletableFuture<OffsetFetchResponse.Group> fetchOffsets(String groupId,
                                                                    List<OffsetFetchRequest.Group.Topic> topics) {
        return read(groupId, e -> GroupResponses.fetchError(groupId, topics, e), m -> m.fetchOffsets(groupId, topics));
    }

    public CompletableFuture<OffsetDeleteResponse> deleteOffsets(OffsetDeleteRequest request) {
        return submit(request.groupId(), GroupResponses::deleteOffsetsError, null,
            (m, id, now) -> m.deleteOffsets(id, request, partitionExists));
    }

    public CompletableFuture<DescribeGroupsResponse.Group> describeGroup(String groupId) {
        return read(groupId, e -> GroupResponses.describeError(groupId, e), m -> m.describeGroup(groupId));
    }

    /** One group of a DeleteGroups request. */
    public CompletableFuture<DeleteGroupsResponse.Result> deleteGroup(String groupId) {
        CompletableFuture<Errors> error = submit(groupId, e -> e, null, (m, id, now) -> m.deleteGroup(id, groupId));
        return error.thenApply(e -> new DeleteGroupsResponse.Result(groupId, e.code()));
    }

    /** The groups this broker coordinates (ListGroups); COORDINATOR_LOAD_IN_PROGRESS while a partition loads. */
    public CompletableFuture<ListedGroups> listGroups(List<String> statesFilter, List<String> typesFilter) {
        CompletableFuture<ListedGroups> future = new CompletableFuture<>();
        execute(() -> {
            boolean loading = false;
            List<ListGroupsResponse.Group> groups = new ArrayList<>();
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (Shard s : shards.values()) {
                if (s.state == ShardState.LOADING) {
                    loading = true;
                } else if (s.state == ShardState.ACTIVE) {
                    groups.addAll(s.machine.listGroups(statesFilter, typesFilter));
                    writes.add(s.lastWrite);
                }
            }
            groups.sort(Comparator.comparing(ListGroupsResponse.Group::groupId));
            ListedGroups result = new ListedGroups(loading ? Errors.COORDINATOR_LOAD_IN_PROGRESS : Errors.NONE, groups);
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                .whenComplete((v, e) -> future.complete(result));
        }, () -> future.complete(new ListedGroups(Errors.COORDINATOR_NOT_AVAILABLE, List.of())));
        return future;
    }

    /** Queues an operation on the group's partition; its reply completes the returned future. */
    @SuppressWarnings("unchecked")
    private <T> CompletableFuture<T> submit(String groupId, Function<Errors, T> errorResponse, T whileLoading,
                                            Operation operation) {
        CompletableFuture<T> future = new CompletableFuture<>();
        execute(() -> {
            Shard s = shards.get(partitionFor(groupId));
            if (s == null || s.state == ShardState.UNLOADED) {
                future.complete(errorResponse.apply(Errors.NOT_COORDINATOR));
                return;
            }
            if (s.state == ShardState.LOADING) {
                future.complete(whileLoading != null ? whileLoading
                    : errorResponse.apply(Errors.COORDINATOR_LOAD_IN_PROGRESS));
                return;
            }
            long id = ++nextRequestId;
            pending.put(id, new Pending(s, (CompletableFuture<Object>) future, errorResponse));
            GroupResult result;
            try {
                result = operation.apply(s.machine, id, time.milliseconds());
            } catch (RuntimeException e) {
                pending.remove(id);
                log.error("Group operation on {}-{} for group {} failed; reloading the partition", OffsetsTopic.NAME,
                    s.partition, groupId, e);
                future.complete(errorResponse.apply(Errors.UNKNOWN_SERVER_ERROR));
                reload(s);
                return;
            }
            apply(s, result);
        }, () -> future.complete(errorResponse.apply(Errors.COORDINATOR_NOT_AVAILABLE)));
        return future;
    }

    /** Queues a read of the group's partition, answered after the partition's previous append. */
    private <T> CompletableFuture<T> read(String groupId, Function<Errors, T> errorResponse,
                                          Function<GroupStateMachine, T> query) {
        CompletableFuture<T> future = new CompletableFuture<>();
        execute(() -> {
            Shard s = shards.get(partitionFor(groupId));
            if (s == null || s.state == ShardState.UNLOADED) {
                future.complete(errorResponse.apply(Errors.NOT_COORDINATOR));
                return;
            }
            if (s.state == ShardState.LOADING) {
                future.complete(errorResponse.apply(Errors.COORDINATOR_LOAD_IN_PROGRESS));
                return;
            }
            T value = query.apply(s.machine);
            s.lastWrite.whenComplete((v, e) -> future.complete(e == null ? value
                : errorResponse.apply(clientError(e, false))));
        }, () -> future.complete(errorResponse.apply(Errors.COORDINATOR_NOT_AVAILABLE)));
        return future;
    }

    private void execute(Runnable task, Runnable ifRejected) {
        if (closed) {
            ifRejected.run();
            return;
        }
        try {
            groupThread.execute(task);
        } catch (RejectedExecutionException e) {
            ifRejected.run();
        }
    }

    // =========================================================================================== results

    /** Sets the timers, appends the records and sends the replies once the append (or the previous one) is done. */
    private void apply(Shard s, GroupResult result) {
        for (GroupResult.TimerOp op : result.timers()) {
            if (op instanceof GroupResult.TimerOp.Schedule sch) {
                scheduleTimer(s, sch.key(), sch.delayMs());
            } else {
                Timer t = s.timers.remove(op.key());
                if (t != null) {
                    t.cancellable().cancel();
                }
            }
        }
        CompletableFuture<Void> committed;
        if (result.records().isEmpty()) {
            committed = s.lastWrite;
        } else {
            CompletableFuture<Void> write;
            try {
                write = writer.append(s.partition, s.leaderEpoch,
                    OffsetsRecordCodec.toBatch(result.records(), time.milliseconds()), config.offsetCommitTimeoutMs());
            } catch (RuntimeException e) {
                write = CompletableFuture.failedFuture(e);
            }
            committed = write;
            // Later replies wait for this append, but only fail with it if it forces a reload.
            s.lastWrite = write.handle((v, e) -> {
                if (e != null && !writtenAnyway(e)) {
                    throw e instanceof RuntimeException re ? re : new java.util.concurrent.CompletionException(e);
                }
                return null;
            });
            write.whenComplete((v, e) -> {
                if (e != null) {
                    execute(() -> onWriteFailed(s, e), () -> { });
                }
            });
        }
        for (GroupResult.Reply reply : result.replies()) {
            Pending p = pending.remove(reply.requestId());
            if (p == null) {
                continue;       // answered already (the partition was unloaded meanwhile)
            }
            committed.whenComplete((v, e) -> {
                if (e == null) {
                    p.future().complete(reply.response());
                } else if (reply.onWriteFailure() != null) {
                    p.future().complete(reply.onWriteFailure().apply(clientError(e, true)));
                } else {
                    p.fail(clientError(e, false));
                }
            });
        }
    }

    /** Failures after which the records are in the leader's log anyway (only their replication is late). */
    private static boolean writtenAnyway(Throwable e) {
        Errors error = ApiException.errorOf(e);
        return error == Errors.REQUEST_TIMED_OUT || error == Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND;
    }

    /** The error a client sees for a failed append (what Kafka's coordinator answers). */
    static Errors clientError(Throwable failure, boolean offsetCommit) {
        Errors error = ApiException.errorOf(failure);
        return switch (error) {
            case UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND, REQUEST_TIMED_OUT,
                 COORDINATOR_NOT_AVAILABLE -> Errors.COORDINATOR_NOT_AVAILABLE;
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR, NOT_COORDINATOR -> Errors.NOT_COORDINATOR;
            case COORDINATOR_LOAD_IN_PROGRESS -> Errors.COORDINATOR_LOAD_IN_PROGRESS;
            case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE -> offsetCommit ? Errors.INVALID_COMMIT_OFFSET_SIZE
                : Errors.UNKNOWN_SERVER_ERROR;
            default -> Errors.UNKNOWN_SERVER_ERROR;
        };
    }

    private void onWriteFailed(Shard s, Throwable failure) {
        if (shards.get(s.partition) != s || s.state != ShardState.ACTIVE) {
            return;
        }
        if (writtenAnyway(failure)) {
            log.warn("An append to {}-{} was not replicated in time ({}); it stays applied", OffsetsTopic.NAME,
                s.partition, failure.getMessage());
            return;
        }
        log.warn("An append to {}-{} failed ({}); reloading its groups from the log", OffsetsTopic.NAME, s.partition,
            ApiException.errorOf(failure));
        reload(s);
    }

    private void reload(Shard s) {
        unload(s, Errors.NOT_COORDINATOR);
        shards.remove(s.partition);
        startLoad(s.partition, s.leaderEpoch);
    }

    // =========================================================================================== timers

    private void scheduleTimer(Shard s, TimerKey key, long delayMs) {
        Timer old = s.timers.remove(key);
        if (old != null) {
            old.cancellable().cancel();
        }
        long token = ++nextTimerToken;
        Scheduler.Cancellable c = scheduler.schedule("group-timer", delayMs,
            () -> execute(() -> fireTimer(s, key, token), () -> { }));
        s.timers.put(key, new Timer(token, c));
    }

    private void fireTimer(Shard s, TimerKey key, long token) {
        if (shards.get(s.partition) != s || s.state != ShardState.ACTIVE) {
            return;
        }
        Timer t = s.timers.get(key);
        if (t == null || t.token() != token) {
            return;         // replaced or cancelled after it was already due
        }
        s.timers.remove(key);
        GroupResult result;
        try {
            result = s.machine.onTimer(key, time.milliseconds());
        } catch (RuntimeException e) {
            log.error("Timer {} on {}-{} failed; reloading the partition", key, OffsetsTopic.NAME, s.partition, e);
            reload(s);
            return;
        }
        apply(s, result);
    }

    private void expireOffsets() {
        long now = time.milliseconds();
        for (Shard s : List.copyOf(shards.values())) {
            if (s.state == ShardState.ACTIVE) {
                try {
                    apply(s, s.machine.expireOffsets(now));
                } catch (RuntimeException e) {
                    log.error("Offset expiration on {}-{} failed", OffsetsTopic.NAME, s.partition, e);
                }
            }
        }
    }

    // =========================================================================================== topic deletion

    /**
     * {@code topics} are deleted or being deleted: every loaded partition drops the committed offsets of their
     * partitions (tombstones in {@code __consumer_offsets}, so a replay does not bring them back), and deletes
     * groups left empty without offsets. Partitions loading now do the same once loaded. Call with every topic
     * still being deleted each time (an empty set clears the list); repeated calls write nothing new.
     */
    public void onTopicsDeleted(Set<String> topics) {
        Set<String> copy = Set.copyOf(topics);
        execute(() -> {
            deletedTopics = copy;
            if (copy.isEmpty()) {
                return;
            }
            for (Shard s : List.copyOf(shards.values())) {
                if (s.state == ShardState.ACTIVE) {
                    dropDeletedTopics(s);
                }
            }
        }, () -> { });
    }

    private void dropDeletedTopics(Shard s) {
        if (deletedTopics.isEmpty()) {
            return;
        }
        GroupResult result;
        try {
            result = s.machine.deleteTopics(deletedTopics);
        } catch (RuntimeException e) {
            log.error("Dropping offsets of deleted topics on {}-{} failed; reloading the partition", OffsetsTopic.NAME,
                s.partition, e);
            reload(s);
            return;
        }
        apply(s, result);
    }

    // =========================================================================================== leadership

    @Override
    public void onBecomeLeader(int partition, int leaderEpoch) {
        execute(() -> {
            Shard current = shards.get(partition);
            if (current != null && current.leaderEpoch == leaderEpoch && current.state != ShardState.UNLOADED) {
                return;
            }
            if (current != null) {
                unload(current, Errors.NOT_COORDINATOR);
                shards.remove(partition);
            }
            log.info("Becoming the group coordinator of {}-{} (leader epoch {}): loading", OffsetsTopic.NAME, partition,
                leaderEpoch);
            startLoad(partition, leaderEpoch);
        }, () -> { });
    }

    @Override
    public void onResign(int partition) {
        execute(() -> {
            Shard s = shards.remove(partition);
            if (s != null) {
                int groups = s.machine == null ? 0 : s.machine.groupCount();
                unload(s, Errors.NOT_COORDINATOR);
                log.info("No longer the group coordinator of {}-{}: dropped {} groups", OffsetsTopic.NAME, partition,
                    groups);
            }
        }, () -> { });
    }

    private void startLoad(int partition, int leaderEpoch) {
        Shard s = new Shard(partition, leaderEpoch);
        shards.put(partition, s);
        long startNs = time.nanoseconds();
        try {
            loaderThread.execute(() -> {
                GroupStateMachine machine = new GroupStateMachine(partition, config, uniqueIds);
                try {
                    OffsetsLoader.Summary summary = OffsetsLoader.load(reader, partition, machine);
                    execute(() -> finishLoad(s, machine, summary, null, startNs), () -> { });
                } catch (RuntimeException e) {
                    execute(() -> finishLoad(s, null, null, e, startNs), () -> { });
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("Not loading {}-{}: shutting down", OffsetsTopic.NAME, partition);
        }
    }

    private void finishLoad(Shard s, GroupStateMachine machine, OffsetsLoader.Summary summary, RuntimeException failure,
                            long startNs) {
        if (shards.get(s.partition) != s || s.state != ShardState.LOADING) {
            return;         // resigned or superseded while loading
        }
        if (failure != null) {
            log.error("Loading {}-{} failed; retrying in {} ms", OffsetsTopic.NAME, s.partition, LOAD_RETRY_BACKOFF_MS,
                failure);
            scheduler.schedule("group-load-retry", LOAD_RETRY_BACKOFF_MS, () -> execute(() -> {
                if (shards.get(s.partition) == s && s.state == ShardState.LOADING) {
                    shards.remove(s.partition);
                    startLoad(s.partition, s.leaderEpoch);
                }
            }, () -> { }));
            return;
        }
        s.machine = machine;
        s.state = ShardState.ACTIVE;
        log.info("Loaded {} groups and {} offsets from {}-{} ({} records up to offset {}, {} skipped) in {} ms",
            machine.groupCount(), machine.offsetCount(), OffsetsTopic.NAME, s.partition, summary.records(),
            summary.endOffset(), summary.skipped(), TimeUnit.NANOSECONDS.toMillis(time.nanoseconds() - startNs));
        apply(s, machine.onLoaded());
        dropDeletedTopics(s);
    }

    /** Drops a partition: its timers stop and its waiting requests get {@code error}. */
    private void unload(Shard s, Errors error) {
        s.state = ShardState.UNLOADED;
        for (Timer t : s.timers.values()) {
            t.cancellable().cancel();
        }
        s.timers.clear();
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.shard() == s) {
                it.remove();
                p.fail(error);
            }
        }
    }

    /** True once the partition is loaded and led here (tests). */
    public CompletableFuture<Boolean> isActive(int partition) {
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        execute(() -> {
            Shard s = shards.get(partition);
            f.complete(s != null && s.state == ShardState.ACTIVE);
        }, () -> f.complete(false));
        return f;
    }

    /**
     * Stops: waiting requests get NOT_COORDINATOR, timers stop, and the coordinator's own threads end. Blocks up to
     * ten seconds for the group thread to finish what it was doing.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        Scheduler.Cancellable e = expiration;
        if (e != null) {
            e.cancel();
        }
        CompletableFuture<Void> drained = new CompletableFuture<>();
        try {
            groupThread.execute(() -> {
                for (Shard s : List.copyOf(shards.values())) {
                    unload(s, Errors.NOT_COORDINATOR);
                }
                shards.clear();
                drained.complete(null);
            });
            closed = true;
            drained.get(10, TimeUnit.SECONDS);
        } catch (RejectedExecutionException | java.util.concurrent.ExecutionException
                 | java.util.concurrent.TimeoutException ex) {
            log.warn("The group coordinator did not drain cleanly: {}", ex.toString());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        } finally {
            closed = true;
        }
        for (ExecutorService ex : ownedExecutors) {
            ex.shutdownNow();
            try {
                ex.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
