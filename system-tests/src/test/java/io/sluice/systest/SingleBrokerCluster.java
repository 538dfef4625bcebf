package io.sluice.systest;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * One ZooKeeper and one broker (id 0) as processes, under a chroot of their own, for a test class's
 * {@code @BeforeAll}/{@code @AfterAll}. {@link #close()} stops the broker, then ZooKeeper, by PID.
 *
 * <pre>{@code
 * cluster = SingleBrokerCluster.start(workDir, MyIT.class, b -> b.override("socket.request.max.bytes", "1048576"));
 * }</pre>
 */
final class SingleBrokerCluster implements TargetCluster {
    private static final int LOG_LINES = 40;

    private final ZooKeeperProcess zk;
    private final BrokerProcess broker;

    private SingleBrokerCluster(ZooKeeperProcess zk, BrokerProcess broker) {
        this.zk = zk;
        this.broker = broker;
    }

    static SingleBrokerCluster start(Path workDir, Class<?> testClass) {
        return start(workDir, testClass, UnaryOperator.identity());
    }

    /** Starts ZooKeeper, then broker 0 configured by {@code customize}; stops ZooKeeper again if the broker fails. */
    static SingleBrokerCluster start(Path workDir, Class<?> testClass, UnaryOperator<BrokerProcess.Builder> customize) {
        ZooKeeperProcess zk = ZooKeeperProcess.start(workDir.resolve("zk"));
        try {
            BrokerProcess.Builder builder = BrokerProcess.builder(zk, workDir.resolve("broker-0"))
                    .brokerId(0)
                    .chroot(ZooKeeperProcess.uniqueChroot(testClass));
            BrokerProcess broker = customize.apply(builder).start();
            return new SingleBrokerCluster(zk, broker);
        } catch (RuntimeException | Error e) {
            zk.close();
            throw e;
        }
    }

    ZooKeeperProcess zk() {
        return zk;
    }

    BrokerProcess broker() {
        return broker;
    }

    @Override
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** The last lines of the broker's server.log and console.log, for assertion messages. */
    @Override
    public String brokerLogs() {
        return brokerLogs(LOG_LINES);
    }

    String brokerLogs(int lines) {
        return "\n---- last lines of " + broker.serverLog() + ":\n" + ManagedProcess.tail(broker.serverLog(), lines)
                + "\n---- last lines of " + broker.consoleLog() + ":\n" + broker.consoleTail(lines) + "\n----";
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
