package io.sluice.client.consumer;

import io.sluice.client.consumer.ConsumerProtocol.Subscription;
import io.sluice.common.TopicPartition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * "roundrobin": all partitions of all subscribed topics, sorted, dealt to the members in member-id order,
 * skipping members not subscribed to a partition's topic.
 */
public final class RoundRobinAssignor implements PartitionAssignor {
    @Override
    public String name() {
        return "roundrobin";
    }

    @Override
    public Map<String, List<TopicPartition>> assign(Map<String, Integer> partitionsPerTopic,
                                                    Map<String, Subscription> subscriptions) {
        Map<String, List<TopicPartition>> out = Assignors.emptyAssignment(subscriptions);
        List<String> members = new ArrayList<>(out.keySet());
        if (members.isEmpty()) {
            return out;
        }
        int next = 0;
        for (TopicPartition tp : Assignors.allPartitions(partitionsPerTopic, subscriptions)) {
            for (int tries = 0; tries < members.size(); tries++) {
                String member = members.get(next);
                next = (next + 1) % members.size();
                if (subscriptions.get(member).topics().contains(tp.topic())) {
                    out.get(member).add(tp);
                    break;
                }
            }
        }
        return out;
    }
}
