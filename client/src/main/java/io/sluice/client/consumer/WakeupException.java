package io.sluice.client.consumer;

/** Thrown by a blocking consumer call after {@link SluiceConsumer#wakeup()}. */
public class WakeupException extends RuntimeException {
    public WakeupException() {
        super("The consumer was woken up");
    }
}
