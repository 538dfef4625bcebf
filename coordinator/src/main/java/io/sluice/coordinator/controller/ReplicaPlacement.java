package io.sluice.coordinator.controller;

import io.sluice.coordinator.metadata.BrokerInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Chooses the replicas of new partitions (new topics, or partitions added to a topic) across the live brokers.
 * Pure: no ZooKeeper, no clock; randomness only from the {@link Random} passed in, so a seed reproduces a
 * placement.
 *
 * <p>The rules:
 * <ul>
 *   <li>The brokers are put in a ring: sorted by id, or, when <em>every</em> broker has a rack, interleaved by
 *       rack (first broker of each rack, then the second of each, ...) so that neighbours sit on different
 *       racks.</li>
 *   <li>The leader (first replica) of the {@code i}-th new partition is the ring's broker at
 *       {@code (start + i) mod n}, with {@code start} random: leaders spread evenly and different topics do not
 *       all start on the same broker.</li>
 *   <li>Followers are taken from the ring after the leader, beginning at a distance that is random per call and
 *       grows by one every time the leaders have gone once around the ring, so follower sets vary as well. A
 *       partition never gets the same broker twice.</li>
 *   <li>Rack-aware: a follower is the next ring broker whose rack the partition does not use yet; once every
 *       rack holds a replica, any broker the partition does not use yet. A partition therefore spans
 *       {@code min(replicationFactor, racks)} racks.</li>
 * </ul>
 *
 * <p>Thread-safe (stateless); the {@link Random} is used only by the calling thread.
 */
public final class ReplicaPlacement {

    /** A live broker as placement sees it. */
    public record Broker(int id, Optional<String> rack) {
        public Broker {
            if (id < 0) {
                throw new IllegalArgumentException("Broker id must be >= 0, got " + id);
            }
            Objects.requireNonNull(rack, "rack");
        }

        public static Broker of(BrokerInfo info) {
            return new Broker(info.id(), info.rack());
        }
    }

    /** The replication factor asks for more brokers than are live. The broker answers INVALID_REPLICATION_FACTOR. */
    public static final class InsufficientBrokersException extends IllegalArgumentException {
        private final int replicationFactor;
        private final int liveBrokers;

        public InsufficientBrokersException(int replicationFactor, int liveBrokers) {
            super("Replication factor: " + replicationFactor + " larger than available brokers: " + liveBrokers + ".");
            this.replicationFactor = replicationFactor;
            this.liveBrokers = liveBrokers;
        }

        public int replicationFactor() {
            return replicationFactor;
        }

        public int liveBrokers() {
            return liveBrokers;
        }
    }

    private ReplicaPlacement() {
    }

    /** {@link #assign(Collection, int, int, int, Random)} for the brokers of a metadata image. */
    public static Map<Integer, List<Integer>> assignOn(Collection<BrokerInfo> liveBrokers, int firstPartition,
                                                       int partitions, int replicationFactor, Random random) {
        return assign(liveBrokers.stream().map(Broker::of).toList(), firstPartition, partitions, replicationFactor, random);
    }

    /**
     * Places {@code partitions} new partitions numbered from {@code firstPartition}.
     *
     * @return partition id to its ordered replica list (the first is the preferred leader), in partition order
     * @throws InsufficientBrokersException if {@code replicationFactor} exceeds the number of brokers
     * @throws IllegalArgumentException     if {@code partitions} or {@code replicationFactor} is below 1, or a
     *                                      broker id is listed twice
     */
    public static Map<Integer, List<Integer>> assign(Collection<Broker> liveBrokers, int firstPartition, int partitions,
                                                     int replicationFactor, Random random) {
        Objects.requireNonNull(random, "random");
        if (partitions < 1) {
            throw new IllegalArgumentException("Number of partitions must be larger than 0, got " + partitions);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("Replication factor must be larger than 0, got " + replicationFactor);
        }
        if (firstPartition < 0) {
            throw new IllegalArgumentException("First partition must be >= 0, got " + firstPartition);
        }
        if (liveBrokers.stream().map(Broker::id).distinct().count() != liveBrokers.size()) {
            throw new IllegalArgumentException("A broker id is listed twice: " + liveBrokers);
        }
        int n = liveBrokers.size();
        if (replicationFactor > n) {
            throw new InsufficientBrokersException(replicationFactor, n);
        }
        boolean rackAware = n > 0 && liveBrokers.stream().allMatch(b -> b.rack().isPresent());
        List<Broker> ring = rackAware ? rackAlternating(liveBrokers) : sortedById(liveBrokers);

        int start = random.nextInt(n);
        int followerShift = n > 1 ? random.nextInt(n - 1) : 0;
        Map<Integer, List<Integer>> result = new LinkedHashMap<>();
        for (int i = 0; i < partitions; i++) {
            int leaderIndex = (start + i) % n;
            // grows once per trip of the leaders around the ring, so follower sets differ between trips
            int shift = followerShift + i / n;
            List<Integer> replicas = rackAware
                ? rackAwareReplicas(ring, leaderIndex, shift, replicationFactor)
                : plainReplicas(ring, leaderIndex, shift, replicationFactor);
            result.put(firstPartition + i, List.copyOf(replicas));
        }
        return result;
    }

