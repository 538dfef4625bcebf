package io.sluice.core.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Summary;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The broker's metrics registry and its {@code /metrics} endpoint. Counters and latency summaries are updated
 * by the components as things happen ({@link BrokerStats}, {@link #requestCompleted}); gauges are read from
 * {@link Sources} at each scrape, so they cost nothing between scrapes. Thread-safe.
 *
 * <p>Names follow the Prometheus JMX exporter's rendering of Kafka's MBeans (for example
 * {@code kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec,topic=T} becomes
 * {@code kafka_server_brokertopicmetrics_bytes_in_total{topic="T"}}), with base units (seconds, bytes).
 */
public final class BrokerMetrics implements BrokerStats, AutoCloseable {
    /** One partition's log, as the per-partition gauges show it. */
    public record LogStat(String topic, int partition, long sizeBytes, long logEndOffset) {
    }

    /** What the gauges read at each scrape. Each supplier must be thread-safe and must not block for long. */
    public record Sources(IntSupplier underReplicatedPartitions, IntSupplier offlinePartitions,
                         IntSupplier activeController, IntSupplier partitionCount, IntSupplier leaderCount,
                         IntSupplier groupCount, Supplier<Map<String, Integer>> purgatorySizes,
                         Supplier<List<LogStat>> logs) {
    }

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter bytesIn;
    private final Counter bytesOut;
    private final Counter messagesIn;
    private final Counter requests;
    private final Summary requestTime;
    private final Counter isrShrinks;
    private final Counter isrExpands;
    private final Counter zkExpires;
    private final Counter zkDisconnects;
    private final AtomicReference<String> zkState = new AtomicReference<>("CONNECTED");
    private volatile HTTPServer server;

    public BrokerMetrics(Sources sources) {
        bytesIn = Counter.builder().name("kafka_server_brokertopicmetrics_bytes_in")
            .help("Bytes appended by producers, per topic").labelNames("topic").register(registry);
        bytesOut = Counter.builder().name("kafka_server_brokertopicmetrics_bytes_out")
            .help("Bytes sent to consumers by fetches, per topic").labelNames("topic").register(registry);
        messagesIn = Counter.builder().name("kafka_server_brokertopicmetrics_messages_in")
            .help("Records appended by producers, per topic").labelNames("topic").register(registry);
        requests = Counter.builder().name("kafka_network_requestmetrics_requests")
            .help("Requests answered, per API").labelNames("request").register(registry);
        requestTime = Summary.builder().name("kafka_network_requestmetrics_total_time_seconds")
            .help("Time from a request's arrival to its response, per API (quantiles over the last minute)")
            .labelNames("request")
            .quantile(0.5, 0.01).quantile(0.95, 0.005).quantile(0.99, 0.001).quantile(0.999, 0.0001)
            .maxAgeSeconds(60).numberOfAgeBuckets(6)
            .register(registry);
        isrShrinks = Counter.builder().name("kafka_server_replicamanager_isr_shrinks")
            .help("ISR changes that removed members, made by this broker as leader").register(registry);
        isrExpands = Counter.builder().name("kafka_server_replicamanager_isr_expands")
            .help("ISR changes that added members, made by this broker as leader").register(registry);
        zkExpires = Counter.builder().name("kafka_server_sessionexpirelistener_zookeeper_expires")
            .help("ZooKeeper sessions of this broker that expired").register(registry);
        zkDisconnects = Counter.builder().name("kafka_server_sessionexpirelistener_zookeeper_disconnects")
            .help("Times this broker's ZooKeeper connection was suspended").register(registry);
        GaugeWithCallback.builder().name("kafka_server_sessionexpirelistener_session_state")
            .help("1 for the current ZooKeeper connection state of this broker").labelNames("state")
            .callback(cb -> cb.call(1, zkState.get())).register(registry);

        gauge("kafka_server_replicamanager_under_replicated_partitions",
            "Partitions led here whose ISR is smaller than their replica set", sources.underReplicatedPartitions());
        gauge("kafka_controller_kafkacontroller_offline_partitions_count",
            "Partitions without a live leader (reported by the active controller; 0 elsewhere)",
            sources.offlinePartitions());
        gauge("kafka_controller_kafkacontroller_active_controller_count",
            "1 if this broker is the active controller", sources.activeController());
        gauge("kafka_server_replicamanager_partition_count", "Partitions hosted here", sources.partitionCount());
        gauge("kafka_server_replicamanager_leader_count", "Partitions led here", sources.leaderCount());
        gauge("kafka_coordinator_group_groupmetadatamanager_num_groups",
            "Consumer groups coordinated by this broker", sources.groupCount());
        GaugeWithCallback.builder().name("kafka_server_delayedoperationpurgatory_purgatory_size")
            .help("Operations waiting in a purgatory").labelNames("delayed_operation")
            .callback(cb -> sources.purgatorySizes().get().forEach((name, size) -> cb.call(size, name)))
            .register(registry);
        GaugeWithCallback.builder().name("kafka_log_log_size_bytes")
            .help("Bytes in a partition's log on this broker").labelNames("topic", "partition")
            .callback(cb -> sources.logs().get().forEach(l -> cb.call(l.sizeBytes(), l.topic(),
                Integer.toString(l.partition()))))
            .register(registry);
        GaugeWithCallback.builder().name("kafka_log_log_log_end_offset")
            .help("End offset of a partition's log on this broker").labelNames("topic", "partition")
            .callback(cb -> sources.logs().get().forEach(l -> cb.call(l.logEndOffset(), l.topic(),
                Integer.toString(l.partition()))))
            .register(registry);
    }

    private void gauge(String name, String help, IntSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsInt())).register(registry);
    }

    @Override
    public void produced(String topic, long bytes, long records) {
        bytesIn.labelValues(topic).inc(bytes);
        messagesIn.labelValues(topic).inc(records);
    }

    @Override
    public void fetchedByConsumer(String topic, long bytes) {
        bytesOut.labelValues(topic).inc(bytes);
    }

    @Override
    public void isrChanged(boolean shrink) {
        (shrink ? isrShrinks : isrExpands).inc();
    }

    /** A request of {@code api} (Kafka's request name, e.g. Produce) answered {@code nanos} after it arrived. */
    public void requestCompleted(String api, long nanos) {
        requests.labelValues(api).inc();
        requestTime.labelValues(api).observe(nanos / 1e9);
    }

    /** The ZooKeeper connection changed state (Curator's names: CONNECTED, SUSPENDED, RECONNECTED, LOST, READ_ONLY). */
    public void zooKeeperStateChanged(String state) {
        switch (state) {
            case "SUSPENDED" -> zkDisconnects.inc();
            case "LOST" -> zkExpires.inc();
            default -> { }
        }
        zkState.set(state.equals("RECONNECTED") ? "CONNECTED" : state);
    }

    /** The current figures in the Prometheus text format (what {@code /metrics} serves). */
    public String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new PrometheusTextFormatWriter(false).write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Serves {@code /metrics} on {@code port} (0: any free port) on every interface.
     *
     * @return the bound port
     * @throws IOException if the port cannot be bound
     */
    public int serve(int port) throws IOException {
        HTTPServer started = HTTPServer.builder().port(port).registry(registry).buildAndStart();
        server = started;
        return started.getPort();
    }

    @Override
    public void close() {
        HTTPServer s = server;
        if (s != null) {
            s.close();
        }
    }
}
