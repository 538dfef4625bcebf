package io.sluice.lag;

import io.sluice.common.TopicPartition;
import io.sluice.common.Time;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The monitor: one {@link ClusterState} and one {@link OffsetsSource} per cluster, refreshed on a single scheduler
 * thread for all clusters and groups (no thread per group).
 *
 * <p>One refresh of a cluster: read all log-end offsets; list the groups and keep those the cluster's
 * include/exclude patterns select; read each group's committed offsets into its windows (and, for a group with
 * members, which member owns each partition); look up the record
 * timestamps wanted for time lag; forget expired groups; append one history sample per group. A failure leaves
 * what was stored before in place and is retried at the next refresh.
 */
public final class LagMonitor implements AutoCloseable {
    private static final Logger log = LogManager.getLogger(LagMonitor.class);

    private final Map<String, ClusterState> clusters = new LinkedHashMap<>();
    private final Map<String, OffsetsSource> sources = new LinkedHashMap<>();
    private final Time time;
    private ScheduledExecutorService scheduler;

    public LagMonitor(List<ClusterConfig> configs, Function<ClusterConfig, OffsetsSource> sourceFactory, Time time) {
        this.time = time;
        for (ClusterConfig config : configs) {
            if (clusters.containsKey(config.name())) {
                throw new IllegalArgumentException("Cluster " + config.name() + " is configured twice");
            }
            clusters.put(config.name(), new ClusterState(config));
            sources.put(config.name(), sourceFactory.apply(config));
        }
    }

    public Time time() {
        return time;
    }

    public List<String> clusterNames() {
        return List.copyOf(clusters.keySet());
    }

    public Optional<ClusterState> cluster(String name) {
        return Optional.ofNullable(clusters.get(name));
    }

    public Map<String, ClusterState> clusters() {
        return Collections.unmodifiableMap(clusters);
    }

    /** Starts refreshing every cluster at its own interval, on one thread. */
    public synchronized void start() {
        if (scheduler != null) {
            throw new IllegalStateException("Already started");
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lag-monitor-refresh");
            t.setDaemon(true);
            return t;
        });
        for (ClusterState state : clusters.values()) {
            long interval = state.config().offsetRefreshMs();
            scheduler.scheduleWithFixedDelay(() -> refreshQuietly(state.config().name()), 0, interval,
                TimeUnit.MILLISECONDS);
        }
    }

    private void refreshQuietly(String cluster) {
        try {
            refresh(cluster);
        } catch (IOException | RuntimeException e) {
            log.warn("Refreshing cluster {} failed (retrying at the next refresh): {}", cluster, e.toString());
        }
    }

    /** One refresh of {@code cluster}, on the calling thread (the scheduler's, or a test's). */
    public void refresh(String cluster) throws IOException {
        ClusterState state = clusters.get(cluster);
        OffsetsSource source = sources.get(cluster);
        if (state == null) {
            throw new IllegalArgumentException("Unknown cluster " + cluster);
        }
        state.updateEndOffsets(source.logEndOffsets());
        List<String> failed = new ArrayList<>();
        for (OffsetsSource.GroupListing group : source.listGroups()) {
            if (!state.config().monitors(group.groupId())) {
                continue;
            }
            try {
                Map<TopicPartition, Long> committed = source.committedOffsets(group.groupId());
                Map<TopicPartition, OffsetsSource.Owner> owners = Map.of();
                if (group.active()) {
                    try {
                        owners = source.owners(group.groupId());
                    } catch (IOException e) {
                        log.debug("Cluster {}: no owners for group {}: {}", cluster, group.groupId(), e.toString());
                    }
                }
                state.observeGroup(group.groupId(), committed, group.active(), owners, time.milliseconds());
            } catch (IOException e) {
                failed.add(group.groupId() + " (" + e.getMessage() + ")");
            }
        }
        if (!failed.isEmpty()) {
            log.warn("Cluster {}: could not read the committed offsets of {}", cluster, failed);
        }
        for (ClusterState.TimestampWanted wanted : state.timestampsWanted()) {
            try {
                OptionalLong ts = source.recordTimestamp(wanted.tp(), wanted.offset());
                if (ts.isPresent()) {
                    state.recordTimestamp(wanted.group(), wanted.tp(), wanted.offset(), ts.getAsLong());
                }
            } catch (IOException e) {
                log.debug("Cluster {}: no timestamp for {} at offset {}: {}", cluster, wanted.tp(), wanted.offset(),
                    e.toString());
            }
        }
        long now = time.milliseconds();
        List<String> expired = state.expireGroups(now);
        if (!expired.isEmpty()) {
            log.info("Cluster {}: forgot groups without a commit for {} ms: {}", cluster,
                state.config().groupExpiryMs(), expired);
        }
        state.sampleHistory(now);
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        sources.values().forEach(OffsetsSource::close);
    }
}