    /** Leader, then followers at ring distances {@code 1 + (shift + j) mod (n - 1)}: never the leader, never twice. */
    private static List<Integer> plainReplicas(List<Broker> ring, int leaderIndex, int shift, int replicationFactor) {
        int n = ring.size();
        List<Integer> replicas = new ArrayList<>(replicationFactor);
        replicas.add(ring.get(leaderIndex).id());
        for (int j = 0; j < replicationFactor - 1; j++) {
            int distance = 1 + (shift + j) % (n - 1);
            replicas.add(ring.get((leaderIndex + distance) % n).id());
        }
        return replicas;
    }

    /** Leader, then the next ring brokers (from a shifted start) preferring racks the partition does not use yet. */
    private static List<Integer> rackAwareReplicas(List<Broker> ring, int leaderIndex, int shift, int replicationFactor) {
        int n = ring.size();
        Broker leader = ring.get(leaderIndex);
        List<Integer> replicas = new ArrayList<>(replicationFactor);
        Set<Integer> used = new HashSet<>();
        Set<String> racksUsed = new HashSet<>();
        long racks = ring.stream().map(b -> b.rack().orElseThrow()).distinct().count();
        replicas.add(leader.id());
        used.add(leader.id());
        racksUsed.add(leader.rack().orElseThrow());
        int from = n > 1 ? 1 + shift % (n - 1) : 0;
        while (replicas.size() < replicationFactor) {
            if (racksUsed.size() == racks) {
                racksUsed.clear();        // every rack has a replica: start another round over all racks
            }
            Broker chosen = null;
            for (int k = 0; k < n && chosen == null; k++) {
                Broker candidate = ring.get((leaderIndex + from + k) % n);
                if (!used.contains(candidate.id()) && !racksUsed.contains(candidate.rack().orElseThrow())) {
                    chosen = candidate;
                }
            }
            if (chosen == null) {
                // the racks not used in this round have no unused broker left: allow any unused broker
                for (int k = 0; k < n && chosen == null; k++) {
                    Broker candidate = ring.get((leaderIndex + from + k) % n);
                    if (!used.contains(candidate.id())) {
                        chosen = candidate;
                    }
                }
            }
            replicas.add(chosen.id());         // replicationFactor <= n, so an unused broker always exists
            used.add(chosen.id());
            racksUsed.add(chosen.rack().orElseThrow());
        }
        return replicas;
    }

    private static List<Broker> sortedById(Collection<Broker> brokers) {
        return brokers.stream().sorted(Comparator.comparingInt(Broker::id)).toList();
    }

    /** Racks in name order, brokers by id within a rack; then round-robin over the racks. */
    static List<Broker> rackAlternating(Collection<Broker> brokers) {
        Map<String, List<Broker>> byRack = new TreeMap<>();
        for (Broker b : sortedById(brokers)) {
            byRack.computeIfAbsent(b.rack().orElseThrow(), r -> new ArrayList<>()).add(b);
        }
        List<Broker> ring = new ArrayList<>(brokers.size());
        for (int round = 0; ring.size() < brokers.size(); round++) {
            for (List<Broker> rack : byRack.values()) {
                if (round < rack.size()) {
                    ring.add(rack.get(round));
                }
            }
        }
        return ring;
    }
}
