package io.sluice.client.serialization;

/** Turns bytes back into a key or value; null stays null. Implementations must be thread-safe. */
@FunctionalInterface
public interface Deserializer<T> extends AutoCloseable {
    T deserialize(String topic, byte[] data);

    @Override
    default void close() {
    }
}
