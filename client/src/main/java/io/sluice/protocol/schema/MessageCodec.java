package io.sluice.protocol.schema;

import io.sluice.common.Uuid;
import io.sluice.protocol.ApiMessage;
import io.sluice.protocol.ByteBufferReader;
import io.sluice.protocol.ByteBufferWriter;
import io.sluice.protocol.ProtocolException;
import io.sluice.record.MemoryRecords;
import io.sluice.record.Records;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes any message record in any version of its range, driven only by its {@link StructSchema}.
 * There is no per-message or per-version code: a version selects which fields are on the wire, whether they
 * may be null, whether encodings are compact and whether structs carry tagged fields.
 *
 * <p>Stateless and thread-safe. Values read from a buffer (bytes, records) are slices that share it.
 */
public final class MessageCodec {
    /** Kafka strings carry at most a signed 16-bit length. */
    private static final int MAX_STRING_BYTES = Short.MAX_VALUE;

    private MessageCodec() {
    }

    /** The version range and flexible versions declared on a top-level message type. */
    public static Message spec(Class<? extends ApiMessage> type) {
        Message m = type.getAnnotation(Message.class);
        if (m == null) {
            throw new IllegalArgumentException(type.getName() + " is not annotated with @Message");
        }
        return m;
    }

    private static boolean flexible(Message spec, short version) {
        VersionRange flex = VersionRange.parse(spec.flexibleVersions());
        return !flex.isEmpty() && version >= flex.lowest();
    }

    private static void checkVersion(Class<? extends ApiMessage> type, Message spec, short version) {
        if (!VersionRange.parse(spec.versions()).contains(version)) {
            throw new ProtocolException(type.getSimpleName() + " version " + version + " is not supported (supported: "
                + spec.versions() + ")");
        }
    }

    /** Reads a whole message body of the given version. Throws {@link ProtocolException} on malformed input. */
    public static <T extends ApiMessage> T read(Class<T> type, ByteBuffer body, short version) {
        return read(type, new ByteBufferReader(body), version);
    }

    public static <T extends ApiMessage> T read(Class<T> type, ByteBufferReader reader, short version) {
        Message spec = spec(type);
        checkVersion(type, spec, version);
        Context ctx = new Context(version, flexible(spec, version));
        try {
            return type.cast(readStruct(StructSchema.of(type), reader, ctx));
        } catch (StackOverflowError e) {
            throw new ProtocolException("Message nesting too deep");
        }
    }

    /** Encodes a message body in the given version. */
    public static ByteBuffer write(ApiMessage message, short version) {
        ByteBufferWriter writer = new ByteBufferWriter();
        write(message, version, writer);
        return writer.toByteBuffer();
    }

    public static void write(ApiMessage message, short version, ByteBufferWriter writer) {
        Class<? extends ApiMessage> type = message.getClass();
        Message spec = spec(type);
        checkVersion(type, spec, version);
        writeStruct(StructSchema.of(type), message, writer, new Context(version, flexible(spec, version)));
    }

    private record Context(short version, boolean flexible) {
    }

    // ---------------------------------------------------------------- reading

    private static Object readStruct(StructSchema schema, ByteBufferReader in, Context ctx) {
        List<FieldSpec> fields = schema.fields();
        Object[] values = new Object[fields.size()];
        for (int i = 0; i < values.length; i++) {
            FieldSpec f = fields.get(i);
            values[i] = !f.isTagged() && f.presentIn(ctx.version)
                ? readValue(f.type(), f, in, ctx)
                : f.defaultValue();
        }
        if (ctx.flexible) {
            int count = in.readUnsignedVarint();
            if (count < 0 || count > in.remaining()) {
                throw new ProtocolException("Invalid tagged-field count " + Integer.toUnsignedString(count)
                    + " in " + schema.type().getSimpleName());
            }
            for (int t = 0; t < count; t++) {
                int tag = in.readUnsignedVarint();
                int size = in.readUnsignedVarint();
                ByteBuffer slice = in.readSlice(size, "tagged field " + tag);
                int index = taggedIndex(fields, tag, ctx.version);
                if (index >= 0) {
                    FieldSpec f = fields.get(index);
                    values[index] = readValue(f.type(), f, new ByteBufferReader(slice), ctx);
                }
            }
        }
        return schema.construct(values);
    }

    private static int taggedIndex(List<FieldSpec> fields, int tag, short version) {
        for (int i = 0; i < fields.size(); i++) {
            FieldSpec f = fields.get(i);
            if (f.tag() == tag && f.presentIn(version)) {
                return i;
            }
        }
        return -1;
    }

