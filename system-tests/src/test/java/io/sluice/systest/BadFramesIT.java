package io.sluice.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frames a broker must refuse, each on a raw socket of its own (socket.request.max.bytes is 1 MiB here): the broker
 * closes that connection, and only that one. A Kafka Admin client on another connection keeps working (describeCluster
 * before and after), a raw connection holding half a valid request can still finish it, and the broker stays up.
 */
class BadFramesIT {
    private static final int MAX_REQUEST_BYTES = 1024 * 1024;
    private static final int CLOSE_WAIT_MS = 10_000;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path workDir;

    static SingleBrokerCluster cluster;
    static Admin admin;

    /** A connection that sent the first bytes of a valid ApiVersions request before the bad frame. */
    private Socket bystander;
    private byte[] bystanderFrame;

    @BeforeAll
    static void startCluster() {
        cluster = SingleBrokerCluster.start(workDir, BadFramesIT.class,
                b -> b.override("socket.request.max.bytes", Integer.toString(MAX_REQUEST_BYTES)));
        admin = KafkaClients.admin(cluster.bootstrapServers());
    }

    @AfterAll
    static void stopCluster() {
        try {
            if (admin != null) {
                admin.close(Duration.ofSeconds(10));
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @BeforeEach
    void adminWorksAndABystanderHasHalfARequest() throws Exception {
        describeClusterWorks("before the bad frame");
        bystander = connect();
        bystanderFrame = ApiVersionsProbe.requestFrame(0x0B57_0001);
        bystander.getOutputStream().write(bystanderFrame, 0, 10);
        bystander.getOutputStream().flush();
    }

    @AfterEach
    void onlyTheBadConnectionWasClosed() throws Exception {
        try {
            assertTrue(cluster.broker().isAlive(), "the broker process is alive" + cluster.brokerLogs());
            // The bystander finishes its request on its own connection and gets the answer.
            OutputStream out = bystander.getOutputStream();
            out.write(bystanderFrame, 10, bystanderFrame.length - 10);
            out.flush();
            Set<Integer> apis = ApiVersionsProbe.readResponse(new DataInputStream(bystander.getInputStream()),
                    0x0B57_0001);
            assertTrue(apis.contains((int) ApiVersionsProbe.API_VERSIONS), "ApiVersions lists itself: " + apis);
        } finally {
            bystander.close();
        }
        describeClusterWorks("after the bad frame");
        // And a brand-new connection works too.
        ApiVersionsProbe.roundTrip(cluster.broker().port(), Duration.ofSeconds(5));
    }

    @Test
    void aNegativeFrameSizeClosesTheConnection() throws Exception {
        assertClosedAfter("size -1", ByteBuffer.allocate(12).putInt(-1).putInt(0x00120003).putInt(1).array());
    }

    @Test
    void theMostNegativeFrameSizeClosesTheConnection() throws Exception {
        assertClosedAfter("size Integer.MIN_VALUE", ByteBuffer.allocate(4).putInt(Integer.MIN_VALUE).array());
    }

    @Test
    void aFrameOneByteOverTheLimitClosesTheConnectionWithoutWaitingForItsBody() throws Exception {
        // Only the size is sent: the broker must not wait for a megabyte that never comes.
        assertClosedAfter("size socket.request.max.bytes + 1",
                ByteBuffer.allocate(8).putInt(MAX_REQUEST_BYTES + 1).putShort((short) 18).putShort((short) 3).array());
    }

    @Test
    void aHugeFrameSizeClosesTheConnection() throws Exception {
        assertClosedAfter("size Integer.MAX_VALUE", ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array());
    }

    @Test
    void anHttpRequestClosesTheConnection() throws Exception {
        // "GET " read as a frame size is 1,195,725,856 bytes.
        assertClosedAfter("an HTTP request",
                "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aFrameOfGarbageWithAnUnknownApiKeyClosesTheConnection() throws Exception {
        byte[] garbage = new byte[64];
        new Random(4).nextBytes(garbage);
        garbage[0] = 0x7F; // api key 0x7F7F: no such API
        garbage[1] = 0x7F;
        assertClosedAfter("64 bytes of garbage", frame(garbage));
    }

    @Test
    void aMetadataRequestWithAnUnsupportedVersionClosesTheConnection() throws Exception {
        ByteBuffer body = ByteBuffer.allocate(32);
        body.putShort((short) 3).putShort((short) 999).putInt(7); // Metadata v999, correlation id 7
        body.putShort((short) -1);                                  // null client id
        body.putInt(-1);                                            // (v1+) all topics
        assertClosedAfter("Metadata v999", frame(Arrays.copyOf(body.array(), body.position())));
    }

    @Test
    void aTruncatedRequestBodyClosesTheConnection() throws Exception {
        ByteBuffer body = ByteBuffer.allocate(32);
        body.putShort((short) 3).putShort((short) 1).putInt(8);    // Metadata v1, correlation id 8
        body.putShort((short) 6).put("client".getBytes(StandardCharsets.US_ASCII));
        body.putInt(1000);                                           // 1000 topics follow... but none do
        body.putShort((short) 200);                                  // a topic name of 200 bytes, cut off
        assertClosedAfter("a Metadata v1 request whose body ends early", frame(Arrays.copyOf(body.array(),
                body.position())));
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /** Sends {@code bytes} on a new connection and expects the broker to close it (EOF or reset) within 10 s. */
    private static void assertClosedAfter(String what, byte[] bytes) throws Exception {
        try (Socket socket = connect()) {
            long start = System.nanoTime();
            try {
                OutputStream out = socket.getOutputStream();
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                return; // the broker closed the connection before we finished writing: also a close
            }
            String outcome = awaitClose(socket);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            if (outcome == null) {
                fail(what + ": the broker did not close the connection within " + CLOSE_WAIT_MS + " ms"
                        + cluster.brokerLogs(15));
            }
            System.out.printf("BadFramesIT: %s -> %s after %d ms%n", what, outcome, ms);
        }
    }

    /** Reads until the broker closes the connection: a description of how it ended, or null on timeout. */
    private static String awaitClose(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MS);
        while (System.nanoTime() - deadline < 0) {
            try {
                int n = in.read(buf);
                if (n < 0) {
                    return "EOF" + (received.size() > 0 ? " after " + received.size() + " bytes of response" : "");
                }
                received.write(buf, 0, n);
            } catch (SocketTimeoutException e) {
                return null;
            } catch (IOException e) {
                return "reset (" + e.getMessage() + ")";
            }
        }
        return null;
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(ManagedProcess.LOOPBACK, cluster.broker().port()), 5_000);
        socket.setSoTimeout(CLOSE_WAIT_MS);
        socket.setTcpNoDelay(true);
        return socket;
    }

    private static byte[] frame(byte[] body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(body.length);
        out.write(body);
        return bytes.toByteArray();
    }

    private static void describeClusterWorks(String when) throws Exception {
        try {
            Collection<Node> nodes = admin.describeCluster().nodes().get(20, TimeUnit.SECONDS);
            assertEquals(1, nodes.size(), "describeCluster " + when + ": " + nodes);
            assertFalse(admin.describeCluster().clusterId().get(20, TimeUnit.SECONDS).isBlank(), "cluster id");
        } catch (ExecutionException e) {
            throw new AssertionError("describeCluster " + when + " failed: " + e.getCause() + cluster.brokerLogs(20),
                    e.getCause());
        }
    }
}
