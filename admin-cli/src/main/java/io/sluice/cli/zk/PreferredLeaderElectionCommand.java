package io.sluice.cli.zk;

import io.sluice.cli.common.ExitCodes;
import io.sluice.cli.common.ToolCommand;
import io.sluice.cli.common.ToolException;
import io.sluice.cli.common.ToolRunner;
import io.sluice.common.Errors;
import io.sluice.coordinator.metadata.ElectionType;
import io.sluice.coordinator.metadata.LeaderElectionRequest;
import io.sluice.coordinator.metadata.PartitionOutcome;
import io.sluice.coordinator.metadata.PartitionRef;
import io.sluice.coordinator.metadata.TopicAssignment;
import io.sluice.coordinator.metadata.Versioned;
import io.sluice.coordinator.metadata.ZkJson;
import io.sluice.coordinator.metadata.ZkMetadataStore;
import io.sluice.coordinator.zk.ZkPaths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bin/preferred-leader-election.sh}: asks the controller to move leadership back to each partition's
 * preferred (first) replica, and prints its answer.
 *
 * <p>How: the tool writes an election request znode ({@code /admin/elect_leaders/request_<seq>},
 * {@link ZkMetadataStore#submitLeaderElection}), the same request a broker writes for Kafka's ElectLeaders API;
 * the controller elects and writes its answer per partition into that znode. The tool watches the znode (no
 * polling), prints the answer and deletes the request. If no answer comes within {@code --timeout-ms}, the request
 * stays for the controller to carry out later, and the tool exits 1.
 */
@Command(name = "preferred-leader-election.sh", sortOptions = false,
    description = {"Moves the leadership of partitions back to their preferred (first) replica where that replica "
        + "is live and in sync.",
        "Choose the partitions with --topic T [--partition P], or --all."})
public final class PreferredLeaderElectionCommand extends ToolCommand {
    @Mixin
    ZooKeeperOptions zookeeper;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "The topic (all its partitions unless --partition).")
    String topic;

    @Option(names = "--partition", paramLabel = "P", description = "The partition of --topic.")
    Integer partition;

    @Option(names = {"--all", "--all-topic-partitions"}, description = "Every partition of every topic.")
    boolean all;

    @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "30000",
        description = "How long to wait for the controller's answer (default: ${DEFAULT-VALUE} ms).")
    int timeoutMs;

    public static void main(String[] args) {
        ToolRunner.main(new PreferredLeaderElectionCommand(), args);
    }

    @Override
    protected int execute() throws Exception {
        if (all == (topic != null)) {
            throw usageError("Give exactly one of --topic (with or without --partition) and --all");
        }
        if (partition != null && topic == null) {
            throw usageError("--partition needs --topic");
        }
        if (partition != null && partition < 0) {
            throw usageError("--partition must be >= 0, got " + partition);
        }
        if (timeoutMs <= 0) {
            throw usageError("--timeout-ms must be > 0, got " + timeoutMs);
        }
        if (topic != null) {
            try {
                ZkPaths.requireSafeName(topic);
            } catch (IllegalArgumentException e) {
                throw usageError("Invalid --topic: " + e.getMessage());
            }
        }
        try (CuratorFramework zk = ZkSession.open(zookeeper.connect(), zookeeper.connectionTimeoutMs())) {
            ZkMetadataStore store = new ZkMetadataStore(zk);
            Optional<List<PartitionRef>> partitions = all ? Optional.empty() : Optional.of(requested(store));
            String name = store.submitLeaderElection(ElectionType.PREFERRED, partitions);
            Optional<Map<PartitionRef, PartitionOutcome>> answer = awaitAnswer(zk, name);
            if (answer.isEmpty()) {
                boolean controller = zk.checkExists().forPath(ZkPaths.CONTROLLER) != null;
                throw ToolException.failed("The controller did not answer within " + timeoutMs + " ms"
                    + (controller ? "" : " (no broker is controller: " + ZkPaths.CONTROLLER + " does not exist)")
                    + "; the request " + ZkPaths.electLeadersRequest(name) + " stays for the controller to carry out");
            }
            deleteQuietly(zk, ZkPaths.electLeadersRequest(name));
            return report(answer.get());
        }
    }

    /** The partitions of --topic (or just --partition), checked against the topic's assignment. */
    private List<PartitionRef> requested(ZkMetadataStore store) {
        Optional<Versioned<TopicAssignment>> assignment = store.readTopicAssignment(topic);
        if (assignment.isEmpty()) {
            throw ToolException.failed("Topic '" + topic + "' does not exist");
        }
        TopicAssignment a = assignment.get().value();
        if (partition != null) {
            if (!a.replicas().containsKey(partition)) {
                throw ToolException.failed("Topic '" + topic + "' has no partition " + partition + " (it has "
                    + a.partitionCount() + ")");
            }
            return List.of(new PartitionRef(topic, partition));
        }
        return a.replicas().keySet().stream().sorted().map(p -> new PartitionRef(topic, p)).toList();
    }

    /** Waits, with a data watch on the request znode, until the controller has written its answer. */
    private Optional<Map<PartitionRef, PartitionOutcome>> awaitAnswer(CuratorFramework zk, String name) throws Exception {
        String path = ZkPaths.electLeadersRequest(name);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            CountDownLatch changed = new CountDownLatch(1);
            Stat stat = new Stat();
            byte[] data;
            try {
                data = zk.getData().storingStatIn(stat).usingWatcher((CuratorWatcher) event -> changed.countDown())
                    .forPath(path);
            } catch (KeeperException.NoNodeException e) {
                throw ToolException.failed("The election request " + path + " was deleted before it was answered");
            }
            LeaderElectionRequest request = ZkJson.decodeLeaderElectionRequest(name, data, stat.getVersion());
            if (request.results().isPresent()) {
                return request.results();
            }
            long remainingNs = deadline - System.nanoTime();
            if (remainingNs <= 0 || !changed.await(remainingNs, TimeUnit.NANOSECONDS)) {
                return Optional.empty();
            }
        }
    }

    /** Prints the answer as Kafka's leader-election tool does; exit 1 if any partition failed. */
    private int report(Map<PartitionRef, PartitionOutcome> answer) {
        List<PartitionRef> elected = new ArrayList<>();
        List<PartitionRef> notNeeded = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        answer.forEach((ref, outcome) -> {
            if (outcome.error() == Errors.NONE) {
                elected.add(ref);
            } else if (outcome.error() == Errors.ELECTION_NOT_NEEDED) {
                notNeeded.add(ref);
            } else {
                failures.add(ref + ": " + outcome.error() + outcome.message().map(m -> ": " + m).orElse(""));
            }
        });
        if (!elected.isEmpty()) {
            out().println("Successfully completed leader election (PREFERRED) for partitions " + join(elected));
        }
        if (!notNeeded.isEmpty()) {
            out().println("Valid replica already elected for partitions " + join(notNeeded));
        }
        if (elected.isEmpty() && notNeeded.isEmpty() && failures.isEmpty()) {
            out().println("No partition needed a preferred leader election.");
        }
        failures.forEach(f -> out().println("Error completing leader election (PREFERRED) for partition " + f));
        out().flush();
        if (!failures.isEmpty()) {
            err().println(toolName() + ": the election failed for " + failures.size() + " partition"
                + (failures.size() == 1 ? "" : "s"));
            return ExitCodes.FAILED;
        }
        return ExitCodes.OK;
    }

    private static String join(List<PartitionRef> refs) {
        return refs.stream().map(PartitionRef::toString).collect(Collectors.joining(", "));
    }

    private static void deleteQuietly(CuratorFramework zk, String path) {
        try {
            zk.delete().forPath(path);
        } catch (Exception ignored) {
            // the controller or another tool removed it; nothing to clean up
        }
    }
}
