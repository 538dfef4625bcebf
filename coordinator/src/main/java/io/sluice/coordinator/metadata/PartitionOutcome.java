package io.sluice.coordinator.metadata;

import io.sluice.common.Errors;
import java.util.Objects;
import java.util.Optional;

/** The result of an operation on one partition: an error code (NONE for success) and an optional message. */
public record PartitionOutcome(Errors error, Optional<String> message) {
    public static final PartitionOutcome NONE = new PartitionOutcome(Errors.NONE, Optional.empty());

    public PartitionOutcome {
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(message, "message");
    }

    public static PartitionOutcome of(Errors error, String message) {
        return error == Errors.NONE && message == null ? NONE : new PartitionOutcome(error, Optional.ofNullable(message));
    }

    public boolean isError() {
        return error != Errors.NONE;
    }
}
