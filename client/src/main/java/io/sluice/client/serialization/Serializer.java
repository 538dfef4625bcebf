package io.sluice.client.serialization;

/**
 * Turns a key or value into bytes. Null stays null (a record without key or value). Implementations used by
 * a producer must be thread-safe: {@code send} may be called from many threads.
 */
@FunctionalInterface
public interface Serializer<T> extends AutoCloseable {
    byte[] serialize(String topic, T data);

    @Override
    default void close() {
    }
}
