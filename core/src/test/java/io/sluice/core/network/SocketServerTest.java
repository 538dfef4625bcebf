package io.sluice.core.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.Errors;
import io.sluice.core.handler.ApiHandler;
import io.sluice.core.handler.ApiVersionsHandler;
import io.sluice.core.handler.RequestContext;
import io.sluice.core.handler.RequestDispatcher;
import io.sluice.protocol.ApiCodec;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.ByteBufferReader;
import io.sluice.protocol.RequestHeader;
import io.sluice.protocol.ResponseHeader;
import io.sluice.protocol.message.ApiVersionsRequest;
import io.sluice.protocol.message.ApiVersionsResponse;
import io.sluice.protocol.message.HeartbeatRequest;
import io.sluice.protocol.message.HeartbeatResponse;
import io.sluice.protocol.schema.MessageCodec;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SocketServerTest {
    private RequestDispatcher dispatcher;
    private SocketServer server;
    private int port;
    /** Heartbeat responses are held until the test releases them, to check ordering. */
    private final ConcurrentHashMap<String, CompletableFuture<HeartbeatResponse>> held = new ConcurrentHashMap<>();
    private final CountDownLatch heldArrived = new CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        dispatcher = new RequestDispatcher(2);
        dispatcher.register(new ApiVersionsHandler(k -> dispatcher.handles(k)));
        dispatcher.register(new ApiHandler<HeartbeatRequest, HeartbeatResponse>() {
            @Override
            public ApiKey apiKey() {
                return ApiKey.HEARTBEAT;
            }

            @Override
            public CompletableFuture<HeartbeatResponse> handle(RequestContext context, HeartbeatRequest request) {
                if (request.groupId().equals("slow")) {
                    CompletableFuture<HeartbeatResponse> f = new CompletableFuture<>();
                    held.put("slow", f);
                    heldArrived.countDown();
                    return f;
                }
                return CompletableFuture.completedFuture(new HeartbeatResponse(0, (short) request.generationId()));
            }

            @Override
            public HeartbeatResponse errorResponse(RequestContext context, HeartbeatRequest request, Errors error) {
                return new HeartbeatResponse(0, error.code());
            }
        });
        server = new SocketServer(new SocketServer.Settings(1, 1024 * 1024, 60_000, 16, -1, -1), dispatcher);
        port = server.start(List.of(new Listener("PLAINTEXT", "127.0.0.1", 0))).get(0).port();
    }

    @AfterEach
    void stop() {
        server.close();
        dispatcher.close();
    }

    private static void send(DataOutputStream out, RequestHeader header, io.sluice.protocol.ApiMessage body) throws IOException {
        ByteBuffer frame = ApiCodec.encodeRequest(header, body);
        out.writeInt(frame.remaining());
        out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
        out.flush();
    }

    private static ByteBuffer receive(DataInputStream in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return ByteBuffer.wrap(bytes);
    }

    @Test
    void answersApiVersionsWithTheHandledApis() throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            send(out, new RequestHeader(ApiKey.API_VERSIONS, (short) 3, 11, "t"), new ApiVersionsRequest("sluice-test", "1"));
            ApiVersionsResponse r = ApiCodec.decodeResponse(receive(new DataInputStream(s.getInputStream())),
                ApiKey.API_VERSIONS, (short) 3, 11, ApiVersionsResponse.class);
            assertEquals(0, r.errorCode());
            assertEquals(List.of(ApiKey.HEARTBEAT.id, ApiKey.API_VERSIONS.id),
                r.apiKeys().stream().map(ApiVersionsResponse.ApiVersion::apiKey).toList());
        }
    }

    @Test
    void apiVersionsNewerThanOursGetsAVersionZeroAnswer() throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            io.sluice.protocol.ByteBufferWriter w = new io.sluice.protocol.ByteBufferWriter();
            new RequestHeader(ApiKey.API_VERSIONS, (short) 99, 12, "future").write(w);
            w.writeUnsignedVarint(0);
            ByteBuffer frame = w.toByteBuffer();
            out.writeInt(frame.remaining());
            out.write(frame.array(), 0, frame.remaining());
            ByteBuffer response = receive(new DataInputStream(s.getInputStream()));
            ByteBufferReader r = new ByteBufferReader(response);
            assertEquals(12, ResponseHeader.read(r, (short) 0).correlationId());
            ApiVersionsResponse body = MessageCodec.read(ApiVersionsResponse.class, r, (short) 0);
            assertEquals(Errors.UNSUPPORTED_VERSION.code(), body.errorCode());
            assertEquals(ApiKey.API_VERSIONS.latestVersion(), body.apiKeys().get(0).maxVersion());
        }
    }

    @Test
    void responsesGoOutInRequestOrderEvenWhenAnEarlierOneIsSlow() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            DataInputStream in = new DataInputStream(s.getInputStream());
            send(out, new RequestHeader(ApiKey.HEARTBEAT, (short) 4, 1, "t"), new HeartbeatRequest("slow", 1, "m", null));
            send(out, new RequestHeader(ApiKey.HEARTBEAT, (short) 4, 2, "t"), new HeartbeatRequest("fast", 2, "m", null));
            heldArrived.await();
            Thread.sleep(100); // give a wrongly ordered implementation the chance to send #2 first
            held.get("slow").complete(new HeartbeatResponse(0, (short) 77));
            HeartbeatResponse first = ApiCodec.decodeResponse(receive(in), ApiKey.HEARTBEAT, (short) 4, 1, HeartbeatResponse.class);
            HeartbeatResponse second = ApiCodec.decodeResponse(receive(in), ApiKey.HEARTBEAT, (short) 4, 2, HeartbeatResponse.class);
            assertEquals(77, first.errorCode());
            assertEquals(2, second.errorCode());
        }
    }

    @Test
    void oversizedAndGarbageFramesCloseOnlyTheirOwnConnection() throws IOException {
        try (Socket good = new Socket("127.0.0.1", port); Socket huge = new Socket("127.0.0.1", port);
             Socket negative = new Socket("127.0.0.1", port); Socket garbage = new Socket("127.0.0.1", port)) {
            new DataOutputStream(huge.getOutputStream()).writeInt(Integer.MAX_VALUE);
            new DataOutputStream(negative.getOutputStream()).writeInt(-5);
            DataOutputStream g = new DataOutputStream(garbage.getOutputStream());
            g.writeInt(6);
            g.write(new byte[] {0x7f, 0x7f, 1, 2, 3, 4});
            for (Socket closed : List.of(huge, negative, garbage)) {
                assertClosedByServer(closed);
            }
            DataOutputStream out = new DataOutputStream(good.getOutputStream());
            send(out, new RequestHeader(ApiKey.API_VERSIONS, (short) 0, 3, "t"), new ApiVersionsRequest("", ""));
            ApiVersionsResponse r = ApiCodec.decodeResponse(receive(new DataInputStream(good.getInputStream())),
                ApiKey.API_VERSIONS, (short) 0, 3, ApiVersionsResponse.class);
            assertEquals(0, r.errorCode());
        }
    }

    private static void assertClosedByServer(Socket socket) throws IOException {
        try {
            int b = socket.getInputStream().read();
            assertEquals(-1, b);
        } catch (SocketException | EOFException e) {
            assertTrue(true, "reset by the server also counts as closed");
        }
    }
}
