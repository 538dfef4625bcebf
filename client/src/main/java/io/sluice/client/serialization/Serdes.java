package io.sluice.client.serialization;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.UUID;

/**
 * The built-in serializers and deserializers, with the same byte formats as Kafka's: String as UTF-8,
 * Integer and Long as big-endian two's complement (4 and 8 bytes), UUID as its UTF-8 string form, byte[] as
 * is, and JSON through Jackson. All are stateless or immutable, hence thread-safe.
 */
public final class Serdes {
    private Serdes() {
    }

    public static Serializer<String> stringSerializer() {
        return (topic, s) -> s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    public static Deserializer<String> stringDeserializer() {
        return (topic, b) -> b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    public static Serializer<byte[]> byteArraySerializer() {
        return (topic, b) -> b;
    }

    public static Deserializer<byte[]> byteArrayDeserializer() {
        return (topic, b) -> b;
    }

    public static Serializer<Integer> integerSerializer() {
        return (topic, i) -> i == null ? null : ByteBuffer.allocate(4).putInt(i).array();
    }

    public static Deserializer<Integer> integerDeserializer() {
        return (topic, b) -> {
            if (b == null) {
                return null;
            }
            if (b.length != 4) {
                throw new SerializationException("An Integer needs 4 bytes, got " + b.length);
            }
            return ByteBuffer.wrap(b).getInt();
        };
    }

    public static Serializer<Long> longSerializer() {
        return (topic, l) -> l == null ? null : ByteBuffer.allocate(8).putLong(l).array();
    }

    public static Deserializer<Long> longDeserializer() {
        return (topic, b) -> {
            if (b == null) {
                return null;
            }
            if (b.length != 8) {
                throw new SerializationException("A Long needs 8 bytes, got " + b.length);
            }
            return ByteBuffer.wrap(b).getLong();
        };
    }

    public static Serializer<UUID> uuidSerializer() {
        return (topic, u) -> u == null ? null : u.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static Deserializer<UUID> uuidDeserializer() {
        return (topic, b) -> {
            if (b == null) {
                return null;
            }
            try {
                return UUID.fromString(new String(b, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new SerializationException("Not a UUID: " + e.getMessage(), e);
            }
        };
    }

    public static <T> Serializer<T> jsonSerializer() {
        return jsonSerializer(new ObjectMapper());
    }

    /** JSON with the given mapper, which must not be reconfigured afterwards (Jackson mappers are thread-safe then). */
    public static <T> Serializer<T> jsonSerializer(ObjectMapper mapper) {
        Objects.requireNonNull(mapper, "mapper");
        return (topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                return mapper.writeValueAsBytes(value);
            } catch (IOException e) {
                throw new SerializationException("Could not write " + value.getClass().getName() + " as JSON", e);
            }
        };
    }

    public static <T> Deserializer<T> jsonDeserializer(Class<T> type) {
        return jsonDeserializer(new ObjectMapper(), type);
    }

    public static <T> Deserializer<T> jsonDeserializer(ObjectMapper mapper, Class<T> type) {
        Objects.requireNonNull(mapper, "mapper");
        Objects.requireNonNull(type, "type");
        return (topic, b) -> {
            if (b == null) {
                return null;
            }
            try {
                return mapper.readValue(b, type);
            } catch (IOException e) {
                throw new SerializationException("Could not read JSON as " + type.getName() + ": " + e.getMessage(), e);
            }
        };
    }
}
