package io.sluice.core.metadata;

import java.util.Objects;
import java.util.Optional;

/**
 * One change of an IncrementalAlterConfigs request.
 *
 * @param value the new value (SET), or the comma-separated items to add (APPEND) or remove (SUBTRACT); ignored
 *              by DELETE
 */
public record AlterConfigOp(String name, Type type, String value) {

    /** The operations, with Kafka's wire ids. APPEND and SUBTRACT apply only to list-typed keys. */
    public enum Type {
        SET(0), DELETE(1), APPEND(2), SUBTRACT(3);

        public final byte id;

        Type(int id) {
            this.id = (byte) id;
        }

        public static Optional<Type> forId(byte id) {
            for (Type t : values()) {
                if (t.id == id) {
                    return Optional.of(t);
                }
            }
            return Optional.empty();
        }
    }

    public AlterConfigOp {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }
}
