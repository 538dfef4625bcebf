package io.sluice.core.group;

import io.sluice.common.Errors;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What one operation of a {@link GroupStateMachine} decided: records to append to its {@code __consumer_offsets}
 * partition, replies to send once those records (and every earlier append of the partition) are replicated,
 * and timers to set or cancel. The state machine has already applied the records to itself. Immutable.
 */
public record GroupResult(List<GroupRecord> records, List<Reply> replies, List<TimerOp> timers) {
    public static final GroupResult EMPTY = new GroupResult(List.of(), List.of(), List.of());

    public GroupResult {
        records = List.copyOf(records);
        replies = List.copyOf(replies);
        timers = List.copyOf(timers);
    }

    /**
     * The answer to a request.
     *
     * @param requestId      the id the runtime gave the request when it was submitted
     * @param response       the response body (a protocol message, or for per-group operations the per-group part)
     * @param onWriteFailure the response to send instead if the append fails, given the error a client should
     *                       see; null for the request's generic error response
     */
    public record Reply(long requestId, Object response, Function<Errors, Object> onWriteFailure) {
        public Reply {
            Objects.requireNonNull(response, "response");
        }
    }

    /** A change to the timers. */
    public sealed interface TimerOp {
        TimerKey key();

        record Schedule(TimerKey key, long delayMs) implements TimerOp {
        }

        record Cancel(TimerKey key) implements TimerOp {
        }
    }

    /** Collects one operation's outcome. Not thread-safe; lives for one operation. */
    static final class Builder {
        private final List<GroupRecord> records = new ArrayList<>();
        private final List<Reply> replies = new ArrayList<>();
        private final List<TimerOp> timers = new ArrayList<>();

        void record(GroupRecord r) {
            records.add(r);
        }

        void reply(long requestId, Object response) {
            replies.add(new Reply(requestId, response, null));
        }

        void reply(long requestId, Object response, Function<Errors, Object> onWriteFailure) {
            replies.add(new Reply(requestId, response, onWriteFailure));
        }

        void schedule(TimerKey key, long delayMs) {
            timers.add(new TimerOp.Schedule(key, delayMs));
        }

        void cancel(TimerKey key) {
            timers.add(new TimerOp.Cancel(key));
        }

        GroupResult build() {
            if (records.isEmpty() && replies.isEmpty() && timers.isEmpty()) {
                return EMPTY;
            }
            return new GroupResult(records, replies, timers);
        }
    }
}
