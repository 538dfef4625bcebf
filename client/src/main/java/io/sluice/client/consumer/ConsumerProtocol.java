package io.sluice.client.consumer;

import io.sluice.common.TopicPartition;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The byte layouts members of a "consumer" group exchange through the coordinator, as kafka-clients writes
 * them: the subscription in JoinGroup metadata and the assignment in SyncGroup. Both start with an INT16
 * version and are not flexible; readers take the prefix they know, so newer versions from other clients parse.
 *
 * <pre>
 * Subscription v0: topics ARRAY[STRING], user_data NULLABLE_BYTES
 *              v1: + owned_partitions ARRAY[topic STRING, partitions ARRAY[INT32]]
 *              v2: + generation_id INT32
 *              v3: + rack_id NULLABLE_STRING
 * Assignment   v0+: assigned_partitions ARRAY[topic STRING, partitions ARRAY[INT32]], user_data NULLABLE_BYTES
 * </pre>
 */
public final class ConsumerProtocol {
    public static final String PROTOCOL_TYPE = "consumer";
    public static final short SUBSCRIPTION_VERSION = 3;
    public static final short ASSIGNMENT_VERSION = 3;

    private ConsumerProtocol() {
    }

    /**
     * A member's subscription. Immutable.
     *
     * @param userData        assignor-specific bytes, or null
     * @param ownedPartitions partitions the member owns going into the rebalance (cooperative protocol)
     * @param generationId    the generation those were assigned in, -1 if unknown
     * @param rackId          the member's rack, or null
     */
    public record Subscription(List<String> topics, ByteBuffer userData, List<TopicPartition> ownedPartitions,
                               int generationId, String rackId) {
        public Subscription {
            topics = List.copyOf(topics);
            ownedPartitions = List.copyOf(ownedPartitions);
            userData = userData == null ? null : userData.asReadOnlyBuffer();
        }

        public Subscription(List<String> topics) {
            this(topics, null, List.of(), -1, null);
        }
    }

    /** A member's share: its partitions and assignor-specific bytes (or null). Immutable. */
    public record Assignment(List<TopicPartition> partitions, ByteBuffer userData) {
        public Assignment {
            partitions = List.copyOf(partitions);
            userData = userData == null ? null : userData.asReadOnlyBuffer();
        }

        public Assignment(List<TopicPartition> partitions) {
            this(partitions, null);
        }
    }

    public static ByteBuffer serializeSubscription(Subscription s) {
        Writer w = new Writer();
        w.putShort(SUBSCRIPTION_VERSION);
        w.putInt(s.topics().size());
        for (String t : s.topics()) {
            w.putString(t);
        }
        w.putBytes(s.userData());
        w.putPartitions(s.ownedPartitions());
        w.putInt(s.generationId());
        w.putNullableString(s.rackId());
        return w.done();
    }

