package io.sluice.core.replication;

import io.sluice.client.network.NetworkClient;
import io.sluice.client.network.RequestBuilder;
import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.common.Node;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.ApiMessage;
import io.sluice.protocol.message.FetchRequest;
import io.sluice.protocol.message.FetchResponse;
import io.sluice.protocol.message.OffsetForLeaderEpochRequest;
import io.sluice.protocol.message.OffsetForLeaderEpochResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A {@link LeaderEndpoint} over a {@link NetworkClient} to the leader's inter-broker listener. The endpoint owns
 * its client (one connection, one network thread per fetcher thread, so that a fetch the leader parks for
 * {@code replica.fetch.wait.max.ms} never delays another fetcher's). The leader's address is looked up in the
 * current cluster image at every call, so a leader that restarted elsewhere is found; the client reconnects
 * with backoff after a failure and times every call out after {@code replica.socket.timeout.ms}.
 *
 * <p>The fetcher thread waits on the future of its call (it is not an event loop). {@link #close()}, from any
 * thread, fails the call in progress at once and closes the client.
 */
public final class RemoteLeaderEndpoint implements LeaderEndpoint {
    private static final Logger log = LogManager.getLogger(RemoteLeaderEndpoint.class);
    static final short FETCH_VERSION = 12;
    static final short OFFSET_FOR_LEADER_EPOCH_VERSION = 4;
    /** Slack over the client's own request timeout before the waiting thread gives up by itself. */
    private static final long WAIT_SLACK_MS = 5_000;

    private final int leaderId;
    private final Supplier<Optional<InetSocketAddress>> address;
    private final NetworkClient client;
    private volatile CompletableFuture<? extends ApiMessage> current;
    private volatile boolean closed;
    private volatile boolean connectedLogged;

    /**
     * @param address  the leader's address on the inter-broker listener, empty while it is not registered
     * @param settings settings of the endpoint's own network client
     */
    public RemoteLeaderEndpoint(int leaderId, Supplier<Optional<InetSocketAddress>> address,
                                NetworkClient.Settings settings) {
        this.leaderId = leaderId;
        this.address = address;
        this.client = new NetworkClient(settings);
    }

    @Override
    public FetchResponse fetch(FetchRequest request) throws IOException {
        return call(ApiKey.FETCH, FETCH_VERSION, version -> {
            if (version < FETCH_VERSION) {
                throw new ApiException(Errors.UNSUPPORTED_VERSION, "Broker " + leaderId + " supports Fetch up to v"
                    + version + "; replication needs v" + FETCH_VERSION + " (diverging epochs)");
            }
            return request;
        });
    }

    @Override
    public OffsetForLeaderEpochResponse offsetsForLeaderEpoch(OffsetForLeaderEpochRequest request) throws IOException {
        return call(ApiKey.OFFSET_FOR_LEADER_EPOCH, OFFSET_FOR_LEADER_EPOCH_VERSION, version -> request);
    }

    private <R extends ApiMessage> R call(ApiKey key, short maxVersion, RequestBuilder builder)
            throws IOException {
        if (closed) {
            throw new IOException("The endpoint of broker " + leaderId + " is closed");
        }
        InetSocketAddress target = address.get().orElseThrow(() -> new IOException("Broker " + leaderId
            + " is not registered (or has no endpoint on the inter-broker listener)"));
        Node node = new Node(leaderId, target.getHostString(), target.getPort());
        CompletableFuture<R> future = client.send(node, key, maxVersion, builder);
        current = future;
        if (closed) {
            future.cancel(false);
        }
        try {
            R response = future.get(client.settings().requestTimeoutMs() + WAIT_SLACK_MS, TimeUnit.MILLISECONDS);
            if (!connectedLogged) {
                connectedLogged = true;
                log.info("Replicating from broker {} at {}", leaderId, node.address());
            }
            return response;
        } catch (ExecutionException e) {
            connectedLogged = false;
            Throwable cause = e.getCause();
            throw new IOException(key.title + " to broker " + leaderId + " at " + node.address() + " failed: "
                + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new IOException(key.title + " to broker " + leaderId + " got no response in time", e);
        } catch (CancellationException e) {
            throw new IOException("The endpoint of broker " + leaderId + " is closed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(false);
            throw new IOException("Interrupted while waiting for broker " + leaderId, e);
        } finally {
            current = null;
        }
    }

    @Override
    public void close() {
        closed = true;
        CompletableFuture<? extends ApiMessage> waiting = current;
        if (waiting != null) {
            waiting.cancel(false);
        }
        client.close();
    }
}
