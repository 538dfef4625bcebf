package io.sluice.lag;

import io.sluice.common.TopicPartition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything the monitor stores about one cluster: the latest log-end offset of every partition, and per group
 * and partition a {@link CommitWindow} plus what is known about the oldest unconsumed record; per group a bounded
 * lag history. Written by the refresh thread, read by HTTP threads: every method holds the instance lock, and
 * nothing returned shares mutable state.
 *
 * <p>Lag is never frozen: the current lag of a partition is always the newest log-end offset minus the newest
 * committed offset, computed when asked, so a stopped group's lag keeps growing as producers write.
 */
public final class ClusterState {
    private final ClusterConfig config;
    private Map<TopicPartition, Long> endOffsets = Map.of();
    private final Map<String, Group> groups = new TreeMap<>();
    /** Expired groups and their committed offsets then: they come back only when an offset changes. */
    private final Map<String, Map<TopicPartition, Long>> expired = new HashMap<>();

    private static final class Partition {
        final CommitWindow window;
        long timestampOffset = -1;
        long timestamp = -1;
        OffsetsSource.Owner owner = OffsetsSource.Owner.NONE;

        Partition(int windowSize) {
            window = new CommitWindow(windowSize);
        }
    }

    private static final class Group {
        final Map<TopicPartition, Partition> partitions = new TreeMap<>();
        final ArrayDeque<LagSample> history = new ArrayDeque<>();
        long lastCommitMs;
    }

    /** A lagging partition whose oldest unconsumed record's timestamp is not known yet. */
    public record TimestampWanted(String group, TopicPartition tp, long offset) {
    }

    public ClusterState(ClusterConfig config) {
        this.config = config;
    }

    public ClusterConfig config() {
        return config;
    }

    /** Replaces the log-end offsets with a fresh reading of all partitions. */
    public synchronized void updateEndOffsets(Map<TopicPartition, Long> offsets) {
        endOffsets = Map.copyOf(offsets);
    }

    private long endOffset(TopicPartition tp) {
        return endOffsets.getOrDefault(tp, -1L);
    }

    private long lagAt(TopicPartition tp, long offset) {
        long end = endOffset(tp);
        return end < 0 ? 0 : Math.max(0, end - offset);
    }

    /**
     * Records one reading of a group's committed offsets at {@code nowMs}. A partition's offset goes into its
     * window when it moved, or when it did not but the group is {@code active} (its members are committing the
     * same offset again); an inactive group's unchanged offsets add nothing, so its commits age towards STOP.
     * Partitions no longer committed are forgotten.
     */
    public synchronized void observeGroup(String groupId, Map<TopicPartition, Long> committed, boolean active,
                                          long nowMs) {
        observeGroup(groupId, committed, active, Map.of(), nowMs);
    }

    /**
     * As {@link #observeGroup(String, Map, boolean, long)}, also replacing each partition's owner with the one in
     * {@code owners} ({@link OffsetsSource.Owner#NONE} for a partition not in it).
     */
    public synchronized void observeGroup(String groupId, Map<TopicPartition, Long> committed, boolean active,
                                          Map<TopicPartition, OffsetsSource.Owner> owners, long nowMs) {
        Map<TopicPartition, Long> atExpiry = expired.get(groupId);
        if (atExpiry != null) {
            if (atExpiry.equals(committed)) {
                return;
            }
            expired.remove(groupId);
        }
        Group group = groups.computeIfAbsent(groupId, g -> new Group());
        group.partitions.keySet().retainAll(committed.keySet());
        for (Map.Entry<TopicPartition, Long> e : committed.entrySet()) {
            TopicPartition tp = e.getKey();
            long offset = e.getValue();
            Partition p = group.partitions.computeIfAbsent(tp, t -> new Partition(config.windowSize()));
            p.owner = owners.getOrDefault(tp, OffsetsSource.Owner.NONE);
            Commit newest = p.window.newest();
            if (newest == null || newest.offset() != offset || active) {
                if (p.window.add(new Commit(offset, nowMs, lagAt(tp, offset)))) {
                    group.lastCommitMs = Math.max(group.lastCommitMs, nowMs);
                }
            }
        }
        if (group.lastCommitMs == 0) {
            group.lastCommitMs = nowMs;
        }
    }

    /** Lagging partitions whose oldest unconsumed record's timestamp is unknown for the current committed offset. */
    public synchronized List<TimestampWanted> timestampsWanted() {
        List<TimestampWanted> wanted = new ArrayList<>();
        groups.forEach((id, group) -> group.partitions.forEach((tp, p) -> {
            Commit newest = p.window.newest();
            if (newest != null && p.timestampOffset != newest.offset() && lagAt(tp, newest.offset()) > 0) {
                wanted.add(new TimestampWanted(id, tp, newest.offset()));
            }
        }));
        return wanted;
    }

    /** Stores the timestamp of the record at {@code offset}, if that is still the partition's committed offset. */
    public synchronized void recordTimestamp(String groupId, TopicPartition tp, long offset, long timestamp) {
        Group group = groups.get(groupId);
        Partition p = group == null ? null : group.partitions.get(tp);
        if (p != null && p.window.newest() != null && p.window.newest().offset() == offset) {
            p.timestampOffset = offset;
            p.timestamp = timestamp;
        }
    }

