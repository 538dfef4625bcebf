package io.sluice.systest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/lag-monitor.sh CONFIG} as a process, as users run it: one cluster named {@code local}, HTTP on
 * 127.0.0.1 and a free port, the given refresh interval and window size. Ready once the process prints its
 * "serving" line; stopped by its PID.
 */
final class LagMonitorProcess implements AutoCloseable {
    private static final Duration START_WAIT = Duration.ofSeconds(60);
    private static final int START_ATTEMPTS = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ManagedProcess process;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private LagMonitorProcess(ManagedProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    static LagMonitorProcess start(Path dir, String bootstrapServers, long refreshMs, int windowSize) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            try {
                return startOnce(dir, bootstrapServers, refreshMs, windowSize, FreePorts.next());
            } catch (ManagedProcess.PortTakenException e) {
                last = e;
            }
        }
        throw last;
    }

    private static LagMonitorProcess startOnce(Path dir, String bootstrapServers, long refreshMs, int windowSize,
                                               int port) {
        Path config = dir.resolve("lag-monitor-" + port + ".properties");
        try {
            Files.createDirectories(dir);
            Files.writeString(config, String.join("\n",
                "http.host=127.0.0.1",
                "http.port=" + port,
                "clusters=local",
                "cluster.local.bootstrap.servers=" + bootstrapServers,
                "cluster.local.offset.refresh.ms=" + refreshMs,
                "cluster.local.window.size=" + windowSize,
                ""), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ManagedProcess process = ManagedProcess.start("lag monitor on port " + port,
            List.of(ProjectLayout.script("lag-monitor.sh").toString(), config.toString()),
            Map.of("SLUICE_LOGS_DIR", dir.resolve("logs").toString()), dir, dir.resolve("lag-monitor-console.log"));
        String serving = "Lag monitor serving on http://127.0.0.1:" + port + "/";
        try {
            Await.until(START_WAIT, () -> !process.isAlive() || process.tail(200).contains(serving),
                () -> "lag-monitor.sh prints its serving line:\n" + process.tail(40));
        } catch (AssertionError e) {
            process.kill();
            throw e;
        }
        if (!process.isAlive()) {
            String log = process.tail(200);
            process.kill();
            if (ManagedProcess.looksLikeBindFailure(log)) {
                throw new ManagedProcess.PortTakenException("port " + port + " taken: " + log);
            }
            throw new IllegalStateException("lag-monitor.sh " + process.describeExit() + ":\n" + log);
        }
        return new LagMonitorProcess(process, port);
    }

    int port() {
        return port;
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    }

    /** The JSON answer of a GET that must answer 200. */
    JsonNode json(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = get(path);
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** The {@code status} object of {@code /v3/kafka/local/consumer/GROUP/lag}. */
    JsonNode lag(String group) throws IOException, InterruptedException {
        return json("/v3/kafka/local/consumer/" + group + "/lag").get("status");
    }

    String consoleTail(int lines) {
        return process.tail(lines);
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(15));
    }
}
