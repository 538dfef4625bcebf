package io.sluice.systest;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/**
 * A Kafka ApiVersions (key 18) v3 round trip written by hand, independent of both Sluice's codec and the Kafka
 * client under test: it is how the harness decides that a broker is ready.
 */
public final class ApiVersionsProbe {
    static final short API_VERSIONS = 18;
    private static final short VERSION = 3;
    private static final int MAX_RESPONSE_BYTES = 1 << 20;

    private ApiVersionsProbe() {}

    /**
     * Sends ApiVersions v3 to 127.0.0.1:{@code port} and returns the API keys the broker lists; throws if there is
     * no answer within {@code timeout}, the answer is malformed, its correlation id differs, its error code is
     * not 0, or ApiVersions itself is not listed.
     */
    public static Set<Integer> roundTrip(int port, Duration timeout) throws IOException {
        int correlationId = 0x5157_0001;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(ManagedProcess.LOOPBACK, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.setTcpNoDelay(true);
            byte[] request = request(correlationId);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(request.length);
            out.write(request);
            out.flush();

            DataInputStream in = new DataInputStream(socket.getInputStream());
            int size = in.readInt();
            if (size < 6 || size > MAX_RESPONSE_BYTES) {
                throw new IOException("ApiVersions response has an implausible size " + size);
            }
            byte[] body = new byte[size];
            in.readFully(body);
            return parse(ByteBuffer.wrap(body), correlationId);
        }
    }

    /** A whole ApiVersions v3 request frame (size prefix included), for tests that drive a socket themselves. */
    static byte[] requestFrame(int correlationId) {
        byte[] request = request(correlationId);
        return ByteBuffer.allocate(4 + request.length).putInt(request.length).put(request).array();
    }

    /** Reads one ApiVersions v3 response frame from {@code in}; see {@link #roundTrip(int, Duration)}. */
    static Set<Integer> readResponse(DataInputStream in, int correlationId) throws IOException {
        int size = in.readInt();
        if (size < 6 || size > MAX_RESPONSE_BYTES) {
            throw new IOException("ApiVersions response has an implausible size " + size);
        }
        byte[] body = new byte[size];
        in.readFully(body);
        return parse(ByteBuffer.wrap(body), correlationId);
    }

    private static byte[] request(int correlationId) {
        byte[] clientId = "sluice-systest".getBytes(StandardCharsets.UTF_8);
        byte[] softwareName = "sluice-systest".getBytes(StandardCharsets.UTF_8);
        byte[] softwareVersion = "1.0".getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(64 + clientId.length + softwareName.length + softwareVersion.length);
        // Request header v2: api key, api version, correlation id, client id (nullable string), tagged fields.
        buf.putShort(API_VERSIONS).putShort(VERSION).putInt(correlationId);
        buf.putShort((short) clientId.length).put(clientId);
        buf.put((byte) 0);
        // ApiVersionsRequest v3: client software name and version (compact strings), tagged fields.
        buf.put((byte) (softwareName.length + 1)).put(softwareName);
        buf.put((byte) (softwareVersion.length + 1)).put(softwareVersion);
        buf.put((byte) 0);
        byte[] bytes = new byte[buf.position()];
        buf.flip().get(bytes);
        return bytes;
    }

    private static Set<Integer> parse(ByteBuffer buf, int expectedCorrelationId) throws IOException {
        try {
            // ApiVersions responses always use response header v0: the correlation id only.
            int correlationId = buf.getInt();
            if (correlationId != expectedCorrelationId) {
                throw new IOException("ApiVersions response has correlation id " + correlationId + ", expected "
                        + expectedCorrelationId);
            }
            short errorCode = buf.getShort();
            if (errorCode != 0) {
                throw new IOException("ApiVersions v" + VERSION + " answered with error code " + errorCode);
            }
            int count = unsignedVarint(buf) - 1;
            if (count < 0 || count > 1000) {
                throw new IOException("ApiVersions response lists an implausible number of APIs: " + count);
            }
            Set<Integer> keys = new TreeSet<>();
            for (int i = 0; i < count; i++) {
                short key = buf.getShort();
                short min = buf.getShort();
                short max = buf.getShort();
                if (min < 0 || max < min) {
                    throw new IOException("ApiVersions response lists API " + key + " with versions " + min + ".."
                            + max);
                }
                skipTaggedFields(buf);
                keys.add((int) key);
            }
            buf.getInt(); // throttle_time_ms
            skipTaggedFields(buf);
            if (!keys.contains((int) API_VERSIONS)) {
                throw new IOException("ApiVersions response does not list ApiVersions itself: " + keys);
            }
            return keys;
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new IOException("ApiVersions response is truncated or malformed", e);
        }
    }

    private static void skipTaggedFields(ByteBuffer buf) {
        int tags = unsignedVarint(buf);
        for (int i = 0; i < tags; i++) {
            unsignedVarint(buf);
            int size = unsignedVarint(buf);
            buf.position(buf.position() + size);
        }
    }

    private static int unsignedVarint(ByteBuffer buf) {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            byte b = buf.get();
            value |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("unsigned varint longer than 5 bytes");
    }
}
