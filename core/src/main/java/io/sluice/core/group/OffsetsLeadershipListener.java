package io.sluice.core.group;

/**
 * Told when this broker becomes or stops being the leader of a {@code __consumer_offsets} partition (and so the
 * coordinator of its groups). Calls may come from any thread and must return quickly; a later call for the same
 * partition supersedes an earlier one.
 */
public interface OffsetsLeadershipListener {

    /** This broker now leads {@code partition} at {@code leaderEpoch}: load its groups and offsets. */
    void onBecomeLeader(int partition, int leaderEpoch);

    /** This broker no longer leads {@code partition}: drop its groups (NOT_COORDINATOR from now on). */
    void onResign(int partition);
}
