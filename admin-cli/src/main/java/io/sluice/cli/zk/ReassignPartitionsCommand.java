package io.sluice.cli.zk;

import io.sluice.cli.common.ExitCodes;
import io.sluice.cli.common.ToolCommand;
import io.sluice.cli.common.ToolException;
import io.sluice.cli.common.ToolRunner;
import io.sluice.coordinator.controller.ReplicaPlacement;
import io.sluice.coordinator.metadata.BrokerInfo;
import io.sluice.coordinator.metadata.ClusterImage;
import io.sluice.coordinator.metadata.PartitionOutcome;
import io.sluice.coordinator.metadata.PartitionRef;
import io.sluice.coordinator.metadata.TopicAssignment;
import io.sluice.coordinator.metadata.Versioned;
import io.sluice.coordinator.metadata.ZkMetadataStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bin/reassign-partitions.sh}: Kafka's reassignment tool against ZooKeeper, with Kafka's JSON files
 * ({@link ReassignmentJson}).
 *
 * <ul>
 *   <li>{@code --generate --topics-to-move-json-file F --broker-list 1,2,3}: prints the current assignment of those
 *       topics and a proposed one over the listed brokers (the same placement rules as topic creation, keeping each
 *       topic's replication factor). Changes nothing.</li>
 *   <li>{@code --execute --reassignment-json-file F}: prints the current assignment (keep it to roll back), then
 *       starts the reassignments. They are recorded in the topic znodes ({@code adding_replicas} /
 *       {@code removing_replicas}, as Kafka 2.4+ records them) by {@link ZkMetadataStore#alterPartitionReassignments},
 *       the same path the AlterPartitionReassignments API takes, and the controller carries them out. Sluice does
 *       not use Kafka's old {@code /admin/reassign_partitions} znode.</li>
 *   <li>{@code --verify --reassignment-json-file F}: per partition, completed, still in progress, or not as the
 *       file says. Exit 0 when all are complete, 3 otherwise.</li>
 *   <li>{@code --cancel --reassignment-json-file F}: cancels the reassignments of those partitions that are still
 *       in progress (the partitions go back to their original replicas).</li>
 *   <li>{@code --list}: the reassignments in progress.</li>
 * </ul>
 */
@Command(name = "reassign-partitions.sh", sortOptions = false,
    description = {"Moves partition replicas between brokers, with Kafka's reassignment JSON files.",
        "Exactly one of --generate, --execute, --verify, --cancel, --list."})
public final class ReassignPartitionsCommand extends ToolCommand {
    @Mixin
    ZooKeeperOptions zookeeper;

    @Option(names = "--generate", description = "Propose an assignment of --topics-to-move-json-file over --broker-list.")
    boolean generate;

    @Option(names = "--execute", description = "Start the reassignment in --reassignment-json-file.")
    boolean execute;

    @Option(names = "--verify", description = "Check the reassignment in --reassignment-json-file (exit 3 if not complete).")
    boolean verify;

    @Option(names = "--cancel", description = "Cancel the reassignments of the partitions in --reassignment-json-file.")
    boolean cancel;

    @Option(names = "--list", description = "List the reassignments in progress.")
    boolean list;

    @Option(names = "--topics-to-move-json-file", paramLabel = "FILE",
        description = "With --generate: {\"version\":1,\"topics\":[{\"topic\":\"t\"}]}.")
    Path topicsToMoveFile;

    @Option(names = "--broker-list", paramLabel = "IDS", description = "With --generate: the target brokers, e.g. 1,2,3.")
    String brokerList;

    @Option(names = "--reassignment-json-file", paramLabel = "FILE",
        description = "With --execute, --verify, --cancel: {\"version\":1,\"partitions\":[{\"topic\":\"t\","
            + "\"partition\":0,\"replicas\":[1,2,3]}]}.")
    Path reassignmentFile;

    private final Random random;

    public ReassignPartitionsCommand() {
        this(new Random());
    }

    ReassignPartitionsCommand(Random random) {
        this.random = random;
    }

    public static void main(String[] args) {
        ToolRunner.main(new ReassignPartitionsCommand(), args);
    }

    @Override
    protected int execute() throws Exception {
        int actions = (generate ? 1 : 0) + (execute ? 1 : 0) + (verify ? 1 : 0) + (cancel ? 1 : 0) + (list ? 1 : 0);
        if (actions != 1) {
            throw usageError("Give exactly one of --generate, --execute, --verify, --cancel, --list");
        }
        if (generate) {
            if (topicsToMoveFile == null || brokerList == null) {
                throw usageError("--generate needs --topics-to-move-json-file and --broker-list");
            }
        } else if (!list && reassignmentFile == null) {
            throw usageError("--" + (execute ? "execute" : verify ? "verify" : "cancel") + " needs --reassignment-json-file");
        }
        // Read and check the input before connecting: bad input never waits for ZooKeeper.
        List<String> topics = generate ? ReassignmentJson.parseTopicsToMove(readFile(topicsToMoveFile), topicsToMoveFile.toString()) : List.of();
        List<Integer> brokers = generate ? parseBrokerList(brokerList) : List.of();
        Map<PartitionRef, List<Integer>> targets = reassignmentFile != null && !generate && !list
            ? ReassignmentJson.parseReassignment(readFile(reassignmentFile), reassignmentFile.toString()) : Map.of();
        try (CuratorFramework zk = ZkSession.open(zookeeper.connect(), zookeeper.connectionTimeoutMs())) {
            ZkMetadataStore store = new ZkMetadataStore(zk);
            if (generate) {
                return generate(zk, store, topics, brokers);
            } else if (execute) {
                return start(store, targets);
            } else if (verify) {
                return verify(store, targets);
            } else if (cancel) {
                return cancel(store, targets);
            }
            return list(store);
        }
    }

    private int generate(CuratorFramework zk, ZkMetadataStore store, List<String> topics, List<Integer> brokerIds)
            throws InterruptedException {
        Map<PartitionRef, List<Integer>> current = new LinkedHashMap<>();
        Map<String, TopicAssignment> assignments = new LinkedHashMap<>();
        for (String topic : topics) {
            TopicAssignment a = store.readTopicAssignment(topic).map(Versioned::value)
                .orElseThrow(() -> ToolException.failed("Topic '" + topic + "' does not exist"));
            assignments.put(topic, a);
            new TreeMap<>(a.replicas()).forEach((p, r) -> current.put(new PartitionRef(topic, p), r));
        }
        ClusterImage image = ClusterImages.read(zk, Math.max(zookeeper.connectionTimeoutMs(), 10_000));
        List<ReplicaPlacement.Broker> brokers = new ArrayList<>();
        List<Integer> unknown = new ArrayList<>();
        for (int id : brokerIds) {
            Optional<BrokerInfo> info = image.broker(id);
            if (info.isEmpty()) {
                unknown.add(id);
            } else {
                brokers.add(ReplicaPlacement.Broker.of(info.get()));
            }
        }
        if (!unknown.isEmpty()) {
            throw ToolException.failed("Broker" + (unknown.size() == 1 ? " " : "s ") + ids(unknown)
                + " of --broker-list " + (unknown.size() == 1 ? "is" : "are") + " not registered (live brokers: "
                + (image.brokers().isEmpty() ? "none" : ids(List.copyOf(image.liveBrokerIds()))) + ")");
        }
        Map<PartitionRef, List<Integer>> proposed = new LinkedHashMap<>();
        assignments.forEach((topic, a) -> {
            int rf = a.replicas().values().stream().mapToInt(List::size).max().orElse(1);
            Map<Integer, List<Integer>> placed;
            try {
                placed = ReplicaPlacement.assign(brokers, 0, a.partitionCount(), rf, random);
            } catch (ReplicaPlacement.InsufficientBrokersException e) {
                throw ToolException.failed("Topic '" + topic + "' has replication factor " + rf + " but --broker-list names "
                    + brokers.size() + " broker" + (brokers.size() == 1 ? "" : "s"));
            }
            placed.forEach((p, r) -> proposed.put(new PartitionRef(topic, p), r));
        });
        out().println("Current partition replica assignment");
        out().println(ReassignmentJson.format(current));
        out().println();
        out().println("Proposed partition reassignment configuration");
        out().println(ReassignmentJson.format(proposed));
        return ExitCodes.OK;
    }

    private int start(ZkMetadataStore store, Map<PartitionRef, List<Integer>> targets) {
        Map<PartitionRef, List<Integer>> current = new LinkedHashMap<>();
        for (PartitionRef ref : targets.keySet()) {
            store.readTopicAssignment(ref.topic()).map(Versioned::value)
                .filter(a -> a.replicas().containsKey(ref.partition()))
                .ifPresent(a -> current.put(ref, a.replicas(ref.partition())));
        }
        out().println("Current partition replica assignment");
        out().println();
        out().println(ReassignmentJson.format(current));
        out().println();
        out().println("Save this to use as the --reassignment-json-file option during rollback");
        Map<String, Map<Integer, Optional<List<Integer>>>> byTopic = new LinkedHashMap<>();
        targets.forEach((ref, replicas) -> byTopic.computeIfAbsent(ref.topic(), t -> new LinkedHashMap<>())
            .put(ref.partition(), Optional.of(replicas)));
        return submit(store, byTopic, "started", "start");
    }

    private int cancel(ZkMetadataStore store, Map<PartitionRef, List<Integer>> targets) {
        Map<String, Map<Integer, Optional<List<Integer>>>> byTopic = new LinkedHashMap<>();
        targets.keySet().forEach(ref -> byTopic.computeIfAbsent(ref.topic(), t -> new LinkedHashMap<>())
            .put(ref.partition(), Optional.empty()));
        return submit(store, byTopic, "cancelled", "cancel");
    }

    private int submit(ZkMetadataStore store, Map<String, Map<Integer, Optional<List<Integer>>>> byTopic, String done,
                       String verb) {
        List<PartitionRef> ok = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        byTopic.forEach((topic, partitions) -> {
            Map<Integer, PartitionOutcome> outcomes = store.alterPartitionReassignments(topic, partitions, true);
            outcomes.forEach((p, outcome) -> {
                PartitionRef ref = new PartitionRef(topic, p);
                if (outcome.isError()) {
                    failed.add(ref + ": " + outcome.error() + outcome.message().map(m -> ": " + m).orElse(""));
                } else {
                    ok.add(ref);
                }
            });
        });
        if (!ok.isEmpty()) {
            out().println("Successfully " + done + " partition reassignment" + (ok.size() == 1 ? "" : "s") + " for "
                + ok.stream().map(PartitionRef::toString).collect(Collectors.joining(",")));
        }
        failed.forEach(f -> out().println("Failed to " + verb + " the reassignment of " + f));
        out().flush();
        if (!failed.isEmpty()) {
            err().println(toolName() + ": could not " + verb + " the reassignment of " + failed.size() + " partition"
                + (failed.size() == 1 ? "" : "s"));
            return ExitCodes.FAILED;
        }
        return ExitCodes.OK;
    }

    private int verify(ZkMetadataStore store, Map<PartitionRef, List<Integer>> targets) {
        Map<String, Optional<TopicAssignment>> topics = new LinkedHashMap<>();
        int notDone = 0;
        out().println("Status of partition reassignment:");
        for (Map.Entry<PartitionRef, List<Integer>> e : targets.entrySet()) {
            PartitionRef ref = e.getKey();
            Optional<TopicAssignment> a = topics.computeIfAbsent(ref.topic(),
                t -> store.readTopicAssignment(t).map(Versioned::value));
            if (a.isEmpty() || !a.get().replicas().containsKey(ref.partition())) {
                out().println("Partition " + ref + " does not exist.");
                notDone++;
            } else if (a.get().isReassigning(ref.partition())) {
                out().println("Reassignment of partition " + ref + " is still in progress.");
                notDone++;
            } else if (a.get().replicas(ref.partition()).equals(e.getValue())) {
                out().println("Reassignment of partition " + ref + " is completed.");
            } else {
                out().println("There is no active reassignment of partition " + ref + ", but replica set is "
                    + a.get().replicas(ref.partition()) + " rather than " + e.getValue() + ".");
                notDone++;
            }
        }
        out().flush();
        if (notDone > 0) {
            err().println(toolName() + ": " + notDone + " of " + targets.size() + " partition reassignment"
                + (targets.size() == 1 ? "" : "s") + " not complete");
            return ExitCodes.UNHEALTHY;
        }
        return ExitCodes.OK;
    }

    private int list(ZkMetadataStore store) {
        List<String> lines = new ArrayList<>();
        for (String topic : store.topicNames().stream().sorted().toList()) {
            store.readTopicAssignment(topic).map(Versioned::value).ifPresent(a ->
                new TreeMap<>(a.replicas()).forEach((p, replicas) -> {
                    if (a.isReassigning(p)) {
                        lines.add(topic + "-" + p + ": replicas: " + ids(replicas) + ". adding: "
                            + ids(a.addingReplicas(p)) + ". removing: " + ids(a.removingReplicas(p)) + ".");
                    }
                }));
        }
        if (lines.isEmpty()) {
            out().println("No partition reassignments found.");
        } else {
            out().println("Current partition reassignments:");
            lines.forEach(out()::println);
        }
        return ExitCodes.OK;
    }

    /** Parses {@code 1,2,3}: broker ids >= 0, each once. */
    List<Integer> parseBrokerList(String value) {
        Set<Integer> ids = new LinkedHashSet<>();
        for (String part : value.split(",", -1)) {
            String s = part.strip();
            if (!s.matches("[0-9]{1,9}")) {
                throw usageError("Invalid --broker-list '" + value + "': '" + part + "' is not a broker id");
            }
            if (!ids.add(Integer.parseInt(s))) {
                throw usageError("Invalid --broker-list '" + value + "': broker " + s + " is listed twice");
            }
        }
        return List.copyOf(ids);
    }

    private static String readFile(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw ToolException.badInput("Cannot read " + file + ": " + e.getClass().getSimpleName()
                + (e.getMessage() != null && !e.getMessage().equals(file.toString()) ? " " + e.getMessage() : ""), e);
        }
    }

    private static String ids(List<Integer> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
