package io.sluice.client.serialization;

/** A key or value could not be converted to or from bytes. */
public class SerializationException extends RuntimeException {
    public SerializationException(String message) {
        super(message);
    }

    public SerializationException(String message, Throwable cause) {
        super(message, cause);
    }
}
