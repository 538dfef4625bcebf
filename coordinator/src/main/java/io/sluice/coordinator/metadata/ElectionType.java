package io.sluice.coordinator.metadata;

import java.util.Optional;

/** The kinds of leader election a client can ask for (ElectLeaders' {@code election_type}, KIP-460). */
public enum ElectionType {
    /** Move leadership to the preferred (first) replica if it is live and in the ISR. */
    PREFERRED((byte) 0),
    /** For a partition without a leader: elect a live ISR member, else any live replica (may lose data). */
    UNCLEAN((byte) 1);

    public final byte value;

    ElectionType(byte value) {
        this.value = value;
    }

    public static Optional<ElectionType> of(int value) {
        for (ElectionType t : values()) {
            if (t.value == value) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
