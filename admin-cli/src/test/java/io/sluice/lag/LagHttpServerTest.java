package io.sluice.lag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP API through a real HTTP client against the Netty server on a free port, over a fake cluster. */
class LagHttpServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final FakeClock clock = new FakeClock(1_700_000_000_000L);
    private final FakeOffsetsSource source = new FakeOffsetsSource();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private LagMonitor monitor;
    private LagHttpServer server;

    @BeforeEach
    void start() throws Exception {
        monitor = new LagMonitor(List.of(new ClusterConfig("local", List.of("h:9092"), 10_000, 4, null, null,
            3_600_000, 50)), c -> source, clock);
        server = LagHttpServer.start(new BurrowApi(monitor, false, "test-host"), "127.0.0.1", 0);
        source.end("orders", 0, 100);
        source.end("orders", 1, 50);
        source.end("quiet", 0, 7);
        source.commit("shop", "orders", 0, 100);
        source.commit("shop", "orders", 1, 40);
        source.commit("idle", "quiet", 0, 7);
        source.active.put("idle", false);
        source.timestampBase = clock.milliseconds() - 100_000;
        for (int i = 0; i < 4; i++) {
            clock.advance(10_000);
            monitor.refresh("local");
        }
    }

    @AfterEach
    void stop() {
        server.close();
        monitor.close();
    }

    private HttpResponse<String> request(String method, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.noBody()).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(String path, int expectedStatus) throws IOException, InterruptedException {
        HttpResponse<String> response = request("GET", path);
        assertEquals(expectedStatus, response.statusCode(), path + ": " + response.body());
        assertEquals("application/json", response.headers().firstValue("content-type").orElse(""), path);
        JsonNode body = JSON.readTree(response.body());
        assertEquals(expectedStatus != 200, body.get("error").asBoolean(), path);
        assertEquals(path, body.get("request").get("url").asText());
        assertEquals("test-host", body.get("request").get("host").asText());
        return body;
    }

    /** A request the JDK client would refuse to send: written by hand on a socket. */
    private String rawGet(String path) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void healthCheck() throws Exception {
        HttpResponse<String> r = request("GET", "/burrow/admin");
        assertEquals(200, r.statusCode());
        assertEquals("GOOD", r.body());
    }

    @Test
    void clustersAndClusterDetail() throws Exception {
        JsonNode list = get("/v3/kafka", 200);
        assertEquals("cluster list returned", list.get("message").asText());
        assertEquals("[\"local\"]", list.get("clusters").toString());
        JsonNode detail = get("/v3/kafka/local", 200);
        assertEquals("cluster module detail returned", detail.get("message").asText());
        assertEquals("kafka", detail.get("module").get("class-name").asText());
        assertEquals("[\"h:9092\"]", detail.get("module").get("servers").toString());
        assertEquals(10.0, detail.get("module").get("offset-refresh").asDouble());
    }

    @Test
    void topics() throws Exception {
        assertEquals("[\"orders\",\"quiet\"]", get("/v3/kafka/local/topic", 200).get("topics").toString());
        JsonNode offsets = get("/v3/kafka/local/topic/orders", 200);
        assertEquals("topic offsets returned", offsets.get("message").asText());
        assertEquals("[100,50]", offsets.get("offsets").toString());
        assertEquals("[\"shop\"]", get("/v3/kafka/local/topic/orders/consumers", 200).get("consumers").toString());
        assertEquals("cluster or topic not found", get("/v3/kafka/local/topic/nope", 404).get("message").asText());
    }

    @Test
    void consumerListAndDetail() throws Exception {
        assertEquals("[\"idle\",\"shop\"]", get("/v3/kafka/local/consumer", 200).get("consumers").toString());
        JsonNode detail = get("/v3/kafka/local/consumer/shop", 200);
        assertEquals("consumer detail returned", detail.get("message").asText());
        JsonNode p1 = detail.get("topics").get("orders").get(1);
        assertEquals(10, p1.get("current-lag").asLong());
        assertEquals(4, p1.get("offsets").size(), "window size 4, full (shop is active)");
        assertEquals(40, p1.get("offsets").get(3).get("offset").asLong());
        assertEquals(10, p1.get("offsets").get(3).get("lag").asLong());
        assertEquals(clock.milliseconds(), p1.get("offsets").get(3).get("timestamp").asLong());
        JsonNode idle = get("/v3/kafka/local/consumer/idle", 200).get("topics").get("quiet").get(0);
        assertTrue(idle.get("offsets").get(0).isNull(), "an inactive group's unchanged offset is one commit: "
            + idle);
        assertFalse(idle.get("offsets").get(3).isNull());
    }

    @Test
    void statusShowsOnlyPartitionsNotOkAndLagShowsAll() throws Exception {
        JsonNode status = get("/v3/kafka/local/consumer/shop/status", 200);
        assertEquals("consumer status returned", status.get("message").asText());
        JsonNode s = status.get("status");
        assertEquals("local", s.get("cluster").asText());
        assertEquals("shop", s.get("group").asText());
        assertEquals("ERR", s.get("status").asText(), "partition 1 commits 40 over and over with lag 10: STALL");
        assertEquals(1, s.get("partitions").size());
        assertEquals("STALL", s.get("partitions").get(0).get("status").asText());
        assertEquals(2, s.get("partition_count").asInt());
        assertEquals(10, s.get("totallag").asLong());
        assertEquals(1, s.get("maxlag").get("partition").asInt());
        assertEquals(1.0, s.get("complete").asDouble());
        JsonNode p = s.get("partitions").get(0);
        for (String field : List.of("topic", "partition", "owner", "client_id", "status", "start", "end",
            "current_lag", "complete")) {
            assertTrue(p.has(field), field + " in " + p);
        }
        assertEquals(100_000, p.get("time_lag_ms").asLong(),
            "the record at offset 40 was written at base + 40 s; now is base + 140 s");

        JsonNode lag = get("/v3/kafka/local/consumer/shop/lag", 200).get("status");
        assertEquals(2, lag.get("partitions").size());
        assertEquals("OK", lag.get("partitions").get(0).get("status").asText());
        assertEquals("OK", get("/v3/kafka/local/consumer/idle/lag", 200).get("status").get("status").asText(),
            "a quiet topic with a stopped consumer: lag 0, OK");
    }

    @Test
    void history() throws Exception {
        JsonNode history = get("/v3/kafka/local/consumer/shop/history", 200).get("history");
        assertEquals(4, history.size());
        assertEquals(10, history.get(3).get("totallag").asLong());
    }

    @Test
    void notFoundAndMalformed() throws Exception {
        assertEquals("cluster not found", get("/v3/kafka/nope", 404).get("message").asText());
        assertEquals("cluster not found", get("/v3/kafka/nope/consumer", 404).get("message").asText());
        assertEquals("cluster or consumer not found", get("/v3/kafka/local/consumer/nope/status", 404)
            .get("message").asText());
        assertEquals("cluster or consumer not found", get("/v3/kafka/nope/consumer/shop/lag", 404)
            .get("message").asText());
        JsonNode unknown = get("/v3/unknown", 404);
        assertEquals("invalid request type", unknown.get("message").asText());
        assertTrue(unknown.get("result").isObject());
        assertEquals("invalid request type", get("/v3/kafka/local/consumer/shop/whatever", 404).get("message")
            .asText());
        String malformed = rawGet("/v3/kafka/local/consumer/%zz/status");
        assertTrue(malformed.startsWith("HTTP/1.1 400"), malformed);
        assertTrue(malformed.contains("\"error\":true"), malformed);
        get("/v3/kafka//consumer", 400);
    }

    @Test
    void deleteIsOffUnlessEnabled() throws Exception {
        assertEquals(403, request("DELETE", "/v3/kafka/local/consumer/shop").statusCode());
        assertEquals(405, request("POST", "/v3/kafka/local/consumer").statusCode());
        server.close();
        server = LagHttpServer.start(new BurrowApi(monitor, true, "test-host"), "127.0.0.1", 0);
        HttpResponse<String> deleted = request("DELETE", "/v3/kafka/local/consumer/shop");
        assertEquals(200, deleted.statusCode(), deleted.body());
        assertEquals("consumer group removed", JSON.readTree(deleted.body()).get("message").asText());
        assertEquals(404, request("DELETE", "/v3/kafka/local/consumer/shop").statusCode());
        get("/v3/kafka/local/consumer/shop/lag", 404);
    }

    @Test
    void prometheusMetrics() throws Exception {
        HttpResponse<String> r = request("GET", "/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"));
        String body = r.body();
        for (String line : List.of(
            "# TYPE burrow_kafka_consumer_lag_total gauge",
            "burrow_kafka_consumer_lag_total{cluster=\"local\",consumer_group=\"shop\"} 10",
            "burrow_kafka_consumer_status{cluster=\"local\",consumer_group=\"shop\"} 3",
            "burrow_kafka_consumer_status{cluster=\"local\",consumer_group=\"idle\"} 1",
            "burrow_kafka_consumer_partition_lag{cluster=\"local\",consumer_group=\"shop\",topic=\"orders\",partition=\"1\"} 10",
            "burrow_kafka_consumer_current_offset{cluster=\"local\",consumer_group=\"shop\",topic=\"orders\",partition=\"1\"} 40",
            "sluice_lag_consumer_partition_status{cluster=\"local\",consumer_group=\"shop\",topic=\"orders\",partition=\"1\"} 5",
            "sluice_lag_consumer_partition_end_offset{cluster=\"local\",consumer_group=\"shop\",topic=\"orders\",partition=\"1\"} 50",
            "burrow_kafka_topic_partition_offset{cluster=\"local\",topic=\"orders\",partition=\"0\"} 100")) {
            assertTrue(body.lines().anyMatch(line::equals), "missing line: " + line + "\n" + body);
        }
    }

    @Test
    void webPage() throws Exception {
        HttpResponse<String> r = request("GET", "/");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/html"));
        assertTrue(r.body().contains("Sluice consumer lag"));
        assertTrue(r.body().contains("/v3/kafka"));
    }
}
