package io.sluice.cli.tools;

import io.sluice.cli.common.ExitCodes;
import io.sluice.cli.common.ToolCommand;
import io.sluice.cli.common.ToolException;
import io.sluice.cli.common.ToolRunner;
import io.sluice.cli.tools.ToolSupport.ConnectionOptions;
import io.sluice.client.admin.AlterConfigOp;
import io.sluice.client.admin.ConfigEntry;
import io.sluice.client.admin.ConfigResource;
import io.sluice.client.admin.SluiceAdmin;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bin/configs.sh}: describes and alters topic and broker configs, like kafka-configs. */
@Command(name = "configs.sh", sortOptions = false, description = "Describes and alters topic and broker configs.")
public final class ConfigsTool extends ToolCommand {
    @Mixin
    ConnectionOptions connection;

    enum EntityType { topics, brokers }

    @Option(names = "--entity-type", required = true, paramLabel = "topics|brokers", description = "REQUIRED: topics or brokers.")
    EntityType entityType;
    @Option(names = "--entity-name", required = true, paramLabel = "NAME", description = "REQUIRED: the topic name or the broker id.")
    String entityName;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Action action;

    static final class Action {
        @Option(names = "--describe", description = "Print the configs that are set on the entity.")
        boolean describe;
        @Option(names = "--alter", description = "Change configs with --add-config and --delete-config.")
        boolean alter;
    }

    @Option(names = "--all", description = "With --describe: every config, defaults included.")
    boolean all;
    @Option(names = "--add-config", paramLabel = "K=V,...",
        description = "With --alter: configs to set, e.g. 'retention.ms=1000,cleanup.policy=[compact,delete]'.")
    List<String> addConfig;
    @Option(names = "--delete-config", paramLabel = "K,...", description = "With --alter: configs to remove.")
    List<String> deleteConfig;

    public static void main(String[] args) {
        ToolRunner.main(new ConfigsTool(), args);
    }

    @Override
    protected int execute() {
        PrintWriter out = out();
        ConfigResource resource = resource(entityType, entityName);
        List<AlterConfigOp> ops = new ArrayList<>();
        if (action.alter) {
            if ((addConfig == null || addConfig.isEmpty()) && (deleteConfig == null || deleteConfig.isEmpty())) {
                throw new ToolException("--alter needs --add-config and/or --delete-config", ExitCodes.USAGE);
            }
            if (addConfig != null) {
                for (String text : addConfig) {
                    parseAddConfig(text).forEach((k, v) -> ops.add(AlterConfigOp.set(k, v)));
                }
            }
            if (deleteConfig != null) {
                for (String text : deleteConfig) {
                    for (String key : text.split(",")) {
                        if (!key.isBlank()) {
                            ops.add(AlterConfigOp.delete(key.trim()));
                        }
                    }
                }
            }
        } else if (addConfig != null || deleteConfig != null) {
            throw new ToolException("--add-config and --delete-config only go with --alter", ExitCodes.USAGE);
        }
        long timeout = connection.timeoutMs();
        try (SluiceAdmin admin = connection.admin()) {
            if (resource.type() == ConfigResource.Type.TOPIC
                && !ToolSupport.await(admin.listTopics(true), timeout).contains(entityName)) {
                throw new ToolException("Topic '" + entityName + "' does not exist");
            }
            String what = (resource.type() == ConfigResource.Type.TOPIC ? "topic " : "broker ") + entityName;
            if (action.describe) {
                Map<String, ConfigEntry> entries = ToolSupport.await(admin.describeConfigs(List.of(resource)), timeout)
                    .getOrDefault(resource, Map.of());
                out.println((all ? "All" : "Dynamic") + " configs for " + what + " are:");
                for (ConfigEntry e : entries.values()) {
                    if (all || isDynamic(e)) {
                        out.println(describeLine(e));
                    }
                }
            } else {
                ToolSupport.await(admin.incrementalAlterConfigs(Map.of(resource, ops)), timeout);
                out.println("Completed updating config for " + what + ".");
            }
        }
        return ExitCodes.OK;
    }

    static ConfigResource resource(EntityType type, String name) {
        if (type == EntityType.topics) {
            return ConfigResource.topic(ToolSupport.validateTopic(name));
        }
        try {
            return ConfigResource.broker(Integer.parseInt(name));
        } catch (NumberFormatException e) {
            throw new ToolException("--entity-name of a broker is its numeric id, not '" + name + "'", ExitCodes.USAGE);
        }
    }

    static boolean isDynamic(ConfigEntry e) {
        return switch (e.source()) {
            case DYNAMIC_TOPIC_CONFIG, DYNAMIC_BROKER_CONFIG, DYNAMIC_DEFAULT_BROKER_CONFIG -> true;
            default -> false;
        };
    }

    /** {@code   key=value sensitive=false synonyms={SOURCE:key=value}}, as kafka-configs prints it. */
    static String describeLine(ConfigEntry e) {
        String value = e.sensitive() ? null : e.value();
        return "  " + e.name() + "=" + (value == null ? "null" : value) + " sensitive=" + e.sensitive()
            + " synonyms={" + e.source() + ":" + e.name() + "=" + (value == null ? "null" : value) + "}";
    }

    /**
     * Parses {@code k1=v1,k2=[a,b],k3=v3}: commas separate entries except inside square brackets, which group a
     * list value (written to the broker without the brackets).
     */
    static Map<String, String> parseAddConfig(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> entries = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int depth = 0;
        for (char c : text.toCharArray()) {
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
                if (depth < 0) {
                    throw new ToolException("--add-config: unbalanced ']' in '" + text + "'", ExitCodes.USAGE);
                }
            }
            if (c == ',' && depth == 0) {
                entries.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        if (depth != 0) {
            throw new ToolException("--add-config: unbalanced '[' in '" + text + "'", ExitCodes.USAGE);
        }
        entries.add(current.toString());
        for (String entry : entries) {
            if (entry.isBlank()) {
                continue;
            }
            Map.Entry<String, String> kv = ToolSupport.keyValue(entry, "--add-config");
            String value = kv.getValue().trim();
            if (value.startsWith("[") && value.endsWith("]")) {
                value = value.substring(1, value.length() - 1);
            }
            out.put(kv.getKey(), value);
        }
        if (out.isEmpty()) {
            throw new ToolException("--add-config: no key=value in '" + text + "'", ExitCodes.USAGE);
        }
        return out;
    }
}
