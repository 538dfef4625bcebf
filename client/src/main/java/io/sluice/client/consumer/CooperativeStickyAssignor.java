package io.sluice.client.consumer;

import io.sluice.client.consumer.ConsumerProtocol.Subscription;
import io.sluice.common.TopicPartition;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * "cooperative-sticky": the sticky assignment, under the cooperative protocol. Owned partitions come from the
 * subscription itself; a partition moving from one member to another is left unassigned in this round, so its
 * owner revokes it and rejoins, and the next round hands it to its new owner. No partition is ever owned by two
 * members at once.
 */
public final class CooperativeStickyAssignor extends StickyAssignor {
    @Override
    public String name() {
        return "cooperative-sticky";
    }

    @Override
    public List<RebalanceProtocol> supportedProtocols() {
        return List.of(RebalanceProtocol.COOPERATIVE, RebalanceProtocol.EAGER);
    }

    @Override
    public ByteBuffer subscriptionUserData(Collection<TopicPartition> owned, int generation) {
        return ConsumerProtocol.serializeGenerationUserData(generation);
    }

    @Override
    protected Subscription previousOwnership(Subscription s) {
        int generation = s.generationId();
        if (generation < 0 && s.userData() != null && s.userData().remaining() >= 4) {
            generation = s.userData().duplicate().getInt();
        }
        return new Subscription(s.topics(), s.userData(), s.ownedPartitions(), generation, s.rackId());
    }

    @Override
    public Map<String, List<TopicPartition>> assign(Map<String, Integer> partitionsPerTopic,
                                                    Map<String, Subscription> subscriptions) {
        Map<String, List<TopicPartition>> out = super.assign(partitionsPerTopic, subscriptions);
        Map<TopicPartition, String> owners = new HashMap<>();
        subscriptions.forEach((member, s) -> s.ownedPartitions().forEach(tp -> owners.putIfAbsent(tp, member)));
        for (Map.Entry<String, List<TopicPartition>> e : out.entrySet()) {
            e.getValue().removeIf(tp -> {
                String owner = owners.get(tp);
                return owner != null && !owner.equals(e.getKey()) && subscriptions.containsKey(owner);
            });
        }
        return out;
    }
}
