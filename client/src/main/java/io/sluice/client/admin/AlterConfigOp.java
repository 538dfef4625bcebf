package io.sluice.client.admin;

import java.util.Objects;

/** One change of IncrementalAlterConfigs. {@code value} is ignored by DELETE. Immutable. */
public record AlterConfigOp(String name, OpType op, String value) {
    public enum OpType {
        SET(0), DELETE(1), APPEND(2), SUBTRACT(3);

        public final byte id;

        OpType(int id) {
            this.id = (byte) id;
        }
    }

    public AlterConfigOp {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(op, "op");
    }

    public static AlterConfigOp set(String name, String value) {
        return new AlterConfigOp(name, OpType.SET, value);
    }

    public static AlterConfigOp delete(String name) {
        return new AlterConfigOp(name, OpType.DELETE, null);
    }
}
