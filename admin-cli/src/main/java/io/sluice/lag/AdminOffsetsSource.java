package io.sluice.lag;

import io.sluice.client.admin.GroupDescription;
import io.sluice.client.admin.ListedOffset;
import io.sluice.client.admin.OffsetSpec;
import io.sluice.client.admin.SluiceAdmin;
import io.sluice.client.admin.TopicDescription;
import io.sluice.client.consumer.ConsumerRecord;
import io.sluice.client.consumer.SluiceConsumer;
import io.sluice.client.metadata.PartitionInfo;
import io.sluice.client.serialization.Serdes;
import io.sluice.common.TopicPartition;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link OffsetsSource} on Sluice's own client, so it works with any Kafka-protocol cluster (Sluice or Apache
 * Kafka): {@link SluiceAdmin} lists groups (a group is active unless its state is Empty or Dead), their committed
 * offsets and the log-end offsets of every non-internal topic; a {@link SluiceConsumer} without a group reads the
 * record at a committed offset for its timestamp (time lag), cached per (partition, offset) so an unchanged commit
 * costs no fetch; DescribeGroups tells which member owns a partition. Single-threaded, like every {@link OffsetsSource}.
 */
public final class AdminOffsetsSource implements OffsetsSource {
    public static final String CLIENT_ID = "sluice-lag-monitor";
    private static final long TIMEOUT_MS = 30_000;
    /** Record timestamps kept: one per lagging group partition is what a refresh needs. */
    private static final int TIMESTAMP_CACHE_SIZE = 100_000;

    private final SluiceAdmin admin;
    private final SluiceConsumer<byte[], byte[]> reader;
    private final TimestampCache timestamps = new TimestampCache(TIMESTAMP_CACHE_SIZE);

    public AdminOffsetsSource(List<String> bootstrapServers) {
        String bootstrap = String.join(",", bootstrapServers);
        this.admin = SluiceAdmin.create(Map.of("bootstrap.servers", bootstrap, "client.id", CLIENT_ID));
        this.reader = SluiceConsumer.create(Map.of("bootstrap.servers", bootstrap, "client.id", CLIENT_ID + "-reader",
                "enable.auto.commit", "false", "max.poll.records", "1", "auto.offset.reset", "latest"),
            Serdes.byteArrayDeserializer(), Serdes.byteArrayDeserializer());
    }

    private static <T> T await(CompletableFuture<T> future, String what) throws IOException {
        try {
            return future.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(what + " interrupted", e);
        } catch (ExecutionException e) {
            throw new IOException(what + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException(what + " did not answer within " + TIMEOUT_MS + " ms", e);
        }
    }

    @Override
    public List<GroupListing> listGroups() throws IOException {
        return await(admin.listConsumerGroups(), "ListGroups").stream()
            .map(g -> new GroupListing(g.groupId(),
                !g.state().equalsIgnoreCase("Empty") && !g.state().equalsIgnoreCase("Dead")))
            .toList();
    }

    /** The owner of each assigned partition: host and client id of the member it is assigned to. */
    @Override
    public Map<TopicPartition, Owner> owners(String groupId) throws IOException {
        GroupDescription group = await(admin.describeConsumerGroups(List.of(groupId)), "DescribeGroups of group "
            + groupId).get(groupId);
        return group == null ? Map.of() : owners(group);
    }

    static Map<TopicPartition, Owner> owners(GroupDescription group) {
        Map<TopicPartition, Owner> owners = new HashMap<>();
        for (GroupDescription.Member m : group.members()) {
            for (TopicPartition tp : m.assignment()) {
                owners.put(tp, new Owner(m.host(), m.clientId()));
            }
        }
        return owners;
    }

    @Override
    public Map<TopicPartition, Long> committedOffsets(String groupId) throws IOException {
        return await(admin.listConsumerGroupOffsets(groupId), "OffsetFetch of group " + groupId);
    }

    @Override
    public Map<TopicPartition, Long> logEndOffsets() throws IOException {
        Set<String> topics = await(admin.listTopics(false), "listing topics");
        if (topics.isEmpty()) {
            return Map.of();
        }
        Map<String, TopicDescription> described = await(admin.describeTopics(topics), "describing topics");
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        for (TopicDescription d : described.values()) {
            for (PartitionInfo p : d.partitions()) {
                specs.put(p.topicPartition(), OffsetSpec.latest());
            }
        }
        Map<TopicPartition, ListedOffset> listed = await(admin.listOffsets(specs), "ListOffsets");
        Map<TopicPartition, Long> ends = new HashMap<>();
        listed.forEach((tp, o) -> ends.put(tp, o.offset()));
        return ends;
    }

    /** From the cache when this (partition, offset) was read before, else by reading the record. */
    @Override
    public OptionalLong recordTimestamp(TopicPartition tp, long offset) throws IOException {
        return timestamps.get(tp, offset, this::fetchTimestamp);
    }

    private OptionalLong fetchTimestamp(TopicPartition tp, long offset) {
        try {
            reader.assign(List.of(tp));
            reader.seek(tp, offset);
            for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofSeconds(2))) {
                return OptionalLong.of(r.timestamp());
            }
            return OptionalLong.empty();
        } catch (RuntimeException e) {
            return OptionalLong.empty();   // time lag is best effort: the offset lag does not depend on it
        }
    }

    @Override
    public void close() {
        try {
            reader.close();
        } finally {
            admin.close();
        }
    }
}
