package io.sluice.cli.zk;

import io.sluice.cli.common.ExitCodes;
import io.sluice.cli.common.ToolCommand;
import io.sluice.cli.common.ToolRunner;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bin/cluster-status.sh}: brokers, controller and every partition, read from ZooKeeper. */
@Command(name = "cluster-status.sh", sortOptions = false,
    description = {"Prints the live brokers (endpoints, racks), the controller and its epoch, and every topic "
        + "partition with its leader, replicas and ISR, with the counts of under-replicated and offline partitions.",
        "Exit code: 0 when no partition is offline, 3 when some are (for monitoring), 1 if ZooKeeper cannot be "
            + "read, 2 on bad options."})
public final class ClusterStatusCommand extends ToolCommand {
    @Mixin
    ZooKeeperOptions zookeeper;

    @Option(names = "--json", description = "Print JSON instead of tables.")
    boolean json;

    public static void main(String[] args) {
        ToolRunner.main(new ClusterStatusCommand(), args);
    }

    @Override
    protected int execute() throws Exception {
        ClusterStatusReport report;
        try (CuratorFramework zk = ZkSession.open(zookeeper.connect(), zookeeper.connectionTimeoutMs())) {
            report = ClusterStatusReport.of(ClusterImages.read(zk, Math.max(zookeeper.connectionTimeoutMs(), 10_000)));
        }
        out().print(json ? report.json() : report.text());
        out().flush();
        long offline = report.offlineCount();
        if (offline > 0) {
            err().println(toolName() + ": " + offline + " offline partition" + (offline == 1 ? "" : "s"));
            return ExitCodes.UNHEALTHY;
        }
        return ExitCodes.OK;
    }
}
