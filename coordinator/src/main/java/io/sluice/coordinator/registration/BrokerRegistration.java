package io.sluice.coordinator.registration;

import io.sluice.coordinator.metadata.BrokerInfo;
import io.sluice.coordinator.metadata.ZkJson;
import io.sluice.coordinator.zk.CoordinatorException;
import io.sluice.coordinator.zk.ZkPaths;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.framework.recipes.nodes.PersistentNodeListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Registers this broker as the ephemeral {@code /brokers/ids/<id>} (Kafka's v5 JSON, see {@link ZkJson}) and
 * keeps it registered: a Curator {@link PersistentNode} re-creates the znode after the session is lost.
 *
 * <p><b>Broker epoch.</b> Each (re)creation gives the znode a new czxid, which is the broker epoch (KIP-380).
 * After every creation the registration reads the znode back, checks that our current session owns it, and
 * publishes the czxid through {@link #brokerEpoch()} and the epoch listeners.
 *
 * <p><b>A znode that is already there at start.</b> Its owner is a ZooKeeper session, and a client cannot ask
 * whether another session is alive. But a dead session's ephemerals disappear when the server expires it, at
 * most one session timeout after its last heartbeat, while a live broker's never do. So:
 * <ul>
 *   <li>owned by our own session (e.g. registration restarted in the same process): adopt it;</li>
 *   <li>owned by another session: watch it (no polling) for up to {@code staleRegistrationWait}, normally the
 *       session timeout. If it disappears, it was a crashed earlier incarnation of this broker (or a broker that
 *       just stopped), and registration proceeds; if it is still there, it belongs to a live broker and
 *       {@link #start()} fails with {@link BrokerIdInUseException}
 *       ("Broker id N is already registered by another live broker (session 0x...)").</li>
 * </ul>
 * The first creation is a plain create by this class, so a broker that loses the race to another one never
 * touches the other's znode; only then does the PersistentNode take over (it adopts our znode).
 *
 * <p><b>After session expiry</b> another broker could grab the id while ours is gone; PersistentNode would then
 * adopt that znode. The ownership check after each creation detects it and logs an ERROR; the broker epoch is
 * not updated in that case.
 *
 * <p>Thread-safety: {@link #start()} and {@link #close()} are called by the owner; {@link #brokerEpoch()} from
 * any thread. Epoch listeners run on this registration's own thread, never in a Curator callback.
 */
public final class BrokerRegistration implements Closeable {
    private static final Logger log = LogManager.getLogger(BrokerRegistration.class);

    private final CuratorFramework zk;
    private final BrokerInfo broker;
    private final Duration staleRegistrationWait;
    private final Clock clock;
    private final String path;
    private final ExecutorService thread;
    private final CopyOnWriteArrayList<LongConsumer> epochListeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile PersistentNode node;
    private volatile long brokerEpoch = BrokerInfo.UNKNOWN_EPOCH;
    private volatile boolean closed;

    private final PersistentNodeListener nodeCreated = createdPath -> queueEpochRefresh("created");
    private final ConnectionStateListener connectionListener = (client, state) -> {
        if (state == ConnectionState.RECONNECTED) {
            queueEpochRefresh("reconnected");
        }
    };

    /**
     * @param broker                the id, endpoints and rack to register (its brokerEpoch is ignored)
     * @param staleRegistrationWait how long to wait for a registration left by another session to expire;
     *                              use {@code zookeeper.session.timeout.ms}
     * @param clock                 wall clock for the registration's {@code timestamp} field
     */
    public BrokerRegistration(CuratorFramework zk, BrokerInfo broker, Duration staleRegistrationWait, Clock clock) {
        this.zk = Objects.requireNonNull(zk, "zk");
        this.broker = Objects.requireNonNull(broker, "broker");
        this.staleRegistrationWait = Objects.requireNonNull(staleRegistrationWait, "staleRegistrationWait");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.path = ZkPaths.brokerId(broker.id());
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "broker-registration-" + broker.id());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Registers the broker, waiting out a stale registration of an earlier incarnation if there is one.
     * Returns once the znode exists and is ours; {@link #brokerEpoch()} is then set.
     *
     * @throws BrokerIdInUseException if another live broker holds the id
     * @throws InterruptedException   if interrupted while waiting
     */
    public void start() throws InterruptedException {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("Broker registration " + path + " already started");
        }
        byte[] data = ZkJson.encodeBrokerRegistration(broker, clock.millis());
        Stat created = createOrAdopt(data);
        brokerEpoch = created.getCzxid();
        log.info("Registered broker {} at {} with broker epoch {} (session 0x{})", broker.id(), path,
            created.getCzxid(), Long.toHexString(created.getEphemeralOwner()));

        PersistentNode persistent = new PersistentNode(zk, CreateMode.EPHEMERAL, false, path, data);
        persistent.getListenable().addListener(nodeCreated);
        zk.getConnectionStateListenable().addListener(connectionListener);
        node = persistent;
        persistent.start();
        if (!persistent.waitForInitialCreate(Math.max(1000, staleRegistrationWait.toMillis()), TimeUnit.MILLISECONDS)) {
            log.warn("Registration {} not confirmed by PersistentNode yet; it keeps trying", path);
        }
    }

    public int brokerId() {
        return broker.id();
    }

    /** The czxid of our current registration znode; {@link BrokerInfo#UNKNOWN_EPOCH} before {@link #start()}. */
    public long brokerEpoch() {
        return brokerEpoch;
    }

    /** Called with the new broker epoch after every re-registration, on the registration thread. */
    public void addEpochListener(LongConsumer listener) {
        epochListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Deregisters: deletes the znode (if ours) and stops re-creating it. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        zk.getConnectionStateListenable().removeListener(connectionListener);
        PersistentNode persistent = node;
        try {
            if (persistent != null) {
                persistent.close();
                log.info("Deregistered broker {} from {}", broker.id(), path);
            }
        } finally {
            thread.shutdown();
        }
    }

    // ---- start-up ---------------------------------------------------------------------------------------------

    private Stat createOrAdopt(byte[] data) throws InterruptedException {
        long deadlineNs = System.nanoTime() + staleRegistrationWait.toNanos();   // a real wait: monotonic time
        long ourSession = sessionId();
        while (true) {
            CountDownLatch changed = new CountDownLatch(1);
            CuratorWatcher watcher = event -> changed.countDown();
            Stat existing;
            try {
                existing = zk.checkExists().usingWatcher(watcher).forPath(path);
                if (existing == null) {
                    Stat stat = new Stat();
                    zk.create().storingStatIn(stat).creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                        .forPath(path, data);
                    return stat;
                }
            } catch (KeeperException.NodeExistsException raced) {
                continue;                            // someone created it between our check and create: look again
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                throw CoordinatorException.wrap("Could not register broker " + broker.id() + " at " + path, e);
            }
            long owner = existing.getEphemeralOwner();
            if (owner == ourSession) {
                log.info("Adopting registration {} already owned by our session 0x{}", path, Long.toHexString(owner));
                try {
                    zk.setData().forPath(path, data);
                } catch (Exception e) {
                    throw CoordinatorException.wrap("Could not update registration " + path, e);
                }
                return existing;
            }
            if (owner == 0) {
                throw new CoordinatorException("Cannot register broker " + broker.id() + ": " + path
                    + " exists as a persistent znode; remove it by hand");
            }
            long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
            if (remainingMs <= 0) {
                throw new BrokerIdInUseException(broker.id(), owner, staleRegistrationWait.toMillis());
            }
            log.info("{} is held by session 0x{}; waiting up to {} ms for it to expire (a crashed earlier "
                + "incarnation's registration disappears within the session timeout)", path, Long.toHexString(owner), remainingMs);
            if (!changed.await(remainingMs, TimeUnit.MILLISECONDS)) {
                log.debug("{} still held by session 0x{}", path, Long.toHexString(owner));
            }
        }
    }

    private long sessionId() {
        try {
            return zk.getZookeeperClient().getZooKeeper().getSessionId();
        } catch (Exception e) {
            throw CoordinatorException.wrap("Could not read our ZooKeeper session id", e);
        }
    }

    // ---- after (re)creation -----------------------------------------------------------------------------------

    private void queueEpochRefresh(String why) {
        if (closed) {
            return;
        }
        try {
            thread.execute(() -> refreshEpoch(why));
        } catch (RejectedExecutionException e) {
            log.debug("Registration {} closed; not refreshing the epoch", path);
        }
    }

    /** Registration thread: reads the znode back and publishes its czxid if our session owns it. */
    private void refreshEpoch(String why) {
        if (closed) {
            return;
        }
        Stat stat;
        long ourSession;
        try {
            ourSession = sessionId();
            stat = zk.checkExists().forPath(path);
        } catch (Exception e) {
            log.warn("Could not read back registration {} after it was {}: {}", path, why, e.toString());
            return;
        }
        if (stat == null) {
            log.debug("Registration {} not there yet after {}; PersistentNode will create it", path, why);
            return;
        }
        if (stat.getEphemeralOwner() != ourSession) {
            log.error("Registration {} is owned by session 0x{}, not ours (0x{}). If that is our expired previous "
                    + "session it will disappear and be re-created; otherwise another broker took broker id {}",
                path, Long.toHexString(stat.getEphemeralOwner()), Long.toHexString(ourSession), broker.id());
            return;
        }
        long epoch = stat.getCzxid();
        if (epoch != brokerEpoch) {
            long previous = brokerEpoch;
            brokerEpoch = epoch;
            log.info("Broker {} re-registered at {}: broker epoch {} -> {}", broker.id(), path, previous, epoch);
            for (LongConsumer listener : epochListeners) {
                try {
                    listener.accept(epoch);
                } catch (RuntimeException e) {
                    log.error("Broker epoch listener failed", e);
                }
            }
        }
    }
}
