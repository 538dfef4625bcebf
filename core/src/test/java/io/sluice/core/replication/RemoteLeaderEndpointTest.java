package io.sluice.core.replication;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.network.NetworkClient;
import io.sluice.protocol.message.FetchRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A fetcher's calls to a leader that never answers (paused process) or is not registered must not hang it. */
class RemoteLeaderEndpointTest {
    private ServerSocket silentLeader;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final CountDownLatch connected = new CountDownLatch(1);

    @BeforeEach
    void startSilentLeader() throws IOException {
        silentLeader = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    accepted.add(silentLeader.accept());
                    connected.countDown();
                }
            } catch (IOException closed) {
                // the test is over
            }
        }, "silent-leader");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stop() throws IOException {
        silentLeader.close();
        for (Socket s : accepted) {
            s.close();
        }
    }

    private static FetchRequest fetch() {
        return new FetchRequest(2, 500, 1, 1 << 20, (byte) 0, 0, -1, List.of(), List.of(), "", null);
    }

    private static NetworkClient.Settings settings(int timeoutMs) {
        return new NetworkClient.Settings("test-fetcher", timeoutMs, timeoutMs, 10, 100, 1, 1 << 20);
    }

    private Optional<InetSocketAddress> leaderAddress() {
        return Optional.of(InetSocketAddress.createUnresolved("127.0.0.1", silentLeader.getLocalPort()));
    }

    @Test
    void silentLeaderFailsTheCallAfterTheTimeout() {
        try (RemoteLeaderEndpoint endpoint = new RemoteLeaderEndpoint(1, this::leaderAddress, settings(300))) {
            IOException e = assertThrows(IOException.class, () -> endpoint.fetch(fetch()));
            assertTrue(e.getMessage().contains("broker 1"), e.getMessage());
            // the next call tries again (after the reconnect backoff) and fails the same way, it does not hang
            assertThrows(IOException.class, () -> endpoint.fetch(fetch()));
        }
        assertFalse(accepted.isEmpty(), "the endpoint connected to the leader");
    }

    @Test
    void closeFailsAWaitingCallAtOnce() throws Exception {
        RemoteLeaderEndpoint endpoint = new RemoteLeaderEndpoint(1, this::leaderAddress, settings(600_000));
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread fetcher = new Thread(() -> {
            try {
                endpoint.fetch(fetch());
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        }, "test-fetcher");
        fetcher.start();
        assertTrue(connected.await(30, TimeUnit.SECONDS), "the fetcher connects");
        endpoint.close();
        // far below the 10-minute request timeout: the call ends because of close()
        assertInstanceOf(IOException.class, outcome.get(30, TimeUnit.SECONDS));
        assertThrows(IOException.class, () -> endpoint.fetch(fetch()), "a closed endpoint refuses calls");
    }

    @Test
    void unregisteredLeaderFailsWithoutConnecting() {
        try (RemoteLeaderEndpoint endpoint = new RemoteLeaderEndpoint(7, Optional::empty, settings(300))) {
            IOException e = assertThrows(IOException.class, () -> endpoint.fetch(fetch()));
            assertTrue(e.getMessage().contains("not registered"), e.getMessage());
        }
        assertTrue(accepted.isEmpty());
    }
}
