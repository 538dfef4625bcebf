package io.sluice.core.log;

import java.util.Objects;
import java.util.Optional;

/**
 * A topic name and a partition number; also the name of the partition's directory, {@code <topic>-<partition>}.
 * Topic names are made of {@code [a-zA-Z0-9._-]}, so the partition is whatever follows the last {@code '-'}.
 * Immutable.
 *
 * <p>TODO(#3): move to {@code io.sluice.common} once the client module grows one; nothing here is log-specific.
 */
public record TopicPartition(String topic, int partition) {

    public TopicPartition {
        Objects.requireNonNull(topic, "topic");
        if (topic.isEmpty()) {
            throw new IllegalArgumentException("Empty topic name");
        }
        if (partition < 0) {
            throw new IllegalArgumentException("Negative partition " + partition + " of topic " + topic);
        }
    }

    /** The partition directory's name. */
    public String dirName() {
        return topic + "-" + partition;
    }

    /** Parses a partition directory name, or empty if it is not one ({@code lost+found}, deleted dirs, ...). */
    public static Optional<TopicPartition> fromDirName(String name) {
        int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1) {
            return Optional.empty();
        }
        String topic = name.substring(0, dash);
        String number = name.substring(dash + 1);
        for (int i = 0; i < number.length(); i++) {
            if (!Character.isDigit(number.charAt(i))) {
                return Optional.empty();
            }
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 128) && c != '.' && c != '_' && c != '-') {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(new TopicPartition(topic, Integer.parseInt(number)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return dirName();
    }
}
