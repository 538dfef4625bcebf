package io.sluice.coordinator.controller;

import io.sluice.coordinator.metadata.MetadataWatcher;
import io.sluice.coordinator.zk.CoordinatorException;
import io.sluice.coordinator.zk.ZkPaths;
import java.io.Closeable;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * This broker's candidacy for controller, and its term when it wins.
 *
 * <p>Election: a Curator {@link LeaderLatch} under {@link ZkPaths#CONTROLLER_ELECTION} (ephemeral sequential
 * znodes; each candidate watches only its predecessor). The latch listener runs on this broker's single
 * {@code controller-event-<id>} thread, which also runs the {@link ActiveController}, so all controller state
 * has one owner.
 *
 * <p>On gaining the latch: re-check {@link LeaderLatch#hasLeadership()} (a callback may be stale), claim the next
 * controller epoch with {@link ControllerEpochStore#claim} (one transaction that also publishes {@code /controller}
 * and fails if our latch znode is gone), then start an {@link ActiveController} whose writes are fenced by that
 * epoch.
 *
 * <p>On losing it (the latch drops leadership on SUSPENDED/LOST with Curator's default error policy, or another
 * broker was elected), the term ends at once: no more controller writes, {@code /controller} deleted if it is
 * still ours. If a fenced write fails its epoch check, this broker resigns: the term ends and the candidacy
 * restarts with a fresh latch (a LeaderLatch cannot be restarted), at the back of the queue.
 *
 * <p>Thread-safety: public methods are safe from any thread; everything else happens on the controller thread.
 */
public final class ControllerElection implements Closeable {
    private static final Logger log = LogManager.getLogger(ControllerElection.class);
    private static final long REJOIN_BACKOFF_MS = 1000;

    private final CuratorFramework zk;
    private final int brokerId;
    private final MetadataWatcher watcher;
    private final ControllerSettings settings;
    private final Clock clock;
    private final ControllerEpochStore epochStore;
    private final ScheduledExecutorService controllerThread;
    private volatile Thread controllerThreadHandle;
    private final CopyOnWriteArrayList<ControllerListener> listeners = new CopyOnWriteArrayList<>();

    // controller thread only (volatile so that isActive()/activeEpoch() may read them from anywhere)
    private volatile LeaderLatch latch;
    private volatile ActiveController active;
    private volatile boolean closed;
    private boolean started;

    /**
     * A candidate with the default settings, except that deleted topics' znodes go at once
     * ({@link TopicDeletionHook#IMMEDIATE}): for tools and tests whose brokers do not confirm deletions. Brokers use
     * {@link #ControllerElection(CuratorFramework, int, MetadataWatcher, Clock, ControllerSettings)}.
     */
    public ControllerElection(CuratorFramework zk, int brokerId, MetadataWatcher watcher, Clock clock) {
        this(zk, brokerId, watcher, clock, ControllerSettings.DEFAULTS.withDeletionHook(TopicDeletionHook.IMMEDIATE));
    }

    public ControllerElection(CuratorFramework zk, int brokerId, MetadataWatcher watcher, Clock clock,
                              TopicDeletionHook deletionHook) {
        this(zk, brokerId, watcher, clock, ControllerSettings.DEFAULTS.withDeletionHook(deletionHook));
    }

    public ControllerElection(CuratorFramework zk, int brokerId, MetadataWatcher watcher, Clock clock,
                              ControllerSettings settings) {
        this.zk = Objects.requireNonNull(zk, "zk");
        this.brokerId = brokerId;
        this.watcher = Objects.requireNonNull(watcher, "watcher");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.epochStore = new ControllerEpochStore(zk, clock);
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "controller-event-" + brokerId);
            t.setDaemon(true);
            controllerThreadHandle = t;
            return t;
        });
        // Timers (retries, the imbalance check, request clean-up) are dropped at close instead of delaying it.
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        executor.setRemoveOnCancelPolicy(true);
        this.controllerThread = executor;
    }

    /** Joins the election. Returns at once; {@link ControllerListener}s hear about the outcome. */
    public void start() {
        runOnControllerThread(() -> {
            if (started) {
                throw new IllegalStateException("Controller election for broker " + brokerId + " already started");
            }
            started = true;
            joinElection();
        });
    }

    /** Called on the controller thread when this broker's term starts or ends. */
    public void addListener(ControllerListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** True while this broker is the active controller (holds the latch and a claimed epoch). */
    public boolean isActive() {
        return active != null;
    }

    /** The epoch of this broker's current term, if it is the active controller. */
    public Optional<ControllerEpoch> activeEpoch() {
        ActiveController a = active;
        return a == null ? Optional.empty() : Optional.of(a.epoch());
    }

    /** The current term's writer (tests use it to prove a deposed controller is fenced). */
    Optional<FencedZkWriter> activeWriter() {
        ActiveController a = active;
        return a == null ? Optional.empty() : Optional.of(a.writer());
    }

    /** Leaves the election: ends the term if active, releases the latch so another broker takes over. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            runOnControllerThread(() -> {
                closed = true;
                endTerm("shutting down");
                closeLatch();
            });
        } finally {
            closed = true;
            controllerThread.shutdown();
            try {
                if (!controllerThread.awaitTermination(5, TimeUnit.SECONDS)) {
                    controllerThread.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                controllerThread.shutdownNow();
            }
        }
    }

    // ---- controller thread ------------------------------------------------------------------------------------

    private void joinElection() {
        if (closed) {
            return;
        }
        LeaderLatch newLatch = new LeaderLatch(zk, ZkPaths.CONTROLLER_ELECTION, Integer.toString(brokerId),
            LeaderLatch.CloseMode.SILENT);
        newLatch.addListener(new LeaderLatchListener() {
            @Override
            public void isLeader() {
                onLeadershipGained(newLatch);
            }

            @Override
            public void notLeader() {
                if (newLatch == latch) {
                    endTerm("lost the controller latch");
                }
            }
        }, controllerThread);
        latch = newLatch;
        try {
            newLatch.start();
        } catch (Exception e) {
            throw CoordinatorException.wrap("Could not join the controller election at " + ZkPaths.CONTROLLER_ELECTION, e);
        }
        log.debug("Broker {} joined the controller election", brokerId);
    }

    private void onLeadershipGained(LeaderLatch fromLatch) {
        if (closed || fromLatch != latch || active != null) {
            return;
        }
        if (!fromLatch.hasLeadership()) {
            log.debug("Stale isLeader callback for broker {}; leadership already gone", brokerId);
            return;
        }
        ControllerEpoch epoch;
        try {
            epoch = epochStore.claim(brokerId, fromLatch.getOurPath());
        } catch (ControllerMovedException e) {
            log.info("Broker {} could not become controller: {}", brokerId, e.getMessage());
            rejoin("lost the latch while claiming the epoch", 0);
            return;
        } catch (CoordinatorException e) {
            log.warn("Broker {} could not claim the controller epoch: {}", brokerId, e.getMessage());
            rejoin("could not claim the controller epoch", REJOIN_BACKOFF_MS);
            return;
        }
        ActiveController controller = new ActiveController(brokerId, zk, new FencedZkWriter(zk, epoch), watcher,
            controllerThread, settings, clock, this::onFenced);
        active = controller;
        log.info("Broker {} is now the active controller, epoch {} (epoch znode version {})",
            brokerId, epoch.epoch(), epoch.zkVersion());
        controller.activate();
        for (ControllerListener listener : listeners) {
            try {
                listener.onActivated(epoch);
            } catch (RuntimeException e) {
                log.error("Controller listener failed", e);
            }
        }
    }

    private void onFenced(ControllerMovedException e) {
        endTerm("fenced by a newer controller epoch");
        rejoin("fenced", 0);
    }

    private void endTerm(String why) {
        ActiveController controller = active;
        if (controller == null) {
            return;
        }
        active = null;
        controller.deactivate();
        log.info("Broker {} is no longer the active controller (epoch {}): {}", brokerId, controller.epoch().epoch(), why);
        epochStore.releaseControllerZnode();
        for (ControllerListener listener : listeners) {
            try {
                listener.onDeactivated();
            } catch (RuntimeException e) {
                log.error("Controller listener failed", e);
            }
        }
    }

    /** Gives up the current latch and joins again with a fresh one after {@code delayMs}. */
    private void rejoin(String why, long delayMs) {
        log.info("Broker {} rejoining the controller election: {}", brokerId, why);
        closeLatch();
        try {
            controllerThread.schedule(this::joinElection, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("Controller thread stopped; not rejoining");
        }
    }

    private void closeLatch() {
        LeaderLatch current = latch;
        latch = null;
        if (current != null) {
            try {
                current.close(LeaderLatch.CloseMode.SILENT);
            } catch (Exception e) {
                log.debug("Closing the controller latch failed: {}", e.toString());
            }
        }
    }

    private void runOnControllerThread(Runnable task) {
        if (Thread.currentThread() == controllerThreadHandle) {
            task.run();                  // e.g. a ControllerListener closing the election: waiting would deadlock
            return;
        }
        try {
            controllerThread.submit(task).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoordinatorException("Interrupted while waiting for the controller thread", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new CoordinatorException("Controller thread task failed", e.getCause());
        } catch (TimeoutException e) {
            throw new CoordinatorException("Controller thread did not respond within 30 s", e);
        } catch (RejectedExecutionException e) {
            throw new CoordinatorException("Controller election for broker " + brokerId + " is closed", e);
        }
    }
}
