package io.sluice.coordinator.metadata;

import io.sluice.common.Uuid;
import io.sluice.coordinator.zk.ZkPaths;
import java.io.Closeable;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Keeps a {@link ClusterImage} current from ZooKeeper watches, on every broker.
 *
 * <p>How: one Curator {@link CuratorCache} (a persistent recursive watch plus an in-memory copy) per subtree
 * that matters: {@code /cluster/id}, {@code /brokers/ids}, {@code /brokers/topics} (assignments and every
 * partition state), {@code /config/topics}, {@code /admin/delete_topics} (markers and the brokers' deletion
 * confirmations), {@code /controller}, {@code /controller_epoch}, {@code /admin/controlled_shutdown} and
 * {@code /admin/elect_leaders}. There is no polling. A cache event only sets a flag and, if no rebuild is queued,
 * queues one on the watcher's own thread; a burst of events therefore coalesces into one rebuild. The rebuild
 * reads the caches' memory (no ZooKeeper I/O), builds a new immutable image, publishes it through a volatile
 * field and, if it differs from the previous one, hands it to each listener on that same thread.
 *
 * <p>What it does not promise: CuratorCache may merge or miss intermediate states (for example across a
 * connection loss), so listeners see a sequence of consistent-per-znode snapshots, not every change; and a
 * change of several znodes in one transaction (a topic's assignment and config) can show up across two
 * images. Anyone acting on the image must write conditionally on the znode versions it carries.
 *
 * <p>A znode that cannot be decoded is left out of the image (its topic or broker is absent) and logged once
 * per version at WARN with its path.
 *
 * <p>Cost: a rebuild is linear in the number of cached znodes. Fine for thousands of partitions; incremental
 * deltas are the next step if profiles show it.
 *
 * <p>Thread-safety: {@link #current()} and listener registration are safe from any thread; listeners run only on
 * the thread named {@code metadata-watcher}, one image at a time, in order, and never inside a Curator callback.
 */
public final class MetadataWatcher implements Closeable {
    private static final Logger log = LogManager.getLogger(MetadataWatcher.class);
    private static final List<String> ROOTS = List.of(ZkPaths.CLUSTER_ID, ZkPaths.BROKER_IDS, ZkPaths.BROKER_TOPICS,
        ZkPaths.CONFIG_TOPICS, ZkPaths.ADMIN_DELETE_TOPICS, ZkPaths.CONTROLLER, ZkPaths.CONTROLLER_EPOCH,
        ZkPaths.ADMIN_CONTROLLED_SHUTDOWN, ZkPaths.ADMIN_ELECT_LEADERS);

    private final Map<String, CuratorCache> caches = new LinkedHashMap<>();
    private final ExecutorService thread;
    private final CountDownLatch cachesInitialized = new CountDownLatch(ROOTS.size());
    private final CountDownLatch firstImage = new CountDownLatch(1);
    private final AtomicBoolean rebuildQueued = new AtomicBoolean();
    private final AtomicBoolean started = new AtomicBoolean();
    private final CopyOnWriteArrayList<ListenerSlot> listeners = new CopyOnWriteArrayList<>();
    private final Set<String> warnedAbout = new HashSet<>();    // watcher thread only
    private volatile ClusterImage current = ClusterImage.EMPTY;
    private volatile boolean closed;

    public MetadataWatcher(CuratorFramework zk) {
        Objects.requireNonNull(zk, "zk");
        for (String root : ROOTS) {
            caches.put(root, CuratorCache.build(zk, root));
        }
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "metadata-watcher");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the watches. Returns at once; see {@link #awaitInitialized}. */
    public void start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("MetadataWatcher already started");
        }
        caches.forEach((root, cache) -> {
            cache.listenable().addListener(CuratorCacheListener.builder()
                .forAll((type, oldData, data) -> queueRebuild())
                .forInitialized(() -> {
                    log.debug("Cache of {} initialized", root);
                    cachesInitialized.countDown();
                    queueRebuild();
                })
                .build());
            cache.start();
        });
    }

    /** Waits until every cache has loaded and the first image is published. */
    public boolean awaitInitialized(long timeout, TimeUnit unit) throws InterruptedException {
        return firstImage.await(timeout, unit);
    }

    /** The latest image: immutable, never null ({@link ClusterImage#EMPTY} before the first load). */
    public ClusterImage current() {
        return current;
    }

    /**
     * Calls {@code listener} with every new image, on the watcher thread; if the first image is already built,
     * it is delivered first (also on the watcher thread). A listener that throws is logged and kept.
     *
     * @return closing it unregisters the listener
     */
    public ListenerRegistration addListener(Consumer<ClusterImage> listener) {
        ListenerSlot slot = new ListenerSlot(Objects.requireNonNull(listener, "listener"));
        listeners.add(slot);
        execute(() -> {
            if (firstImage.getCount() == 0) {
                slot.deliver(current);
            }
        });
        return () -> listeners.remove(slot);
    }

    /** Handle returned by {@link #addListener}; closing it stops further calls (one in progress may finish). */
    @FunctionalInterface
    public interface ListenerRegistration extends AutoCloseable {
        @Override
        void close();
    }

    @Override
    public void close() {
        closed = true;
        caches.values().forEach(CuratorCache::close);
        thread.shutdown();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("metadata-watcher thread did not stop within 5 s");
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.shutdownNow();
        }
    }

    // ---- watcher thread --------------------------------------------------------------------------------------

    private void queueRebuild() {
        if (rebuildQueued.compareAndSet(false, true)) {
            execute(this::rebuild);
        }
    }

    private void execute(Runnable task) {
        if (closed) {
            return;
        }
        try {
            thread.execute(task);
        } catch (RejectedExecutionException e) {
            log.debug("Metadata watcher is closed; dropping a task");
        }
    }

    private void rebuild() {
        rebuildQueued.set(false);      // events from now on queue another rebuild
        if (closed || cachesInitialized.getCount() > 0) {
            return;                    // never publish a half-loaded image
        }
        ClusterImage next;
        try {
            next = build();
        } catch (RuntimeException e) {
            log.error("Could not rebuild the metadata image; keeping the previous one", e);
            return;
        }
        boolean changed = !next.equals(current);
        if (changed) {
            current = next;
        }
        if (firstImage.getCount() > 0) {
            firstImage.countDown();
            changed = true;
        }
        if (changed) {
            log.debug("New metadata image: {} brokers, {} topics, controller {}",
                next.brokers().size(), next.topics().size(), next.controllerId());
            for (ListenerSlot slot : listeners) {
                slot.deliver(next);
            }
        }
    }

    private ClusterImage build() {
        Optional<String> clusterId = node(ZkPaths.CLUSTER_ID, ZkPaths.CLUSTER_ID)
            .flatMap(d -> decode(d, () -> ZkJson.decodeClusterId(d.getData())));

        Map<Integer, BrokerInfo> brokers = new TreeMap<>();
        cache(ZkPaths.BROKER_IDS).stream().forEach(d -> {
            List<String> s = ZkPaths.segments(d.getPath());
            if (s.size() == 3) {
                Integer id = parseInt(s.get(2));
                if (id == null) {
                    warnOnce(d, "is not a broker id");
                } else {
                    decode(d, () -> ZkJson.decodeBrokerRegistration(id, d.getData(), d.getStat().getCzxid()))
                        .ifPresent(b -> brokers.put(id, b));
                }
            }
        });

        Map<String, ChildData> assignments = new TreeMap<>();
        Map<String, Map<Integer, PartitionState>> states = new HashMap<>();
        cache(ZkPaths.BROKER_TOPICS).stream().forEach(d -> {
            List<String> s = ZkPaths.segments(d.getPath());      // brokers/topics/<t>[/partitions/<p>/state]
            if (s.size() == 3) {
                assignments.put(s.get(2), d);
            } else if (s.size() == 6 && s.get(3).equals("partitions") && s.get(5).equals("state")) {
                Integer partition = parseInt(s.get(4));
                if (partition != null) {
                    decode(d, () -> ZkJson.decodePartitionState(d.getPath(), d.getData(), d.getStat().getVersion()))
                        .ifPresent(st -> states.computeIfAbsent(s.get(2), t -> new HashMap<>()).put(partition, st));
                }
            }
        });

        Map<String, Map<String, String>> configs = new HashMap<>();
        cache(ZkPaths.CONFIG_TOPICS).stream().forEach(d -> {
            List<String> s = ZkPaths.segments(d.getPath());
            if (s.size() == 3) {
                decode(d, () -> ZkJson.decodeTopicConfig(d.getPath(), d.getData())).ifPresent(c -> configs.put(s.get(2), c));
            }
        });

        Set<String> pendingDeletion = new HashSet<>();
        Map<String, Map<Integer, Uuid>> confirmations = new HashMap<>();
        cache(ZkPaths.ADMIN_DELETE_TOPICS).stream().forEach(d -> {
            List<String> s = ZkPaths.segments(d.getPath());      // admin/delete_topics/<t>[/<brokerId>]
            if (s.size() == 3) {
                pendingDeletion.add(s.get(2));
            } else if (s.size() == 4) {
                Integer broker = parseInt(s.get(3));
                if (broker == null) {
                    warnOnce(d, "is not a broker id");
                } else {
                    decode(d, () -> ZkJson.decodeTopicIdRecord(d.getPath(), d.getData()))
                        .ifPresent(id -> confirmations.computeIfAbsent(s.get(2), t -> new HashMap<>()).put(broker, id));
                }
            }
        });
        confirmations.keySet().retainAll(pendingDeletion);

        Set<Integer> shuttingDown = new HashSet<>();
        cache(ZkPaths.ADMIN_CONTROLLED_SHUTDOWN).stream().forEach(d -> {
            List<String> s = ZkPaths.segments(d.getPath());
            if (s.size() == 3) {
                Integer broker = parseInt(s.get(2));
                if (broker == null) {
                    warnOnce(d, "is not a broker id");
                } else {
                    shuttingDown.add(broker);
                }
            }
        });

        Map<String, LeaderElectionRequest> elections = new TreeMap<>();
        cache(ZkPaths.ADMIN_ELECT_LEADERS).stream().forEach(d -> {
            List<String> s = ZkPaths.segments(d.getPath());
            if (s.size() == 3) {
                decode(d, () -> ZkJson.decodeLeaderElectionRequest(s.get(2), d.getData(), d.getStat().getVersion()))
                    .ifPresent(r -> elections.put(r.name(), r));
            }
        });

        Map<String, TopicImage> topics = new TreeMap<>();
        assignments.forEach((topic, d) -> decode(d, () -> ZkJson.decodeTopicAssignment(topic, d.getData()))
            .ifPresent(a -> topics.put(topic, topicImage(a, d.getStat().getVersion(),
                states.getOrDefault(topic, Map.of()), configs.getOrDefault(topic, Map.of())))));

        int controllerId = node(ZkPaths.CONTROLLER, ZkPaths.CONTROLLER)
            .flatMap(d -> decode(d, () -> ZkJson.decodeControllerId(d.getData())))
            .orElse(ClusterImage.NO_CONTROLLER);
        int controllerEpoch = node(ZkPaths.CONTROLLER_EPOCH, ZkPaths.CONTROLLER_EPOCH)
            .flatMap(d -> decode(d, () -> ZkJson.decodeControllerEpoch(d.getData())))
            .orElse(0);
        return new ClusterImage(clusterId, brokers, controllerId, controllerEpoch, topics, pendingDeletion, shuttingDown,
            confirmations, elections);
    }

    private static TopicImage topicImage(TopicAssignment assignment, int zkVersion, Map<Integer, PartitionState> states,
                                         Map<String, String> configs) {
        Map<Integer, PartitionImage> partitions = new TreeMap<>();
        assignment.replicas().forEach((p, replicas) -> partitions.put(p, new PartitionImage(replicas,
            assignment.addingReplicas(p), assignment.removingReplicas(p), Optional.ofNullable(states.get(p)))));
        Uuid id = assignment.topicId();
        return new TopicImage(assignment.topic(), id, partitions, configs, zkVersion);
    }

    private CuratorCache cache(String root) {
        return caches.get(root);
    }

    private Optional<ChildData> node(String root, String path) {
        return cache(root).get(path);
    }

    private <T> Optional<T> decode(ChildData d, java.util.function.Supplier<T> decoder) {
        try {
            return Optional.of(decoder.get());
        } catch (ZkDataException | IllegalArgumentException e) {
            warnOnce(d, e.getMessage());
            return Optional.empty();
        }
    }

    private void warnOnce(ChildData d, String what) {
        String key = d.getPath() + "@" + (d.getStat() == null ? 0 : d.getStat().getMzxid());
        if (warnedAbout.add(key)) {
            log.warn("Ignoring znode {}: {}", d.getPath(), what);
        }
    }

    private static Integer parseInt(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A listener and the last image it saw (watcher thread only), so no image is delivered to it twice. */
    private static final class ListenerSlot {
        private final Consumer<ClusterImage> listener;
        private ClusterImage lastDelivered;

        ListenerSlot(Consumer<ClusterImage> listener) {
            this.listener = listener;
        }

        void deliver(ClusterImage image) {
            if (image == lastDelivered) {
                return;
            }
            lastDelivered = image;
            try {
                listener.accept(image);
            } catch (RuntimeException e) {
                log.error("Metadata listener {} failed", listener, e);
            }
        }
    }
}
