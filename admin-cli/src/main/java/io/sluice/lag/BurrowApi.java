package io.sluice.lag;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The monitor's HTTP API, independent of the server that carries it: Burrow's v3 endpoints with Burrow's envelope
 * ({@code error}, {@code message}, the payload, {@code request: {url, host}}) and field names, plus {@code /metrics}
 * (Prometheus), the web page ({@code /}), and one addition, {@code /v3/kafka/:cluster/consumer/:group/history}.
 *
 * <p>Unknown paths answer 404 {@code "invalid request type"}; unknown clusters, topics and groups 404 with the
 * error envelope; undecodable paths 400; a method a path does not take 405; {@code DELETE} of a group 403 unless
 * enabled.
 */
public final class BurrowApi {
    /** One HTTP answer. */
    public record Reply(int status, String contentType, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static final String JSON = "application/json";
    private static final String PAGE_RESOURCE = "/io/sluice/lag/web/index.html";

    private final LagMonitor monitor;
    private final boolean deleteEnabled;
    private final String host;
    private final ObjectMapper mapper = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    private final byte[] page;

    public BurrowApi(LagMonitor monitor, boolean deleteEnabled, String host) {
        this.monitor = monitor;
        this.deleteEnabled = deleteEnabled;
        this.host = host;
        try (InputStream in = BurrowApi.class.getResourceAsStream(PAGE_RESOURCE)) {
            page = in == null ? "<html><body>page missing</body></html>".getBytes(StandardCharsets.UTF_8)
                : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Answers {@code method} on {@code uri} (path and optional query, as in the request line). */
    public Reply handle(String method, String uri) {
        String rawPath = uri;
        int q = rawPath.indexOf('?');
        if (q >= 0) {
            rawPath = rawPath.substring(0, q);
        }
        if (!rawPath.startsWith("/")) {
            return error(400, "malformed request path", uri);
        }
        List<String> segments = new ArrayList<>();
        String trimmed = rawPath.length() > 1 && rawPath.endsWith("/") ? rawPath.substring(0, rawPath.length() - 1)
            : rawPath;
        if (!trimmed.equals("/")) {
            for (String raw : trimmed.substring(1).split("/", -1)) {
                if (raw.isEmpty()) {
                    return error(400, "malformed request path (empty segment)", uri);
                }
                try {
                    segments.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    return error(400, "malformed request path: " + e.getMessage(), uri);
                }
            }
        }
        try {
            return route(method, segments, uri);
        } catch (JsonProcessingException e) {
            return error(500, "could not encode the answer: " + e.getMessage(), uri);
        }
    }

    private Reply route(String method, List<String> s, String uri) throws JsonProcessingException {
        int n = s.size();
        boolean get = method.equals("GET") || method.equals("HEAD");
        if (n == 0 || (n == 1 && s.get(0).equals("index.html"))) {
            return get ? new Reply(200, "text/html; charset=utf-8", page) : notAllowed(uri);
        }
        if (n == 2 && s.get(0).equals("burrow") && s.get(1).equals("admin")) {
            return get ? new Reply(200, "text/plain; charset=utf-8", "GOOD".getBytes(StandardCharsets.UTF_8))
                : notAllowed(uri);
        }
        if (n == 1 && s.get(0).equals("metrics")) {
            return get ? new Reply(200, PrometheusMetrics.CONTENT_TYPE, PrometheusMetrics.render(monitor.clusters(),
                monitor.time().milliseconds()).getBytes(StandardCharsets.UTF_8)) : notAllowed(uri);
        }
        if (n < 2 || !s.get(0).equals("v3") || !s.get(1).equals("kafka") || n > 6) {
            return invalidRequest(uri);
        }
        if (n == 2) {
            return get ? ok("cluster list returned", "clusters", monitor.clusterNames(), uri) : notAllowed(uri);
        }
        Optional<ClusterState> found = monitor.cluster(s.get(2));
        if (n == 3) {
            if (!get) {
                return notAllowed(uri);
            }
            return found.isEmpty() ? error(404, "cluster not found", uri)
                : ok("cluster module detail returned", "module", module(found.get().config()), uri);
        }
        String kind = s.get(3);
        if (!kind.equals("topic") && !kind.equals("consumer")) {
            return invalidRequest(uri);
        }
        if (kind.equals("topic")) {
            return topic(method, s, uri, found);
        }
        return consumer(method, s, uri, found);
    }

    private Reply topic(String method, List<String> s, String uri, Optional<ClusterState> cluster)
        throws JsonProcessingException {
        int n = s.size();
        if (n == 6 && !s.get(5).equals("consumers")) {
            return invalidRequest(uri);
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return notAllowed(uri);
        }
        if (cluster.isEmpty()) {
            return error(404, n == 4 ? "cluster not found" : "cluster or topic not found", uri);
        }
        if (n == 4) {
            return ok("topic list returned", "topics", cluster.get().topics(), uri);
        }
        Optional<List<Long>> offsets = cluster.get().topicOffsets(s.get(4));
        if (offsets.isEmpty()) {
            return error(404, "cluster or topic not found", uri);
        }
        if (n == 5) {
            return ok("topic offsets returned", "offsets", offsets.get(), uri);
        }
        return ok("consumers of topic returned", "consumers", cluster.get().consumersOf(s.get(4)), uri);
    }

    private Reply consumer(String method, List<String> s, String uri, Optional<ClusterState> cluster)
        throws JsonProcessingException {
        int n = s.size();
        String sub = n == 6 ? s.get(5) : "";
        if (n == 6 && !sub.equals("status") && !sub.equals("lag") && !sub.equals("history")) {
            return invalidRequest(uri);
        }
        boolean get = method.equals("GET") || method.equals("HEAD");
        boolean delete = method.equals("DELETE") && n == 5;
        if (!get && !delete) {
            return notAllowed(uri);
        }
        if (cluster.isEmpty()) {
            return error(404, n == 4 ? "cluster not found" : "cluster or consumer not found", uri);
        }
        ClusterState state = cluster.get();
        if (n == 4) {
            return ok("consumer list returned", "consumers", state.groups(), uri);
        }
        String group = s.get(4);
        if (delete) {
            if (!deleteEnabled) {
                return error(403, "removing consumer groups is disabled (set http.delete.enabled=true)", uri);
            }
            return state.removeGroup(group) ? ok("consumer group removed", null, null, uri)
                : error(404, "cluster or consumer not found", uri);
        }
        long now = monitor.time().milliseconds();
        switch (sub) {
            case "" -> {
                return state.detail(group).map(d -> okUnchecked("consumer detail returned", "topics", d, uri))
                    .orElseGet(() -> error(404, "cluster or consumer not found", uri));
            }
            case "history" -> {
                return state.history(group).map(h -> okUnchecked("consumer lag history returned", "history", h, uri))
                    .orElseGet(() -> error(404, "cluster or consumer not found", uri));
            }
            default -> {
                Optional<GroupStatus> status = state.status(group, now);
                if (status.isEmpty()) {
                    return error(404, "cluster or consumer not found", uri);
                }
                GroupStatus shown = sub.equals("status") ? status.get().onlyNotOk() : status.get();
                return ok("consumer status returned", "status", shown, uri);
            }
        }
    }

    private static Map<String, Object> module(ClusterConfig config) {
        Map<String, Object> clientProfile = new LinkedHashMap<>();
        clientProfile.put("name", "default");
        clientProfile.put("client-id", AdminOffsetsSource.CLIENT_ID);
        clientProfile.put("kafka-version", "");
        clientProfile.put("tls", null);
        clientProfile.put("sasl", null);
        Map<String, Object> module = new LinkedHashMap<>();
        module.put("class-name", "kafka");
        module.put("servers", config.bootstrapServers());
        module.put("client-profile", clientProfile);
        module.put("topic-refresh", config.offsetRefreshMs() / 1000.0);
        module.put("offset-refresh", config.offsetRefreshMs() / 1000.0);
        module.put("window-size", config.windowSize());
        module.put("group-include", config.groupInclude().pattern());
        module.put("group-exclude", config.groupExclude() == null ? null : config.groupExclude().pattern());
        module.put("group-expiry", config.groupExpiryMs() / 1000.0);
        return module;
    }

    private Map<String, String> request(String uri) {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("url", uri);
        r.put("host", host);
        return r;
    }

    private Reply ok(String message, String key, Object payload, String uri) throws JsonProcessingException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", false);
        body.put("message", message);
        if (key != null) {
            body.put(key, payload);
        }
        body.put("request", request(uri));
        return new Reply(200, JSON, mapper.writeValueAsBytes(body));
    }

    private Reply okUnchecked(String message, String key, Object payload, String uri) {
        try {
            return ok(message, key, payload, uri);
        } catch (JsonProcessingException e) {
            return error(500, "could not encode the answer: " + e.getMessage(), uri);
        }
    }

    /** Burrow's answer for a path it has no route for. */
    private Reply invalidRequest(String uri) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", true);
        body.put("message", "invalid request type");
        body.put("result", Map.of());
        body.put("request", request(uri));
        return json(404, body);
    }

    private Reply notAllowed(String uri) {
        return error(405, "method not allowed", uri);
    }

    Reply error(int status, String message, String uri) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", true);
        body.put("message", message);
        body.put("request", request(uri));
        return json(status, body);
    }

    private Reply json(int status, Map<String, Object> body) {
        try {
            return new Reply(status, JSON, mapper.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
