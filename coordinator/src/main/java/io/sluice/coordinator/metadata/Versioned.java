package io.sluice.coordinator.metadata;

import java.util.Objects;

/** A decoded znode value with the data version it was read at: the expected version of a conditional write. */
public record Versioned<T>(T value, int zkVersion) {
    public Versioned {
        Objects.requireNonNull(value, "value");
    }
}
