package io.sluice.client.network;

import static io.sluice.client.TestUtil.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.FakeBroker;
import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.common.Node;
import io.sluice.protocol.ApiCodec;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.DescribeClusterRequest;
import io.sluice.protocol.message.MetadataRequest;
import io.sluice.protocol.message.MetadataResponse;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NetworkClientTest {
    private FakeBroker broker;
    private NetworkClient client;
    private Node node;

    @BeforeEach
    void setUp() throws Exception {
        broker = new FakeBroker(0);
        node = new Node(0, "127.0.0.1", broker.port());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (client != null) {
            client.close();
        }
        broker.close();
    }

    private NetworkClient client(int requestTimeoutMs, int maxInFlight) {
        client = new NetworkClient(new NetworkClient.Settings("test", requestTimeoutMs, 10_000, 10, 100, maxInFlight,
            1 << 20));
        return client;
    }

    private static MetadataResponse metadata(String clusterId) {
        return new MetadataResponse(0, List.of(new MetadataResponse.Broker(0, "127.0.0.1", 1, null)), clusterId, 0,
            List.of(), Integer.MIN_VALUE);
    }

    private static MetadataRequest noTopics() {
        return new MetadataRequest(List.of(), false, false, false);
    }

    @Test
    void negotiatesTheHighestCommonVersion() throws Exception {
        broker.apiVersions.put(ApiKey.METADATA, new short[] {0, 5});
        broker.handler = r -> metadata("c1");
        MetadataResponse response = client(10_000, 5).<MetadataResponse>send(node, noTopics()).get(30, TimeUnit.SECONDS);
        assertEquals("c1", response.clusterId());
        assertEquals(5, broker.requests(ApiKey.METADATA).get(0).header().apiVersion());
        assertEquals(3, broker.requests(ApiKey.API_VERSIONS).get(0).header().apiVersion());
        // A cap below the broker's maximum wins.
        client.send(node, ApiKey.METADATA, (short) 4, v -> noTopics()).get(30, TimeUnit.SECONDS);
        assertEquals(4, broker.requests(ApiKey.METADATA).get(1).header().apiVersion());
        assertEquals(1, broker.connections.get(), "one connection per node");
    }

    @Test
    void anApiTheBrokerLacksFailsWithUnsupportedVersion() {
        broker.apiVersions.put(ApiKey.DESCRIBE_CLUSTER, new short[0]);
        CompletableFuture<?> f = client(10_000, 5).send(node, new DescribeClusterRequest(false, (byte) 1));
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
        assertEquals(Errors.UNSUPPORTED_VERSION, ((ApiException) e.getCause()).error());
    }

    @Test
    void keepsAtMostMaxInFlightRequestsAndMatchesResponsesInOrder() throws Exception {
        client(30_000, 2);
        List<CompletableFuture<MetadataResponse>> futures = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            futures.add(client.send(node, noTopics()));
        }
        await(() -> broker.requests(ApiKey.METADATA).size() == 2, () -> "two requests at the broker");
        await(() -> client.queuedRequests(node) == 2, () -> "two requests queued in the client");
        assertEquals(2, client.inFlightRequests(node));
        assertEquals(2, broker.requests(ApiKey.METADATA).size());
        List<ApiCodec.Request> seen = broker.requests(ApiKey.METADATA);
        broker.respond(seen.get(0), metadata("r0"));
        await(() -> broker.requests(ApiKey.METADATA).size() == 3, () -> "third request after one response");
        broker.respond(seen.get(1), metadata("r1"));
        await(() -> broker.requests(ApiKey.METADATA).size() == 4, () -> "fourth request");
        List<ApiCodec.Request> all = broker.requests(ApiKey.METADATA);
        broker.respond(all.get(2), metadata("r2"));
        broker.respond(all.get(3), metadata("r3"));
        for (int i = 0; i < 4; i++) {
            assertEquals("r" + i, futures.get(i).get(30, TimeUnit.SECONDS).clusterId());
        }
        for (int i = 1; i < 4; i++) {
            assertTrue(all.get(i).header().correlationId() > all.get(i - 1).header().correlationId());
        }
    }

    @Test
    void aTimedOutRequestFailsAndTheNextOneUsesANewConnection() throws Exception {
        client(500, 5);
        CompletableFuture<MetadataResponse> first = client.send(node, noTopics());
        ExecutionException e = assertThrows(ExecutionException.class, () -> first.get(30, TimeUnit.SECONDS));
        assertEquals(Errors.REQUEST_TIMED_OUT, ((ApiException) e.getCause()).error());
        broker.handler = r -> metadata("again");
        assertEquals("again", client.<MetadataResponse>send(node, noTopics()).get(30, TimeUnit.SECONDS).clusterId());
        assertEquals(2, broker.connections.get());
    }

    @Test
    void aLostConnectionFailsItsRequestsWithARetriableErrorAndReconnects() throws Exception {
        client(30_000, 5);
        CompletableFuture<MetadataResponse> pending = client.send(node, noTopics());
        await(() -> broker.requests(ApiKey.METADATA).size() == 1, () -> "request at the broker");
        broker.dropConnections();
        ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(30, TimeUnit.SECONDS));
        ApiException cause = assertInstanceOf(ApiException.class, e.getCause());
        assertEquals(Errors.NETWORK_EXCEPTION, cause.error());
        assertTrue(cause.retriable());
        broker.handler = r -> metadata("back");
        assertEquals("back", client.<MetadataResponse>send(node, noTopics()).get(30, TimeUnit.SECONDS).clusterId());
    }

    @Test
    void anUnreachableNodeFailsWithNetworkExceptionAndLeastLoadedPrefersAHealthyOne() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        Node dead = new Node(-1, "127.0.0.1", deadPort);
        client(30_000, 5);
        ExecutionException e = assertThrows(ExecutionException.class,
            () -> client.send(dead, noTopics()).get(30, TimeUnit.SECONDS));
        assertEquals(Errors.NETWORK_EXCEPTION, ((ApiException) e.getCause()).error());
        broker.handler = r -> metadata("ok");
        client.send(node, noTopics()).get(30, TimeUnit.SECONDS);
        for (int i = 0; i < 20; i++) {
            assertEquals(node, client.leastLoadedNode(List.of(dead, node)));
        }
    }

    @Test
    void closeFailsWaitingRequests() throws Exception {
        client(30_000, 5);
        CompletableFuture<MetadataResponse> pending = client.send(node, noTopics());
        await(() -> broker.requests(ApiKey.METADATA).size() == 1, () -> "request at the broker");
        client.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(30, TimeUnit.SECONDS));
        assertEquals(Errors.NETWORK_EXCEPTION, ((ApiException) e.getCause()).error());
        ExecutionException after = assertThrows(ExecutionException.class,
            () -> client.send(node, noTopics()).get(30, TimeUnit.SECONDS));
        assertEquals(Errors.NETWORK_EXCEPTION, ((ApiException) after.getCause()).error());
    }
}
