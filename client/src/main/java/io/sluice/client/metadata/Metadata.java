package io.sluice.client.metadata;

import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.client.network.NetworkClient;
import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.common.Node;
import io.sluice.common.Uuid;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.MetadataRequest;
import io.sluice.protocol.message.MetadataResponse;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The client's cached view of the cluster: brokers, controller and the topics the client works with. Refreshed
 * when a caller asks ({@link #requestUpdate()}, after NOT_LEADER_OR_FOLLOWER and similar errors), when a topic
 * is first used, and on a timer once the snapshot is older than {@code metadata.max.age.ms}. Before the first
 * answer, requests go to the bootstrap addresses.
 *
 * <h2>Threads</h2>
 * Thread-safe: the snapshot is an immutable {@link Cluster} behind a volatile field.
 */
public final class Metadata implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(Metadata.class);

    private final NetworkClient network;
    private final List<Node> bootstrap;
    private final long maxAgeMs;
    private final long retryBackoffMs;
    private final Set<String> topics = ConcurrentHashMap.newKeySet();
    private volatile ScheduledFuture<?> timer;
    private volatile boolean closed;
    private volatile Cluster cluster = Cluster.EMPTY;
    private volatile long lastRefreshNs = System.nanoTime();
    private CompletableFuture<Cluster> inFlight;
    private volatile boolean autoCreateTopics;

    public Metadata(NetworkClient network, List<Node> bootstrap, long maxAgeMs, long retryBackoffMs) {
        this.network = Objects.requireNonNull(network, "network");
        if (bootstrap.isEmpty()) {
            throw new IllegalArgumentException("No bootstrap servers");
        }
        this.bootstrap = List.copyOf(bootstrap);
        this.maxAgeMs = maxAgeMs;
        this.retryBackoffMs = retryBackoffMs;
        long period = Math.max(100, Math.min(maxAgeMs, 60_000));
        this.timer = network.schedule(this::onTimer, period);
    }

    private void onTimer() {
        if (System.nanoTime() - lastRefreshNs >= TimeUnit.MILLISECONDS.toNanos(maxAgeMs)) {
            requestUpdate();
        }
        long period = Math.max(100, Math.min(maxAgeMs, 60_000));
        if (closed) {
            return;
        }
        try {
            timer = network.schedule(this::onTimer, period);
        } catch (RuntimeException closed) {
            LOG.trace("Metadata timer stopped", closed);
        }
    }

    /**
     * Whether Metadata requests for named topics ask the broker to create missing ones (its
     * {@code auto.create.topics.enable} decides), as Kafka's producer does. Off by default.
     */
    public void allowAutoTopicCreation(boolean allow) {
        this.autoCreateTopics = allow;
    }

    public Cluster cluster() {
        return cluster;
    }

    /** Adds topics to those refreshed; returns true if any was new. */
    public boolean addTopics(Collection<String> names) {
        return topics.addAll(names);
    }

    /** Brokers from the last metadata, or the bootstrap addresses before the first one. */
    public List<Node> nodes() {
        Cluster c = cluster;
        return c.nodes().isEmpty() ? bootstrap : new ArrayList<>(c.nodes().values());
    }

    /** A broker to send a request that any broker can answer. */
    public Node anyNode() {
        return network.leastLoadedNode(nodes());
    }

    /** Starts a refresh if none is running, without waiting for it. */
    public void requestUpdate() {
        refresh().exceptionally(e -> null);
    }

    /** Refreshes brokers and the tracked topics; concurrent calls share one request. */
    public synchronized CompletableFuture<Cluster> refresh() {
        if (inFlight != null && !inFlight.isDone()) {
            return inFlight;
        }
        List<String> wanted = List.copyOf(topics);
        CompletableFuture<Cluster> result = fetch(wanted).thenApply(response -> {
            Cluster fresh = Cluster.from(response);
            Cluster merged = cluster.withTopicsFrom(fresh, topics);
            cluster = merged;
            lastRefreshNs = System.nanoTime();
            return merged;
        });
        inFlight = result;
        return result;
    }

    /**
     * One Metadata request for {@code names} (null: all topics) to any broker, asking for auto-creation of missing
     * named topics only if {@link #allowAutoTopicCreation} is on. The broker and controller part of the answer also
     * updates the cache.
     */
    public CompletableFuture<MetadataResponse> fetch(List<String> names) {
        Node node = anyNode();
        CompletableFuture<MetadataResponse> response = network.send(node, ApiKey.METADATA,
            ApiKey.METADATA.latestVersion(), v -> request(names, v, names != null && autoCreateTopics));
        return response.thenApply(r -> {
            Cluster fresh = Cluster.from(r);
            if (!fresh.nodes().isEmpty()) {
                Cluster old = cluster;
                cluster = new Cluster(fresh.clusterId(), fresh.controllerId(), fresh.nodes(), old.topics());
            }
            return r;
        });
    }

    static MetadataRequest request(List<String> names, short version, boolean autoCreate) {
        List<MetadataRequest.Topic> topicList = names == null ? null
            : names.stream().map(n -> new MetadataRequest.Topic(Uuid.ZERO, n)).toList();
        if (topicList == null && version == 0) {
            throw new ApiException(Errors.UNSUPPORTED_VERSION, "Metadata v0 cannot ask for all topics");
        }
        return new MetadataRequest(topicList, autoCreate, false, false);
    }

    /**
     * Completes with the topic's metadata once it is known with partitions and without a retriable error,
     * refreshing every {@code retry.backoff.ms} meanwhile; fails with the topic's error if it is not retriable,
     * or with a TimeoutException-carrying ApiException after {@code timeoutMs}.
     */
    public CompletableFuture<TopicInfo> awaitTopic(String topic, long timeoutMs) {
        addTopics(List.of(topic));
        CompletableFuture<TopicInfo> result = new CompletableFuture<>();
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        TopicInfo known = cluster.topics().get(topic);
        if (known != null && known.error() == Errors.NONE && !known.partitions().isEmpty()) {
            result.complete(known);
            return result;
        }
        awaitTopic(topic, deadlineNs, result, timeoutMs);
        return result;
    }

    private void awaitTopic(String topic, long deadlineNs, CompletableFuture<TopicInfo> result, long timeoutMs) {
        refresh().whenComplete((c, e) -> {
            if (result.isDone()) {
                return;
            }
            TopicInfo t = c == null ? null : c.topics().get(topic);
            if (t != null && t.error() == Errors.NONE && !t.partitions().isEmpty()) {
                result.complete(t);
                return;
            }
            if (t != null && t.error() != Errors.NONE && !t.error().retriable()) {
                result.completeExceptionally(new ApiException(t.error(), "Metadata for topic " + topic + ": " + t.error()));
                return;
            }
            long leftNs = deadlineNs - System.nanoTime();
            if (leftNs <= 0) {
                Errors why = t != null ? t.error() : Errors.UNKNOWN_TOPIC_OR_PARTITION;
                result.completeExceptionally(new ApiException(Errors.REQUEST_TIMED_OUT, "Topic " + topic
                    + " not present in metadata after " + timeoutMs + " ms (last: " + (e != null ? e.getMessage() : why) + ")"));
                return;
            }
            try {
                network.schedule(() -> awaitTopic(topic, deadlineNs, result, timeoutMs),
                    Math.min(retryBackoffMs, TimeUnit.NANOSECONDS.toMillis(leftNs)));
            } catch (RuntimeException closed) {
                result.completeExceptionally(new ApiException(Errors.NETWORK_EXCEPTION, "Client closed", closed));
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        timer.cancel(false);
    }
}
