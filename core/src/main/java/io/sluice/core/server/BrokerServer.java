package io.sluice.core.server;

import io.sluice.common.Scheduler;
import io.sluice.common.ThreadScheduler;
import io.sluice.common.Time;
import io.sluice.coordinator.controller.ControllerElection;
import io.sluice.coordinator.metadata.BrokerEndpoint;
import io.sluice.coordinator.metadata.BrokerInfo;
import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.coordinator.metadata.MetadataWatcher;
import io.sluice.coordinator.metadata.ProducerIdBlock;
import io.sluice.coordinator.metadata.ZkMetadataStore;
import io.sluice.coordinator.registration.BrokerRegistration;
import io.sluice.coordinator.zk.ZooKeeperClients;
import io.sluice.coordinator.zk.ZooKeeperConfig;
import io.sluice.core.handler.AlterConfigsHandler;
import io.sluice.core.handler.ApiVersionsHandler;
import io.sluice.core.handler.CreatePartitionsHandler;
import io.sluice.core.handler.CreateTopicsHandler;
import io.sluice.core.handler.DeleteRecordsHandler;
import io.sluice.core.handler.DeleteTopicsHandler;
import io.sluice.core.handler.DescribeClusterHandler;
import io.sluice.core.handler.DescribeConfigsHandler;
import io.sluice.core.handler.FetchHandler;
import io.sluice.core.handler.IncrementalAlterConfigsHandler;
import io.sluice.core.handler.InitProducerIdHandler;
import io.sluice.core.handler.ListOffsetsHandler;
import io.sluice.core.handler.MetadataHandler;
import io.sluice.core.handler.OffsetForLeaderEpochHandler;
import io.sluice.core.handler.ProduceHandler;
import io.sluice.core.handler.RequestDispatcher;
import io.sluice.core.log.LogConfig;
import io.sluice.core.log.LogManager;
import io.sluice.core.metadata.MetadataWaiter;
import io.sluice.core.metadata.TopicAdmin;
import io.sluice.core.network.Listener;
import io.sluice.core.network.SocketServer;
import io.sluice.core.producerid.ProducerIdManager;
import io.sluice.core.replication.HighWatermarkCheckpoints;
import io.sluice.core.replication.ReplicaManager;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.logging.log4j.Logger;

/**
 * Builds every component of a broker and owns their start and stop order: ZooKeeper session and metadata
 * image, log manager (recovery), replica manager, request handlers, network, registration in ZooKeeper, and
 * the controller candidacy. Stops in reverse order. Wiring only; no broker logic lives here.
 */
public final class BrokerServer implements AutoCloseable {
    private static final Logger log = org.apache.logging.log4j.LogManager.getLogger(BrokerServer.class);

    private final BrokerConfig config;
    private final Time time;
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile List<Listener> boundListeners = List.of();
    private volatile SocketServer socketServer;
    private volatile ReplicaManager replicaManager;
    private volatile MetadataWatcher watcher;
    private volatile String clusterId;
    private boolean closed;

    public BrokerServer(BrokerConfig config, Time time) {
        this.config = config;
        this.time = time;
    }

    /**
     * Starts the broker. On failure everything already started is stopped again and the exception names what
     * failed (ZooKeeper unreachable, a log dir unusable, a port taken, a broker id in use).
     */
    public synchronized void startup() throws Exception {
        long startNs = System.nanoTime();
        try {
            doStartup();
        } catch (Exception | Error e) {
            close();
            throw e;
        }
        log.info("Broker {} started in {} ms on {} (cluster {})", config.brokerId(),
            (System.nanoTime() - startNs) / 1_000_000, boundListeners, clusterId);
    }

