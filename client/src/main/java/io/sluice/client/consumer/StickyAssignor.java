package io.sluice.client.consumer;

import io.sluice.client.consumer.ConsumerProtocol.Subscription;
import io.sluice.common.TopicPartition;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * "sticky" (eager): a balanced assignment (member partition counts differ by at most one where subscriptions
 * allow) that keeps as many partitions as possible with their previous owner. Previous ownership travels in
 * the user data, in kafka-clients' StickyAssignor layout, since eager members own nothing when they rejoin.
 */
public class StickyAssignor implements PartitionAssignor {
    @Override
    public String name() {
        return "sticky";
    }

    @Override
    public ByteBuffer subscriptionUserData(Collection<TopicPartition> owned, int generation) {
        return ConsumerProtocol.serializeStickyUserData(owned, generation);
    }

    /** The member's previous partitions and generation as this assignor reads them. */
    protected Subscription previousOwnership(Subscription s) {
        return ConsumerProtocol.withStickyUserData(s);
    }

    @Override
    public Map<String, List<TopicPartition>> assign(Map<String, Integer> partitionsPerTopic,
                                                    Map<String, Subscription> subscriptions) {
        Map<String, List<TopicPartition>> out = Assignors.emptyAssignment(subscriptions);
        List<TopicPartition> all = Assignors.allPartitions(partitionsPerTopic, subscriptions);
        Map<TopicPartition, String> owner = new HashMap<>();
        Map<TopicPartition, Integer> ownerGeneration = new HashMap<>();
        for (Map.Entry<String, Subscription> e : new TreeMap<>(subscriptions).entrySet()) {
            Subscription prev = previousOwnership(e.getValue());
            for (TopicPartition tp : prev.ownedPartitions()) {
                Integer count = partitionsPerTopic.get(tp.topic());
                if (count == null || tp.partition() >= count || !e.getValue().topics().contains(tp.topic())) {
                    continue;
                }
                Integer seen = ownerGeneration.get(tp);
                if (seen == null || prev.generationId() > seen) {
                    owner.put(tp, e.getKey());
                    ownerGeneration.put(tp, prev.generationId());
                }
            }
        }
        // Previous owners keep their partitions up to the balanced share.
        int members = Math.max(1, subscriptions.size());
        int maxShare = (all.size() + members - 1) / members;
        Map<TopicPartition, String> assigned = new LinkedHashMap<>();
        for (TopicPartition tp : all) {
            String o = owner.get(tp);
            if (o != null && out.get(o).size() < maxShare) {
                out.get(o).add(tp);
                assigned.put(tp, o);
            }
        }
        // The rest go to the least-loaded member that subscribes to the topic.
        for (TopicPartition tp : all) {
            if (assigned.containsKey(tp)) {
                continue;
            }
            String best = leastLoaded(out, subscriptions, tp.topic());
            if (best != null) {
                out.get(best).add(tp);
                assigned.put(tp, best);
            }
        }
        rebalance(out, subscriptions);
        return out;
    }

    private static String leastLoaded(Map<String, List<TopicPartition>> out, Map<String, Subscription> subscriptions,
                                      String topic) {
        String best = null;
        for (Map.Entry<String, List<TopicPartition>> e : out.entrySet()) {
            if (subscriptions.get(e.getKey()).topics().contains(topic)
                && (best == null || e.getValue().size() < out.get(best).size())) {
                best = e.getKey();
            }
        }
        return best;
    }

    /** Moves partitions from more loaded to less loaded eligible members until no move narrows the gap. */
    private static void rebalance(Map<String, List<TopicPartition>> out, Map<String, Subscription> subscriptions) {
        boolean moved = true;
        int guard = 0;
        while (moved && guard++ < 100_000) {
            moved = false;
            List<String> byLoad = new ArrayList<>(out.keySet());
            byLoad.sort((a, b) -> Integer.compare(out.get(b).size(), out.get(a).size()));
            outer:
            for (String from : byLoad) {
                List<TopicPartition> mine = out.get(from);
                for (int i = mine.size() - 1; i >= 0; i--) {
                    TopicPartition tp = mine.get(i);
                    String to = leastLoaded(out, subscriptions, tp.topic());
                    if (to != null && out.get(to).size() < mine.size() - 1) {
                        mine.remove(i);
                        out.get(to).add(tp);
                        moved = true;
                        break outer;
                    }
                }
            }
        }
        out.values().forEach(l -> l.sort(null));
    }
}
