package io.sluice.client.consumer;

import io.sluice.client.consumer.ConsumerProtocol.Subscription;
import io.sluice.common.TopicPartition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Helpers shared by the built-in assignors. */
final class Assignors {
    private Assignors() {
    }

    /** An empty, mutable list per member, in member-id order. */
    static Map<String, List<TopicPartition>> emptyAssignment(Map<String, Subscription> subscriptions) {
        Map<String, List<TopicPartition>> out = new TreeMap<>();
        for (String member : subscriptions.keySet()) {
            out.put(member, new ArrayList<>());
        }
        return out;
    }

    /** Every partition of every subscribed, known topic, sorted by topic then partition. */
    static List<TopicPartition> allPartitions(Map<String, Integer> partitionsPerTopic,
                                              Map<String, Subscription> subscriptions) {
        TreeSet<String> topics = new TreeSet<>();
        subscriptions.values().forEach(s -> topics.addAll(s.topics()));
        List<TopicPartition> out = new ArrayList<>();
        for (String topic : topics) {
            Integer n = partitionsPerTopic.get(topic);
            if (n != null) {
                for (int p = 0; p < n; p++) {
                    out.add(new TopicPartition(topic, p));
                }
            }
        }
        return out;
    }
}
