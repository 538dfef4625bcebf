package io.sluice.protocol.schema;

import io.sluice.common.Uuid;
import io.sluice.protocol.ProtocolException;
import io.sluice.record.Records;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * The schema of one message or nested struct, derived once from its Java record: the record components in
 * declaration order are the wire order, and their annotations ({@link Versions}, {@link NullableVersions},
 * {@link Tagged}, {@link Default}) give the per-version rules. Immutable and cached per class.
 */
public final class StructSchema {
    private static final ClassValue<StructSchema> CACHE = new ClassValue<>() {
        @Override
        protected StructSchema computeValue(Class<?> type) {
            return new StructSchema(type);
        }
    };

    private final Class<?> type;
    private final List<FieldSpec> fields;
    private final List<FieldSpec> taggedFields;
    private final MethodHandle constructor;
    private volatile Object defaultInstance;

    public static StructSchema of(Class<?> recordType) {
        return CACHE.get(recordType);
    }

    private StructSchema(Class<?> type) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type + " is not a record");
        }
        this.type = type;
        RecordComponent[] components = type.getRecordComponents();
        List<FieldSpec> all = new ArrayList<>();
        Class<?>[] componentTypes = new Class<?>[components.length];
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            componentTypes[i] = c.getType();
            FieldType fieldType = fieldType(c.getGenericType(), type, c.getName());
            Tagged tagged = c.getAnnotation(Tagged.class);
            Versions versions = c.getAnnotation(Versions.class);
            NullableVersions nullable = c.getAnnotation(NullableVersions.class);
            Default dflt = c.getAnnotation(Default.class);
            VersionRange range = tagged != null ? VersionRange.parse(tagged.versions())
                : versions != null ? VersionRange.parse(versions.value()) : VersionRange.ALL;
            VersionRange nullableRange = nullable != null ? VersionRange.parse(nullable.value())
                : fieldType == FieldType.Primitive.RECORDS ? VersionRange.ALL : VersionRange.NONE;
            MethodHandle accessor;
            try {
                accessor = lookup.unreflect(c.getAccessor());
            } catch (IllegalAccessException e) {
                throw new IllegalArgumentException("Accessor of " + type.getName() + "." + c.getName() + " is not public", e);
            }
            Object defaultValue = defaultValue(fieldType, dflt == null ? null : dflt.value(), type, c.getName());
            all.add(new FieldSpec(c.getName(), fieldType, range, nullableRange, tagged == null ? -1 : tagged.tag(),
                defaultValue, accessor));
        }
        this.fields = all;
        List<FieldSpec> tags = new ArrayList<>();
        for (FieldSpec f : all) {
            if (f.isTagged()) {
                tags.add(f);
            }
        }
        tags.sort(Comparator.comparingInt(FieldSpec::tag));
        this.taggedFields = Collections.unmodifiableList(tags);
        try {
            this.constructor = lookup.findConstructor(type, MethodType.methodType(void.class, componentTypes))
                .asSpreader(Object[].class, components.length);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("No public canonical constructor for " + type.getName(), e);
        }
    }

    public Class<?> type() {
        return type;
    }

    /** All fields in declaration (= wire) order, tagged ones included. */
    public List<FieldSpec> fields() {
        return Collections.unmodifiableList(fields);
    }

    /** The tagged fields, ordered by tag. */
    public List<FieldSpec> taggedFields() {
        return taggedFields;
    }

    /** Builds an instance from values in declaration order. */
    public Object construct(Object[] values) {
        try {
            return constructor.invoke(values);
        } catch (ProtocolException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ProtocolException("Invalid " + type.getSimpleName() + ": " + e.getMessage(), e);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** An instance with every field at its default. */
    public Object defaultInstance() {
        Object d = defaultInstance;
        if (d == null) {
            Object[] values = new Object[fields.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = fields.get(i).defaultValue();
            }
            d = construct(values);
            defaultInstance = d;
        }
        return d;
    }

    private static FieldType fieldType(Type javaType, Class<?> owner, String name) {
        if (javaType instanceof ParameterizedType p && p.getRawType() == List.class) {
            return new FieldType.Array(fieldType(p.getActualTypeArguments()[0], owner, name));
        }
        if (javaType == boolean.class || javaType == Boolean.class) {
            return FieldType.Primitive.BOOLEAN;
        } else if (javaType == byte.class || javaType == Byte.class) {
            return FieldType.Primitive.INT8;
        } else if (javaType == short.class || javaType == Short.class) {
            return FieldType.Primitive.INT16;
        } else if (javaType == int.class || javaType == Integer.class) {
            return FieldType.Primitive.INT32;
        } else if (javaType == long.class || javaType == Long.class) {
            return FieldType.Primitive.INT64;
        } else if (javaType == double.class || javaType == Double.class) {
            return FieldType.Primitive.FLOAT64;
        } else if (javaType == Uuid.class) {
            return FieldType.Primitive.UUID;
        } else if (javaType == String.class) {
            return FieldType.Primitive.STRING;
        } else if (javaType == ByteBuffer.class) {
            return FieldType.Primitive.BYTES;
        } else if (javaType == Records.class) {
            return FieldType.Primitive.RECORDS;
        } else if (javaType instanceof Class<?> c && c.isRecord()) {
            return new FieldType.Struct(StructSchema.of(c));
        }
        throw new IllegalArgumentException("Unsupported type " + javaType + " for " + owner.getName() + "." + name);
    }

    private static Object defaultValue(FieldType type, String text, Class<?> owner, String name) {
        if ("null".equals(text)) {
            return null;
        }
        try {
            if (type instanceof FieldType.Array) {
                return List.of();
            }
            if (type instanceof FieldType.Struct s) {
                return s.schema().defaultInstance();
            }
            return switch ((FieldType.Primitive) type) {
                case BOOLEAN -> text != null && Boolean.parseBoolean(text);
                case INT8 -> text == null ? (byte) 0 : Byte.parseByte(text);
                case INT16 -> text == null ? (short) 0 : Short.parseShort(text);
                case INT32 -> text == null ? 0 : Integer.parseInt(text);
                case INT64 -> text == null ? 0L : Long.parseLong(text);
                case FLOAT64 -> text == null ? 0.0 : Double.parseDouble(text);
                case UUID -> Uuid.ZERO;
                case STRING -> text == null ? "" : text.replace("\"", "");
                case BYTES -> ByteBuffer.allocate(0);
                case RECORDS -> null;
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Bad @Default(\"" + text + "\") on " + owner.getName() + "." + name, e);
        }
    }
}
