package io.sluice.coordinator.metadata;

/**
 * The outcome of a conditional (compare-and-set) write of one znode.
 *
 * <ul>
 *   <li>{@link Written}: done; {@code newZkVersion} is the expected version of the next write.</li>
 *   <li>{@link StaleVersion}: someone wrote the znode since it was read; re-read and decide again.</li>
 *   <li>{@link NoNode}: the znode does not exist (topic deleted, or state never created).</li>
 * </ul>
 */
public sealed interface CasResult {
    record Written(int newZkVersion) implements CasResult {
    }

    record StaleVersion(String path, int expectedZkVersion) implements CasResult {
    }

    record NoNode(String path) implements CasResult {
    }

    default boolean isWritten() {
        return this instanceof Written;
    }
}
