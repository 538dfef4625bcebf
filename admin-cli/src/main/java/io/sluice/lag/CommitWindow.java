package io.sluice.lag;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The last {@code capacity} commits of one group partition, oldest first (Burrow's ring of {@code intervals}
 * offsets). A commit is stored only when it differs from the newest one in offset or in time, and a commit older
 * than the newest one is dropped unless it moves the offset forward (a late duplicate), as Burrow's in-memory
 * storage does; once full, each new commit pushes out the oldest.
 *
 * <p>Not thread-safe: guarded by the owning {@link ClusterState}.
 */
public final class CommitWindow {
    private final int capacity;
    private final ArrayDeque<Commit> commits;

    public CommitWindow(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("A commit window holds at least one commit, not " + capacity);
        }
        this.capacity = capacity;
        this.commits = new ArrayDeque<>(capacity);
    }

    /**
     * Adds {@code commit} unless it is a duplicate of the newest commit (same offset and time) or an older
     * commit arriving late without moving the offset forward.
     *
     * @return whether the window changed
     */
    public boolean add(Commit commit) {
        Commit newest = commits.peekLast();
        if (newest != null) {
            if (commit.offset() == newest.offset() && commit.timestamp() == newest.timestamp()) {
                return false;
            }
            if (commit.timestamp() < newest.timestamp() && commit.offset() <= newest.offset()) {
                return false;
            }
        }
        if (commits.size() == capacity) {
            commits.removeFirst();
        }
        commits.addLast(commit);
        return true;
    }

    public int capacity() {
        return capacity;
    }

    public int size() {
        return commits.size();
    }

    public boolean isEmpty() {
        return commits.isEmpty();
    }

    /** The newest commit, or null when the window is empty. */
    public Commit newest() {
        return commits.peekLast();
    }

    /** The commits, oldest first. */
    public List<Commit> commits() {
        return List.copyOf(commits);
    }

    /**
     * Burrow's ring as its HTTP API shows it: {@link #capacity()} slots, oldest first, the slots not filled yet
     * as leading nulls.
     */
    public List<Commit> slots() {
        List<Commit> slots = new ArrayList<>(capacity);
        for (int i = commits.size(); i < capacity; i++) {
            slots.add(null);
        }
        slots.addAll(commits);
        return slots;
    }
}
