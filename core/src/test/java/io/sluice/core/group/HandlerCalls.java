package io.sluice.core.group;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.core.handler.ApiHandler;
import io.sluice.core.handler.RequestContext;
import io.sluice.core.network.RequestProcessor.Connection;
import io.sluice.protocol.ApiMessage;
import io.sluice.protocol.RequestHeader;
import io.sluice.protocol.schema.MessageCodec;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * Calls a handler as the dispatcher would, minus the network: the request goes through the codec in the version
 * (so absent fields take their defaults), and so does the response (so a response the version cannot carry
 * fails the test).
 */
final class HandlerCalls {
    private static int correlationId;

    private HandlerCalls() {
    }

    static RequestContext context(ApiHandler<?, ?> handler, int version) {
        return new RequestContext(new RequestHeader(handler.apiKey(), (short) version, ++correlationId, "client-a"),
            handler.apiKey(), new Connection("test-connection", "PLAINTEXT", "127.0.0.1", 50_000));
    }

    @SuppressWarnings("unchecked")
    static <Q extends ApiMessage, S extends ApiMessage> CompletableFuture<S> callAsync(ApiHandler<Q, S> handler,
                                                                                      Q request, int version) {
        Q onTheWire = (Q) MessageCodec.read(request.getClass(), MessageCodec.write(request, (short) version),
            (short) version);
        return handler.handle(context(handler, version), onTheWire).thenApply(r -> roundTrip(r, (short) version));
    }

    /** Calls and expects the answer at once (the fixture has no threads). */
    static <Q extends ApiMessage, S extends ApiMessage> S call(ApiHandler<Q, S> handler, Q request, int version) {
        CompletableFuture<S> f = callAsync(handler, request, version);
        assertTrue(f.isDone(), handler.apiKey() + " v" + version + " was not answered");
        return f.join();
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

    /** The error response, through the codec. */
    @SuppressWarnings("unchecked")
    static <Q extends ApiMessage, S extends ApiMessage> S errorResponse(ApiHandler<Q, S> handler, Q request, int version,
                                                                       io.sluice.common.Errors error) {
        Q onTheWire = (Q) MessageCodec.read(request.getClass(), MessageCodec.write(request, (short) version),
            (short) version);
        return roundTrip(handler.errorResponse(context(handler, version), onTheWire, error), (short) version);
    }
}
