package io.sluice.client.admin;

import java.util.Objects;

/** A topic or a broker (by id, as a string; "" for the cluster-wide default) whose configs are read or changed. */
public record ConfigResource(Type type, String name) {
    public enum Type {
        TOPIC(2), BROKER(4);

        public final byte id;

        Type(int id) {
            this.id = (byte) id;
        }

        static Type forId(byte id) {
            for (Type t : values()) {
                if (t.id == id) {
                    return t;
                }
            }
            throw new IllegalArgumentException("Unknown config resource type " + id);
        }
    }

    public ConfigResource {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
    }

    public static ConfigResource topic(String name) {
        return new ConfigResource(Type.TOPIC, name);
    }

    public static ConfigResource broker(int id) {
        return new ConfigResource(Type.BROKER, Integer.toString(id));
    }
}
