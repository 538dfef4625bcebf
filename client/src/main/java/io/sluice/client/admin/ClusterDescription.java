package io.sluice.client.admin;

import io.sluice.common.Node;
import java.util.List;
import java.util.Optional;

/** Cluster id, brokers (sorted by id) and the controller, if known. Immutable. */
public record ClusterDescription(String clusterId, List<Node> nodes, Optional<Node> controller) {
    public ClusterDescription {
        nodes = List.copyOf(nodes);
    }
}
