package io.sluice.client.consumer;

/** Thrown by a blocking consumer call when its thread is interrupted; the interrupt flag stays set. */
public class InterruptException extends RuntimeException {
    public InterruptException(InterruptedException cause) {
        super("Interrupted", cause);
        Thread.currentThread().interrupt();
    }
}
