package io.sluice.core.group;

import io.sluice.record.MemoryRecords;
import io.sluice.record.RecordBatchBuilder;
import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The record formats of {@code __consumer_offsets}, byte-compatible with Kafka's so that Kafka's tools can decode
 * the topic. Every key and value starts with an INT16 schema version; integers are big-endian; STRING is an INT16
 * length and UTF-8 bytes (NULLABLE_STRING: length -1 for null); BYTES is an INT32 length and the bytes; ARRAY is
 * an INT32 count and the elements. Flexible versions (value version 4) use compact forms (unsigned varint length
 * + 1) and end each structure with tagged fields; they are read, never written.
 *
 * <pre>
 * Offset commit key, version 1 (0 is identical):  group STRING, topic STRING, partition INT32
 * Offset commit value
 *   version 0:  offset INT64, metadata STRING, commit_timestamp INT64
 *   version 1:  offset INT64, metadata STRING, commit_timestamp INT64, expire_timestamp INT64   (written when the
 *               commit asked for a retention time)
 *   version 2:  offset INT64, metadata STRING, commit_timestamp INT64
 *   version 3:  offset INT64, leader_epoch INT32, metadata STRING, commit_timestamp INT64          (written)
 *   version 4:  version 3, flexible
 * Group metadata key, version 2:  group STRING
 * Group metadata value
 *   version 0:  protocol_type STRING, generation INT32, protocol NULLABLE_STRING, leader NULLABLE_STRING,
 *               members ARRAY[member_id STRING, client_id STRING, client_host STRING, session_timeout INT32,
 *                             subscription BYTES, assignment BYTES]
 *   version 1:  members gain rebalance_timeout INT32 before session_timeout
 *   version 2:  current_state_timestamp INT64 after leader
 *   version 3:  members gain group_instance_id NULLABLE_STRING after member_id                        (written)
 *   version 4:  version 3, flexible
 * A null value (tombstone) deletes the offset or the group.
 * </pre>
 *
 * Key versions above 2 belong to record types Sluice does not use (newer group types, share groups); they are
 * reported as unknown and skipped by the loader. Stateless.
 */
public final class OffsetsRecordCodec {
    static final short OFFSET_KEY_VERSION = 1;
    static final short GROUP_KEY_VERSION = 2;
    static final short OFFSET_VALUE_VERSION = 3;
    static final short OFFSET_VALUE_WITH_EXPIRY_VERSION = 1;
    static final short GROUP_VALUE_VERSION = 3;

    private OffsetsRecordCodec() {
    }

    // ------------------------------------------------------------------------------------------- encoding

    public static byte[] key(GroupRecord record) {
        Out out = new Out();
        if (record instanceof GroupRecord.OffsetCommit c) {
            out.int16(OFFSET_KEY_VERSION).string(c.groupId()).string(c.partition().topic()).int32(c.partition().partition());
        } else {
            out.int16(GROUP_KEY_VERSION).string(record.groupId());
        }
        return out.toByteArray();
    }

    /** The value bytes, or null for a tombstone. */
    public static byte[] value(GroupRecord record) {
        if (record instanceof GroupRecord.OffsetCommit c) {
            return c.value().map(OffsetsRecordCodec::offsetValue).orElse(null);
        }
        return ((GroupRecord.GroupMetadata) record).value().map(OffsetsRecordCodec::groupValue).orElse(null);
    }

    static byte[] offsetValue(OffsetAndMetadata v) {
        Out out = new Out();
        if (v.expireTimestampMs().isPresent()) {
            out.int16(OFFSET_VALUE_WITH_EXPIRY_VERSION).int64(v.offset()).string(v.metadata())
                .int64(v.commitTimestampMs()).int64(v.expireTimestampMs().getAsLong());
        } else {
            out.int16(OFFSET_VALUE_VERSION).int64(v.offset()).int32(v.leaderEpoch()).string(v.metadata())
                .int64(v.commitTimestampMs());
        }
        return out.toByteArray();
    }