    private static Object readValue(FieldType type, FieldSpec f, ByteBufferReader in, Context ctx) {
        if (type instanceof FieldType.Struct s) {
            return readStruct(s.schema(), in, ctx);
        }
        if (type instanceof FieldType.Array a) {
            int count = ctx.flexible ? in.readUnsignedVarint() - 1 : in.readInt();
            if (count < 0) {
                return nullOrFail(f, ctx, count);
            }
            if (count > in.remaining()) {
                throw new ProtocolException("Array " + f.name() + " claims " + count + " elements but only "
                    + in.remaining() + " bytes remain");
            }
            List<Object> list = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                Object element = readValue(a.element(), f, in, ctx);
                if (element == null) {
                    throw new ProtocolException("Null element in array " + f.name());
                }
                list.add(element);
            }
            return List.copyOf(list);
        }
        return switch ((FieldType.Primitive) type) {
            case BOOLEAN -> in.readBoolean();
            case INT8 -> in.readByte();
            case INT16 -> in.readShort();
            case INT32 -> in.readInt();
            case INT64 -> in.readLong();
            case FLOAT64 -> in.readDouble();
            case UUID -> new Uuid(in.readLong(), in.readLong());
            case STRING -> {
                int length = ctx.flexible ? in.readUnsignedVarint() - 1 : in.readShort();
                if (length < 0) {
                    yield nullOrFail(f, ctx, length);
                }
                if (length > MAX_STRING_BYTES) {
                    throw new ProtocolException("String " + f.name() + " is " + length + " bytes; the limit is " + MAX_STRING_BYTES);
                }
                yield in.readUtf8(length, "string " + f.name());
            }
            case BYTES, RECORDS -> {
                int length = ctx.flexible ? in.readUnsignedVarint() - 1 : in.readInt();
                if (length < 0) {
                    yield nullOrFail(f, ctx, length);
                }
                ByteBuffer slice = in.readSlice(length, f.name());
                yield type == FieldType.Primitive.RECORDS ? MemoryRecords.readableRecords(slice) : slice;
            }
        };
    }

    private static Object nullOrFail(FieldSpec f, Context ctx, int length) {
        if (length != -1 || !f.nullableIn(ctx.version)) {
            throw new ProtocolException("Invalid length " + length + " for " + f.name()
                + (f.nullableIn(ctx.version) ? "" : ", which is not nullable in version " + ctx.version));
        }
        return null;
    }

    // ---------------------------------------------------------------- writing

    private static void writeStruct(StructSchema schema, Object struct, ByteBufferWriter out, Context ctx) {
        List<FieldSpec> tagged = null;
        for (FieldSpec f : schema.fields()) {
            if (!f.presentIn(ctx.version)) {
                continue;
            }
            if (f.isTagged()) {
                if (!ctx.flexible) {
                    continue;
                }
                Object value = f.get(struct);
                if (value != null && !value.equals(f.defaultValue())) {
                    if (tagged == null) {
                        tagged = new ArrayList<>(2);
                    }
                    tagged.add(f);
                }
                continue;
            }
            writeValue(f.type(), f, f.get(struct), out, ctx);
        }
        if (ctx.flexible) {
            if (tagged == null) {
                out.writeUnsignedVarint(0);
                return;
            }
            tagged.sort((a, b) -> Integer.compare(a.tag(), b.tag()));
            out.writeUnsignedVarint(tagged.size());
            for (FieldSpec f : tagged) {
                ByteBufferWriter value = new ByteBufferWriter(64);
                writeValue(f.type(), f, f.get(struct), value, ctx);
                ByteBuffer bytes = value.toByteBuffer();
                out.writeUnsignedVarint(f.tag());
                out.writeUnsignedVarint(bytes.remaining());
                out.writeBytes(bytes);
            }
        }
    }

    private static void writeValue(FieldType type, FieldSpec f, Object value, ByteBufferWriter out, Context ctx) {
        if (value == null) {
            if (!f.nullableIn(ctx.version) || type instanceof FieldType.Struct) {
                throw new ProtocolException("Field " + f.name() + " is null but not nullable in version " + ctx.version);
            }
            if (ctx.flexible) {
                out.writeUnsignedVarint(0);
            } else if (type == FieldType.Primitive.STRING) {
                out.writeShort((short) -1);
            } else {
                out.writeInt(-1);
            }
            return;
        }
        if (type instanceof FieldType.Struct s) {
            writeStruct(s.schema(), value, out, ctx);
            return;
        }
        if (type instanceof FieldType.Array a) {
            List<?> list = (List<?>) value;
            writeLength(list.size(), out, ctx);
            for (Object element : list) {
                if (element == null) {
                    throw new ProtocolException("Null element in array " + f.name());
                }
                writeValue(a.element(), f, element, out, ctx);
            }
            return;
        }
        switch ((FieldType.Primitive) type) {
            case BOOLEAN -> out.writeBoolean((Boolean) value);
            case INT8 -> out.writeByte((Byte) value);
            case INT16 -> out.writeShort((Short) value);
            case INT32 -> out.writeInt((Integer) value);
            case INT64 -> out.writeLong((Long) value);
            case FLOAT64 -> out.writeDouble((Double) value);
            case UUID -> {
                Uuid id = (Uuid) value;
                out.writeLong(id.mostSignificantBits()).writeLong(id.leastSignificantBits());
            }
            case STRING -> {
                byte[] bytes = ByteBufferWriter.utf8((String) value);
                if (bytes.length > MAX_STRING_BYTES) {
                    throw new ProtocolException("String " + f.name() + " is " + bytes.length + " bytes; the limit is "
                        + MAX_STRING_BYTES);
                }
                if (ctx.flexible) {
                    out.writeUnsignedVarint(bytes.length + 1);
                } else {
                    out.writeShort((short) bytes.length);
                }
                out.writeBytes(bytes);
            }
            case BYTES -> {
                ByteBuffer bytes = (ByteBuffer) value;
                writeLength(bytes.remaining(), out, ctx);
                out.writeBytes(bytes);
            }
            case RECORDS -> {
                Records records = (Records) value;
                writeLength(records.sizeInBytes(), out, ctx);
                out.writeRecords(records);
            }
        }
    }

    private static void writeLength(int length, ByteBufferWriter out, Context ctx) {
        if (ctx.flexible) {
            out.writeUnsignedVarint(length + 1);
        } else {
            out.writeInt(length);
        }
    }
}
