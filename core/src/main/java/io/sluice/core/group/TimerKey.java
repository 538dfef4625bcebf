package io.sluice.core.group;

/**
 * A timer a {@link GroupStateMachine} asks for. At most one timer per key is pending: scheduling a key again
 * replaces the earlier one. When it fires, the runtime calls {@link GroupStateMachine#onTimer}. Immutable.
 */
public sealed interface TimerKey {

    String groupId();

    /** A member's session: it is removed unless it heartbeats (or joins, syncs, commits) first. */
    record SessionExpiry(String groupId, String memberId) implements TimerKey {
    }

    /** A member id handed out with MEMBER_ID_REQUIRED that was not used to join within the session timeout. */
    record PendingMemberExpiry(String groupId, String memberId) implements TimerKey {
    }

    /** The end of the join phase: the initial delay (empty group) or the rebalance timeout. */
    record JoinDeadline(String groupId) implements TimerKey {
    }

    /** Members of this generation that have not sent SyncGroup by then are removed. */
    record SyncDeadline(String groupId, int generation) implements TimerKey {
    }
}
