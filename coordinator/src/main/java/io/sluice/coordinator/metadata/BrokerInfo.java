package io.sluice.coordinator.metadata;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A live broker as registered in {@code /brokers/ids/<id>}.
 *
 * @param brokerEpoch the czxid of the registration znode (KIP-380): it changes every time the broker
 *                    re-registers, so it tells incarnations apart. {@link #UNKNOWN_EPOCH} before registration.
 */
public record BrokerInfo(int id, List<BrokerEndpoint> endpoints, Optional<String> rack, long brokerEpoch) {
    public static final long UNKNOWN_EPOCH = -1L;

    public BrokerInfo {
        if (id < 0) {
            throw new IllegalArgumentException("Broker id must be >= 0, got " + id);
        }
        endpoints = List.copyOf(endpoints);
        Objects.requireNonNull(rack, "rack");
        long names = endpoints.stream().map(BrokerEndpoint::listenerName).distinct().count();
        if (names != endpoints.size()) {
            throw new IllegalArgumentException("Broker " + id + " lists a listener name twice: " + endpoints);
        }
    }

    public BrokerInfo withBrokerEpoch(long epoch) {
        return new BrokerInfo(id, endpoints, rack, epoch);
    }

    public Optional<BrokerEndpoint> endpoint(String listenerName) {
        return endpoints.stream().filter(e -> e.listenerName().equals(listenerName)).findFirst();
    }
}
