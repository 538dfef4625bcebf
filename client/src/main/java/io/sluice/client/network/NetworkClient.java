package io.sluice.client.network;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.common.Node;
import io.sluice.protocol.ApiCodec;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.ApiMessage;
import io.sluice.protocol.ProtocolException;
import io.sluice.protocol.RequestHeader;
import io.sluice.protocol.message.ApiVersionsRequest;
import io.sluice.protocol.message.ApiVersionsResponse;
import io.sluice.protocol.message.ProduceRequest;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The asynchronous, pipelining connection pool shared by Sluice's producer, consumer and admin client, the
 * broker's follower fetchers and the tools.
 *
 * <ul>
 *   <li>One TCP connection per node, opened on the first request to it. Each new connection first negotiates
 *       versions with ApiVersions; every request then goes out at the highest version both sides implement
 *       (capped by the caller).</li>
 *   <li>At most {@code maxInFlightPerConnection} requests wait for a response on a connection; further
 *       requests queue in order. Responses are matched by correlation id, in order.</li>
 *   <li>Every request has a timeout, counted from {@link #send}. When it passes, the request fails with
 *       {@code REQUEST_TIMED_OUT}; if it was already written, the connection is closed (the answer could
 *       otherwise be read as another request's).</li>
 *   <li>When a connection fails, every request on it fails with {@code NETWORK_EXCEPTION} (retriable), and the
 *       node is not contacted again before a backoff that doubles from {@code reconnectBackoffMs} up to
 *       {@code reconnectBackoffMaxMs}, with 20% jitter either way. Requests sent during the backoff wait for
 *       it (within their timeout).</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * Thread-safe. All connection state is confined to one Netty event-loop thread; futures complete on that
 * thread, so callers must not block inside their callbacks (use the {@code *Async} variants with an executor
 * for slow work).
 */
public final class NetworkClient implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(NetworkClient.class);
    /** The client software name and version sent in ApiVersions requests. */
    public static final String CLIENT_SOFTWARE_NAME = "sluice-java";
    public static final String CLIENT_SOFTWARE_VERSION = "0.1.0";
    private static final short API_VERSIONS_PREFERRED = 3;
    private static final double JITTER = 0.2;

    /**
     * @param clientId                 the client id in every request header
     * @param requestTimeoutMs         bound on one request, from {@link #send} to its response
     * @param connectTimeoutMs         bound on TCP connect plus ApiVersions
     * @param reconnectBackoffMs       first backoff after a failed connection
     * @param reconnectBackoffMaxMs    the backoff doubles up to this
     * @param maxInFlightPerConnection requests written but unanswered, per connection
     * @param maxResponseBytes         a larger response frame closes the connection
     */
    public record Settings(String clientId, int requestTimeoutMs, int connectTimeoutMs, long reconnectBackoffMs,
                           long reconnectBackoffMaxMs, int maxInFlightPerConnection, int maxResponseBytes) {
        public Settings {
            Objects.requireNonNull(clientId, "clientId");
            if (requestTimeoutMs <= 0 || connectTimeoutMs <= 0 || maxInFlightPerConnection <= 0
                || reconnectBackoffMs < 0 || reconnectBackoffMaxMs < reconnectBackoffMs || maxResponseBytes <= 0) {
                throw new IllegalArgumentException("Invalid network settings " + this);
            }
        }

        public static Settings defaults(String clientId) {
            return new Settings(clientId, 30_000, 10_000, 50, 1_000, 5, 100 * 1024 * 1024);
        }
    }

    private final Settings settings;
    private final NioEventLoopGroup group;
    private final EventLoop loop;
    /** Written on the loop only; read anywhere (for {@link #leastLoadedNode}). */
    private final Map<Integer, Connection> connections = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public NetworkClient(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.group = new NioEventLoopGroup(1, new DefaultThreadFactory("sluice-network-" + settings.clientId(), true));
        this.loop = group.next();
    }

    public Settings settings() {
        return settings;
    }

    /** Sends {@code request} to {@code node} at the highest version both sides implement. */
    public <R extends ApiMessage> CompletableFuture<R> send(Node node, ApiMessage request) {
        return send(node, request.apiKey(), request.apiKey().latestVersion(), v -> request);
    }

    /**
     * Sends the request {@code builder} makes for the negotiated version of {@code key} (at most
     * {@code maxVersion}) to {@code node}. A Produce request with acks=0 completes with null once written.
     * The future fails with an {@link ApiException}: NETWORK_EXCEPTION, REQUEST_TIMED_OUT, UNSUPPORTED_VERSION,
     * or, after {@link #close()}, NETWORK_EXCEPTION too.
     */
    public <R extends ApiMessage> CompletableFuture<R> send(Node node, ApiKey key, short maxVersion,
                                                             RequestBuilder builder) {
        return send(node, key, maxVersion, builder, settings.requestTimeoutMs());
    }

    /**
     * As {@link #send(Node, ApiKey, short, RequestBuilder)} with a timeout of {@code timeoutMs} instead of the
     * configured request timeout, for requests the broker may park for longer (a JoinGroup waits for the
     * rebalance).
     */
    @SuppressWarnings("unchecked")
    public <R extends ApiMessage> CompletableFuture<R> send(Node node, ApiKey key, short maxVersion,
                                                             RequestBuilder builder, long timeoutMs) {
        Objects.requireNonNull(node, "node");
        if (timeoutMs <= 0) {
            throw new IllegalArgumentException("Non-positive request timeout " + timeoutMs);
        }
        CompletableFuture<ApiMessage> future = new CompletableFuture<>();
        if (closed) {
            future.completeExceptionally(new ApiException(Errors.NETWORK_EXCEPTION, "The network client is closed"));
            return (CompletableFuture<R>) (CompletableFuture<?>) future;
        }
        Pending pending = new Pending(key, maxVersion, builder, future, timeoutMs);
        try {
            loop.execute(() -> enqueue(node, pending));
        } catch (RuntimeException e) {
            future.completeExceptionally(new ApiException(Errors.NETWORK_EXCEPTION, "The network client is closed", e));
        }
        return (CompletableFuture<R>) (CompletableFuture<?>) future;
    }

    /** Runs {@code task} on the network thread after {@code delayMs}; the handle cancels it. */
    public ScheduledFuture<?> schedule(Runnable task, long delayMs) {
        return loop.schedule(task, Math.max(0, delayMs), TimeUnit.MILLISECONDS);
    }

    /**
     * The node to send a request that any broker can answer to: a connected one with the fewest requests in
     * flight, else one we may connect to now, else the one whose backoff ends first. Null if {@code nodes} is
     * empty.
     */
    public Node leastLoadedNode(Collection<Node> nodes) {
        Node best = null;
        long bestScore = Long.MAX_VALUE;
        long now = System.nanoTime();
        List<Node> shuffled = new ArrayList<>(nodes);
        Collections.shuffle(shuffled);
        for (Node node : shuffled) {
            Connection c = connections.get(node.id());
            long score;
            if (c == null) {
                score = 1_000;
            } else if (c.state == State.READY) {
                score = c.inFlightCount;
            } else if (c.state == State.BACKOFF) {
                score = 10_000 + Math.max(0, TimeUnit.NANOSECONDS.toMillis(c.backoffUntilNs - now));
            } else {
                score = 500 + c.pendingCount;
            }
            if (score < bestScore) {
                bestScore = score;
                best = node;
            }
        }
        return best;
    }

    /** True if a connection to {@code node} is open and negotiated. */
    public boolean isReady(Node node) {
        Connection c = connections.get(node.id());
        return c != null && c.state == State.READY;
    }

    /** Requests written to {@code node} and not answered yet. */
    public int inFlightRequests(Node node) {
        Connection c = connections.get(node.id());
        return c == null ? 0 : c.inFlightCount;
    }

    /** Requests for {@code node} waiting for a connection or an in-flight slot. */
    public int queuedRequests(Node node) {
        Connection c = connections.get(node.id());
        return c == null ? 0 : c.pendingCount;
    }

    /** The highest version of {@code key} negotiated with {@code node}, if a connection is ready. */
    public short negotiatedVersion(Node node, ApiKey key) {
        Connection c = connections.get(node.id());
        if (c == null || c.state != State.READY) {
            throw new IllegalStateException("No ready connection to " + node);
        }
        return c.usableVersion(key, key.latestVersion());
    }

    /** Closes all connections (failing their requests) and stops the network thread, waiting up to 5 s. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            loop.submit(() -> {
                for (Connection c : new ArrayList<>(connections.values())) {
                    c.fail(new ApiException(Errors.NETWORK_EXCEPTION, "The network client is closed"), false);
                }
                connections.clear();
            }).await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.debug("Closing connections", e);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    // ------------------------------------------------------------------ loop-confined from here on

    private enum State { CONNECTING, NEGOTIATING, READY, BACKOFF }

    private static final class Pending {
        final ApiKey key;
        final short maxVersion;
        final RequestBuilder builder;
        final CompletableFuture<ApiMessage> future;
        final long timeoutMs;
        ScheduledFuture<?> timeout;
        Connection writtenTo;

        Pending(ApiKey key, short maxVersion, RequestBuilder builder, CompletableFuture<ApiMessage> future,
                long timeoutMs) {
            this.timeoutMs = timeoutMs;
            this.key = key;
            this.maxVersion = maxVersion;
            this.builder = builder;
            this.future = future;
        }
    }

    private record InFlight(int correlationId, ApiKey key, short version, Pending pending) {
    }

    private void enqueue(Node node, Pending pending) {
        if (closed) {
            pending.future.completeExceptionally(new ApiException(Errors.NETWORK_EXCEPTION, "The network client is closed"));
            return;
        }
        Connection c = connections.get(node.id());
        if (c != null && !(c.node.host().equals(node.host()) && c.node.port() == node.port())) {
            LOG.info("Node {} moved from {} to {}; reconnecting", node.id(), c.node.address(), node.address());
            c.fail(new ApiException(Errors.NETWORK_EXCEPTION, "Node " + node.id() + " moved"), false);
            connections.remove(node.id(), c);
            c = null;
        }
        if (c == null) {
            c = new Connection(node);
            connections.put(node.id(), c);
            c.connect();
        }
        pending.timeout = loop.schedule(() -> onTimeout(pending), pending.timeoutMs, TimeUnit.MILLISECONDS);
        c.pending.add(pending);
        c.pendingCount = c.pending.size();
        c.drain();
    }

    private void onTimeout(Pending pending) {
        if (pending.future.isDone()) {
            return;
        }
        ApiException timeout = new ApiException(Errors.REQUEST_TIMED_OUT, pending.key.title + " request got no response within "
            + pending.timeoutMs + " ms");
        Connection c = pending.writtenTo;
        if (c != null) {
            pending.future.completeExceptionally(timeout);
            c.fail(new ApiException(Errors.NETWORK_EXCEPTION, "Disconnected from " + c.node
                + " after a request timed out"), true);
        } else {
            for (Connection conn : connections.values()) {
                if (conn.pending.remove(pending)) {
                    conn.pendingCount = conn.pending.size();
                }
            }
            pending.future.completeExceptionally(timeout);
        }
    }

    private final class Connection {
        final Node node;
        final ArrayDeque<Pending> pending = new ArrayDeque<>();
        final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
        volatile State state = State.CONNECTING;
        volatile int inFlightCount;
        volatile int pendingCount;
        volatile long backoffUntilNs;
        int failures;
        Channel channel;
        int nextCorrelationId;
        Map<Short, ApiVersionsResponse.ApiVersion> brokerVersions = Map.of();
        ScheduledFuture<?> connectTimeout;
        /** Set when a newer channel replaced this one: callbacks of the old channel are ignored. */
        long generation;

        Connection(Node node) {
            this.node = node;
        }

        void connect() {
            state = State.CONNECTING;
            long gen = ++generation;
            InetSocketAddress address = new InetSocketAddress(node.host(), node.port());
            if (address.isUnresolved()) {
                fail(new ApiException(Errors.NETWORK_EXCEPTION, "Cannot resolve host of " + node), true);
                return;
            }
            Bootstrap bootstrap = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, settings.connectTimeoutMs())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(settings.maxResponseBytes(), 0, 4, 0, 4));
                        ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                if (gen == generation) {
                                    ByteBuffer frame = ByteBuffer.allocate(msg.readableBytes());
                                    msg.readBytes(frame);
                                    frame.flip();
                                    onFrame(frame);
                                }
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                if (gen == generation) {
                                    fail(new ApiException(Errors.NETWORK_EXCEPTION, "Connection to " + node + " was closed"), true);
                                }
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                if (gen == generation) {
                                    fail(new ApiException(Errors.NETWORK_EXCEPTION, "Connection to " + node + " failed: "
                                        + cause.getMessage(), cause), true);
                                }
                            }
                        });
                    }
                });
            ChannelFuture cf = bootstrap.connect(address);
            channel = cf.channel();
            connectTimeout = loop.schedule(() -> {
                if (gen == generation && state != State.READY && state != State.BACKOFF) {
                    fail(new ApiException(Errors.NETWORK_EXCEPTION, "Connecting to " + node + " took longer than "
                        + settings.connectTimeoutMs() + " ms"), true);
                }
            }, settings.connectTimeoutMs(), TimeUnit.MILLISECONDS);
            cf.addListener(f -> {
                if (gen != generation) {
                    return;
                }
                if (!f.isSuccess()) {
                    fail(new ApiException(Errors.NETWORK_EXCEPTION, "Could not connect to " + node + ": "
                        + f.cause().getMessage(), f.cause()), true);
                    return;
                }
                state = State.NEGOTIATING;
                sendApiVersions((short) Math.min(API_VERSIONS_PREFERRED, ApiKey.API_VERSIONS.latestVersion()), true);
            });
        }

        private void sendApiVersions(short version, boolean mayRetry) {
            int correlationId = nextCorrelationId++;
            ApiVersionsRequest request = new ApiVersionsRequest(CLIENT_SOFTWARE_NAME, CLIENT_SOFTWARE_VERSION);
            writeFrame(ApiCodec.encodeRequest(new RequestHeader(ApiKey.API_VERSIONS, version, correlationId,
                settings.clientId()), request));
            channel.flush();
            inFlight.add(new InFlight(correlationId, ApiKey.API_VERSIONS, version, mayRetry ? null : DONT_RETRY));
        }

        void onFrame(ByteBuffer frame) {
            InFlight head = inFlight.poll();
            inFlightCount = inFlight.size();
            if (head == null || frame.remaining() < 4 || frame.getInt(frame.position()) != head.correlationId) {
                fail(new ApiException(Errors.NETWORK_EXCEPTION, "Unexpected response from " + node + " (correlation id "
                    + (frame.remaining() >= 4 ? frame.getInt(frame.position()) : -1) + ", expected "
                    + (head == null ? "none" : head.correlationId) + ")"), true);
                return;
            }
            if (state == State.NEGOTIATING) {
                onApiVersions(head, frame);
                return;
            }
            ApiMessage response;
            try {
                response = ApiCodec.decodeResponse(frame, head.key, head.version, head.correlationId, head.key.responseType);
            } catch (ProtocolException | IllegalArgumentException e) {
                head.pending.future.completeExceptionally(new ApiException(Errors.NETWORK_EXCEPTION, "Malformed "
                    + head.key.title + " v" + head.version + " response from " + node + ": " + e.getMessage(), e));
                fail(new ApiException(Errors.NETWORK_EXCEPTION, "Malformed response from " + node), true);
                return;
            }
            head.pending.timeout.cancel(false);
            head.pending.future.complete(response);
            drain();
        }

        private void onApiVersions(InFlight head, ByteBuffer frame) {
            ApiVersionsResponse response;
            try {
                response = ApiCodec.decodeResponse(frame.duplicate(), ApiKey.API_VERSIONS, head.version,
                    head.correlationId, ApiVersionsResponse.class);
            } catch (ProtocolException e) {
                try {
                    response = ApiCodec.decodeResponse(frame, ApiKey.API_VERSIONS, (short) 0, head.correlationId,
                        ApiVersionsResponse.class);
                } catch (ProtocolException again) {
                    fail(new ApiException(Errors.NETWORK_EXCEPTION, "Malformed ApiVersions response from " + node), true);
                    return;
                }
            }
            Errors error = Errors.forCode(response.errorCode());
            if (error == Errors.UNSUPPORTED_VERSION && head.pending != DONT_RETRY && head.version > 0) {
                short brokerMax = response.apiKeys().stream().filter(v -> v.apiKey() == ApiKey.API_VERSIONS.id)
                    .map(ApiVersionsResponse.ApiVersion::maxVersion).findFirst().orElse((short) 0);
                sendApiVersions((short) Math.max(0, Math.min(head.version - 1, brokerMax)), false);
                return;
            }
            if (error != Errors.NONE) {
                fail(new ApiException(error, node + " answered ApiVersions with " + error), true);
                return;
            }
            Map<Short, ApiVersionsResponse.ApiVersion> byKey = new HashMap<>();
            for (ApiVersionsResponse.ApiVersion v : response.apiKeys()) {
                byKey.put(v.apiKey(), v);
            }
            brokerVersions = byKey;
            connectTimeout.cancel(false);
            failures = 0;
            state = State.READY;
            LOG.debug("Connected to {}", node);
            drain();
        }

        short usableVersion(ApiKey key, short maxWanted) {
            ApiVersionsResponse.ApiVersion theirs = brokerVersions.get(key.id);
            if (theirs == null) {
                throw new ApiException(Errors.UNSUPPORTED_VERSION, node + " does not support " + key.title);
            }
            short high = (short) Math.min(Math.min(maxWanted, key.latestVersion()), theirs.maxVersion());
            short low = (short) Math.max(key.oldestVersion(), theirs.minVersion());
            if (high < low) {
                throw new ApiException(Errors.UNSUPPORTED_VERSION, "No common version of " + key.title + " with "
                    + node + ": we implement " + key.oldestVersion() + ".." + Math.min(maxWanted, key.latestVersion())
                    + ", it offers " + theirs.minVersion() + ".." + theirs.maxVersion());
            }
            return high;
        }

        void drain() {
            if (state != State.READY) {
                return;
            }
            boolean wrote = false;
            while (inFlight.size() < settings.maxInFlightPerConnection() && !pending.isEmpty()) {
                Pending p = pending.poll();
                if (p.future.isDone()) {
                    continue;
                }
                short version;
                ApiMessage body;
                ByteBuffer encoded;
                int correlationId = nextCorrelationId++;
                try {
                    version = usableVersion(p.key, p.maxVersion);
                    body = p.builder.build(version);
                    encoded = ApiCodec.encodeRequest(new RequestHeader(p.key, version, correlationId,
                        settings.clientId()), body);
                } catch (RuntimeException e) {
                    p.timeout.cancel(false);
                    p.future.completeExceptionally(e instanceof ApiException ? e
                        : new ApiException(Errors.INVALID_REQUEST, "Could not encode " + p.key.title + ": " + e, e));
                    continue;
                }
                p.writtenTo = this;
                if (body instanceof ProduceRequest produce && produce.acks() == 0) {
                    writeFrame(encoded).addListener(f -> {
                        p.timeout.cancel(false);
                        if (f.isSuccess()) {
                            p.future.complete(null);
                        } else {
                            p.future.completeExceptionally(new ApiException(Errors.NETWORK_EXCEPTION,
                                "Could not write to " + node, f.cause()));
                        }
                    });
                } else {
                    writeFrame(encoded);
                    inFlight.add(new InFlight(correlationId, p.key, version, p));
                }
                wrote = true;
            }
            pendingCount = pending.size();
            inFlightCount = inFlight.size();
            if (wrote) {
                channel.flush();
            }
        }

        private ChannelFuture writeFrame(ByteBuffer body) {
            ByteBuf size = Unpooled.buffer(4).writeInt(body.remaining());
            return channel.write(Unpooled.wrappedBuffer(size, Unpooled.wrappedBuffer(body)));
        }

        /**
         * Closes the channel and fails every request on this connection, written or waiting (callers retry,
         * possibly on another node); with {@code reconnect}, starts the backoff.
         */
        void fail(ApiException cause, boolean reconnect) {
            generation++;
            if (connectTimeout != null) {
                connectTimeout.cancel(false);
            }
            if (channel != null) {
                channel.close();
            }
            boolean wasReady = state == State.READY;
            for (InFlight f : inFlight) {
                if (f.pending != null && f.pending != DONT_RETRY) {
                    f.pending.timeout.cancel(false);
                    f.pending.future.completeExceptionally(cause);
                }
            }
            inFlight.clear();
            inFlightCount = 0;
            for (Pending p : pending) {
                p.timeout.cancel(false);
                p.future.completeExceptionally(cause);
            }
            pending.clear();
            pendingCount = 0;
            if (!reconnect || closed) {
                connections.remove(node.id(), this);
                return;
            }
            failures = wasReady ? 1 : failures + 1;
            long base = settings.reconnectBackoffMs() * (1L << Math.min(20, failures - 1));
            long capped = Math.min(settings.reconnectBackoffMaxMs(), base);
            long delay = (long) (capped * (1 - JITTER + 2 * JITTER * ThreadLocalRandom.current().nextDouble()));
            LOG.debug("{}; no new connection for {} ms", cause.getMessage(), delay);
            state = State.BACKOFF;
            backoffUntilNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
            // The entry stays during the backoff so that requests sent meanwhile wait for it; then they get a
            // new connection, or, if none came, the entry goes and the next request connects at once.
            long gen = generation;
            loop.schedule(() -> {
                if (gen != generation || state != State.BACKOFF) {
                    return;
                }
                if (pending.isEmpty()) {
                    connections.remove(node.id(), this);
                } else {
                    connect();
                }
            }, delay, TimeUnit.MILLISECONDS);
        }
    }

    /** Marks the second ApiVersions attempt (no further downgrade). */
    private static final Pending DONT_RETRY = new Pending(ApiKey.API_VERSIONS, (short) 0, v -> null, new CompletableFuture<>(), 1);
}
