package io.sluice.core.replication;

import io.sluice.common.Time;
import io.sluice.core.log.TopicPartition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The follower side of replication: which {@link ReplicaFetcherThread} fetches which partition. One fetcher per
 * (source broker, fetcher id), the fetcher id being the partition's hash modulo {@code num.replica.fetchers}
 * (1 by default, so one thread per source broker). A partition is fetched by at most one thread; when its leader
 * changes it moves to the new leader's fetcher, and a fetcher left without partitions is shut down.
 *
 * <p>Thread-safety: methods are synchronized; they are called from the metadata thread and at shutdown.
 */
public final class ReplicaFetcherManager implements AutoCloseable {
    private static final Logger log = LogManager.getLogger(ReplicaFetcherManager.class);

    /** A fetcher's identity. */
    public record FetcherKey(int leaderId, int fetcherId) {
    }

    private final int localBrokerId;
    private final ReplicationConfig config;
    private final IntFunction<LeaderEndpoint> endpoints;
    private final Function<TopicPartition, Partition> partitions;
    private final Time time;
    private final boolean startThreads;
    private final Map<FetcherKey, ReplicaFetcherThread> fetchers = new HashMap<>();
    private final Map<TopicPartition, FetcherKey> assignment = new HashMap<>();
    private boolean closed;

    /**
     * @param endpoints    a new endpoint for a leader broker id (one per fetcher thread)
     * @param startThreads false in tests that drive {@link ReplicaFetcherThread#doWork()} themselves
     */
    public ReplicaFetcherManager(int localBrokerId, ReplicationConfig config, IntFunction<LeaderEndpoint> endpoints,
                                 Function<TopicPartition, Partition> partitions, Time time, boolean startThreads) {
        this.localBrokerId = localBrokerId;
        this.config = config;
        this.endpoints = endpoints;
        this.partitions = partitions;
        this.time = time;
        this.startThreads = startThreads;
    }

    private FetcherKey keyFor(int leaderId, TopicPartition tp) {
        return new FetcherKey(leaderId, Math.floorMod(31 * tp.topic().hashCode() + tp.partition(), config.numReplicaFetchers()));
    }

    /** Fetches {@code tp} from {@code leaderId} at {@code leaderEpoch} (moving it off any other fetcher). */
    public synchronized void addPartition(TopicPartition tp, int leaderId, int leaderEpoch) {
        if (closed) {
            return;
        }
        FetcherKey key = keyFor(leaderId, tp);
        FetcherKey previous = assignment.get(tp);
        if (previous != null && !previous.equals(key)) {
            removePartitions(List.of(tp));
        }
        ReplicaFetcherThread fetcher = fetchers.computeIfAbsent(key, k -> {
            String name = "replica-fetcher-" + k.leaderId() + (config.numReplicaFetchers() > 1 ? "-" + k.fetcherId() : "");
            ReplicaFetcherThread t = new ReplicaFetcherThread(name, k.leaderId(), localBrokerId, config,
                endpoints.apply(k.leaderId()), partitions, time);
            if (startThreads) {
                t.start();
            }
            return t;
        });
        fetcher.addPartitions(Map.of(tp, leaderEpoch));
        assignment.put(tp, key);
    }

    /**
     * Stops fetching these partitions. Returns once no fetcher applies data to them any more, so the caller may
     * make them leader.
     */
    public synchronized void removePartitions(Collection<TopicPartition> tps) {
        List<FetcherKey> touched = new ArrayList<>();
        for (TopicPartition tp : tps) {
            FetcherKey key = assignment.remove(tp);
            if (key != null) {
                ReplicaFetcherThread fetcher = fetchers.get(key);
                if (fetcher != null) {
                    fetcher.removePartitions(List.of(tp));
                    touched.add(key);
                }
            }
        }
        for (FetcherKey key : touched) {
            ReplicaFetcherThread fetcher = fetchers.get(key);
            if (fetcher != null && fetcher.partitionCount() == 0) {
                // Not joined: it may be connecting to a dead leader; it has no partitions to touch any more.
                fetchers.remove(key);
                fetcher.initiateShutdown();
            }
        }
    }

    /** The leader a partition is fetched from, if any. */
    public synchronized Optional<Integer> sourceOf(TopicPartition tp) {
        return Optional.ofNullable(assignment.get(tp)).map(FetcherKey::leaderId);
    }

    /** The fetcher replicating from {@code leaderId} (fetcher id 0). */
    public synchronized Optional<ReplicaFetcherThread> fetcher(int leaderId) {
        return fetchers.entrySet().stream().filter(e -> e.getKey().leaderId() == leaderId).map(Map.Entry::getValue)
            .findFirst();
    }

    public synchronized List<ReplicaFetcherThread> fetchers() {
        return List.copyOf(fetchers.values());
    }

    @Override
    public void close() {
        List<ReplicaFetcherThread> all;
        synchronized (this) {
            closed = true;
            all = List.copyOf(fetchers.values());
            fetchers.clear();
            assignment.clear();
        }
        for (ReplicaFetcherThread t : all) {
            try {
                t.shutdown();
            } catch (RuntimeException e) {
                log.warn("Stopping {} failed: {}", t.name(), e.toString());
            }
        }
    }
}
