package io.sluice.client.network;

import io.sluice.common.Errors;
import io.sluice.protocol.ApiCodec;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.ApiMessage;
import io.sluice.protocol.ProtocolException;
import io.sluice.protocol.RequestHeader;
import io.sluice.protocol.message.ApiVersionsRequest;
import io.sluice.protocol.message.ApiVersionsResponse;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One blocking connection to a broker that speaks the Kafka protocol: connect (bounded by a timeout), negotiate
 * versions with ApiVersions, then send one request at a time and wait for its response. For follower fetchers,
 * tools and tests: anything that wants a request/response call on a dedicated thread without the machinery of a
 * pipelining client.
 *
 * <h2>Wire</h2>
 * Each request is {@code INT32 size} + header + body ({@link ApiCodec#encodeRequest}); each response is
 * {@code INT32 size} + header + body, matched to its request by the correlation id, which increases by one per
 * request. The connection never has more than one request in flight.
 *
 * <h2>Failures</h2>
 * Every failure is an {@link IOException} whose message names the broker address and, for a request, the API,
 * version and correlation id: {@link SocketTimeoutException} when the connect or request timeout passes,
 * {@link EOFException} when the broker closes the connection, {@link InterruptedIOException} when the calling
 * thread is interrupted, and a plain {@link IOException} for a malformed or mismatched response. After any
 * failure the connection is closed (a late response could otherwise be read as the answer to the next request);
 * open a new one to go on.
 *
 * <h2>Threads</h2>
 * Not thread-safe: one thread sends. {@link #close()} alone may be called from any thread, also while another
 * thread waits in {@link #send}; that thread then gets an IOException promptly.
 */
public final class KafkaConnection implements Closeable {
    /** Name and version sent in ApiVersions v3+ (the broker may validate their characters). */
    public static final String CLIENT_SOFTWARE_NAME = "sluice-java";
    public static final String CLIENT_SOFTWARE_VERSION = "0.1.0";
    private static final short APIVERSIONS_PREFERRED = 3;

    /**
     * @param clientId           the client id in every request header
     * @param connectTimeoutMs   bound on the TCP connect and on the ApiVersions exchange that follows
     * @param requestTimeoutMs   bound on one request: writing it and reading the whole response
     * @param sendBufferBytes    SO_SNDBUF, or -1 for the OS default
     * @param receiveBufferBytes SO_RCVBUF, or -1 for the OS default
     * @param maxResponseBytes   a response announcing more bytes than this fails the connection before allocation
     */
    public record Settings(String clientId, int connectTimeoutMs, int requestTimeoutMs, int sendBufferBytes,
                           int receiveBufferBytes, int maxResponseBytes) {
        public Settings {
            Objects.requireNonNull(clientId, "clientId");
            if (connectTimeoutMs <= 0 || requestTimeoutMs <= 0 || maxResponseBytes <= 0) {
                throw new IllegalArgumentException("Timeouts and the response limit must be positive: connect "
                    + connectTimeoutMs + " ms, request " + requestTimeoutMs + " ms, max response " + maxResponseBytes);
            }
        }

        /** 10 s connect, 30 s per request, OS buffer sizes, 100 MiB responses at most. */
        public static Settings defaults(String clientId) {
            return new Settings(clientId, 10_000, 30_000, -1, -1, 100 * 1024 * 1024);
        }

        public Settings withRequestTimeoutMs(int ms) {
            return new Settings(clientId, connectTimeoutMs, ms, sendBufferBytes, receiveBufferBytes, maxResponseBytes);
        }
    }

    private final InetSocketAddress address;
    private final Settings settings;
    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    private final ByteBuffer sizeBuffer = ByteBuffer.allocate(4);
    private Map<Short, ApiVersionsResponse.ApiVersion> brokerVersions = Map.of();
    private int nextCorrelationId;
    private volatile boolean closed;

    private KafkaConnection(InetSocketAddress address, Settings settings, SocketChannel channel, Selector selector,
                            SelectionKey key) {
        this.address = address;
        this.settings = settings;
        this.channel = channel;
        this.selector = selector;
        this.key = key;
    }

    /**
     * Connects to {@code address} and negotiates API versions.
     *
     * @throws SocketTimeoutException if the connection or the ApiVersions answer takes longer than the connect timeout
     * @throws IOException            if the broker cannot be reached or answers ApiVersions with an error
     */
    public static KafkaConnection open(InetSocketAddress address, Settings settings) throws IOException {
        if (address.isUnresolved()) {
            throw new IOException("Cannot resolve broker host " + address.getHostString());
        }
        SocketChannel channel = SocketChannel.open();
        Selector selector = null;
        KafkaConnection connection = null;
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            if (settings.sendBufferBytes() > 0) {
                channel.setOption(StandardSocketOptions.SO_SNDBUF, settings.sendBufferBytes());
            }
            if (settings.receiveBufferBytes() > 0) {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, settings.receiveBufferBytes());
            }
            selector = Selector.open();
            SelectionKey key = channel.register(selector, 0);
            connection = new KafkaConnection(address, settings, channel, selector, key);
            connection.finishConnect(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.connectTimeoutMs()));
            connection.negotiateVersions();
            return connection;
        } catch (IOException | RuntimeException e) {
            if (connection != null) {
                connection.close();
            } else {
                closeQuietly(channel);
                if (selector != null) {
                    closeQuietly(selector);
                }
            }
            throw e;
        }
    }

    private void finishConnect(long deadlineNs) throws IOException {
        try {
            if (channel.connect(address)) {
                return;
            }
        } catch (IOException e) {
            throw new IOException("Could not connect to broker at " + describe() + ": " + e.getMessage(), e);
        }
        key.interestOps(SelectionKey.OP_CONNECT);
        while (true) {
            await(deadlineNs, () -> "Connecting to " + describe() + " took longer than " + settings.connectTimeoutMs() + " ms");
            try {
                if (channel.finishConnect()) {
                    key.interestOps(0);
                    return;
                }
            } catch (IOException e) {
                throw new IOException("Could not connect to broker at " + describe() + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * ApiVersions at v3; a broker that does not know v3 answers with a v0 body (UNSUPPORTED_VERSION and its own
     * range), after which we ask again at the highest version both sides know.
     */
    private void negotiateVersions() throws IOException {
        short version = (short) Math.min(APIVERSIONS_PREFERRED, ApiKey.API_VERSIONS.latestVersion());
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.connectTimeoutMs());
        for (int attempt = 0; attempt < 2; attempt++) {
            ApiVersionsResponse response = apiVersions(version, deadlineNs);
            Errors error = Errors.forCode(response.errorCode());
            if (error == Errors.NONE) {
                Map<Short, ApiVersionsResponse.ApiVersion> byKey = new HashMap<>();
                for (ApiVersionsResponse.ApiVersion v : response.apiKeys()) {
                    byKey.put(v.apiKey(), v);
                }
                brokerVersions = Collections.unmodifiableMap(byKey);
                return;
            }
            if (error != Errors.UNSUPPORTED_VERSION || attempt > 0) {
                throw new IOException("Broker at " + describe() + " answered ApiVersions v" + version + " with " + error);
            }
            short brokerMax = response.apiKeys().stream().filter(v -> v.apiKey() == ApiKey.API_VERSIONS.id)
                .map(ApiVersionsResponse.ApiVersion::maxVersion).findFirst().orElse((short) 0);
            version = (short) Math.max(0, Math.min(version - 1, brokerMax));
        }
        throw new IllegalStateException("unreachable");
    }

    private ApiVersionsResponse apiVersions(short version, long deadlineNs) throws IOException {
        int correlationId = nextCorrelationId++;
        ApiVersionsRequest request = new ApiVersionsRequest(CLIENT_SOFTWARE_NAME, CLIENT_SOFTWARE_VERSION);
        ByteBuffer frame = exchange(ApiKey.API_VERSIONS, version, correlationId, request, deadlineNs,
            settings.connectTimeoutMs());
        try {
            return ApiCodec.decodeResponse(frame.duplicate(), ApiKey.API_VERSIONS, version, correlationId,
                ApiVersionsResponse.class);
        } catch (ProtocolException e) {
            // A broker that does not know our version answers with a v0 body, whatever we asked for.
            try {
                return ApiCodec.decodeResponse(frame, ApiKey.API_VERSIONS, (short) 0, correlationId,
                    ApiVersionsResponse.class);
            } catch (ProtocolException again) {
                close();
                throw new IOException("Malformed ApiVersions response from " + describe() + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * The version range the broker advertised for {@code key}, if it supports the API at all.
     */
    public Optional<ApiVersionsResponse.ApiVersion> brokerVersions(ApiKey apiKey) {
        return Optional.ofNullable(brokerVersions.get(apiKey.id));
    }

    /**
     * The highest version of {@code apiKey} that both we and the broker implement, capped at {@code maxWanted}.
     *
     * @throws UnsupportedVersionException if there is none
     */
    public short usableVersion(ApiKey apiKey, short maxWanted) throws UnsupportedVersionException {
        ApiVersionsResponse.ApiVersion theirs = brokerVersions.get(apiKey.id);
        if (theirs == null) {
            throw new UnsupportedVersionException("Broker at " + describe() + " does not support " + apiKey.title);
        }
        short high = (short) Math.min(Math.min(maxWanted, apiKey.latestVersion()), theirs.maxVersion());
        short low = (short) Math.max(apiKey.oldestVersion(), theirs.minVersion());
        if (high < low) {
            throw new UnsupportedVersionException("No common version of " + apiKey.title + " with broker at "
                + describe() + ": we need " + apiKey.oldestVersion() + ".." + Math.min(maxWanted, apiKey.latestVersion())
                + ", it offers " + theirs.minVersion() + ".." + theirs.maxVersion());
        }
        return high;
    }

    /** Sends {@code request} at the highest version both sides implement. */
    public <R extends ApiMessage> R send(ApiMessage request) throws IOException {
        return send(request, usableVersion(request.apiKey(), request.apiKey().latestVersion()));
    }

    /**
     * Sends {@code request} at {@code version} and waits for its response, at most the request timeout.
     *
     * @return the response body (its records, if any, are views of a buffer that belongs to the caller now)
     * @throws IOException see the class comment; the connection is closed afterwards
     */
    @SuppressWarnings("unchecked")
    public <R extends ApiMessage> R send(ApiMessage request, short version) throws IOException {
        ApiKey apiKey = request.apiKey();
        if (!apiKey.isVersionSupported(version)) {
            throw new UnsupportedVersionException(apiKey.title + " version " + version + " is not implemented (we have "
                + apiKey.versions() + ")");
        }
        int correlationId = nextCorrelationId++;
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.requestTimeoutMs());
        ByteBuffer frame = exchange(apiKey, version, correlationId, request, deadlineNs, settings.requestTimeoutMs());
        try {
            return (R) ApiCodec.decodeResponse(frame, apiKey, version, correlationId, apiKey.responseType);
        } catch (ProtocolException e) {
            close();
            throw new IOException("Malformed " + apiKey.title + " v" + version + " response (correlation id "
                + correlationId + ") from " + describe() + ": " + e.getMessage(), e);
        }
    }

    /** Writes one request and reads its response frame; closes the connection on any failure. */
    private ByteBuffer exchange(ApiKey apiKey, short version, int correlationId, ApiMessage request, long deadlineNs,
                                int timeoutMs) throws IOException {
        if (closed) {
            throw new IOException("The connection to " + describe() + " is closed");
        }
        String what = apiKey.title + " v" + version + " (correlation id " + correlationId + ") to " + describe();
        ByteBuffer body = ApiCodec.encodeRequest(new RequestHeader(apiKey, version, correlationId, settings.clientId()),
            request);
        ByteBuffer size = ByteBuffer.allocate(4).putInt(0, body.remaining());
        try {
            writeFully(new ByteBuffer[] {size, body}, deadlineNs, what, timeoutMs);
            return readFrame(deadlineNs, what, timeoutMs);
        } catch (IOException e) {
            close();
            throw e;
        } catch (ClosedSelectorException | CancelledKeyException e) {
            close();
            throw new IOException(what + " failed: the connection was closed", e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void writeFully(ByteBuffer[] buffers, long deadlineNs, String what, int timeoutMs) throws IOException {
        ByteBuffer last = buffers[buffers.length - 1];
        while (last.hasRemaining()) {
            long written = write(buffers, what);
            if (written == 0 && last.hasRemaining()) {
                key.interestOps(SelectionKey.OP_WRITE);
                await(deadlineNs, () -> what + " timed out after " + timeoutMs + " ms while writing");
            }
        }
        key.interestOps(0);
    }

    private long write(ByteBuffer[] buffers, String what) throws IOException {
        try {
            return channel.write(buffers);
        } catch (IOException e) {
            throw new IOException(what + " failed while writing: " + e.getMessage(), e);
        }
    }

    private ByteBuffer readFrame(long deadlineNs, String what, int timeoutMs) throws IOException {
        sizeBuffer.clear();
        readFully(sizeBuffer, deadlineNs, what, timeoutMs);
        int size = sizeBuffer.getInt(0);
        if (size < 0 || size > settings.maxResponseBytes()) {
            throw new IOException(what + ": the response announces " + size + " bytes, outside [0, "
                + settings.maxResponseBytes() + "]");
        }
        ByteBuffer frame = ByteBuffer.allocate(size);
        readFully(frame, deadlineNs, what, timeoutMs);
        frame.flip();
        return frame;
    }

    private void readFully(ByteBuffer target, long deadlineNs, String what, int timeoutMs) throws IOException {
        while (target.hasRemaining()) {
            int n;
            try {
                n = channel.read(target);
            } catch (IOException e) {
                throw new IOException(what + " failed while reading the response: " + e.getMessage(), e);
            }
            if (n < 0) {
                throw new EOFException(what + ": the broker closed the connection before the response was complete");
            }
            if (n == 0) {
                key.interestOps(SelectionKey.OP_READ);
                await(deadlineNs, () -> what + " timed out after " + timeoutMs + " ms waiting for the response");
            }
        }
        key.interestOps(0);
    }

    /** Waits until the key's interest is ready, the deadline passes (timeout), or the connection closes. */
    private void await(long deadlineNs, java.util.function.Supplier<String> timeoutMessage) throws IOException {
        while (true) {
            if (closed) {
                throw new IOException("The connection to " + describe() + " was closed");
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("Interrupted while talking to " + describe());
            }
            long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
            if (remainingMs <= 0) {
                throw new SocketTimeoutException(timeoutMessage.get());
            }
            int ready = selector.select(remainingMs);
            selector.selectedKeys().clear();
            if (ready > 0) {
                return;
            }
        }
    }

    public InetSocketAddress address() {
        return address;
    }

    public boolean isOpen() {
        return !closed && channel.isOpen();
    }

    private String describe() {
        return address.getHostString() + ":" + address.getPort();
    }

    /** Closes the socket. Idempotent; may be called from any thread. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        selector.wakeup();
        closeQuietly(channel);
        closeQuietly(selector);
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException ignored) {
            // nothing useful to do: the socket is going away either way
        }
    }

    @Override
    public String toString() {
        return "KafkaConnection(" + describe() + (closed ? ", closed" : "") + ")";
    }

    /** No version of an API is usable with this broker (or the requested one is not implemented here). */
    public static final class UnsupportedVersionException extends IOException {
        public UnsupportedVersionException(String message) {
            super(message);
        }
    }
}
