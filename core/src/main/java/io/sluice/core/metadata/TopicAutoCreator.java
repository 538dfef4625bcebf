package io.sluice.core.metadata;

import io.sluice.common.Errors;
import io.sluice.common.Uuid;
import java.util.Objects;

/**
 * Creates a topic that a Metadata request named but that does not exist, when the request allows it. The
 * Metadata handler sees only this; {@link TopicAdmin} implements it.
 */
@FunctionalInterface
public interface TopicAutoCreator {

    /** Never creates anything: every unknown topic stays unknown. */
    TopicAutoCreator DISABLED = topic -> new AutoCreation.Refused(Errors.UNKNOWN_TOPIC_OR_PARTITION,
        "Topic '" + topic + "' does not exist and is not created automatically.");

    /**
     * Creates {@code topic} (a legal, non-internal name) with the broker's defaults, without waiting for leaders.
     * Never throws: every failure is an {@link AutoCreation.Refused}.
     */
    AutoCreation autoCreate(String topic);

    /** What happened to one topic. */
    sealed interface AutoCreation {
        /** Written to ZooKeeper; leaders follow shortly (answer LEADER_NOT_AVAILABLE so the client retries). */
        record Created(Uuid topicId) implements AutoCreation {
            public Created {
                Objects.requireNonNull(topicId, "topicId");
            }
        }

        /** Not created; {@code error} is the topic's error in the Metadata response. */
        record Refused(Errors error, String message) implements AutoCreation {
            public Refused {
                Objects.requireNonNull(error, "error");
            }
        }
    }
}
