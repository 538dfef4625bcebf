package io.sluice.core.group;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Reads what the coordinator needs from the "consumer" protocol's member metadata (design doc 6.3): the
 * subscribed topics. Subscription layout (every version starts the same way): version INT16, topics
 * ARRAY&lt;STRING&gt;, then fields of later versions, which are ignored. Stateless.
 */
public final class ConsumerProtocol {
    public static final String PROTOCOL_TYPE = "consumer";

    private ConsumerProtocol() {
    }

    /** The topics of a subscription, or empty if the bytes are not a consumer subscription. */
    public static Optional<Set<String>> subscribedTopics(byte[] subscription) {
        try {
            ByteBuffer in = ByteBuffer.wrap(subscription);
            short version = in.getShort();
            if (version < 0) {
                return Optional.empty();
            }
            int count = in.getInt();
            if (count < 0 || count > in.remaining() / 2) {
                return Optional.empty();
            }
            Set<String> topics = new LinkedHashSet<>();
            for (int i = 0; i < count; i++) {
                short length = in.getShort();
                if (length < 0) {
                    return Optional.empty();
                }
                byte[] name = new byte[length];
                in.get(name);
                topics.add(new String(name, StandardCharsets.UTF_8));
            }
            return Optional.of(topics);
        } catch (BufferUnderflowException e) {
            return Optional.empty();
        }
    }
}
