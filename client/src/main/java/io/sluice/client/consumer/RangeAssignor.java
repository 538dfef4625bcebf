package io.sluice.client.consumer;

import io.sluice.client.consumer.ConsumerProtocol.Subscription;
import io.sluice.common.TopicPartition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * "range": per topic, the members subscribed to it (in member-id order) each get a contiguous range of its
 * partitions; the first {@code partitions % members} get one more.
 */
public final class RangeAssignor implements PartitionAssignor {
    @Override
    public String name() {
        return "range";
    }

    @Override
    public Map<String, List<TopicPartition>> assign(Map<String, Integer> partitionsPerTopic,
                                                    Map<String, Subscription> subscriptions) {
        Map<String, List<TopicPartition>> out = Assignors.emptyAssignment(subscriptions);
        Map<String, List<String>> membersPerTopic = new TreeMap<>();
        for (Map.Entry<String, Subscription> e : new TreeMap<>(subscriptions).entrySet()) {
            for (String topic : e.getValue().topics()) {
                membersPerTopic.computeIfAbsent(topic, k -> new ArrayList<>()).add(e.getKey());
            }
        }
        for (Map.Entry<String, List<String>> e : membersPerTopic.entrySet()) {
            Integer count = partitionsPerTopic.get(e.getKey());
            if (count == null) {
                continue;
            }
            List<String> members = e.getValue();
            int each = count / members.size();
            int extra = count % members.size();
            int next = 0;
            for (int i = 0; i < members.size(); i++) {
                int n = each + (i < extra ? 1 : 0);
                for (int j = 0; j < n; j++) {
                    out.get(members.get(i)).add(new TopicPartition(e.getKey(), next++));
                }
            }
        }
        return out;
    }
}
