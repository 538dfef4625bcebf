package io.sluice.core.server;

import io.sluice.client.network.NetworkClient;
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
import io.sluice.coordinator.registration.ControlledShutdown;
import io.sluice.coordinator.registration.TopicDeletionAcks;
import io.sluice.coordinator.zk.ZooKeeperClients;
import io.sluice.coordinator.zk.ZooKeeperConfig;
import io.sluice.core.group.GroupConfig;
import io.sluice.core.group.GroupCoordinator;
import io.sluice.core.handler.AlterConfigsHandler;
import io.sluice.core.handler.AlterPartitionReassignmentsHandler;
import io.sluice.core.handler.ApiVersionsHandler;
import io.sluice.core.handler.CreatePartitionsHandler;
import io.sluice.core.handler.CreateTopicsHandler;
import io.sluice.core.handler.DeleteGroupsHandler;
import io.sluice.core.handler.DeleteRecordsHandler;
import io.sluice.core.handler.DeleteTopicsHandler;
import io.sluice.core.handler.DescribeClusterHandler;
import io.sluice.core.handler.DescribeConfigsHandler;
import io.sluice.core.handler.DescribeGroupsHandler;
import io.sluice.core.handler.ElectLeadersHandler;
import io.sluice.core.handler.FetchHandler;
import io.sluice.core.handler.FindCoordinatorHandler;
import io.sluice.core.handler.HeartbeatHandler;
import io.sluice.core.handler.IncrementalAlterConfigsHandler;
import io.sluice.core.handler.InitProducerIdHandler;
import io.sluice.core.handler.JoinGroupHandler;
import io.sluice.core.handler.LeaveGroupHandler;
import io.sluice.core.handler.ListGroupsHandler;
import io.sluice.core.handler.ListOffsetsHandler;
import io.sluice.core.handler.ListPartitionReassignmentsHandler;
import io.sluice.core.handler.MetadataHandler;
import io.sluice.core.handler.OffsetCommitHandler;
import io.sluice.core.handler.OffsetDeleteHandler;
import io.sluice.core.handler.OffsetFetchHandler;
import io.sluice.core.handler.OffsetForLeaderEpochHandler;
import io.sluice.core.handler.ProduceHandler;
import io.sluice.core.handler.RequestDispatcher;
import io.sluice.core.metrics.BrokerMetrics;
import io.sluice.core.handler.SyncGroupHandler;
import io.sluice.core.log.LogConfig;
import io.sluice.core.log.LogManager;
import io.sluice.core.log.PartitionLog;
import io.sluice.core.metadata.MetadataWaiter;
import io.sluice.core.metadata.TopicAdmin;
import io.sluice.core.network.Listener;
import io.sluice.core.network.SocketServer;
import io.sluice.core.producerid.ProducerIdManager;
import io.sluice.core.replication.HighWatermarkCheckpoints;
import io.sluice.core.replication.RemoteLeaderEndpoint;
import io.sluice.core.replication.ReplicaManager;
import io.sluice.core.replication.ReplicationConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
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
    private volatile ControlledShutdown controlledShutdown;
    private volatile ControllerElection controllerElection;
    private volatile BrokerMetrics metrics;
    private volatile int metricsPort = -1;
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
        ReplicationConfig replication = config.replicationConfig();
        ZkIsrWriter isrWriter = new ZkIsrWriter(store);
        toClose.push(isrWriter);
        // One request at a time per fetcher; a dead leader costs at most replica.socket.timeout.ms per call, then
        // the fetcher backs off (replica.fetch.backoff.ms) and the client reconnects with jittered backoff.
        NetworkClient.Settings fetcherConnection = new NetworkClient.Settings("broker-" + brokerId + "-fetcher",
            replication.socketTimeoutMs(), replication.socketTimeoutMs(), Math.min(50, replication.fetchBackoffMs()),
            Math.max(1_000, replication.fetchBackoffMs()), 1,
            Math.max(replication.fetchResponseMaxBytes(), replication.fetchMaxBytes()) + 1024 * 1024);
        ReplicaManager replicas = new ReplicaManager(brokerId, logManager, new HighWatermarkCheckpoints(config.logDirs()),
            logDefaults, time, completions, replication, isrWriter,
            leaderId -> new RemoteLeaderEndpoint(leaderId, () -> interBrokerAddress(metadataWatcher.current(), leaderId,
                replication.interBrokerListenerName()), fetcherConnection), true);
        toClose.push(replicas);
        toClose.push(replicas::checkpointHighWatermarks);
        this.replicaManager = replicas;
        ExecutorService metadataThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "metadata-apply");
            t.setDaemon(true);
            return t;
        });
        toClose.push(metadataThread::shutdownNow);
        // Topics deleted while this broker was down: their logs go before anything is hosted (a re-created topic
        // of the same name must not inherit them); afterwards each applied image confirms this broker's deletions.
        TopicDeletionAcks deletionAcks = new TopicDeletionAcks(zk, brokerId);
        deletionAcks.deleteStrayReplicas(topic -> logManager.allLogs().stream().map(PartitionLog::topicPartition)
            .filter(tp -> tp.topic().equals(topic)).toList().forEach(logManager::deleteLog));
        // Group coordinator: loads a __consumer_offsets partition when this broker becomes its leader.
        GroupConfig groupConfig = config.groupConfig();
        Scheduler groupTimers = new ThreadScheduler("group-timer", 1);
        toClose.push(groupTimers);
        GroupCoordinator groups = GroupCoordinator.create(groupConfig, GroupCoordinatorAdapters.writer(replicas),
            GroupCoordinatorAdapters.reader(replicas), GroupCoordinatorAdapters.partitionExists(metadataWatcher::current),
            GroupCoordinatorAdapters.offsetsPartitionCount(metadataWatcher::current, groupConfig), time, groupTimers);
        groups.startup();
        toClose.push(groups);
        GroupCoordinatorAdapters.OffsetsLeadership offsetsLeadership =
            new GroupCoordinatorAdapters.OffsetsLeadership(replicas, groups);
        ClusterImage firstImage = metadataWatcher.current();
        replicas.applyImage(firstImage);
        offsetsLeadership.refresh();
        GroupCoordinatorAdapters.TopicDeletions topicDeletions =
            new GroupCoordinatorAdapters.TopicDeletions(firstImage, groups::onTopicsDeleted);
        deletionAcks.onImageApplied(firstImage);
        metadataWatcher.addListener(image -> {
            try {
                metadataThread.execute(() -> {
                    replicas.applyImage(image);
                    offsetsLeadership.refresh();
                    topicDeletions.onImageApplied(image);      // the group coordinator drops their offsets
                    deletionAcks.onImageApplied(image);       // only after its logs of deleted topics are gone
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                log.debug("Ignoring a metadata change during shutdown");
            }
        });
        scheduler.schedulePeriodic("highwatermark-checkpoint", config.highWatermarkCheckpointIntervalMs(),
            config.highWatermarkCheckpointIntervalMs(), replicas::checkpointHighWatermarks);
        scheduler.schedulePeriodic("purgatory-purge", 30_000, 30_000, replicas::purgeCompleted);
        long isrCheckMs = Math.max(1, replication.replicaLagTimeMaxMs() / 2);
        scheduler.schedulePeriodic("isr-expiration", isrCheckMs, isrCheckMs, replicas::maybeShrinkIsr);
        watchZooKeeperSession(zk, store, replicas, metadataThread, scheduler);

        MetadataWaiter waiter = MetadataWaiter.attach(metadataWatcher, scheduler);
        toClose.push(waiter::close);
        TopicAdmin admin = new TopicAdmin(store, waiter, config, new SecureRandom());
        ProducerIdManager producerIds = new ProducerIdManager(size -> {
            ProducerIdBlock block = store.allocateProducerIdBlock(brokerId, size);
            return new ProducerIdManager.Block(block.firstProducerId(), block.lastProducerId());
        });

        BrokerMetrics brokerMetrics = new BrokerMetrics(new BrokerMetrics.Sources(
            replicas::underReplicatedPartitionCount,
            () -> offlinePartitionCount(metadataWatcher.current()),
            () -> controllerElection != null && controllerElection.isActive() ? 1 : 0,
            replicas::partitionCount, replicas::leaderCount, groups::groupCount, replicas::purgatorySizes,
            () -> logManager.allLogs().stream().map(l -> new BrokerMetrics.LogStat(l.topicPartition().topic(),
                l.topicPartition().partition(), l.sizeInBytes(), l.logEndOffset())).toList()));
        this.metrics = brokerMetrics;
        replicas.setStats(brokerMetrics);
        zk.getConnectionStateListenable().addListener((client, state) -> brokerMetrics.zooKeeperStateChanged(state.name()));
        if (config.metricsPort().isPresent()) {
            try {
                metricsPort = brokerMetrics.serve(config.metricsPort().getAsInt());
            } catch (java.io.IOException e) {
                throw new IllegalStateException("Cannot serve metrics on " + BrokerConfig.METRICS_PORT + "="
                    + config.metricsPort().getAsInt() + ": " + e.getMessage(), e);
            }
            toClose.push(brokerMetrics);
            log.info("Broker {} serves Prometheus metrics on port {} (/metrics)", brokerId, metricsPort);
        }

        RequestDispatcher dispatcher = new RequestDispatcher(config.numIoThreads());
        dispatcher.observeRequests(brokerMetrics::requestCompleted);
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
        dispatcher.register(new ElectLeadersHandler(store, waiter))
            .register(new AlterPartitionReassignmentsHandler(store, waiter))
            .register(new ListPartitionReassignmentsHandler(waiter));
        dispatcher.register(new FindCoordinatorHandler(admin, groupConfig))
            .register(new JoinGroupHandler(groups))
            .register(new SyncGroupHandler(groups))
            .register(new HeartbeatHandler(groups))
            .register(new LeaveGroupHandler(groups))
            .register(new OffsetCommitHandler(groups))
            .register(new OffsetFetchHandler(groups))
            .register(new OffsetDeleteHandler(groups))
            .register(new ListGroupsHandler(groups))
            .register(new DescribeGroupsHandler(groups))
            .register(new DeleteGroupsHandler(groups));
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
        controlledShutdown = new ControlledShutdown(zk, metadataWatcher, brokerId, config.controlledShutdownSettings());

        ControllerElection election = new ControllerElection(zk, brokerId, metadataWatcher, Clock.systemUTC(),
            config.controllerSettings());
        controllerElection = election;
        election.start();
        toClose.push(whenZooKeeperReachable(zk, election::close));
    }

    /**
     * A leader that cannot reach ZooKeeper may already have been replaced: stop accepting produce requests on
     * SUSPENDED or LOST, and accept them again after RECONNECTED once every led partition's state was read back
     * (on the metadata thread, so it does not race with image application; retried every second on failure).
     */
    private static void watchZooKeeperSession(CuratorFramework zk, ZkMetadataStore store, ReplicaManager replicas,
                                              ExecutorService metadataThread, Scheduler scheduler) {
        zk.getConnectionStateListenable().addListener((client, state) -> {
            switch (state) {
                case SUSPENDED, LOST -> replicas.onZooKeeperSessionLost(state.name());
                case RECONNECTED -> revalidateLeaders(store, replicas, metadataThread, scheduler);
                default -> { }
            }
        });
    }

    private static void revalidateLeaders(ZkMetadataStore store, ReplicaManager replicas, ExecutorService metadataThread,
                                          Scheduler scheduler) {
        try {
            metadataThread.execute(() -> {
                if (!replicas.isZooKeeperSessionValid()
                        && !replicas.onZooKeeperSessionRestored(tp -> store.readPartitionState(tp.topic(), tp.partition()))) {
                    scheduler.schedule("zk-revalidate-leaders", 1_000,
                        () -> revalidateLeaders(store, replicas, metadataThread, scheduler));
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shutting down
        }
    }

    /** A broker's address on the inter-broker listener, from the image (empty while it is not registered). */
    private static Optional<InetSocketAddress> interBrokerAddress(ClusterImage image, int brokerId, String listener) {
        return image.broker(brokerId).flatMap(b -> b.endpoint(listener)).map(e ->
            InetSocketAddress.createUnresolved(e.host().isEmpty() ? "localhost" : e.host(), e.port()));
    }

    /**
     * Controlled shutdown, first of all while the broker still serves: the controller moves this broker's
     * leaderships to other in-sync replicas (bounded by controlled.shutdown.max.retries × retry.backoff.ms), so
     * clients only see retriable NOT_LEADER_OR_FOLLOWER errors.
     */
    private void moveLeadershipsAway(ControlledShutdown shutdown) {
        try {
            ControlledShutdown.Outcome outcome = shutdown.run();
            if (outcome instanceof ControlledShutdown.Outcome.Skipped skipped) {
                log.info("Broker {} skips the controlled shutdown: {}", config.brokerId(), skipped.reason());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("Controlled shutdown of broker {} interrupted", config.brokerId());
        } catch (RuntimeException e) {
            log.warn("Controlled shutdown of broker {} failed: {}", config.brokerId(), e.toString());
        }
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

    /** The port of the /metrics endpoint, if served. */
    public java.util.OptionalInt metricsPort() {
        int port = metricsPort;
        return port < 0 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(port);
    }

    /** The broker's metrics (null before startup). */
    public BrokerMetrics metrics() {
        return metrics;
    }

    /** Partitions without a live leader; only the active controller reports them, as Kafka does. */
    private int offlinePartitionCount(ClusterImage image) {
        ControllerElection election = controllerElection;
        if (election == null || !election.isActive()) {
            return 0;
        }
        int offline = 0;
        for (var topic : image.topics().values()) {
            for (var partition : topic.partitions().values()) {
                if (partition.state().map(st -> !st.hasLeader() || !image.isLive(st.leader())).orElse(false)) {
                    offline++;
                }
            }
        }
        return offline;
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
     * First a controlled shutdown (leaderships move to other brokers while this one still serves), then stops in
     * reverse start order: controller candidacy and registration first (clients and the controller
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
        ControlledShutdown shutdown = controlledShutdown;
        if (shutdown != null) {
            moveLeadershipsAway(shutdown);
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
