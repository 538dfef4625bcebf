package io.sluice.core.replication;

import io.sluice.client.network.KafkaConnection;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.FetchRequest;
import io.sluice.protocol.message.FetchResponse;
import io.sluice.protocol.message.OffsetForLeaderEpochRequest;
import io.sluice.protocol.message.OffsetForLeaderEpochResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A {@link LeaderEndpoint} over a {@link KafkaConnection} to the leader's inter-broker listener. The address is
 * resolved from the current cluster image at every (re)connect, so a leader that restarted elsewhere is found;
 * a failed call drops the connection and the next call opens a new one. One fetcher thread uses it.
 */
public final class RemoteLeaderEndpoint implements LeaderEndpoint {
    private static final Logger log = LogManager.getLogger(RemoteLeaderEndpoint.class);
    static final short FETCH_VERSION = 12;
    static final short OFFSET_FOR_LEADER_EPOCH_VERSION = 4;

    private final int leaderId;
    private final Supplier<Optional<InetSocketAddress>> address;
    private final KafkaConnection.Settings settings;
    private volatile KafkaConnection connection;
    private volatile boolean closed;

    /**
     * @param address the leader's address on the inter-broker listener, empty while it is not registered
     */
    public RemoteLeaderEndpoint(int leaderId, Supplier<Optional<InetSocketAddress>> address,
                                KafkaConnection.Settings settings) {
        this.leaderId = leaderId;
        this.address = address;
        this.settings = settings;
    }

    private KafkaConnection connection() throws IOException {
        KafkaConnection c = connection;
        if (c != null && c.isOpen()) {
            return c;
        }
        if (closed) {
            throw new IOException("The endpoint of broker " + leaderId + " is closed");
        }
        InetSocketAddress target = address.get().orElseThrow(() -> new IOException("Broker " + leaderId
            + " is not registered (or has no endpoint on the inter-broker listener)"));
        c = KafkaConnection.open(new InetSocketAddress(target.getHostString(), target.getPort()), settings);
        short fetchVersion = c.usableVersion(ApiKey.FETCH, FETCH_VERSION);
        if (fetchVersion < FETCH_VERSION) {
            c.close();
            throw new IOException("Broker " + leaderId + " at " + target + " supports Fetch up to v" + fetchVersion
                + "; replication needs v" + FETCH_VERSION + " (diverging epochs)");
        }
        connection = c;
        if (closed) {
            c.close();
            throw new IOException("The endpoint of broker " + leaderId + " is closed");
        }
        log.info("Connected to broker {} at {} for replication", leaderId, target);
        return c;
    }

    @Override
    public FetchResponse fetch(FetchRequest request) throws IOException {
        return connection().send(request, FETCH_VERSION);
    }

    @Override
    public OffsetForLeaderEpochResponse offsetsForLeaderEpoch(OffsetForLeaderEpochRequest request) throws IOException {
        KafkaConnection c = connection();
        return c.send(request, c.usableVersion(ApiKey.OFFSET_FOR_LEADER_EPOCH, OFFSET_FOR_LEADER_EPOCH_VERSION));
    }

    @Override
    public void close() {
        closed = true;
        KafkaConnection c = connection;
        if (c != null) {
            c.close();
        }
    }
}
