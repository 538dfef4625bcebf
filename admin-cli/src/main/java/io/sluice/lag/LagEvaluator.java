package io.sluice.lag;

import io.sluice.common.TopicPartition;
import java.util.ArrayList;
import java.util.List;

/**
 * Burrow's consumer-lag evaluation rules, as pure functions of a commit window, the current lag and the time.
 *
 * <h2>Partition rules</h2>
 * Taken in this order, the first that matches decides:
 * <ol>
 *   <li><b>OK</b> if the window is empty, if the current lag is 0, or if the lag was 0 at any commit in the window.
 *       A quiet topic (no new records) therefore stays OK however long ago the last commit was.</li>
 *   <li><b>REWIND</b> if some commit has a lower offset than the one before it.</li>
 *   <li><b>STOP</b> if the time since the newest commit is greater than the time the window spans
 *       ({@code now - newest.timestamp > newest.timestamp - oldest.timestamp}).
 *       Example: commits at t=0,10,...,90 s; at t=180 s it is not STOP (90 s ≤ 90 s), at t=181 s it is.</li>
 *   <li><b>STALL</b> if every commit has the same offset: committing, not moving.</li>
 *   <li><b>WARN</b> if the lag never decreases from one commit to the next: moving, but falling behind.
 *       Example: lags 5, 5, 7, 9 → WARN; lags 5, 7, 6 → OK.</li>
 *   <li>otherwise <b>OK</b>.</li>
 * </ol>
 * {@code complete} is the fraction of the window filled.
 *
 * <h2>Group</h2>
 * The worst partition status, capped at ERR (a STOP, STALL or REWIND partition makes the group ERR); OK without
 * partitions; {@code complete} is the fraction of partitions with a full window.
 */
public final class LagEvaluator {
    private LagEvaluator() {
    }

    /** The rule that applies to {@code commits} (oldest first) with {@code currentLag} at {@code nowMs}. */
    public static LagStatus partitionStatus(List<Commit> commits, long currentLag, long nowMs) {
        if (commits.isEmpty() || currentLag == 0 || commits.stream().anyMatch(c -> c.lag() == 0)) {
            return LagStatus.OK;
        }
        Commit first = commits.get(0);
        Commit last = commits.get(commits.size() - 1);
        boolean rewound = false;
        boolean allSameOffset = true;
        boolean lagNeverDecreases = true;
        for (int i = 1; i < commits.size(); i++) {
            Commit before = commits.get(i - 1);
            Commit c = commits.get(i);
            rewound |= c.offset() < before.offset();
            allSameOffset &= c.offset() == before.offset();
            lagNeverDecreases &= c.lag() >= before.lag();
        }
        if (rewound) {
            return LagStatus.REWIND;
        }
        if (nowMs - last.timestamp() > last.timestamp() - first.timestamp()) {
            return LagStatus.STOP;
        }
        if (allSameOffset) {
            return LagStatus.STALL;
        }
        if (lagNeverDecreases) {
            return LagStatus.WARN;
        }
        return LagStatus.OK;
    }

    /**
     * Evaluates one partition.
     *
     * @param window       the partition's commits
     * @param endOffset    the latest log-end offset known, or -1 when unknown (then the lag is taken as 0)
     * @param oldestUnconsumedTimestamp the timestamp of the record at the committed offset, or -1 when unknown
     */
    public static PartitionStatus evaluate(TopicPartition tp, CommitWindow window, long endOffset,
                                           long oldestUnconsumedTimestamp, long nowMs) {
        return evaluate(tp, window, endOffset, oldestUnconsumedTimestamp, OffsetsSource.Owner.NONE, nowMs);
    }

    /** Evaluates one partition owned by {@code owner} (Burrow's {@code owner} and {@code client_id}). */
    public static PartitionStatus evaluate(TopicPartition tp, CommitWindow window, long endOffset,
                                           long oldestUnconsumedTimestamp, OffsetsSource.Owner owner, long nowMs) {
        List<Commit> commits = window.commits();
        Commit newest = window.newest();
        long currentLag = newest == null || endOffset < 0 ? 0 : Math.max(0, endOffset - newest.offset());
        LagStatus status = partitionStatus(commits, currentLag, nowMs);
        Long timeLag;
        if (newest == null) {
            timeLag = null;
        } else if (currentLag == 0) {
            timeLag = 0L;
        } else {
            timeLag = oldestUnconsumedTimestamp >= 0 ? Math.max(0, nowMs - oldestUnconsumedTimestamp) : null;
        }
        return new PartitionStatus(tp.topic(), tp.partition(), owner.host(), owner.clientId(), status,
            commits.isEmpty() ? null : commits.get(0), newest, currentLag,
            (double) commits.size() / window.capacity(), endOffset, timeLag);
    }

    /** Combines partition statuses (in the order given) into the group status. */
    public static GroupStatus group(String cluster, String group, List<PartitionStatus> partitions) {
        LagStatus worst = LagStatus.OK;
        PartitionStatus maxlag = null;
        long total = 0;
        int complete = 0;
        for (PartitionStatus p : partitions) {
            worst = worst.worse(p.status());
            if (maxlag == null || p.currentLag() > maxlag.currentLag()) {
                maxlag = p;
            }
            total += p.currentLag();
            if (p.complete() >= 1.0) {
                complete++;
            }
        }
        double completeness = partitions.isEmpty() ? 1.0 : (double) complete / partitions.size();
        return new GroupStatus(cluster, group, worst.cappedAtErr(), completeness, new ArrayList<>(partitions),
            partitions.size(), maxlag, total);
    }
}
