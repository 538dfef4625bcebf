package io.sluice.coordinator.metadata;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A request to elect leaders ({@code /admin/elect_leaders/request_<seq>}, written by the broker that received an
 * ElectLeaders request) and, once the controller has handled it, the controller's answer in the same znode.
 * The format is in {@link ZkJson}.
 *
 * @param name       the znode's name ({@code request_<10 digits>})
 * @param zkVersion  the znode's data version (the controller writes the results conditionally on it)
 * @param partitions the partitions to elect leaders for; empty means every partition of every topic
 * @param results    the controller's answer per partition, empty until it has answered. For a request for every
 *                   partition, partitions that needed no election are left out of the answer.
 */
public record LeaderElectionRequest(String name, int zkVersion, ElectionType type,
                                    Optional<List<PartitionRef>> partitions,
                                    Optional<Map<PartitionRef, PartitionOutcome>> results) {
    public LeaderElectionRequest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        partitions = partitions.map(List::copyOf);
        results = results.map(r -> Collections.unmodifiableSortedMap(new TreeMap<>(r)));
    }

    public boolean isAnswered() {
        return results.isPresent();
    }

    public LeaderElectionRequest withZkVersion(int version) {
        return new LeaderElectionRequest(name, version, type, partitions, results);
    }

    /** The same request with the controller's answer. */
    public LeaderElectionRequest withResults(Map<PartitionRef, PartitionOutcome> answer) {
        return new LeaderElectionRequest(name, zkVersion, type, partitions, Optional.of(answer));
    }
}
