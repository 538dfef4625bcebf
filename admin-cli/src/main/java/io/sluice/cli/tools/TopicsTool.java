package io.sluice.cli.tools;

import io.sluice.cli.common.ExitCodes;
import io.sluice.cli.common.ToolCommand;
import io.sluice.cli.common.ToolException;
import io.sluice.cli.common.ToolRunner;
import io.sluice.cli.tools.ToolSupport.ConnectionOptions;
import io.sluice.client.admin.ConfigEntry;
import io.sluice.client.admin.ConfigResource;
import io.sluice.client.admin.SluiceAdmin;
import io.sluice.client.admin.TopicDescription;
import io.sluice.client.metadata.PartitionInfo;
import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bin/topics.sh}: lists, describes, creates, alters (partition count) and deletes topics, like kafka-topics. */
@Command(name = "topics.sh", sortOptions = false, description = "Lists, describes, creates, alters and deletes topics.")
public final class TopicsTool extends ToolCommand {
    @Mixin
    ConnectionOptions connection;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Action action;

    static final class Action {
        @Option(names = "--list", description = "List the topics.")
        boolean list;
        @Option(names = "--describe", description = "Describe the topics (or --topic).")
        boolean describe;
        @Option(names = "--create", description = "Create --topic (as create-topic.sh).")
        boolean create;
        @Option(names = "--alter", description = "Raise the partition count of --topic to --partitions.")
        boolean alter;
        @Option(names = "--delete", description = "Delete --topic.")
        boolean delete;
    }

    @Option(names = "--topic", paramLabel = "TOPIC", description = "The topic to describe, create, alter or delete.")
    String topic;
    @Option(names = "--partitions", paramLabel = "N", description = "With --alter: the new (larger) partition count.")
    Integer partitions;
    @Option(names = "--replication-factor", paramLabel = "R", description = "With --create: replicas per partition.")
    Integer replicationFactor;
    @Option(names = "--config", paramLabel = "KEY=VALUE", description = "With --create: a topic config; repeatable.")
    List<String> configs;
    @Option(names = "--if-not-exists", description = "With --create: succeed quietly if the topic exists.")
    boolean ifNotExists;
    @Option(names = "--if-exists", description = "With --alter or --delete: succeed quietly if the topic does not exist.")
    boolean ifExists;
    @Option(names = "--exclude-internal", description = "Leave out internal topics.")
    boolean excludeInternal;
    @Option(names = "--under-replicated-partitions", description = "With --describe: only partitions whose ISR is smaller than their replicas.")
    boolean underReplicated;
    @Option(names = "--unavailable-partitions", description = "With --describe: only partitions without a leader.")
    boolean unavailable;

    public static void main(String[] args) {
        ToolRunner.main(new TopicsTool(), args);
    }

    @Override
    protected int execute() {
        PrintWriter out = out();
        if (topic != null) {
            ToolSupport.validateTopic(topic);
        }
        if ((action.alter || action.delete || action.create) && topic == null) {
            throw new ToolException("--topic is required with " + (action.alter ? "--alter" : action.delete ? "--delete" : "--create"),
                ExitCodes.USAGE);
        }
        if (action.alter && partitions == null) {
            throw new ToolException("--alter needs --partitions (only the partition count can be altered)", ExitCodes.USAGE);
        }
        if ((underReplicated || unavailable) && !action.describe) {
            throw new ToolException("--under-replicated-partitions and --unavailable-partitions only go with --describe",
                ExitCodes.USAGE);
        }
        long timeout = connection.timeoutMs();
        var newTopic = action.create ? CreateTopicTool.newTopic(topic, partitions, replicationFactor, configs) : null;
        try (SluiceAdmin admin = connection.admin()) {
            if (action.list) {
                for (String name : ToolSupport.await(admin.listTopics(!excludeInternal), timeout)) {
                    out.println(name);
                }
            } else if (action.describe) {
                describe(admin, out, timeout);
            } else if (action.create) {
                CreateTopicTool.create(admin, newTopic, ifNotExists, timeout, out);
            } else if (action.alter) {
                alter(admin, out, timeout);
            } else {
                delete(admin, out, timeout);
            }
        }
        return ExitCodes.OK;
    }