    static byte[] groupValue(GroupMetadataValue v) {
        Out out = new Out();
        out.int16(GROUP_VALUE_VERSION).string(v.protocolType()).int32(v.generation()).nullableString(v.protocol())
            .nullableString(v.leader()).int64(v.currentStateTimestamp()).int32(v.members().size());
        for (GroupMetadataValue.MemberValue m : v.members()) {
            out.string(m.memberId()).nullableString(m.groupInstanceId()).string(m.clientId()).string(m.clientHost())
                .int32(m.rebalanceTimeoutMs()).int32(m.sessionTimeoutMs()).bytes(m.subscription()).bytes(m.assignment());
        }
        return out.toByteArray();
    }

    /**
     * One uncompressed batch holding the records in order, each with {@code timestampMs} (the log assigns the
     * offsets and the leader epoch).
     */
    public static MemoryRecords toBatch(List<GroupRecord> records, long timestampMs) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("No records");
        }
        RecordBatchBuilder builder = new RecordBatchBuilder();
        for (GroupRecord r : records) {
            builder.append(timestampMs, key(r), value(r));
        }
        return builder.build();
    }

    // ------------------------------------------------------------------------------------------- decoding

    /**
     * Decodes one record. Empty for a key version Sluice does not know (skipped, not an error).
     *
     * @param key   the key bytes (not retained)
     * @param value the value bytes, or null for a tombstone (not retained)
     * @throws IllegalArgumentException if the bytes do not match the declared version, or a value version is
     *                                  unknown
     */
    public static Optional<GroupRecord> decode(ByteBuffer key, ByteBuffer value) {
        if (key == null) {
            throw new IllegalArgumentException("A record of __consumer_offsets has no key");
        }
        try {
            In k = new In(key.duplicate(), false);
            short keyVersion = k.int16();
            if (keyVersion == 0 || keyVersion == 1) {
                String group = k.string();
                String topic = k.string();
                int partition = k.int32();
                TopicPartitionKey tp = new TopicPartitionKey(topic, partition);
                return Optional.of(new GroupRecord.OffsetCommit(group, tp,
                    value == null ? Optional.empty() : Optional.of(decodeOffsetValue(value.duplicate()))));
            }
            if (keyVersion == 2) {
                String group = k.string();
                return Optional.of(new GroupRecord.GroupMetadata(group,
                    value == null ? Optional.empty() : Optional.of(decodeGroupValue(value.duplicate()))));
            }
            return Optional.empty();
        } catch (BufferUnderflowException | NegativeArraySizeException e) {
            throw new IllegalArgumentException("Truncated record in __consumer_offsets", e);
        }
    }

    static OffsetAndMetadata decodeOffsetValue(ByteBuffer buffer) {
        short version = buffer.getShort();
        In in = new In(buffer, version >= 4);
        switch (version) {
            case 0, 2 -> {
                long offset = in.int64();
                String metadata = in.string();
                long commit = in.int64();
                return new OffsetAndMetadata(offset, OffsetAndMetadata.NO_LEADER_EPOCH, metadata, commit);
            }
            case 1 -> {
                long offset = in.int64();
                String metadata = in.string();
                long commit = in.int64();
                long expire = in.int64();
                return new OffsetAndMetadata(offset, OffsetAndMetadata.NO_LEADER_EPOCH, metadata, commit,
                    expire < 0 ? OptionalLong.empty() : OptionalLong.of(expire));
            }
            case 3, 4 -> {
                long offset = in.int64();
                int epoch = in.int32();
                String metadata = in.string();
                long commit = in.int64();
                in.skipTaggedFields();
                return new OffsetAndMetadata(offset, epoch, metadata, commit);
            }
            default -> throw new IllegalArgumentException("Unknown offset commit value version " + version);
        }
    }

    static GroupMetadataValue decodeGroupValue(ByteBuffer buffer) {
        short version = buffer.getShort();
        if (version < 0 || version > 4) {
            throw new IllegalArgumentException("Unknown group metadata value version " + version);
        }
        In in = new In(buffer, version >= 4);
        String protocolType = in.string();
        int generation = in.int32();
        String protocol = in.nullableString();
        String leader = in.nullableString();
        long stateTimestamp = version >= 2 ? in.int64() : -1L;
        int count = in.arrayLength();
        List<GroupMetadataValue.MemberValue> members = new ArrayList<>(Math.max(0, count));
        for (int i = 0; i < count; i++) {
            String memberId = in.string();
            String instanceId = version >= 3 ? in.nullableString() : null;
            String clientId = in.string();
            String clientHost = in.string();
            int rebalanceTimeout;
            int sessionTimeout;
            if (version >= 1) {
                rebalanceTimeout = in.int32();
                sessionTimeout = in.int32();
            } else {
                sessionTimeout = in.int32();
                rebalanceTimeout = sessionTimeout;
            }
            byte[] subscription = in.bytes();
            byte[] assignment = in.bytes();
            in.skipTaggedFields();
            members.add(new GroupMetadataValue.MemberValue(memberId, instanceId, clientId, clientHost, rebalanceTimeout,
                sessionTimeout, subscription, assignment));
        }
        in.skipTaggedFields();
        return new GroupMetadataValue(protocolType, generation, protocol, leader, stateTimestamp, members);
    }

    // ------------------------------------------------------------------------------------------- primitives

    private static final class Out {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);

        Out int16(int v) {
            bytes.write(v >>> 8);
            bytes.write(v);
            return this;
        }

        Out int32(int v) {
            int16(v >>> 16);
            return int16(v);
        }

        Out int64(long v) {
            int32((int) (v >>> 32));
            return int32((int) v);
        }

        Out string(String s) {
            if (s == null) {
                throw new IllegalArgumentException("Null value for a non-nullable string");
            }
            return nullableString(s);
        }

        Out nullableString(String s) {
            if (s == null) {
                return int16(-1);
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (b.length > Short.MAX_VALUE) {
                throw new IllegalArgumentException("String of " + b.length + " bytes is too long for a record");
            }
            int16(b.length);
            bytes.writeBytes(b);
            return this;
        }

        Out bytes(byte[] b) {
            int32(b.length);
            bytes.writeBytes(b);
            return this;
        }

        byte[] toByteArray() {
            return bytes.toByteArray();
        }
    }

    private static final class In {
        private final ByteBuffer buffer;
        private final boolean flexible;

        In(ByteBuffer buffer, boolean flexible) {
            this.buffer = buffer;
            this.flexible = flexible;
        }

        short int16() {
            return buffer.getShort();
        }

        int int32() {
            return buffer.getInt();
        }

        long int64() {
            return buffer.getLong();
        }

        String string() {
            String s = nullableString();
            if (s == null) {
                throw new IllegalArgumentException("Null string where one is required");
            }
            return s;
        }

        String nullableString() {
            int length = flexible ? unsignedVarint() - 1 : buffer.getShort();
            if (length < 0) {
                return null;
            }
            byte[] b = new byte[length];
            buffer.get(b);
            return new String(b, StandardCharsets.UTF_8);
        }

        byte[] bytes() {
            int length = flexible ? unsignedVarint() - 1 : buffer.getInt();
            if (length < 0) {
                return new byte[0];
            }
            byte[] b = new byte[length];
            buffer.get(b);
            return b;
        }

        int arrayLength() {
            return flexible ? unsignedVarint() - 1 : buffer.getInt();
        }

        void skipTaggedFields() {
            if (!flexible) {
                return;
            }
            int count = unsignedVarint();
            for (int i = 0; i < count; i++) {
                unsignedVarint();                       // tag
                int size = unsignedVarint();
                buffer.position(buffer.position() + size);
            }
        }

        private int unsignedVarint() {
            int value = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                byte b = buffer.get();
                value |= (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("Varint longer than 5 bytes");
        }
    }
}
