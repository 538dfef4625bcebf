package io.sluice.core.network;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;

/**
 * The network layer's view of request handling. Implemented by the handler layer; never called on an event
 * loop thread for anything but {@link #submit}, which must return at once.
 */
public interface RequestProcessor {

    /** Where a request came from. */
    record Connection(String id, String listenerName, String clientHost, int clientPort) {
    }

    /**
     * Starts handling one request. Takes ownership of {@code frame} (releases it). Requests of one connection
     * are submitted one at a time, the next only after {@code accepted} of the previous completed, so their
     * side effects (appends) happen in request order; the returned outcome may complete much later.
     *
     * @param accepted completed by the processor once the request's side effects are ordered (typically when its
     *                 handler returned); the connection may then submit its next request
     */
    CompletableFuture<RequestOutcome> submit(Connection connection, ByteBuf frame, CompletableFuture<Void> accepted);
}
