package io.sluice.core.metadata;

import io.sluice.common.ThreadScheduler;
import io.sluice.coordinator.controller.ControllerElection;
import io.sluice.coordinator.metadata.BrokerEndpoint;
import io.sluice.coordinator.metadata.BrokerInfo;
import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.coordinator.metadata.MetadataWatcher;
import io.sluice.coordinator.metadata.ZkMetadataStore;
import io.sluice.coordinator.registration.BrokerRegistration;
import io.sluice.coordinator.zk.ZooKeeperClients;
import io.sluice.coordinator.zk.ZooKeeperConfig;
import io.sluice.core.server.BrokerConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The ZooKeeper side of a broker for admin tests: one in-process ZooKeeper per test class (curator-test
 * {@link TestingServer}, random port), and per test a fresh chroot with registered brokers, a
 * {@link MetadataWatcher}, optionally an elected controller (so partitions get leaders), a {@link MetadataWaiter}
 * and a {@link TopicAdmin} for broker 1. Everything a test starts is closed after it.
 *
 * <p>Use: {@code @RegisterExtension static final AdminTestCluster zk = new AdminTestCluster();} then
 * {@code zk.start(...)} in the test.
 */
public final class AdminTestCluster implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {
    public static final long SEED = 42L;
    public static final long WAIT_MS = 15_000;

    private TestingServer server;
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private final Map<Integer, BrokerRegistration> registrations = new HashMap<>();

    public CuratorFramework client;
    public ZkMetadataStore store;
    public MetadataWatcher watcher;
    public MetadataWaiter waiter;
    public BrokerConfig config;
    public TopicAdmin admin;
    public String clusterId;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        InstanceSpec spec = new InstanceSpec(null, -1, -1, -1, true, -1, 100, -1,
            Map.of("maxSessionTimeout", "60000"), "127.0.0.1");
        server = new TestingServer(spec, true);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        while (!toClose.isEmpty()) {
            try {
                toClose.pop().close();
            } catch (Exception ignored) {
                // best effort: the next test uses a new chroot
            }
        }
        registrations.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** What to start. */
    public static final class Options {
        final Map<String, String> brokerProps = new LinkedHashMap<>();
        int[] brokers = {1};
        Map<Integer, String> racks = Map.of();
        boolean controller = true;

        public Options brokers(int... ids) {
            this.brokers = ids;
            return this;
        }

        public Options racks(Map<Integer, String> racks) {
            this.racks = racks;
            return this;
        }

        public Options withoutController() {
            this.controller = false;
            return this;
        }

        /** A server.properties entry for broker 1. */
        public Options prop(String key, String value) {
            brokerProps.put(key, value);
            return this;
        }
    }

    public static Options options() {
        return new Options();
    }

    public TopicAdmin start() throws Exception {
        return start(options());
    }

    /** Registers the brokers, starts watcher, waiter, controller (unless told not to) and broker 1's TopicAdmin. */
    public TopicAdmin start(Options options) throws Exception {
        String connect = server.getConnectString() + "/t-" + UUID.randomUUID();
        client = ZooKeeperClients.start(new ZooKeeperConfig(connect, 6000, 6000));
        toClose.push(client);
        store = new ZkMetadataStore(client);
        store.ensurePersistentPaths();
        clusterId = store.getOrCreateClusterId();
        for (int id : options.brokers) {
            register(id, Optional.ofNullable(options.racks.get(id)));
        }
        watcher = new MetadataWatcher(client);
        toClose.push(watcher);
        watcher.start();
        if (!watcher.awaitInitialized(10, TimeUnit.SECONDS)) {
            throw new AssertionError("metadata watcher did not initialize");
        }
        ThreadScheduler scheduler = new ThreadScheduler("test-timer", 1);
        toClose.push(scheduler);
        waiter = MetadataWaiter.attach(watcher, scheduler);
        toClose.push(waiter);
        if (options.controller) {
            ControllerElection election = new ControllerElection(client, 1, watcher, Clock.systemUTC());
            toClose.push(election);
            election.start();
            awaitImage("controller elected", image -> image.controllerId() == 1);
        }
        Map<String, String> props = new HashMap<>();
        props.put(BrokerConfig.BROKER_ID, "1");
        props.put(BrokerConfig.ZOOKEEPER_CONNECT, connect);
        props.put(BrokerConfig.LISTENERS, "PLAINTEXT://127.0.0.1:9091");
        props.putAll(options.brokerProps);
        config = new BrokerConfig(props);
        admin = new TopicAdmin(store, waiter, config, new Random(SEED));
        int expectedBrokers = options.brokers.length;
        awaitImage(expectedBrokers + " live brokers", image -> image.brokers().size() == expectedBrokers);
        return admin;
    }

    /** Registers broker {@code id} with listeners PLAINTEXT (port 9090 + id) and EXTERNAL (port 19090 + id). */
    public void register(int id, Optional<String> rack) throws Exception {
        BrokerInfo info = new BrokerInfo(id, List.of(
            new BrokerEndpoint("PLAINTEXT", "127.0.0.1", 9090 + id, "PLAINTEXT"),
            new BrokerEndpoint("EXTERNAL", "broker" + id + ".example.com", 19090 + id, "PLAINTEXT")),
            rack, BrokerInfo.UNKNOWN_EPOCH);
        BrokerRegistration registration = new BrokerRegistration(client, info, Duration.ofSeconds(5), Clock.systemUTC());
        toClose.push(registration);
        registration.start();
        registrations.put(id, registration);
    }

    /** Deregisters broker {@code id}: it is no longer live. */
    public void stopBroker(int id) throws Exception {
        registrations.remove(id).close();
    }

    public ClusterImage image() {
        return watcher.current();
    }

    /** Waits (bounded) until the watcher's image satisfies {@code condition}. */
    public ClusterImage awaitImage(String what, Predicate<ClusterImage> condition) throws InterruptedException {
        until(what, () -> condition.test(watcher.current()));
        return watcher.current();
    }

    public static void until(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + WAIT_MS + " ms waiting for " + what);
            }
            Thread.sleep(10);
        }
    }
}
