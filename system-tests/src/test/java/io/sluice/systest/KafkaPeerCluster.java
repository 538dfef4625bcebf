package io.sluice.systest;

import java.nio.file.Path;
import java.util.Map;

/**
 * One ZooKeeper (ours, {@link ZooKeeperProcess}) and one real Apache Kafka 3.9 broker (id 0, {@link
 * KafkaBrokerProcess}) under a chroot of its own, for a test class's {@code @BeforeAll}/{@code @AfterAll}.
 * {@link #close()} stops the broker, then ZooKeeper, by PID.
 */
final class KafkaPeerCluster implements TargetCluster {
    private static final int LOG_LINES = 40;

    private final ZooKeeperProcess zk;
    private final KafkaBrokerProcess broker;

    private KafkaPeerCluster(ZooKeeperProcess zk, KafkaBrokerProcess broker) {
        this.zk = zk;
        this.broker = broker;
    }

    /** Starts ZooKeeper, then Kafka broker 0 with {@code properties} on top of the harness's server.properties. */
    static KafkaPeerCluster start(Path workDir, Class<?> testClass, Map<String, String> properties) {
        ZooKeeperProcess zk = ZooKeeperProcess.start(workDir.resolve("zk"));
        try {
            KafkaBrokerProcess broker = KafkaBrokerProcess.start(zk, ZooKeeperProcess.uniqueChroot(testClass), 0,
                    workDir.resolve("kafka-0"), properties);
            return new KafkaPeerCluster(zk, broker);
        } catch (RuntimeException | Error e) {
            zk.close();
            throw e;
        }
    }

    KafkaBrokerProcess broker() {
        return broker;
    }

    @Override
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    @Override
    public String brokerLogs() {
        return "\n---- last lines of " + broker.serverLog() + ":\n"
                + ManagedProcess.tail(broker.serverLog(), LOG_LINES) + "\n----";
    }

    @Override
    public void close() {
        try {
            long start = System.nanoTime();
            boolean graceful = broker.stop();
            System.out.printf("systest: %s stopped %s in %d ms%n", broker, graceful ? "cleanly on SIGTERM"
                    : "by SIGKILL after the SIGTERM grace period", (System.nanoTime() - start) / 1_000_000);
        } finally {
            zk.close();
        }
    }
}
