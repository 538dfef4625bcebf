package io.sluice.core.handler;

import io.sluice.core.network.RequestProcessor.Connection;
import io.sluice.protocol.ApiMessage;
import io.sluice.protocol.RequestHeader;
import io.sluice.protocol.schema.MessageCodec;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Calls a handler the way the dispatcher does, minus the network: the request is encoded and decoded in the given
 * version first (so fields the version lacks take their defaults, as on the wire), the handler runs with a fake
 * {@link RequestContext}, and the response is encoded and decoded in the same version (so the test sees what a
 * client would, and a response the version cannot carry fails the test).
 */
final class HandlerCall {
    static final String LISTENER = "PLAINTEXT";
    private static int correlationId;

    private HandlerCall() {
    }

    static RequestContext context(ApiHandler<?, ?> handler, short version, String listener) {
        return new RequestContext(new RequestHeader(handler.apiKey(), version, ++correlationId, "handler-test"),
            handler.apiKey(), new Connection("test-connection", listener, "127.0.0.1", 50_000));
    }

    /** The response future, completing with the decoded response. */
    @SuppressWarnings("unchecked")
    static <Q extends ApiMessage, S extends ApiMessage> CompletableFuture<S> callAsync(ApiHandler<Q, S> handler, Q request,
                                                                                      short version, String listener) {
        Q onTheWire = (Q) MessageCodec.read(request.getClass(), MessageCodec.write(request, version), version);
        CompletableFuture<S> response = handler.handle(context(handler, version, listener), onTheWire);
        return response.thenApply(r -> roundTrip(r, version));
    }

    static <Q extends ApiMessage, S extends ApiMessage> CompletableFuture<S> callAsync(ApiHandler<Q, S> handler, Q request,
                                                                                      int version) {
        return callAsync(handler, request, (short) version, LISTENER);
    }

    /** Calls and waits (bounded) for the response. */
    static <Q extends ApiMessage, S extends ApiMessage> S call(ApiHandler<Q, S> handler, Q request, int version) {
        return call(handler, request, version, LISTENER);
    }

    static <Q extends ApiMessage, S extends ApiMessage> S call(ApiHandler<Q, S> handler, Q request, int version,
                                                              String listener) {
        try {
            return callAsync(handler, request, (short) version, listener).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(handler.apiKey() + " v" + version + " failed", e);
        }
    }

    /** The error response, round-tripped. */
    @SuppressWarnings("unchecked")
    static <Q extends ApiMessage, S extends ApiMessage> S errorResponse(ApiHandler<Q, S> handler, Q request, int version,
                                                                       io.sluice.common.Errors error) {
        Q onTheWire = (Q) MessageCodec.read(request.getClass(), MessageCodec.write(request, (short) version), (short) version);
        return roundTrip(handler.errorResponse(context(handler, (short) version, LISTENER), onTheWire, error), (short) version);
    }

    @SuppressWarnings("unchecked")
    static <S extends ApiMessage> S roundTrip(S message, short version) {
        ByteBuffer bytes = MessageCodec.write(message, version);
        S decoded = (S) MessageCodec.read(message.getClass(), bytes, version);
        if (bytes.hasRemaining()) {
            throw new AssertionError("Trailing bytes after decoding " + message.getClass().getSimpleName());
        }
        return decoded;
    }
}
