package io.sluice.core.handler;

import io.netty.buffer.ByteBuf;
import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.core.network.RequestOutcome;
import io.sluice.core.network.RequestProcessor;
import io.sluice.core.network.ResponseSend;
import io.sluice.protocol.ApiCodec;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.ApiMessage;
import io.sluice.protocol.ByteBufferReader;
import io.sluice.protocol.ByteBufferWriter;
import io.sluice.protocol.ProtocolException;
import io.sluice.protocol.RequestHeader;
import io.sluice.protocol.ResponseHeader;
import io.sluice.protocol.schema.MessageCodec;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Turns request frames into responses: parses the header and body, finds the {@link ApiHandler} for the API,
 * runs it on the request-handler pool ({@code num.io.threads}) and encodes what it returns. An unknown API
 * or an unsupported version closes the connection, as Kafka does, except for ApiVersions, which is answered
 * in version 0 with UNSUPPORTED_VERSION so that the client can retry with a version we know.
 */
public final class RequestDispatcher implements RequestProcessor, AutoCloseable {
    private static final Logger log = LogManager.getLogger(RequestDispatcher.class);

    private final Map<ApiKey, ApiHandler<?, ?>> handlers = new EnumMap<>(ApiKey.class);
    private final ExecutorService pool;
    private volatile RequestObserver observer = (api, nanos) -> { };

    /** Told of every answered request: its API's name and the time from its arrival to its response. */
    @FunctionalInterface
    public interface RequestObserver {
        void completed(String api, long nanos);
    }

    public RequestDispatcher(int ioThreads) {
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(ioThreads, ioThreads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
            r -> {
                Thread t = new Thread(r, "request-handler-" + n.getAndIncrement());
                t.setDaemon(true);
                return t;
            });
    }

    public RequestDispatcher register(ApiHandler<?, ?> handler) {
        if (handlers.put(handler.apiKey(), handler) != null) {
            throw new IllegalStateException("Two handlers for " + handler.apiKey());
        }
        return this;
    }

    public RequestDispatcher observeRequests(RequestObserver requestObserver) {
        this.observer = java.util.Objects.requireNonNull(requestObserver, "requestObserver");
        return this;
    }

    public boolean handles(ApiKey key) {
        return handlers.containsKey(key);
    }

    @Override
    public CompletableFuture<RequestOutcome> submit(Connection connection, ByteBuf frame, CompletableFuture<Void> accepted) {
        // Copy once and release the network buffer at once; handlers may keep slices of the copy.
        ByteBuffer bytes = ByteBuffer.allocate(frame.readableBytes());
        try {
            frame.readBytes(bytes);
        } finally {
            frame.release();
        }
        bytes.flip();
        CompletableFuture<RequestOutcome> outcome = new CompletableFuture<>();
        long arrivedNanos = System.nanoTime();
        try {
            pool.execute(() -> process(connection, bytes, accepted, outcome, arrivedNanos));
        } catch (RuntimeException e) {
            accepted.complete(null);
            outcome.complete(new RequestOutcome.Close("broker is shutting down"));
        }
        return outcome;
    }

