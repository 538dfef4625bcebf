package io.sluice.core.handler;

import io.sluice.common.Errors;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.ApiMessage;
import java.util.concurrent.CompletableFuture;

/**
 * Handles one Kafka API. {@link #handle} runs on a request-handler thread, must not block (waits are delayed
 * operations that complete the future later), and returns the response body — or a future of {@code null}
 * when no response is sent (Produce with acks=0). It throws only for bugs; expected failures are error codes
 * inside the response.
 */
public interface ApiHandler<Q extends ApiMessage, S extends ApiMessage> {

    ApiKey apiKey();

    CompletableFuture<S> handle(RequestContext context, Q request);

    /** A response that reports {@code error} for everything the request asked about. */
    S errorResponse(RequestContext context, Q request, Errors error);
}
