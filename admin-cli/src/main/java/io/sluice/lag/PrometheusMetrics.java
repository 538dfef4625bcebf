package io.sluice.lag;

import java.util.List;
import java.util.Map;

/**
 * The monitor's figures in the Prometheus text exposition format (version 0.0.4). Burrow's metric names where
 * Burrow has one (so its dashboards work), {@code sluice_lag_*} for the additions. Status values are Burrow's
 * numbers ({@link LagStatus#ordinal()}: NOTFOUND 0, OK 1, WARN 2, ERR 3, STOP 4, STALL 5, REWIND 6).
 */
public final class PrometheusMetrics {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String STATUSES = "0 NOTFOUND, 1 OK, 2 WARN, 3 ERR, 4 STOP, 5 STALL, 6 REWIND";

    private PrometheusMetrics() {
    }

    /** One gauge and its samples. */
    private static final class Gauge {
        final String name;
        final StringBuilder text = new StringBuilder();

        Gauge(String name, String help) {
            this.name = name;
            text.append("# HELP ").append(name).append(' ').append(help).append('\n');
            text.append("# TYPE ").append(name).append(" gauge\n");
        }

        void sample(String labels, Object value) {
            text.append(name).append(labels).append(' ').append(value).append('\n');
        }
    }

    public static String render(Map<String, ClusterState> clusters, long nowMs) {
        Gauge groupLag = new Gauge("burrow_kafka_consumer_lag_total", "Sum of the current lags of a group's partitions");
        Gauge groupStatus = new Gauge("burrow_kafka_consumer_status", "Group status: " + STATUSES);
        Gauge partLag = new Gauge("burrow_kafka_consumer_partition_lag", "Current lag of a group partition, in records");
        Gauge partOffset = new Gauge("burrow_kafka_consumer_current_offset", "Committed offset of a group partition");
        Gauge partStatus = new Gauge("sluice_lag_consumer_partition_status", "Partition status: " + STATUSES);
        Gauge partEnd = new Gauge("sluice_lag_consumer_partition_end_offset", "Log-end offset of a group partition");
        Gauge partTime = new Gauge("sluice_lag_consumer_partition_time_lag_seconds",
            "Age of the oldest unconsumed record of a group partition (0 when caught up)");
        Gauge topicOffset = new Gauge("burrow_kafka_topic_partition_offset", "Log-end offset of a topic partition");
        for (Map.Entry<String, ClusterState> c : clusters.entrySet()) {
            String cluster = c.getKey();
            for (GroupStatus g : c.getValue().statuses(nowMs).values()) {
                String groupLabels = labels("cluster", cluster, "consumer_group", g.group());
                groupLag.sample(groupLabels, g.totallag());
                groupStatus.sample(groupLabels, g.status().ordinal());
                for (PartitionStatus p : g.partitions()) {
                    String l = labels("cluster", cluster, "consumer_group", g.group(), "topic", p.topic(),
                        "partition", Integer.toString(p.partition()));
                    partLag.sample(l, p.currentLag());
                    partStatus.sample(l, p.status().ordinal());
                    if (p.end() != null) {
                        partOffset.sample(l, p.end().offset());
                    }
                    if (p.endOffset() >= 0) {
                        partEnd.sample(l, p.endOffset());
                    }
                    if (p.timeLagMs() != null) {
                        partTime.sample(l, p.timeLagMs() / 1000.0);
                    }
                }
            }
            c.getValue().endOffsets().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                topicOffset.sample(labels("cluster", cluster, "topic", e.getKey().topic(), "partition",
                    Integer.toString(e.getKey().partition())), e.getValue()));
        }
        StringBuilder out = new StringBuilder();
        for (Gauge g : List.of(groupLag, groupStatus, partLag, partOffset, partStatus, partEnd, partTime, topicOffset)) {
            out.append(g.text);
        }
        return out.toString();
    }

    private static String labels(String... kv) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < kv.length; i += 2) {
            if (i > 0) {
                b.append(',');
            }
            b.append(kv[i]).append("=\"").append(escape(kv[i + 1])).append('"');
        }
        return b.append('}').toString();
    }

    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