    private void process(Connection connection, ByteBuffer bytes, CompletableFuture<Void> accepted,
                         CompletableFuture<RequestOutcome> outcome, long arrivedNanos) {
        try {
            RequestHeader header;
            ByteBufferReader in = new ByteBufferReader(bytes);
            try {
                header = RequestHeader.read(in);
            } catch (ProtocolException e) {
                outcome.complete(new RequestOutcome.Close("unreadable request header: " + e.getMessage()));
                return;
            }
            ApiKey key = header.knownApiKey().orElse(null);
            ApiHandler<?, ?> handler = key == null ? null : handlers.get(key);
            if (key == null || handler == null) {
                outcome.complete(new RequestOutcome.Close("unknown or unsupported API key " + header.apiKey()));
                return;
            }
            if (!key.isVersionSupported(header.apiVersion())) {
                if (key == ApiKey.API_VERSIONS) {
                    outcome.complete(apiVersionsFallback(header));
                } else {
                    outcome.complete(new RequestOutcome.Close(key.title + " version " + header.apiVersion()
                        + " is not supported (supported: " + key.versions() + ")"));
                }
                return;
            }
            ApiMessage body;
            try {
                body = MessageCodec.read(key.requestType, in, header.apiVersion());
            } catch (ProtocolException e) {
                outcome.complete(new RequestOutcome.Close("malformed " + key.title + " v" + header.apiVersion()
                    + " request: " + e.getMessage()));
                return;
            }
            RequestContext context = new RequestContext(header, key, connection);
            invoke(handler, context, body, accepted).whenComplete((response, error) -> {
                if (error != null) {
                    log.error("{} v{} (correlation id {}) from {} failed", key.title, header.apiVersion(),
                        header.correlationId(), connection.id(), error);
                    outcome.complete(new RequestOutcome.Close("internal error"));
                } else if (response == null) {
                    outcome.complete(new RequestOutcome.NoResponse());
                } else {
                    outcome.complete(encode(key, header, response));
                    observer.completed(key.title, System.nanoTime() - arrivedNanos);
                }
            });
        } catch (RuntimeException | Error e) {
            log.error("Unexpected failure handling a request from {}", connection.id(), e);
            outcome.complete(new RequestOutcome.Close("internal error"));
        } finally {
            accepted.complete(null);
        }
    }

    @SuppressWarnings("unchecked")
    private static <Q extends ApiMessage, S extends ApiMessage> CompletableFuture<ApiMessage> invoke(
            ApiHandler<Q, S> handler, RequestContext context, ApiMessage body, CompletableFuture<Void> accepted) {
        Q request = (Q) body;
        CompletableFuture<S> future;
        try {
            future = handler.handle(context, request);
        } catch (RuntimeException e) {
            Errors error = ApiException.errorOf(e);
            if (error == Errors.UNKNOWN_SERVER_ERROR) {
                log.error("{} handler failed for correlation id {} from {}", handler.apiKey().title,
                    context.header().correlationId(), context.connection().id(), e);
            }
            future = CompletableFuture.completedFuture(handler.errorResponse(context, request, error));
        } finally {
            accepted.complete(null);
        }
        return future.handle((response, error) -> {
            if (error == null) {
                return response;
            }
            Errors code = ApiException.errorOf(error);
            if (code == Errors.UNKNOWN_SERVER_ERROR) {
                log.error("{} failed for correlation id {} from {}", handler.apiKey().title,
                    context.header().correlationId(), context.connection().id(), error);
            }
            return handler.errorResponse(context, request, code);
        });
    }

    private static RequestOutcome encode(ApiKey key, RequestHeader header, ApiMessage response) {
        ByteBufferWriter out = ByteBufferWriter.deferringRecords(256);
        new ResponseHeader(header.correlationId()).write(out, key.responseHeaderVersion(header.apiVersion()));
        MessageCodec.write(response, header.apiVersion(), out);
        return new RequestOutcome.Respond(new ResponseSend(out.toByteBuffer(), out.deferredRecords()));
    }

    private static RequestOutcome apiVersionsFallback(RequestHeader header) {
        io.sluice.protocol.message.ApiVersionsResponse body = new io.sluice.protocol.message.ApiVersionsResponse(
            Errors.UNSUPPORTED_VERSION.code(),
            java.util.List.of(new io.sluice.protocol.message.ApiVersionsResponse.ApiVersion(ApiKey.API_VERSIONS.id,
                ApiKey.API_VERSIONS.oldestVersion(), ApiKey.API_VERSIONS.latestVersion())),
            0, java.util.List.of(), -1L, java.util.List.of(), false);
        return new RequestOutcome.Respond(ResponseSend.of(ApiCodec.encodeApiVersionsFallback(header.correlationId(), body)));
    }

    @Override
    public void close() {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
        }
    }
}
