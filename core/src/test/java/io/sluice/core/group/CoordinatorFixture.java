package io.sluice.core.group;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.MockScheduler;
import io.sluice.common.MockTime;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A {@link GroupCoordinator} on fakes, without threads: the group thread is a trampoline on the caller's thread
 * (tasks run in order, never nested), loads wait in a queue until {@link #runLoads()}, timers run when the
 * {@link MockTime} is advanced, and {@code __consumer_offsets} is an {@link InMemoryOffsetsLog}.
 */
final class CoordinatorFixture implements AutoCloseable {
    static final int PARTITIONS = 4;

    /** Runs tasks on the calling thread, one at a time in submission order. */
    static final class Trampoline implements Executor {
        private final Queue<Runnable> queue = new ArrayDeque<>();
        private boolean running;

        @Override
        public void execute(Runnable task) {
            queue.add(task);
            if (running) {
                return;
            }
            running = true;
            try {
                Runnable next;
                while ((next = queue.poll()) != null) {
                    next.run();
                }
            } finally {
                running = false;
            }
        }
    }

    /** Holds tasks until asked to run them. */
    static final class Queued implements Executor {
        private final Queue<Runnable> queue = new ArrayDeque<>();

        @Override
        public synchronized void execute(Runnable task) {
            queue.add(task);
        }

        void runAll() {
            Runnable next;
            while ((next = poll()) != null) {
                next.run();
            }
        }

        private synchronized Runnable poll() {
            return queue.poll();
        }
    }

    final MockTime time = new MockTime(1_000_000L);
    final MockScheduler scheduler = new MockScheduler(time);
    final InMemoryOffsetsLog log;
    final Queued loader = new Queued();
    final GroupCoordinator coordinator;
    private int ids;

    CoordinatorFixture(GroupConfig config) {
        this(config.withOffsetsTopicNumPartitions(PARTITIONS), new InMemoryOffsetsLog());
    }

    CoordinatorFixture(GroupConfig config, InMemoryOffsetsLog log) {
        this.log = log;
        this.coordinator = new GroupCoordinator(config, log, log, MachineHarness.ALL_EXIST, () -> PARTITIONS, time,
            scheduler, new Trampoline(), loader, () -> "uuid" + (++ids));
    }

    CoordinatorFixture() {
        this(GroupConfig.defaults().withInitialRebalanceDelayMs(0));
    }

    /** Leads every partition, loaded. */
    CoordinatorFixture leadAll() {
        for (int p = 0; p < PARTITIONS; p++) {
            coordinator.onBecomeLeader(p, 1);
        }
        runLoads();
        return this;
    }

    void runLoads() {
        loader.runAll();
    }

    static <T> T done(CompletableFuture<T> f) {
        assertTrue(f.isDone(), "not answered yet");
        return f.join();
    }

    @Override
    public void close() {
        coordinator.close();
    }
}
