package io.sluice.client;

import io.sluice.protocol.ApiCodec;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.ApiMessage;
import io.sluice.protocol.message.ApiVersionsResponse;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A scripted broker for unit tests: a real TCP server on a free port that answers ApiVersions with the ranges
 * this code base implements (or {@link #apiVersions} overrides) and every other request with
 * {@link #handler}. A handler returning null sends no response (to test timeouts).
 */
public final class FakeBroker implements AutoCloseable {
    public final int nodeId;
    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    public final List<ApiCodec.Request> requests = new CopyOnWriteArrayList<>();
    public final AtomicInteger connections = new AtomicInteger();
    public final Map<ApiKey, short[]> apiVersions = new ConcurrentHashMap<>();
    private final Map<ApiCodec.Request, DataOutputStream> outputs = new ConcurrentHashMap<>();
    public volatile Function<ApiCodec.Request, ApiMessage> handler = r -> null;
    private volatile boolean closed;

    public FakeBroker(int nodeId) throws IOException {
        this.nodeId = nodeId;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "fake-broker-" + nodeId);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public String address() {
        return "127.0.0.1:" + port();
    }

    public List<ApiCodec.Request> requests(ApiKey key) {
        List<ApiCodec.Request> out = new ArrayList<>();
        for (ApiCodec.Request r : requests) {
            if (r.apiKey() == key) {
                out.add(r);
            }
        }
        return out;
    }

    /** Closes all open client connections (the server keeps accepting). */
    public void dropConnections() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        sockets.clear();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                connections.incrementAndGet();
                Thread t = new Thread(() -> serve(s), "fake-broker-" + nodeId + "-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            while (true) {
                int size = in.readInt();
                byte[] frame = new byte[size];
                in.readFully(frame);
                ApiCodec.Request request = ApiCodec.decodeRequest(ByteBuffer.wrap(frame));
                outputs.put(request, out);
                requests.add(request);
                ApiMessage response = request.apiKey() == ApiKey.API_VERSIONS ? apiVersionsResponse()
                    : handler.apply(request);
                if (response == null) {
                    continue;
                }
                respond(request, response);
            }
        } catch (IOException | RuntimeException e) {
            // connection over
        }
    }

    /** Sends {@code response} to a request the handler left unanswered. */
    public void respond(ApiCodec.Request request, ApiMessage response) throws IOException {
        DataOutputStream out = outputs.get(request);
        ByteBuffer encoded = ApiCodec.encodeResponse(request.apiKey(), request.header().apiVersion(),
            request.header().correlationId(), response);
        synchronized (out) {
            out.writeInt(encoded.remaining());
            out.write(encoded.array(), encoded.arrayOffset() + encoded.position(), encoded.remaining());
            out.flush();
        }
    }

    private ApiVersionsResponse apiVersionsResponse() {
        List<ApiVersionsResponse.ApiVersion> versions = new ArrayList<>();
        for (ApiKey key : ApiKey.values()) {
            short[] range = apiVersions.get(key);
            if (range == null) {
                versions.add(new ApiVersionsResponse.ApiVersion(key.id, key.oldestVersion(), key.latestVersion()));
            } else if (range.length == 2) {
                versions.add(new ApiVersionsResponse.ApiVersion(key.id, range[0], range[1]));
            }
        }
        return new ApiVersionsResponse((short) 0, versions, 0, List.of(), -1L, List.of(), false);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        dropConnections();
    }
}
