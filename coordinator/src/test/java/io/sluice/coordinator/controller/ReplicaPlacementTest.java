package io.sluice.coordinator.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.coordinator.controller.ReplicaPlacement.Broker;
import io.sluice.coordinator.controller.ReplicaPlacement.InsufficientBrokersException;
import io.sluice.coordinator.metadata.BrokerEndpoint;
import io.sluice.coordinator.metadata.BrokerInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReplicaPlacementTest {
    private static final long SEED = 20240613L;

    private static List<Broker> brokers(int... ids) {
        return IntStream.of(ids).mapToObj(id -> new Broker(id, Optional.empty())).toList();
    }

    private static Broker racked(int id, String rack) {
        return new Broker(id, Optional.of(rack));
    }

    @Test
    void everyPartitionGetsDistinctLiveBrokers() {
        List<Broker> live = brokers(1, 2, 3, 4, 5);
        for (int seed = 0; seed < 50; seed++) {
            Map<Integer, List<Integer>> a = ReplicaPlacement.assign(live, 0, 17, 3, new Random(seed));
            assertEquals(17, a.size(), "seed " + seed);
            a.forEach((p, replicas) -> {
                assertEquals(3, replicas.size());
                assertEquals(3, new HashSet<>(replicas).size(), "duplicate in " + replicas);
                assertTrue(Set.of(1, 2, 3, 4, 5).containsAll(replicas), replicas.toString());
            });
        }
    }

    @Test
    void leadersAreSpreadEvenly() {
        Map<Integer, List<Integer>> a = ReplicaPlacement.assign(brokers(1, 2, 3), 0, 9, 2, new Random(SEED));
        Map<Integer, Long> leaders = a.values().stream()
            .collect(Collectors.groupingBy(r -> r.get(0), Collectors.counting()));
        assertEquals(Map.of(1, 3L, 2, 3L, 3, 3L), leaders);
    }

    @Test
    void replicasAreSpreadEvenlyToo() {
        Map<Integer, List<Integer>> a = ReplicaPlacement.assign(brokers(0, 1, 2, 3), 0, 8, 2, new Random(SEED));
        Map<Integer, Long> load = a.values().stream().flatMap(List::stream)
            .collect(Collectors.groupingBy(b -> b, Collectors.counting()));
        assertEquals(Map.of(0, 4L, 1, 4L, 2, 4L, 3, 4L), load);
    }

    @Test
    void theStartIsRandomButASeedReproducesIt() {
        List<Broker> live = brokers(1, 2, 3, 4, 5, 6);
        assertEquals(ReplicaPlacement.assign(live, 0, 6, 2, new Random(SEED)),
            ReplicaPlacement.assign(live, 0, 6, 2, new Random(SEED)));
        Set<Integer> firstLeaders = new HashSet<>();
        for (int seed = 0; seed < 100; seed++) {
            firstLeaders.add(ReplicaPlacement.assign(live, 0, 1, 1, new Random(seed)).get(0).get(0));
        }
        assertEquals(Set.of(1, 2, 3, 4, 5, 6), firstLeaders);
    }

    @Test
    void newPartitionsAreNumberedFromTheFirstPartition() {
        Map<Integer, List<Integer>> a = ReplicaPlacement.assign(brokers(1, 2), 3, 2, 1, new Random(SEED));
        assertEquals(List.of(3, 4), new ArrayList<>(a.keySet()));
    }

    @Test
    void replicationFactorEqualToTheBrokerCountUsesEveryBroker() {
        Map<Integer, List<Integer>> a = ReplicaPlacement.assign(brokers(7, 8, 9), 0, 5, 3, new Random(SEED));
        a.values().forEach(r -> assertEquals(Set.of(7, 8, 9), new HashSet<>(r)));
    }

    @Test
    void aSingleBrokerTakesEverything() {
        assertEquals(Map.of(0, List.of(4), 1, List.of(4)),
            ReplicaPlacement.assign(brokers(4), 0, 2, 1, new Random(SEED)));
    }

    @Test
    void tooFewBrokersIsAnInsufficientBrokersException() {
        InsufficientBrokersException e = assertThrows(InsufficientBrokersException.class,
            () -> ReplicaPlacement.assign(brokers(1, 2), 0, 1, 3, new Random(SEED)));
        assertEquals("Replication factor: 3 larger than available brokers: 2.", e.getMessage());
        assertEquals(3, e.replicationFactor());
        assertEquals(2, e.liveBrokers());
        assertThrows(InsufficientBrokersException.class,
            () -> ReplicaPlacement.assign(List.of(), 0, 1, 1, new Random(SEED)));
    }

    @Test
    void nonsenseArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ReplicaPlacement.assign(brokers(1), 0, 0, 1, new Random(SEED)));
        assertThrows(IllegalArgumentException.class, () -> ReplicaPlacement.assign(brokers(1), 0, 1, 0, new Random(SEED)));
        assertThrows(IllegalArgumentException.class, () -> ReplicaPlacement.assign(brokers(1, 1), 0, 1, 1, new Random(SEED)));
    }

    @Test
    void theRingAlternatesRacks() {
        List<Broker> ring = ReplicaPlacement.rackAlternating(List.of(
            racked(1, "a"), racked(2, "a"), racked(3, "b"), racked(4, "b"), racked(5, "c"), racked(6, "a")));
        assertEquals(List.of(1, 3, 5, 2, 4, 6), ring.stream().map(Broker::id).toList());
    }

    @Test
    void rackAwarePlacementPutsReplicasOnDifferentRacks() {
        List<Broker> live = List.of(racked(1, "a"), racked(2, "a"), racked(3, "b"), racked(4, "b"),
            racked(5, "c"), racked(6, "c"));
        Map<Integer, String> rackOf = new HashMap<>();
        live.forEach(b -> rackOf.put(b.id(), b.rack().orElseThrow()));
        for (int seed = 0; seed < 50; seed++) {
            Map<Integer, List<Integer>> a = ReplicaPlacement.assign(live, 0, 12, 3, new Random(seed));
            a.forEach((p, replicas) -> {
                assertEquals(3, new HashSet<>(replicas).size(), replicas.toString());
                assertEquals(Set.of("a", "b", "c"), replicas.stream().map(rackOf::get).collect(Collectors.toSet()),
                    "replicas " + replicas);
            });
            Map<Integer, Long> leaders = a.values().stream()
                .collect(Collectors.groupingBy(r -> r.get(0), Collectors.counting()));
            assertEquals(6, leaders.size(), "every broker leads some partition: " + leaders);
        }
    }

    @Test
    void moreReplicasThanRacksCoverEveryRackThenReuseThem() {
        List<Broker> live = List.of(racked(1, "a"), racked(2, "a"), racked(3, "b"), racked(4, "b"));
        Map<Integer, String> rackOf = Map.of(1, "a", 2, "a", 3, "b", 4, "b");
        for (int seed = 0; seed < 30; seed++) {
            ReplicaPlacement.assign(live, 0, 8, 3, new Random(seed)).values().forEach(replicas -> {
                assertEquals(3, new HashSet<>(replicas).size());
                assertEquals(Set.of("a", "b"), replicas.subList(0, 2).stream().map(rackOf::get).collect(Collectors.toSet()),
                    "the first two replicas of " + replicas + " are on different racks");
            });
        }
    }

    @Test
    void unevenRacksStillGetDistinctBrokers() {
        List<Broker> live = List.of(racked(1, "a"), racked(2, "a"), racked(3, "a"), racked(4, "b"));
        for (int seed = 0; seed < 30; seed++) {
            ReplicaPlacement.assign(live, 0, 8, 4, new Random(seed)).values()
                .forEach(r -> assertEquals(Set.of(1, 2, 3, 4), new HashSet<>(r)));
        }
    }

    @Test
    void racksAreIgnoredUnlessEveryBrokerHasOne() {
        List<Broker> live = List.of(racked(1, "a"), racked(2, "a"), new Broker(3, Optional.empty()));
        Map<Integer, List<Integer>> a = ReplicaPlacement.assign(live, 0, 3, 2, new Random(SEED));
        a.values().forEach(r -> assertEquals(2, new HashSet<>(r).size()));
    }

    @Test
    void assignOnTakesTheBrokersOfAnImage() {
        List<BrokerInfo> infos = List.of(
            new BrokerInfo(1, List.of(new BrokerEndpoint("PLAINTEXT", "h", 1, "PLAINTEXT")), Optional.of("r1"), 1),
            new BrokerInfo(2, List.of(new BrokerEndpoint("PLAINTEXT", "h", 2, "PLAINTEXT")), Optional.of("r2"), 1));
        Map<Integer, List<Integer>> a = ReplicaPlacement.assignOn(infos, 0, 4, 2, new Random(SEED));
        a.values().forEach(r -> assertEquals(Set.of(1, 2), new HashSet<>(r)));
    }
}
