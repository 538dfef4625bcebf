package io.sluice.lag;

import io.sluice.common.TopicPartition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/** An in-memory cluster: end offsets, groups with committed offsets, and record timestamps set by the test. */
final class FakeOffsetsSource implements OffsetsSource {
    final Map<TopicPartition, Long> ends = new ConcurrentHashMap<>();
    final Map<String, Map<TopicPartition, Long>> committed = new LinkedHashMap<>();
    final Map<String, Boolean> active = new HashMap<>();
    /** Record timestamp = {@code timestampBase + offset * timestampStep}, when {@code timestampBase >= 0}. */
    volatile long timestampBase = -1;
    volatile long timestampStep = 1000;
    volatile boolean failing;
    /** Owners per group, as DescribeGroups would report them. */
    final Map<String, Map<TopicPartition, Owner>> owners = new ConcurrentHashMap<>();
    /** Groups asked for owners, in order. */
    final List<String> ownersAsked = new ArrayList<>();

    synchronized void end(String topic, int partition, long offset) {
        ends.put(new TopicPartition(topic, partition), offset);
    }

    synchronized void commit(String group, String topic, int partition, long offset) {
        committed.computeIfAbsent(group, g -> new LinkedHashMap<>()).put(new TopicPartition(topic, partition), offset);
        active.putIfAbsent(group, true);
    }

    @Override
    public synchronized List<GroupListing> listGroups() throws IOException {
        if (failing) {
            throw new IOException("fake failure");
        }
        List<GroupListing> list = new ArrayList<>();
        committed.keySet().forEach(g -> list.add(new GroupListing(g, active.getOrDefault(g, true))));
        return list;
    }

    @Override
    public synchronized Map<TopicPartition, Owner> owners(String groupId) {
        ownersAsked.add(groupId);
        return Map.copyOf(owners.getOrDefault(groupId, Map.of()));
    }

    @Override
    public synchronized Map<TopicPartition, Long> committedOffsets(String groupId) {
        return Map.copyOf(committed.getOrDefault(groupId, Map.of()));
    }

    @Override
    public synchronized Map<TopicPartition, Long> logEndOffsets() throws IOException {
        if (failing) {
            throw new IOException("fake failure");
        }
        return Map.copyOf(ends);
    }

    @Override
    public OptionalLong recordTimestamp(TopicPartition tp, long offset) {
        return timestampBase < 0 ? OptionalLong.empty() : OptionalLong.of(timestampBase + offset * timestampStep);
    }
}
