package io.sluice.protocol;

import io.sluice.common.Uuid;
import io.sluice.protocol.schema.FieldSpec;
import io.sluice.protocol.schema.FieldType;
import io.sluice.protocol.schema.StructSchema;
import io.sluice.record.MemoryRecords;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Builds messages with random field values that are valid for one version: fields that are not on the wire
 * in that version keep their defaults (so a round trip must give back an equal record), nullable fields are
 * sometimes null, tagged fields are sometimes left at their default (and so not written).
 */
public final class RandomMessages {
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
    private static final String[] EXOTIC = {"é", "ß", "日本", "€", "😀"};

    private final Random random;

    public RandomMessages(Random random) {
        this.random = random;
    }

    public <T> T next(Class<T> type, short version) {
        return type.cast(struct(StructSchema.of(type), version, 0));
    }

    private Object struct(StructSchema schema, short version, int depth) {
        List<FieldSpec> fields = schema.fields();
        Object[] values = new Object[fields.size()];
        for (int i = 0; i < values.length; i++) {
            FieldSpec f = fields.get(i);
            if (!f.presentIn(version) || (f.isTagged() && random.nextInt(3) == 0)) {
                values[i] = f.defaultValue();
            } else if (f.nullableIn(version) && random.nextInt(5) == 0) {
                values[i] = null;
            } else {
                values[i] = value(f.type(), version, depth);
            }
        }
        return schema.construct(values);
    }

    private Object value(FieldType type, short version, int depth) {
        if (type instanceof FieldType.Struct s) {
            return struct(s.schema(), version, depth + 1);
        }
        if (type instanceof FieldType.Array a) {
            int n = depth > 3 ? 0 : random.nextInt(4);
            List<Object> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                list.add(value(a.element(), version, depth + 1));
            }
            return List.copyOf(list);
        }
        return switch ((FieldType.Primitive) type) {
            case BOOLEAN -> random.nextBoolean();
            case INT8 -> (byte) random.nextInt();
            case INT16 -> (short) random.nextInt();
            case INT32 -> interestingInt();
            case INT64 -> random.nextInt(4) == 0 ? (long) interestingInt() : random.nextLong();
            case FLOAT64 -> random.nextDouble();
            case UUID -> new Uuid(random.nextLong(), random.nextLong());
            case STRING -> string();
            case BYTES -> ByteBuffer.wrap(bytes(random.nextInt(20)));
            case RECORDS -> MemoryRecords.readableRecords(ByteBuffer.wrap(bytes(random.nextInt(100))));
        };
    }

    private int interestingInt() {
        return switch (random.nextInt(6)) {
            case 0 -> 0;
            case 1 -> -1;
            case 2 -> Integer.MAX_VALUE;
            case 3 -> Integer.MIN_VALUE;
            default -> random.nextInt();
        };
    }

    private String string() {
        int n = random.nextInt(12);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            if (random.nextInt(10) == 0) {
                sb.append(EXOTIC[random.nextInt(EXOTIC.length)]);
            } else {
                sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
        }
        return sb.toString();
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
