package io.sluice.protocol.schema;

import java.lang.invoke.MethodHandle;

/**
 * One field of a struct: its name (the record component's), wire type, the versions in which it is on the
 * wire, the versions in which it may be null, its tag (or -1 for a positional field) and its default value.
 */
public record FieldSpec(
        String name,
        FieldType type,
        VersionRange versions,
        VersionRange nullableVersions,
        int tag,
        Object defaultValue,
        MethodHandle accessor) {

    public boolean isTagged() {
        return tag >= 0;
    }

    public boolean presentIn(short version) {
        return versions.contains(version);
    }

    public boolean nullableIn(short version) {
        return nullableVersions.contains(version);
    }

    /** Reads this field's value from a record instance of the enclosing struct. */
    public Object get(Object struct) {
        try {
            return accessor.invoke(struct);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
