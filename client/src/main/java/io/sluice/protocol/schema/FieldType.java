package io.sluice.protocol.schema;

/** The wire type of a field, derived from the Java type of its record component. */
public sealed interface FieldType permits FieldType.Primitive, FieldType.Array, FieldType.Struct {

    /** A scalar or a length-prefixed value; compact or classic encoding is chosen by the message version. */
    enum Primitive implements FieldType {
        BOOLEAN, INT8, INT16, INT32, INT64, FLOAT64, UUID, STRING, BYTES, RECORDS
    }

    record Array(FieldType element) implements FieldType {
    }

    record Struct(StructSchema schema) implements FieldType {
    }
}
