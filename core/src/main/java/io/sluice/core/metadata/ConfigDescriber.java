package io.sluice.core.metadata;

import io.sluice.common.config.ConfigDef;
import io.sluice.common.config.ConfigType;
import io.sluice.core.log.LogConfig;
import io.sluice.core.metadata.DescribedConfig.Synonym;
import io.sluice.core.server.BrokerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Describes configuration the way DescribeConfigs reports it: every key with its effective value, its source and
 * its synonyms. Pure: it reads only the broker's static configuration and the overrides it is given.
 *
 * <p>Topic configs: a topic override ({@link ConfigSource#TOPIC_CONFIG}) wins; otherwise the broker key(s) that
 * supply the topic key's default, if set in {@code server.properties} ({@link ConfigSource#STATIC_BROKER_CONFIG},
 * e.g. {@code log.segment.bytes} for {@code segment.bytes}, or {@code log.retention.ms}, {@code .minutes},
 * {@code .hours} for {@code retention.ms}, in that precedence); otherwise the built-in default
 * ({@link ConfigSource#DEFAULT_CONFIG}, reported under the broker key name as Kafka does). The synonyms list
 * holds each of these that has a value, highest precedence first.
 *
 * <p>Broker configs: the broker's own keys and the {@code log.*} (and other topic-default) keys, each from
 * {@code server.properties} or its default. All are read-only: Sluice has no dynamic broker configuration.
 *
 * <p>Immutable and thread-safe.
 */
public final class ConfigDescriber {
    private static final List<String> RETENTION_MS_SYNONYMS =
        List.of("log.retention.ms", BrokerConfig.LOG_RETENTION_MINUTES, BrokerConfig.LOG_RETENTION_HOURS);
    private static final List<String> SEGMENT_MS_SYNONYMS = List.of("log.roll.ms", BrokerConfig.LOG_ROLL_HOURS);

    private final BrokerConfig broker;
    private final Map<String, String> brokerDefaultsAsTopicValues;

    public ConfigDescriber(BrokerConfig broker) {
        this.broker = Objects.requireNonNull(broker, "broker");
        this.brokerDefaultsAsTopicValues = broker.defaultLogConfig().toMap();
    }

    /**
     * The broker keys that supply a topic key's default, highest precedence first (empty for a key without
     * one).
     */
    public static List<String> brokerSynonyms(String topicKey) {
        return switch (topicKey) {
            case LogConfig.RETENTION_MS -> RETENTION_MS_SYNONYMS;
            case LogConfig.SEGMENT_MS -> SEGMENT_MS_SYNONYMS;
            default -> {
                String key = LogConfig.BROKER_SYNONYMS.get(topicKey);
                yield key == null ? List.of() : List.of(key);
            }
        };
    }

    /** Every topic config key, in definition order, for a topic with {@code overrides}. */
    public List<DescribedConfig> describeTopic(Map<String, String> overrides) {
        List<DescribedConfig> out = new ArrayList<>();
        for (String key : LogConfig.DEF.names()) {
            out.add(describeTopicKey(key, overrides));
        }
        return out;
    }

    /**
     * One topic config key.
     *
     * @throws IllegalArgumentException if {@code key} is not a topic config
     */
    public DescribedConfig describeTopicKey(String key, Map<String, String> overrides) {
        ConfigDef.Key def = LogConfig.DEF.key(key);
        if (def == null) {
            throw new IllegalArgumentException("Unknown topic config " + key);
        }
        List<Synonym> synonyms = new ArrayList<>();
        String override = overrides.get(key);
        if (override != null) {
            synonyms.add(new Synonym(key, override, ConfigSource.TOPIC_CONFIG));
        }
        List<String> brokerKeys = brokerSynonyms(key);
        for (String brokerKey : brokerKeys) {
            String v = broker.originals().get(brokerKey);
            if (v != null) {
                synonyms.add(new Synonym(brokerKey, v, ConfigSource.STATIC_BROKER_CONFIG));
            }
        }
        String defaultName = brokerKeys.isEmpty() ? key : brokerKeys.get(brokerKeys.size() - 1);
        String builtIn = builtInDefault(defaultName, key);
        if (builtIn != null) {
            synonyms.add(new Synonym(defaultName, builtIn, ConfigSource.DEFAULT_CONFIG));
        }
        ConfigSource source = synonyms.isEmpty() ? ConfigSource.DEFAULT_CONFIG : synonyms.get(0).source();
        String value = override != null ? override : brokerDefaultsAsTopicValues.get(key);
        boolean sensitive = def.type() == ConfigType.PASSWORD;
        return new DescribedConfig(key, sensitive ? null : value, source, false, sensitive,
            sensitive ? List.of() : synonyms, def.type(), def.doc());
    }

    /** The effective value of a topic key for a topic with {@code overrides}, as text. */
    public String effectiveTopicValue(String key, Map<String, String> overrides) {
        String override = overrides.get(key);
        return override != null ? override : brokerDefaultsAsTopicValues.get(key);
    }

    /**
     * Every broker config key, sorted by name: the broker's own keys and the broker keys that supply topic-config
     * defaults. All read-only.
     */
    public List<DescribedConfig> describeBroker() {
        TreeSet<String> names = new TreeSet<>(BrokerConfig.definition().names());
        for (String topicKey : LogConfig.DEF.names()) {
            names.addAll(brokerSynonyms(topicKey));
        }
        List<DescribedConfig> out = new ArrayList<>(names.size());
        for (String name : names) {
            out.add(describeBrokerKey(name));
        }
        return out;
    }

    private DescribedConfig describeBrokerKey(String name) {
        ConfigDef.Key own = BrokerConfig.definition().key(name);
        String topicKey = own == null ? topicKeyFor(name) : null;
        ConfigDef.Key def = own != null ? own : LogConfig.DEF.key(topicKey);
        String set = broker.originals().get(name);
        String builtIn = builtInDefault(name, topicKey);
        List<Synonym> synonyms = new ArrayList<>(2);
        if (set != null) {
            synonyms.add(new Synonym(name, set, ConfigSource.STATIC_BROKER_CONFIG));
        }
        if (builtIn != null) {
            synonyms.add(new Synonym(name, builtIn, ConfigSource.DEFAULT_CONFIG));
        }
        String value;
        if (own != null) {
            value = format(broker.values().get(name));
        } else {
            value = set != null ? set : builtIn;
        }
        ConfigSource source = set != null ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG;
        boolean sensitive = def.type() == ConfigType.PASSWORD || name.contains("password");
        return new DescribedConfig(name, sensitive ? null : value, source, true, sensitive,
            sensitive ? List.of() : synonyms, def.type(), def.doc());
    }

    /**
     * The built-in default reported under {@code brokerKey}: the broker definition's default if it has the key,
     * else the topic definition's default for {@code topicKey} ({@code log.retention.ms} and {@code log.roll.ms}
     * have none: their {@code .hours} siblings carry the default). Null when there is none.
     */
    private static String builtInDefault(String brokerKey, String topicKey) {
        ConfigDef.Key own = BrokerConfig.definition().key(brokerKey);
        if (own != null) {
            return own.hasDefault() ? format(own.defaultValue()) : null;
        }
        if (RETENTION_MS_SYNONYMS.get(0).equals(brokerKey) || SEGMENT_MS_SYNONYMS.get(0).equals(brokerKey)) {
            return null;
        }
        ConfigDef.Key topic = topicKey == null ? null : LogConfig.DEF.key(topicKey);
        return topic == null ? null : format(topic.defaultValue());
    }

    private static String topicKeyFor(String brokerKey) {
        for (String topicKey : LogConfig.DEF.names()) {
            if (brokerSynonyms(topicKey).contains(brokerKey)) {
                return topicKey;
            }
        }
        throw new IllegalArgumentException("Not a broker key: " + brokerKey);
    }

    /** A parsed config value in Kafka's text form (lists comma-separated); null stays null. */
    static String format(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        return String.valueOf(value);
    }
}
