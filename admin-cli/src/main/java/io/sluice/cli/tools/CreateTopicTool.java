package io.sluice.cli.tools;

import io.sluice.cli.common.ExitCodes;
import io.sluice.cli.common.ToolCommand;
import io.sluice.cli.common.ToolException;
import io.sluice.cli.common.ToolRunner;
import io.sluice.cli.tools.ToolSupport.ConnectionOptions;
import io.sluice.client.admin.NewTopic;
import io.sluice.client.admin.SluiceAdmin;
import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bin/create-topic.sh}: creates one topic, with Kafka's flags and messages. */
@Command(name = "create-topic.sh", sortOptions = false,
    description = "Creates a topic. Partition count and replication factor default to the broker's settings.")
public final class CreateTopicTool extends ToolCommand {
    @Mixin
    ConnectionOptions connection;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "REQUIRED: the topic to create.")
    String topic;

    @Option(names = "--partitions", paramLabel = "N", description = "Number of partitions (default: the broker's num.partitions).")
    Integer partitions;

    @Option(names = "--replication-factor", paramLabel = "R",
        description = "Replicas per partition (default: the broker's default.replication.factor).")
    Integer replicationFactor;

    @Option(names = "--config", paramLabel = "KEY=VALUE", description = "A topic config; repeatable.")
    List<String> configs;

    @Option(names = "--if-not-exists", description = "Succeed quietly if the topic already exists.")
    boolean ifNotExists;

    public static void main(String[] args) {
        ToolRunner.main(new CreateTopicTool(), args);
    }

    @Override
    protected int execute() {
        NewTopic request = newTopic(topic, partitions, replicationFactor, configs);
        try (SluiceAdmin admin = connection.admin()) {
            create(admin, request, ifNotExists, connection.timeoutMs(), out());
        }
        return ExitCodes.OK;
    }

    /** Checks the arguments before any request, as Kafka's tool does. */
    static NewTopic newTopic(String topic, Integer partitions, Integer replicationFactor, List<String> configs) {
        ToolSupport.validateTopic(topic);
        if (partitions != null && partitions < 1) {
            throw new ToolException("--partitions must be at least 1, not " + partitions, ExitCodes.USAGE);
        }
        if (replicationFactor != null && (replicationFactor < 1 || replicationFactor > Short.MAX_VALUE)) {
            throw new ToolException("--replication-factor must be between 1 and " + Short.MAX_VALUE + ", not "
                + replicationFactor, ExitCodes.USAGE);
        }
        Map<String, String> configMap = ToolSupport.keyValues(configs, "--config");
        return new NewTopic(topic, partitions == null ? -1 : partitions,
            (short) (replicationFactor == null ? -1 : replicationFactor)).withConfigs(configMap);
    }

    static void create(SluiceAdmin admin, NewTopic topic, boolean ifNotExists, long timeoutMs, PrintWriter out) {
        if (topic.name().contains(".") || topic.name().contains("_")) {
            out.println("WARNING: metric names turn '.' into '_', so topics whose names differ only in those two "
                + "characters can collide. Use one of them or the other, not both.");
        }
        try {
            ToolSupport.await(admin.createTopics(List.of(topic)), timeoutMs);
        } catch (ApiException e) {
            if (e.error() == Errors.TOPIC_ALREADY_EXISTS) {
                if (ifNotExists) {
                    return;
                }
                throw new ToolException("Topic '" + topic.name() + "' already exists.");
            }
            throw e;
        }
        out.println("Created topic " + topic.name() + ".");
    }
}