    private void describe(SluiceAdmin admin, PrintWriter out, long timeout) {
        if (topic != null && !exists(admin, timeout)) {
            throw new ToolException("Topic '" + topic + "' does not exist as expected");
        }
        List<String> names = topic != null ? List.of(topic)
            : new ArrayList<>(ToolSupport.await(admin.listTopics(!excludeInternal), timeout));
        if (names.isEmpty()) {
            return;
        }
        Map<String, TopicDescription> topics;
        try {
            topics = ToolSupport.await(admin.describeTopics(names), timeout);
        } catch (ApiException e) {
            if (e.error() == Errors.UNKNOWN_TOPIC_OR_PARTITION && topic != null) {
                throw new ToolException("Topic '" + topic + "' does not exist as expected");
            }
            throw e;
        }
        Map<ConfigResource, Map<String, ConfigEntry>> configs = ToolSupport.await(
            admin.describeConfigs(names.stream().map(ConfigResource::topic).toList()), timeout);
        boolean filtered = underReplicated || unavailable;
        for (String name : names) {
            TopicDescription t = topics.get(name);
            if (t == null) {
                continue;
            }
            List<PartitionInfo> shown = t.partitions().stream().filter(p -> !filtered
                || (underReplicated && isUnderReplicated(p)) || (unavailable && !p.hasLeader())).toList();
            if (!filtered) {
                out.println(topicLine(t, configs.getOrDefault(ConfigResource.topic(name), Map.of())));
            }
            for (PartitionInfo p : shown) {
                out.println(partitionLine(p));
            }
        }
    }

    static boolean isUnderReplicated(PartitionInfo p) {
        return p.isr().size() < p.replicas().size();
    }

    /** {@code Topic: t<TAB>TopicId: id<TAB>PartitionCount: n<TAB>ReplicationFactor: r<TAB>Configs: k=v,...}. */
    static String topicLine(TopicDescription t, Map<String, ConfigEntry> configs) {
        int rf = t.partitions().isEmpty() ? 0 : t.partitions().get(0).replicas().size();
        String nonDefault = configs.values().stream().filter(c -> !c.isDefault() && c.value() != null)
            .map(c -> c.name() + "=" + (c.sensitive() ? "[hidden]" : c.value())).collect(Collectors.joining(","));
        return "Topic: " + t.name() + "\tTopicId: " + t.topicId() + "\tPartitionCount: " + t.partitions().size()
            + "\tReplicationFactor: " + rf + "\tConfigs: " + nonDefault;
    }

    /** {@code <TAB>Topic: t<TAB>Partition: p<TAB>Leader: l|none<TAB>Replicas: a,b<TAB>Isr: a,b}. */
    static String partitionLine(PartitionInfo p) {
        return "\tTopic: " + p.topicPartition().topic() + "\tPartition: " + p.topicPartition().partition()
            + "\tLeader: " + (p.hasLeader() ? Integer.toString(p.leader()) : "none")
            + "\tReplicas: " + ids(p.replicas()) + "\tIsr: " + ids(p.isr())
            + (p.offlineReplicas().isEmpty() ? "" : "\tOffline: " + ids(p.offlineReplicas()));
    }

    private static String ids(List<Integer> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    private boolean exists(SluiceAdmin admin, long timeout) {
        Set<String> all = ToolSupport.await(admin.listTopics(true), timeout);
        return all.contains(topic);
    }

    private void alter(SluiceAdmin admin, PrintWriter out, long timeout) {
        if (!exists(admin, timeout)) {
            if (ifExists) {
                return;
            }
            throw new ToolException("Topic '" + topic + "' does not exist as expected");
        }
        TopicDescription t = ToolSupport.await(admin.describeTopics(List.of(topic)), timeout).get(topic);
        int current = t.partitions().size();
        if (partitions <= current) {
            throw new ToolException("The number of partitions for a topic can only be increased: topic '" + topic
                + "' has " + current + " partition" + (current == 1 ? "" : "s") + ", --partitions " + partitions
                + " is not more", ExitCodes.USAGE);
        }
        ToolSupport.await(admin.createPartitions(Map.of(topic, partitions)), timeout);
        out.println("Topic '" + topic + "' now has " + partitions + " partitions (was " + current + ").");
    }

    private void delete(SluiceAdmin admin, PrintWriter out, long timeout) {
        if (!exists(admin, timeout)) {
            if (ifExists) {
                return;
            }
            throw new ToolException("Topic '" + topic + "' does not exist as expected");
        }
        try {
            ToolSupport.await(admin.deleteTopics(List.of(topic)), timeout);
        } catch (ApiException e) {
            if (e.error() == Errors.UNKNOWN_TOPIC_OR_PARTITION || e.error() == Errors.UNKNOWN_TOPIC_ID) {
                if (ifExists) {
                    return;
                }
                throw new ToolException("Topic '" + topic + "' does not exist as expected");
            }
            throw e;
        }
        out.println("Deleted topic " + topic + ".");
    }
}
