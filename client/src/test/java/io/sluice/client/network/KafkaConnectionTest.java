package io.sluice.client.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.Errors;
import io.sluice.protocol.ApiCodec;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.ApiMessage;
import io.sluice.protocol.message.ApiVersionsResponse;
import io.sluice.protocol.message.OffsetForLeaderEpochRequest;
import io.sluice.protocol.message.OffsetForLeaderEpochResponse;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KafkaConnectionTest {
    private TinyBroker broker;

    @AfterEach
    void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    /** What the tiny broker does with one request. */
    private interface Behaviour {
        /** The frame to answer with (header included), or null to stay silent, or CLOSE to hang up. */
        ByteBuffer answer(ApiCodec.Request request) throws Exception;
    }

    private static final ByteBuffer CLOSE = ByteBuffer.allocate(0);

    /** A one-connection-at-a-time Kafka-protocol server on a loopback port, run by one thread. */
    private static final class TinyBroker implements AutoCloseable {
        final ServerSocketChannel server = ServerSocketChannel.open();
        final List<ApiCodec.Request> received = new CopyOnWriteArrayList<>();
        final Thread thread;
        volatile Behaviour behaviour;

        TinyBroker(Behaviour behaviour) throws IOException {
            this.behaviour = behaviour;
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            thread = new Thread(this::run, "tiny-broker");
            thread.setDaemon(true);
            thread.start();
        }

        InetSocketAddress address() throws IOException {
            return (InetSocketAddress) server.getLocalAddress();
        }

        private void run() {
            while (server.isOpen()) {
                try (SocketChannel client = server.accept()) {
                    serve(client);
                } catch (IOException e) {
                    // the client left or the server closed: accept the next one
                }
            }
        }

        private void serve(SocketChannel client) throws IOException {
            while (true) {
                ByteBuffer size = ByteBuffer.allocate(4);
                if (!readFully(client, size)) {
                    return;
                }
                ByteBuffer frame = ByteBuffer.allocate(size.getInt(0));
                if (!readFully(client, frame)) {
                    return;
                }
                frame.flip();
                ApiCodec.Request request = ApiCodec.decodeRequest(frame);
                received.add(request);
                ByteBuffer answer;
                try {
                    answer = behaviour.answer(request);
                } catch (Exception e) {
                    throw new IOException(e);
                }
                if (answer == CLOSE) {
                    return;
                }
                if (answer != null) {
                    ByteBuffer prefix = ByteBuffer.allocate(4).putInt(0, answer.remaining());
                    client.write(new ByteBuffer[] {prefix, answer});
                }
            }
        }

        private static boolean readFully(SocketChannel ch, ByteBuffer b) throws IOException {
            while (b.hasRemaining()) {
                if (ch.read(b) < 0) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void close() throws Exception {
            server.close();
            thread.join(5_000);
        }
    }

    /** Answers ApiVersions with every API we know and OffsetForLeaderEpoch with epoch 7 ending at 42. */
    private static ByteBuffer normal(ApiCodec.Request request) {
        short version = request.header().apiVersion();
        int correlationId = request.header().correlationId();
        ApiMessage body = switch (request.apiKey()) {
            case API_VERSIONS -> apiVersions(Errors.NONE, allApis());
            case OFFSET_FOR_LEADER_EPOCH -> {
                OffsetForLeaderEpochRequest r = (OffsetForLeaderEpochRequest) request.body();
                yield new OffsetForLeaderEpochResponse(0, r.topics().stream().map(t -> new OffsetForLeaderEpochResponse.Topic(
                    t.topic(), t.partitions().stream().map(p -> new OffsetForLeaderEpochResponse.Topic.Partition(
                        (short) 0, p.partition(), 7, 42L)).toList())).toList());
            }
            default -> throw new IllegalStateException("unexpected " + request.apiKey());
        };
        return ApiCodec.encodeResponse(request.apiKey(), version, correlationId, body);
    }

    private static List<ApiVersionsResponse.ApiVersion> allApis() {
        List<ApiVersionsResponse.ApiVersion> list = new ArrayList<>();
        for (ApiKey k : ApiKey.values()) {
            list.add(new ApiVersionsResponse.ApiVersion(k.id, k.oldestVersion(), k.latestVersion()));
        }
        return list;
    }

    private static ApiVersionsResponse apiVersions(Errors error, List<ApiVersionsResponse.ApiVersion> apis) {
        return new ApiVersionsResponse(error.code(), apis, 0, List.of(), -1L, List.of(), false);
    }

    private static OffsetForLeaderEpochRequest epochRequest() {
        return new OffsetForLeaderEpochRequest(3, List.of(new OffsetForLeaderEpochRequest.Topic("t",
            List.of(new OffsetForLeaderEpochRequest.Topic.Partition(0, 7, 7)))));
    }

    private static KafkaConnection.Settings settings() {
        return new KafkaConnection.Settings("test-client", 2_000, 2_000, -1, -1, 1024 * 1024);
    }

    @Test
    void negotiatesVersionsThenMatchesResponsesToRequests() throws Exception {
        broker = new TinyBroker(KafkaConnectionTest::normal);
        try (KafkaConnection connection = KafkaConnection.open(broker.address(), settings())) {
            assertEquals(ApiKey.OFFSET_FOR_LEADER_EPOCH.latestVersion(),
                connection.usableVersion(ApiKey.OFFSET_FOR_LEADER_EPOCH, Short.MAX_VALUE));
            for (int i = 0; i < 3; i++) {
                OffsetForLeaderEpochResponse response = connection.send(epochRequest(), (short) 4);
                assertEquals(42L, response.topics().get(0).partitions().get(0).endOffset());
            }
            OffsetForLeaderEpochResponse latest = connection.send(epochRequest());
            assertEquals(7, latest.topics().get(0).partitions().get(0).leaderEpoch());
            assertTrue(connection.isOpen());
        }
        List<ApiCodec.Request> got = broker.received;
        assertEquals(ApiKey.API_VERSIONS, got.get(0).apiKey());
        assertEquals(3, got.get(0).header().apiVersion());
        for (int i = 0; i < got.size(); i++) {
            assertEquals(i, got.get(i).header().correlationId(), "correlation ids count up from 0");
            assertEquals("test-client", got.get(i).header().clientId());
        }
    }

    @Test
    void anOlderBrokerAnsweringApiVersionsWithAVersion0BodyIsAskedAgainAtItsVersion() throws Exception {
        broker = new TinyBroker(request -> {
            if (request.apiKey() == ApiKey.API_VERSIONS && request.header().apiVersion() > 2) {
                return ApiCodec.encodeApiVersionsFallback(request.header().correlationId(), apiVersions(
                    Errors.UNSUPPORTED_VERSION, List.of(new ApiVersionsResponse.ApiVersion(ApiKey.API_VERSIONS.id,
                        (short) 0, (short) 2))));
            }
            if (request.apiKey() == ApiKey.API_VERSIONS) {
                return ApiCodec.encodeResponse(ApiKey.API_VERSIONS, request.header().apiVersion(),
                    request.header().correlationId(), apiVersions(Errors.NONE, List.of(
                        new ApiVersionsResponse.ApiVersion(ApiKey.API_VERSIONS.id, (short) 0, (short) 2),
                        new ApiVersionsResponse.ApiVersion(ApiKey.OFFSET_FOR_LEADER_EPOCH.id, (short) 0, (short) 3))));
            }
            return normal(request);
        });
        try (KafkaConnection connection = KafkaConnection.open(broker.address(), settings())) {
            assertEquals(3, connection.usableVersion(ApiKey.OFFSET_FOR_LEADER_EPOCH, (short) 4));
            assertThrows(KafkaConnection.UnsupportedVersionException.class,
                () -> connection.usableVersion(ApiKey.FETCH, (short) 12));
            OffsetForLeaderEpochResponse r = connection.send(epochRequest());
            assertEquals(42L, r.topics().get(0).partitions().get(0).endOffset());
        }
        assertEquals(List.of((short) 3, (short) 2, (short) 3),
            broker.received.stream().map(r -> r.header().apiVersion()).toList());
    }

    @Test
    void aSilentBrokerTimesTheRequestOutAndTheConnectionCloses() throws Exception {
        broker = new TinyBroker(request -> request.apiKey() == ApiKey.API_VERSIONS ? normal(request) : null);
        KafkaConnection connection = KafkaConnection.open(broker.address(),
            settings().withRequestTimeoutMs(200));
        long start = System.nanoTime();
        SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> connection.send(epochRequest(), (short) 4));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(tookMs >= 150 && tookMs < 5_000, "timed out after " + tookMs + " ms");
        assertTrue(e.getMessage().contains("OffsetForLeaderEpoch v4 (correlation id 1)"), e.getMessage());
        assertTrue(e.getMessage().contains(broker.address().getPort() + ""), e.getMessage());
        assertFalse(connection.isOpen());
        assertThrows(IOException.class, () -> connection.send(epochRequest(), (short) 4));
    }

    @Test
    void aBrokerThatHangsUpGivesAnEofException() throws Exception {
        broker = new TinyBroker(request -> request.apiKey() == ApiKey.API_VERSIONS ? normal(request) : CLOSE);
        try (KafkaConnection connection = KafkaConnection.open(broker.address(), settings())) {
            EOFException e = assertThrows(EOFException.class, () -> connection.send(epochRequest(), (short) 4));
            assertTrue(e.getMessage().contains("closed the connection"), e.getMessage());
            assertFalse(connection.isOpen());
        }
    }

    @Test
    void aResponseWithAnotherCorrelationIdIsRejected() throws Exception {
        broker = new TinyBroker(request -> {
            if (request.apiKey() == ApiKey.API_VERSIONS) {
                return normal(request);
            }
            ByteBuffer right = normal(request);
            right.putInt(0, right.getInt(0) + 5);
            return right;
        });
        try (KafkaConnection connection = KafkaConnection.open(broker.address(), settings())) {
            IOException e = assertThrows(IOException.class, () -> connection.send(epochRequest(), (short) 4));
            assertTrue(e.getMessage().contains("Correlation id"), e.getMessage());
            assertFalse(connection.isOpen());
        }
    }

    @Test
    void nobodyListeningIsAClearConnectFailure() throws Exception {
        InetSocketAddress unused;
        try (ServerSocketChannel s = ServerSocketChannel.open()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            unused = (InetSocketAddress) s.getLocalAddress();
        }
        IOException e = assertThrows(IOException.class, () -> KafkaConnection.open(unused, settings()));
        assertTrue(e.getMessage().contains("127.0.0.1:" + unused.getPort()), e.getMessage());
    }

    @Test
    void aBrokerThatNeverAnswersApiVersionsFailsTheConnectWithinTheConnectTimeout() throws Exception {
        broker = new TinyBroker(request -> null);
        KafkaConnection.Settings quick = new KafkaConnection.Settings("c", 200, 10_000, -1, -1, 1024);
        assertThrows(SocketTimeoutException.class, () -> KafkaConnection.open(broker.address(), quick));
    }

    @Test
    void closeFromAnotherThreadEndsAWaitingSendPromptly() throws Exception {
        CountDownLatch requested = new CountDownLatch(1);
        broker = new TinyBroker(request -> {
            if (request.apiKey() == ApiKey.API_VERSIONS) {
                return normal(request);
            }
            requested.countDown();
            return null;
        });
        KafkaConnection connection = KafkaConnection.open(broker.address(), settings().withRequestTimeoutMs(30_000));
        Thread closer = new Thread(() -> {
            try {
                requested.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            connection.close();
        });
        closer.start();
        long start = System.nanoTime();
        assertThrows(IOException.class, () -> connection.send(epochRequest(), (short) 4));
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 10_000);
        closer.join(5_000);
    }

    @Test
    void anOversizedResponseIsRefusedBeforeAllocation() throws Exception {
        broker = new TinyBroker(request -> request.apiKey() == ApiKey.API_VERSIONS ? normal(request)
            : ByteBuffer.allocate(2_000));
        KafkaConnection.Settings small = new KafkaConnection.Settings("c", 2_000, 2_000, -1, -1, 1_000);
        try (KafkaConnection connection = KafkaConnection.open(broker.address(), small)) {
            IOException e = assertThrows(IOException.class, () -> connection.send(epochRequest(), (short) 4));
            assertTrue(e.getMessage().contains("2000 bytes"), e.getMessage());
        }
    }
}
