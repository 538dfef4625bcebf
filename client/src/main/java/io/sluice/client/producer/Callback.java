package io.sluice.client.producer;

/** Told the outcome of one send, on the producer's I/O thread: keep it short. */
@FunctionalInterface
public interface Callback {
    /** Exactly one of the arguments is non-null. */
    void onCompletion(RecordMetadata metadata, Exception exception);
}
