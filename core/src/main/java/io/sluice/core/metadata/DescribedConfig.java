package io.sluice.core.metadata;

import io.sluice.common.config.ConfigType;
import java.util.List;
import java.util.Objects;

/**
 * One configuration entry as DescribeConfigs (and CreateTopics v5+) report it: the effective value and where it
 * comes from, plus the synonyms that were considered, highest precedence first (the first one supplies the
 * value). Immutable.
 *
 * @param value         the effective value as text; null for a sensitive entry or a key without any value
 * @param readOnly      true if it cannot be changed through the alter-configs APIs
 * @param documentation the key's one-line documentation, or null
 */
public record DescribedConfig(String name, String value, ConfigSource source, boolean readOnly, boolean sensitive,
                              List<Synonym> synonyms, ConfigType type, String documentation) {

    /** A key that could have supplied the value, with the value it holds there. */
    public record Synonym(String name, String value, ConfigSource source) {
        public Synonym {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(source, "source");
        }
    }

    public DescribedConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(type, "type");
        synonyms = List.copyOf(synonyms);
    }
}
