package io.sluice.core.replication;

import io.sluice.protocol.message.FetchRequest;
import io.sluice.protocol.message.FetchResponse;
import io.sluice.protocol.message.OffsetForLeaderEpochRequest;
import io.sluice.protocol.message.OffsetForLeaderEpochResponse;
import java.io.IOException;

/**
 * How a fetcher thread talks to one leader broker: Fetch (v12, with diverging epochs) and OffsetForLeaderEpoch.
 * {@link RemoteLeaderEndpoint} does it over the network; tests route calls straight into another broker's
 * handlers. Used by one fetcher thread; {@link #close()} may come from another thread and must make a waiting
 * call fail promptly.
 */
public interface LeaderEndpoint extends AutoCloseable {
    /** @throws IOException if the leader cannot be reached or the call fails; the next call reconnects */
    FetchResponse fetch(FetchRequest request) throws IOException;

    OffsetForLeaderEpochResponse offsetsForLeaderEpoch(OffsetForLeaderEpochRequest request) throws IOException;

    @Override
    void close();
}
