package io.sluice.protocol;

/**
 * Bytes that do not form a valid message: truncated input, impossible lengths, over-long varints, an unknown
 * API key or version, or a value that cannot be encoded in the requested version. The only exception the
 * codec throws for bad input; the broker answers it with INVALID_REQUEST or by closing the connection.
 */
public class ProtocolException extends RuntimeException {
    public ProtocolException(String message) {
        super(message);
    }

    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