    /** Appends one lag sample per group, dropping the oldest beyond the configured history size. */
    public synchronized void sampleHistory(long nowMs) {
        groups.forEach((id, group) -> {
            GroupStatus s = evaluate(id, group, nowMs);
            group.history.addLast(new LagSample(nowMs, s.totallag(), s.maxlag() == null ? 0 : s.maxlag().currentLag(),
                s.status()));
            while (group.history.size() > config.historySize()) {
                group.history.removeFirst();
            }
        });
    }

    /**
     * Forgets groups without a commit for longer than the group expiry; returns their names. A forgotten group that
     * the cluster still lists comes back only once one of its committed offsets changes.
     */
    public synchronized List<String> expireGroups(long nowMs) {
        List<String> names = new ArrayList<>();
        for (Iterator<Map.Entry<String, Group>> it = groups.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Group> e = it.next();
            if (nowMs - e.getValue().lastCommitMs > config.groupExpiryMs()) {
                Map<TopicPartition, Long> offsets = new HashMap<>();
                e.getValue().partitions.forEach((tp, p) -> offsets.put(tp, p.window.newest().offset()));
                expired.put(e.getKey(), offsets);
                names.add(e.getKey());
                it.remove();
            }
        }
        return names;
    }

    /** Forgets {@code groupId} now (the HTTP DELETE); it comes back at its next reading. */
    public synchronized boolean removeGroup(String groupId) {
        return groups.remove(groupId) != null;
    }

    public synchronized List<String> groups() {
        return List.copyOf(groups.keySet());
    }

    public synchronized boolean hasGroup(String groupId) {
        return groups.containsKey(groupId);
    }

    public synchronized List<String> topics() {
        TreeSet<String> topics = new TreeSet<>();
        endOffsets.keySet().forEach(tp -> topics.add(tp.topic()));
        return List.copyOf(topics);
    }

    /** The log-end offsets of {@code topic} indexed by partition (-1 for a partition not read), empty if unknown. */
    public synchronized Optional<List<Long>> topicOffsets(String topic) {
        TreeMap<Integer, Long> byPartition = new TreeMap<>();
        endOffsets.forEach((tp, offset) -> {
            if (tp.topic().equals(topic)) {
                byPartition.put(tp.partition(), offset);
            }
        });
        if (byPartition.isEmpty()) {
            return Optional.empty();
        }
        List<Long> offsets = new ArrayList<>(Collections.nCopies(byPartition.lastKey() + 1, -1L));
        byPartition.forEach(offsets::set);
        return Optional.of(offsets);
    }

    /** The groups with a committed offset on {@code topic}. */
    public synchronized List<String> consumersOf(String topic) {
        List<String> consumers = new ArrayList<>();
        groups.forEach((id, group) -> {
            if (group.partitions.keySet().stream().anyMatch(tp -> tp.topic().equals(topic))) {
                consumers.add(id);
            }
        });
        return consumers;
    }

    /** Burrow's raw consumer detail: per topic, partitions in order (index = partition number). */
    public synchronized Optional<Map<String, List<ConsumerPartition>>> detail(String groupId) {
        Group group = groups.get(groupId);
        if (group == null) {
            return Optional.empty();
        }
        Map<String, List<ConsumerPartition>> topics = new LinkedHashMap<>();
        Map<String, Map<Integer, ConsumerPartition>> byTopic = new TreeMap<>();
        group.partitions.forEach((tp, p) -> {
            Commit newest = p.window.newest();
            long lag = newest == null ? 0 : lagAt(tp, newest.offset());
            byTopic.computeIfAbsent(tp.topic(), t -> new TreeMap<>()).put(tp.partition(),
                new ConsumerPartition(p.window.slots(), p.owner.host(), p.owner.clientId(), lag));
        });
        byTopic.forEach((topic, partitions) -> {
            List<ConsumerPartition> list = new ArrayList<>(Collections.nCopies(
                ((TreeMap<Integer, ConsumerPartition>) partitions).lastKey() + 1, null));
            partitions.forEach(list::set);
            topics.put(topic, list);
        });
        return Optional.of(topics);
    }

    /** The evaluated status of {@code groupId} at {@code nowMs}, with all partitions; empty if the group is unknown. */
    public synchronized Optional<GroupStatus> status(String groupId, long nowMs) {
        Group group = groups.get(groupId);
        return group == null ? Optional.empty() : Optional.of(evaluate(groupId, group, nowMs));
    }

    /** Every group's status, by group name. */
    public synchronized Map<String, GroupStatus> statuses(long nowMs) {
        Map<String, GroupStatus> all = new LinkedHashMap<>();
        groups.forEach((id, group) -> all.put(id, evaluate(id, group, nowMs)));
        return all;
    }

    public synchronized Optional<List<LagSample>> history(String groupId) {
        Group group = groups.get(groupId);
        return group == null ? Optional.empty() : Optional.of(List.copyOf(group.history));
    }

    /** A copy of the log-end offsets. */
    public synchronized Map<TopicPartition, Long> endOffsets() {
        return new HashMap<>(endOffsets);
    }

    private GroupStatus evaluate(String groupId, Group group, long nowMs) {
        List<PartitionStatus> partitions = new ArrayList<>(group.partitions.size());
        group.partitions.forEach((tp, p) -> {
            Commit newest = p.window.newest();
            long ts = newest != null && p.timestampOffset == newest.offset() ? p.timestamp : -1;
            partitions.add(LagEvaluator.evaluate(tp, p.window, endOffset(tp), ts, p.owner, nowMs));
        });
        return LagEvaluator.group(config.name(), groupId, partitions);
    }
}
