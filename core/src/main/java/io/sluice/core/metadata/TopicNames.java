package io.sluice.core.metadata;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/**
 * Kafka's topic-name rules: 1 to {@value #MAX_LENGTH} characters of {@code [a-zA-Z0-9._-]}, not {@code "."}
 * or {@code ".."} (they would be directory names). Two names that differ only in '.' versus '_' collide
 * (metric names replace '.' with '_'), so a topic is refused if it collides with an existing one. The internal
 * topics {@value #CONSUMER_OFFSETS} and {@value #TRANSACTION_STATE} belong to the broker: users cannot create
 * or delete them. Stateless.
 */
public final class TopicNames {
    public static final int MAX_LENGTH = 249;
    public static final String CONSUMER_OFFSETS = "__consumer_offsets";
    public static final String TRANSACTION_STATE = "__transaction_state";
    public static final Set<String> INTERNAL = Set.of(CONSUMER_OFFSETS, TRANSACTION_STATE);

    private TopicNames() {
    }

    /** Why {@code name} is not a legal topic name, or empty if it is. */
    public static Optional<String> invalidReason(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("Topic name is empty.");
        }
        if (name.equals(".") || name.equals("..")) {
            return Optional.of("Topic name cannot be \".\" or \"..\".");
        }
        if (name.length() > MAX_LENGTH) {
            return Optional.of("Topic name is longer than " + MAX_LENGTH + " characters (" + name.length() + ").");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean legal = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == '-';
            if (!legal) {
                return Optional.of("Topic name '" + printable(name) + "' is illegal: it contains a character other than "
                    + "ASCII alphanumerics, '.', '_' and '-' ('" + printable(String.valueOf(c)) + "' at index " + i + ").");
            }
        }
        return Optional.empty();
    }

    public static boolean isValid(String name) {
        return invalidReason(name).isEmpty();
    }

    /** @throws ApiException INVALID_TOPIC_EXCEPTION with the reason, if the name is not legal */
    public static void validate(String name) {
        invalidReason(name).ifPresent(reason -> {
            throw new ApiException(Errors.INVALID_TOPIC_EXCEPTION, reason);
        });
    }

    /**
     * Checks that users may create a topic named {@code name}: a legal name that is not internal.
     *
     * @throws ApiException INVALID_TOPIC_EXCEPTION otherwise
     */
    public static void validateForCreation(String name) {
        validate(name);
        if (isInternal(name)) {
            throw new ApiException(Errors.INVALID_TOPIC_EXCEPTION,
                "Topic '" + name + "' is reserved for the broker's internal use and cannot be created by clients.");
        }
    }

    public static boolean isInternal(String name) {
        return name != null && INTERNAL.contains(name);
    }

    /** The name with '.' replaced by '_': equal keys collide. */
    public static String collisionKey(String name) {
        return name.replace('.', '_');
    }

    /** Whether the name has a character ('.' or '_') that could collide with another name. */
    public static boolean hasCollisionChars(String name) {
        return name.indexOf('.') >= 0 || name.indexOf('_') >= 0;
    }

    /** An existing topic, other than {@code name} itself, that {@code name} collides with. */
    public static Optional<String> collision(String name, Collection<String> existing) {
        if (!hasCollisionChars(name)) {
            return Optional.empty();
        }
        String key = collisionKey(name);
        return existing.stream().filter(t -> !t.equals(name) && collisionKey(t).equals(key)).sorted().findFirst();
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 300));
        for (int i = 0; i < s.length() && i < 300; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return s.length() > 300 ? b.append("...").toString() : b.toString();
    }
}
