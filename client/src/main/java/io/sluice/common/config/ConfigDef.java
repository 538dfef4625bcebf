package io.sluice.common.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * A table of configuration keys: type, default, validator and documentation. {@link #parse} turns raw string
 * properties into typed values, failing with a {@link ConfigException} that names the key, the value and the
 * rule. Immutable once built; thread-safe.
 */
public final class ConfigDef {

    /** Checks a parsed value; returns null when valid, else the rule that was broken. */
    @FunctionalInterface
    public interface Validator {
        String check(Object value);

        default String describe() {
            return "";
        }
    }

    public record Key(String name, ConfigType type, Object defaultValue, boolean hasDefault, Validator validator,
                      String doc) {
    }

    private final Map<String, Key> keys = new LinkedHashMap<>();

    public static final Object NO_DEFAULT = new Object() {
        @Override
        public String toString() {
            return "<required>";
        }
    };

    public ConfigDef define(String name, ConfigType type, Object defaultValue, Validator validator, String doc) {
        if (keys.containsKey(name)) {
            throw new IllegalArgumentException("Configuration " + name + " is defined twice");
        }
        boolean hasDefault = defaultValue != NO_DEFAULT;
        Object parsedDefault = hasDefault && defaultValue != null ? parse(name, type, defaultValue) : null;
        keys.put(name, new Key(name, type, hasDefault ? parsedDefault : null, hasDefault, validator, doc));
        return this;
    }

    public ConfigDef define(String name, ConfigType type, Object defaultValue, String doc) {
        return define(name, type, defaultValue, null, doc);
    }

    public Map<String, Key> keys() {
        return Collections.unmodifiableMap(keys);
    }

    public Set<String> names() {
        return Collections.unmodifiableSet(keys.keySet());
    }

    public Key key(String name) {
        return keys.get(name);
    }

    /**
     * Parses and validates {@code props}. Keys this definition does not know are ignored here (callers decide
     * whether to warn or refuse them, see {@link #unknownKeys}).
     */
    public Map<String, Object> parse(Map<String, ?> props) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Key key : keys.values()) {
            Object raw = props.get(key.name);
            Object value;
            if (raw == null) {
                if (!key.hasDefault) {
                    throw new ConfigException("Missing required configuration " + key.name + ": " + key.doc);
                }
                value = key.defaultValue;
            } else {
                value = parse(key.name, key.type, raw);
            }
            validate(key, value);
            values.put(key.name, value);
        }
        return values;
    }

    /** Parses and validates a single value of a known key. */
    public Object parseValue(String name, Object raw) {
        Key key = keys.get(name);
        if (key == null) {
            throw new ConfigException("Unknown configuration " + name);
        }
        Object value = parse(name, key.type, raw);
        validate(key, value);
        return value;
    }

    public List<String> unknownKeys(Collection<String> names) {
        List<String> unknown = new ArrayList<>();
        for (String n : names) {
            if (!keys.containsKey(n)) {
                unknown.add(n);
            }
        }
        return unknown;
    }

    private static void validate(Key key, Object value) {
        if (key.validator != null && value != null) {
            String broken = key.validator.check(value);
            if (broken != null) {
                throw new ConfigException(key.name, format(value), broken);
            }
        }
    }

    private static String format(Object value) {
        return value instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList()) : String.valueOf(value);
    }

    static Object parse(String name, ConfigType type, Object raw) {
        if (raw == null) {
            return null;
        }
        String text = raw instanceof String s ? s.trim() : null;
        try {
            return switch (type) {
                case BOOLEAN -> {
                    if (raw instanceof Boolean b) {
                        yield b;
                    }
                    if (text.equalsIgnoreCase("true")) {
                        yield true;
                    }
                    if (text.equalsIgnoreCase("false")) {
                        yield false;
                    }
                    throw new ConfigException(name, raw, "expected true or false");
                }
                case STRING, CLASS, PASSWORD -> text != null ? text : raw.toString();
                case INT -> raw instanceof Number n ? Integer.valueOf(n.intValue()) : Integer.valueOf(Integer.parseInt(text));
                case SHORT -> raw instanceof Number n ? Short.valueOf(n.shortValue()) : Short.valueOf(Short.parseShort(text));
                case LONG -> raw instanceof Number n ? Long.valueOf(n.longValue()) : Long.valueOf(Long.parseLong(text));
                case DOUBLE -> raw instanceof Number n ? Double.valueOf(n.doubleValue()) : Double.valueOf(Double.parseDouble(text));
                case LIST -> {
                    if (raw instanceof List<?> l) {
                        yield List.copyOf(l.stream().map(String::valueOf).toList());
                    }
                    List<String> items = new ArrayList<>();
                    if (!text.isEmpty()) {
                        for (String item : text.split(",")) {
                            items.add(item.trim());
                        }
                    }
                    yield List.copyOf(items);
                }
            };
        } catch (NumberFormatException e) {
            throw new ConfigException(name, raw, "expected " + type.name().toLowerCase(Locale.ROOT));
        }
    }

    // ------------------------------------------------------------------ validators

    public static Validator atLeast(long min) {
        return v -> ((Number) v).longValue() >= min ? null : "must be at least " + min;
    }

    public static Validator between(long min, long max) {
        return v -> {
            long x = ((Number) v).longValue();
            return x >= min && x <= max ? null : "must be between " + min + " and " + max;
        };
    }

    public static Validator betweenDouble(double min, double max) {
        return v -> {
            double x = ((Number) v).doubleValue();
            return x >= min && x <= max ? null : "must be between " + min + " and " + max;
        };
    }

    public static Validator oneOf(String... allowed) {
        List<String> options = List.of(allowed);
        return v -> options.contains(String.valueOf(v)) ? null : "must be one of " + String.join(", ", options);
    }

    public static Validator eachOneOf(String... allowed) {
        List<String> options = List.of(allowed);
        return v -> {
            for (Object item : (List<?>) v) {
                if (!options.contains(String.valueOf(item))) {
                    return "each item must be one of " + String.join(", ", options);
                }
            }
            return null;
        };
    }

    public static Validator nonEmptyList() {
        return v -> ((List<?>) v).isEmpty() ? "must not be empty" : null;
    }

    public static Validator check(Function<Object, String> rule) {
        return rule::apply;
    }

    /** Typed read access over parsed values. */
    public static final class Values {
        private final Map<String, Object> values;

        public Values(Map<String, Object> values) {
            this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }

        public Map<String, Object> asMap() {
            return values;
        }

        public Object get(String key) {
            if (!values.containsKey(key)) {
                throw new IllegalArgumentException("Unknown configuration " + key);
            }
            return values.get(key);
        }

        public int getInt(String key) {
            return ((Number) get(key)).intValue();
        }

        public short getShort(String key) {
            return ((Number) get(key)).shortValue();
        }

        public long getLong(String key) {
            return ((Number) get(key)).longValue();
        }

        public double getDouble(String key) {
            return ((Number) get(key)).doubleValue();
        }

        public boolean getBoolean(String key) {
            return (Boolean) get(key);
        }

        public String getString(String key) {
            return (String) get(key);
        }

        @SuppressWarnings("unchecked")
        public List<String> getList(String key) {
            return (List<String>) get(key);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Values v && values.equals(v.values);
        }

        @Override
        public int hashCode() {
            return Objects.hash(values);
        }

        @Override
        public String toString() {
            return values.toString();
        }
    }
}
