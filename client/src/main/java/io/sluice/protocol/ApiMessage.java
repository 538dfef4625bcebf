package io.sluice.protocol;

/** A request or response body: one of the records in {@code io.sluice.protocol.message}. */
public interface ApiMessage {
    ApiKey apiKey();
}
