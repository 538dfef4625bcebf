package io.sluice.core.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.config.ConfigType;
import io.sluice.core.log.LogConfig;
import io.sluice.core.metadata.DescribedConfig.Synonym;
import io.sluice.core.server.BrokerConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigDescriberTest {

    private static ConfigDescriber describer(String... keyValues) {
        Map<String, String> props = new HashMap<>();
        props.put("broker.id", "1");
        props.put("zookeeper.connect", "127.0.0.1:2181");
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return new ConfigDescriber(new BrokerConfig(props));
    }

    private static DescribedConfig find(List<DescribedConfig> configs, String name) {
        return configs.stream().filter(c -> c.name().equals(name)).findFirst()
            .orElseThrow(() -> new AssertionError("no " + name));
    }

    @Test
    void everyTopicKeyIsDescribedInDefinitionOrder() {
        List<DescribedConfig> all = describer().describeTopic(Map.of());
        assertEquals(List.copyOf(LogConfig.DEF.names()), all.stream().map(DescribedConfig::name).toList());
        all.forEach(c -> {
            assertFalse(c.readOnly(), c.name());
            assertFalse(c.sensitive(), c.name());
            assertTrue(c.documentation() != null && !c.documentation().isEmpty(), c.name());
        });
    }

    @Test
    void aKeyNobodySetComesFromTheDefaultNamedAfterItsBrokerKey() {
        DescribedConfig c = describer().describeTopicKey(LogConfig.SEGMENT_BYTES, Map.of());
        assertEquals("1073741824", c.value());
        assertEquals(ConfigSource.DEFAULT_CONFIG, c.source());
        assertEquals(ConfigType.INT, c.type());
        assertEquals(List.of(new Synonym("log.segment.bytes", "1073741824", ConfigSource.DEFAULT_CONFIG)), c.synonyms());
    }

    @Test
    void aBrokerKeyInServerPropertiesIsAStaticBrokerConfig() {
        DescribedConfig c = describer("log.segment.bytes", "1000000").describeTopicKey(LogConfig.SEGMENT_BYTES, Map.of());
        assertEquals("1000000", c.value());
        assertEquals(ConfigSource.STATIC_BROKER_CONFIG, c.source());
        assertEquals(List.of(
            new Synonym("log.segment.bytes", "1000000", ConfigSource.STATIC_BROKER_CONFIG),
            new Synonym("log.segment.bytes", "1073741824", ConfigSource.DEFAULT_CONFIG)), c.synonyms());
    }

    @Test
    void aTopicOverrideWinsAndListsEverySynonymInPrecedenceOrder() {
        DescribedConfig c = describer("log.segment.bytes", "1000000")
            .describeTopicKey(LogConfig.SEGMENT_BYTES, Map.of("segment.bytes", "2000"));
        assertEquals("2000", c.value());
        assertEquals(ConfigSource.TOPIC_CONFIG, c.source());
        assertEquals(List.of(
            new Synonym("segment.bytes", "2000", ConfigSource.TOPIC_CONFIG),
            new Synonym("log.segment.bytes", "1000000", ConfigSource.STATIC_BROKER_CONFIG),
            new Synonym("log.segment.bytes", "1073741824", ConfigSource.DEFAULT_CONFIG)), c.synonyms());
    }

    @Test
    void retentionMsComesFromLogRetentionHoursTranslatedToMilliseconds() {
        DescribedConfig byDefault = describer().describeTopicKey(LogConfig.RETENTION_MS, Map.of());
        assertEquals("604800000", byDefault.value());
        assertEquals(ConfigSource.DEFAULT_CONFIG, byDefault.source());
        assertEquals(List.of(new Synonym("log.retention.hours", "168", ConfigSource.DEFAULT_CONFIG)), byDefault.synonyms());

        DescribedConfig hours = describer("log.retention.hours", "24").describeTopicKey(LogConfig.RETENTION_MS, Map.of());
        assertEquals("86400000", hours.value());
        assertEquals(ConfigSource.STATIC_BROKER_CONFIG, hours.source());
        assertEquals(List.of(
            new Synonym("log.retention.hours", "24", ConfigSource.STATIC_BROKER_CONFIG),
            new Synonym("log.retention.hours", "168", ConfigSource.DEFAULT_CONFIG)), hours.synonyms());

        DescribedConfig both = describer("log.retention.ms", "1000", "log.retention.hours", "24")
            .describeTopicKey(LogConfig.RETENTION_MS, Map.of());
        assertEquals("1000", both.value());
        assertEquals("log.retention.ms", both.synonyms().get(0).name(), "log.retention.ms has precedence");
        assertEquals("log.retention.hours", both.synonyms().get(1).name());
    }

    @Test
    void maxMessageBytesDefaultsFromMessageMaxBytes() {
        DescribedConfig c = describer("message.max.bytes", "2000000").describeTopicKey(LogConfig.MAX_MESSAGE_BYTES, Map.of());
        assertEquals("2000000", c.value());
        assertEquals(new Synonym("message.max.bytes", "2000000", ConfigSource.STATIC_BROKER_CONFIG), c.synonyms().get(0));
    }

    @Test
    void listKeysHaveTheListType() {
        DescribedConfig c = describer().describeTopicKey(LogConfig.CLEANUP_POLICY, Map.of("cleanup.policy", "compact,delete"));
        assertEquals(ConfigType.LIST, c.type());
        assertEquals("compact,delete", c.value());
    }

    @Test
    void effectiveValuesFollowTheSamePrecedence() {
        ConfigDescriber d = describer("log.cleanup.policy", "compact");
        assertEquals("compact", d.effectiveTopicValue(LogConfig.CLEANUP_POLICY, Map.of()));
        assertEquals("delete", d.effectiveTopicValue(LogConfig.CLEANUP_POLICY, Map.of("cleanup.policy", "delete")));
    }

    @Test
    void anUnknownTopicKeyIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> describer().describeTopicKey("no.such.key", Map.of()));
    }

    @Test
    void brokerConfigsAreSortedReadOnlyAndIncludeTheLogDefaults() {
        List<DescribedConfig> all = describer("num.partitions", "3", "log.segment.bytes", "1000000").describeBroker();
        List<String> names = all.stream().map(DescribedConfig::name).toList();
        assertEquals(names.stream().sorted().toList(), names);
        all.forEach(c -> assertTrue(c.readOnly(), c.name()));

        DescribedConfig brokerId = find(all, "broker.id");
        assertEquals("1", brokerId.value());
        assertEquals(ConfigSource.STATIC_BROKER_CONFIG, brokerId.source());

        DescribedConfig partitions = find(all, "num.partitions");
        assertEquals("3", partitions.value());
        assertEquals(List.of(new Synonym("num.partitions", "3", ConfigSource.STATIC_BROKER_CONFIG),
            new Synonym("num.partitions", "1", ConfigSource.DEFAULT_CONFIG)), partitions.synonyms());

        DescribedConfig replication = find(all, "default.replication.factor");
        assertEquals("1", replication.value());
        assertEquals(ConfigSource.DEFAULT_CONFIG, replication.source());
        assertEquals(ConfigType.SHORT, replication.type());

        DescribedConfig segment = find(all, "log.segment.bytes");
        assertEquals("1000000", segment.value());
        assertEquals(ConfigSource.STATIC_BROKER_CONFIG, segment.source());

        DescribedConfig retentionMs = find(all, "log.retention.ms");
        assertNull(retentionMs.value(), "log.retention.ms has no default of its own");
        assertEquals(ConfigSource.DEFAULT_CONFIG, retentionMs.source());
        assertEquals("168", find(all, "log.retention.hours").value());
        assertEquals("1048588", find(all, "message.max.bytes").value());
        assertEquals("1", find(all, "min.insync.replicas").value());
    }
}