    public static Subscription deserializeSubscription(ByteBuffer bytes) {
        ByteBuffer in = bytes.duplicate();
        try {
            short version = in.getShort();
            if (version < 0) {
                throw new IllegalArgumentException("Negative subscription version " + version);
            }
            int n = in.getInt();
            List<String> topics = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                topics.add(readString(in));
            }
            ByteBuffer userData = readBytes(in);
            List<TopicPartition> owned = version >= 1 ? readPartitions(in) : List.of();
            int generation = version >= 2 ? in.getInt() : -1;
            String rack = version >= 3 ? readNullableString(in) : null;
            return new Subscription(topics, userData, owned, generation, rack);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("Truncated consumer subscription", e);
        }
    }

    public static ByteBuffer serializeAssignment(Assignment a) {
        Writer w = new Writer();
        w.putShort(ASSIGNMENT_VERSION);
        w.putPartitions(a.partitions());
        w.putBytes(a.userData());
        return w.done();
    }

    /** Empty or missing bytes (what the coordinator sends a member the leader left out) read as no partitions. */
    public static Assignment deserializeAssignment(ByteBuffer bytes) {
        if (bytes == null || bytes.remaining() == 0) {
            return new Assignment(List.of());
        }
        ByteBuffer in = bytes.duplicate();
        try {
            short version = in.getShort();
            if (version < 0) {
                throw new IllegalArgumentException("Negative assignment version " + version);
            }
            List<TopicPartition> partitions = readPartitions(in);
            ByteBuffer userData = in.remaining() >= 4 ? readBytes(in) : null;
            return new Assignment(partitions, userData);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("Truncated consumer assignment", e);
        }
    }

    /**
     * The sticky assignor's user data (kafka-clients' StickyAssignor layout, no version prefix): the partitions
     * the member was assigned, then the generation.
     */
    public static ByteBuffer serializeStickyUserData(Collection<TopicPartition> previous, int generation) {
        Writer w = new Writer();
        w.putPartitions(previous);
        w.putInt(generation);
        return w.done();
    }

    /** Reads {@link #serializeStickyUserData}; a missing generation (older layout) is -1. */
    public static Subscription withStickyUserData(Subscription s) {
        ByteBuffer data = s.userData();
        if (data == null || !data.hasRemaining()) {
            return new Subscription(s.topics(), null, List.of(), -1, s.rackId());
        }
        ByteBuffer in = data.duplicate();
        try {
            List<TopicPartition> previous = readPartitions(in);
            int generation = in.remaining() >= 4 ? in.getInt() : -1;
            return new Subscription(s.topics(), s.userData(), previous, generation, s.rackId());
        } catch (BufferUnderflowException e) {
            return new Subscription(s.topics(), null, List.of(), -1, s.rackId());
        }
    }

    /** The cooperative-sticky assignor's user data: the generation (for members older than subscription v2). */
    public static ByteBuffer serializeGenerationUserData(int generation) {
        ByteBuffer b = ByteBuffer.allocate(4).putInt(generation);
        return b.flip();
    }

    static List<TopicPartition> readPartitions(ByteBuffer in) {
        int topics = in.getInt();
        List<TopicPartition> out = new ArrayList<>();
        for (int i = 0; i < topics; i++) {
            String topic = readString(in);
            int n = in.getInt();
            for (int j = 0; j < n; j++) {
                out.add(new TopicPartition(topic, in.getInt()));
            }
        }
        return out;
    }

    private static String readString(ByteBuffer in) {
        short len = in.getShort();
        if (len < 0) {
            throw new IllegalArgumentException("Null string where a string is required");
        }
        byte[] b = new byte[len];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static String readNullableString(ByteBuffer in) {
        short len = in.getShort();
        if (len < 0) {
            return null;
        }
        byte[] b = new byte[len];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static ByteBuffer readBytes(ByteBuffer in) {
        int len = in.getInt();
        if (len < 0) {
            return null;
        }
        ByteBuffer slice = in.slice();
        slice.limit(len);
        in.position(in.position() + len);
        return slice;
    }

    /** A growable big-endian buffer for the layouts above. */
    private static final class Writer {
        private ByteBuffer buf = ByteBuffer.allocate(64);

        private void ensure(int n) {
            if (buf.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n));
                buf.flip();
                bigger.put(buf);
                buf = bigger;
            }
        }

        void putShort(int v) {
            ensure(2);
            buf.putShort((short) v);
        }

        void putInt(int v) {
            ensure(4);
            buf.putInt(v);
        }

        void putString(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            putShort(b.length);
            ensure(b.length);
            buf.put(b);
        }

        void putNullableString(String s) {
            if (s == null) {
                putShort(-1);
            } else {
                putString(s);
            }
        }

        void putBytes(ByteBuffer b) {
            if (b == null) {
                putInt(-1);
                return;
            }
            ByteBuffer d = b.duplicate();
            putInt(d.remaining());
            ensure(d.remaining());
            buf.put(d);
        }

        void putPartitions(Collection<TopicPartition> partitions) {
            Map<String, List<Integer>> byTopic = new TreeMap<>();
            for (TopicPartition tp : partitions) {
                byTopic.computeIfAbsent(tp.topic(), k -> new ArrayList<>()).add(tp.partition());
            }
            putInt(byTopic.size());
            for (Map.Entry<String, List<Integer>> e : byTopic.entrySet()) {
                putString(e.getKey());
                putInt(e.getValue().size());
                for (int p : e.getValue()) {
                    putInt(p);
                }
            }
        }

        ByteBuffer done() {
            buf.flip();
            return buf.asReadOnlyBuffer();
        }
    }
}