    private void doStartup() throws Exception {
        for (String key : config.unknownKeys()) {
            log.warn("Ignoring unknown configuration key {}", key);
        }
        int brokerId = config.brokerId();

        ZooKeeperConfig zkConfig = new ZooKeeperConfig(config.zookeeperConnect(), config.zookeeperSessionTimeoutMs(),
            config.zookeeperConnectionTimeoutMs());
        CuratorFramework zk = ZooKeeperClients.start(zkConfig);
        toClose.push(zk::close);
        ZkMetadataStore store = new ZkMetadataStore(zk);
        store.ensurePersistentPaths();
        clusterId = store.getOrCreateClusterId();

        MetadataWatcher metadataWatcher = new MetadataWatcher(zk);
        metadataWatcher.start();
        toClose.push(metadataWatcher::close);
        if (!metadataWatcher.awaitInitialized(config.zookeeperConnectionTimeoutMs(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("The metadata in ZooKeeper at " + config.zookeeperConnect()
                + " could not be read within " + config.zookeeperConnectionTimeoutMs() + " ms");
        }
        this.watcher = metadataWatcher;

        Scheduler scheduler = new ThreadScheduler("log-scheduler", 1);
        toClose.push(scheduler);
        Map<String, String> logDefaults = config.logDefaults();
        LogManager logManager = new LogManager(config.logManagerSettings(), config.defaultLogConfig(),
            topic -> topicConfig(metadataWatcher.current(), topic, logDefaults), scheduler, time,
            (dir, cause) -> {
                log.error("Log directory {} failed ({}); shutting down because its data can no longer be served", dir,
                    cause.getMessage());
                new Thread(this::close, "log-dir-failure-shutdown").start();
            });
        logManager.startup();
        toClose.push(logManager);

        ExecutorService completions = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "delayed-completion");
            t.setDaemon(true);
            return t;
        });
        toClose.push(completions::shutdownNow);
        ReplicaManager replicas = new ReplicaManager(brokerId, logManager, new HighWatermarkCheckpoints(config.logDirs()),
            logDefaults, time, completions);
        toClose.push(replicas);
        toClose.push(replicas::checkpointHighWatermarks);
        this.replicaManager = replicas;
        ExecutorService metadataThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "metadata-apply");
            t.setDaemon(true);
            return t;
        });
        toClose.push(metadataThread::shutdownNow);
        replicas.applyImage(metadataWatcher.current());
        metadataWatcher.addListener(image -> metadataThread.execute(() -> replicas.applyImage(image)));
        scheduler.schedulePeriodic("highwatermark-checkpoint", config.highWatermarkCheckpointIntervalMs(),
            config.highWatermarkCheckpointIntervalMs(), replicas::checkpointHighWatermarks);
        scheduler.schedulePeriodic("purgatory-purge", 30_000, 30_000, replicas::purgeCompleted);

        MetadataWaiter waiter = MetadataWaiter.attach(metadataWatcher, scheduler);
        toClose.push(waiter::close);
        TopicAdmin admin = new TopicAdmin(store, waiter, config, new SecureRandom());
        ProducerIdManager producerIds = new ProducerIdManager(size -> {
            ProducerIdBlock block = store.allocateProducerIdBlock(brokerId, size);
            return new ProducerIdManager.Block(block.firstProducerId(), block.lastProducerId());
        });

        RequestDispatcher dispatcher = new RequestDispatcher(config.numIoThreads());
        dispatcher.register(new ApiVersionsHandler(dispatcher::handles))
            .register(new MetadataHandler(admin))
            .register(new ProduceHandler(replicas))
            .register(new FetchHandler(replicas, config.fetchMaxBytes()))
            .register(new ListOffsetsHandler(replicas))
            .register(new InitProducerIdHandler(producerIds))
            .register(new OffsetForLeaderEpochHandler(replicas))
            .register(new DeleteRecordsHandler(replicas))
            .register(new CreateTopicsHandler(admin))
            .register(new DeleteTopicsHandler(admin))
            .register(new CreatePartitionsHandler(admin))
            .register(new DescribeConfigsHandler(admin))
            .register(new AlterConfigsHandler(admin))
            .register(new IncrementalAlterConfigsHandler(admin))
            .register(new DescribeClusterHandler(admin));
        toClose.push(dispatcher);

        SocketServer server = new SocketServer(new SocketServer.Settings(config.numNetworkThreads(),
            config.socketRequestMaxBytes(), config.connectionsMaxIdleMs(), 32, config.socketSendBufferBytes(),
            config.socketReceiveBufferBytes()), dispatcher);
        toClose.push(server);
        this.socketServer = server;
        boundListeners = server.start(config.listeners());

        BrokerRegistration registration = new BrokerRegistration(zk, brokerInfo(brokerId),
            Duration.ofMillis(config.zookeeperSessionTimeoutMs()), Clock.systemUTC());
        registration.start();
        toClose.push(whenZooKeeperReachable(zk, registration));

        ControllerElection election = new ControllerElection(zk, brokerId, metadataWatcher, Clock.systemUTC());
        election.start();
        toClose.push(whenZooKeeperReachable(zk, election::close));
    }

    /**
     * Closing ZooKeeper-backed parts deletes znodes; with ZooKeeper gone that would retry for a long time.
     * Then skip it: closing the session at the end removes our ephemeral znodes anyway.
     */
    private static AutoCloseable whenZooKeeperReachable(CuratorFramework zk, AutoCloseable part) {
        return () -> {
            if (zk.getZookeeperClient().isConnected()) {
                part.close();
            } else {
                log.warn("ZooKeeper is unreachable; leaving the session's expiry to remove this broker's znodes");
            }
        };
    }

    private static LogConfig topicConfig(ClusterImage image, String topic, Map<String, String> defaults) {
        Map<String, String> overrides = image.topic(topic).map(t -> t.configs()).orElse(Map.of());
        try {
            return LogConfig.of(defaults, overrides);
        } catch (RuntimeException e) {
            log.error("Invalid configuration for topic {} in ZooKeeper ({}); using broker defaults", topic, e.getMessage());
            return LogConfig.of(defaults, Map.of());
        }
    }

    /** What goes into /brokers/ids/N: advertised endpoints with the ports actually bound. */
    private BrokerInfo brokerInfo(int brokerId) {
        List<BrokerEndpoint> endpoints = new ArrayList<>();
        for (Listener advertised : config.advertisedListeners()) {
            Listener bound = boundListeners.stream().filter(l -> l.name().equals(advertised.name())).findFirst()
                .orElseThrow();
            int port = advertised.port() == 0 || config.originals().get(BrokerConfig.ADVERTISED_LISTENERS) == null
                ? bound.port() : advertised.port();
            String host = advertised.host().isEmpty() ? canonicalHost() : advertised.host();
            endpoints.add(new BrokerEndpoint(advertised.name(), host, port, "PLAINTEXT"));
        }
        return new BrokerInfo(brokerId, endpoints, Optional.ofNullable(config.rack()), -1L);
    }

    private static String canonicalHost() {
        try {
            return java.net.InetAddress.getLocalHost().getCanonicalHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    public List<Listener> boundListeners() {
        return boundListeners;
    }

    public Optional<ReplicaManager> replicaManager() {
        return Optional.ofNullable(replicaManager);
    }

    public String clusterId() {
        return clusterId;
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    /**
     * Stops in reverse start order: controller candidacy and registration first (clients and the controller
     * see the broker leave), then the network (no new requests), handlers, replication (HW checkpoint), logs
     * (flush, checkpoints, clean-shutdown marker), the metadata watcher and the ZooKeeper session.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        SocketServer server = socketServer;
        if (server != null) {
            server.stopAccepting();
        }
        while (true) {
            AutoCloseable c;
            synchronized (this) {
                c = toClose.poll();
            }
            if (c == null) {
                break;
            }
            try {
                c.close();
            } catch (Exception e) {
                log.warn("Error while shutting down: {}", e.toString());
            }
        }
        log.info("Broker {} shut down", config.brokerId());
        stopped.countDown();
    }
}
