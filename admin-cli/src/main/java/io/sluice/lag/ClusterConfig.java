package io.sluice.lag;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the monitor knows about one cluster.
 *
 * @param name              the cluster's name in the HTTP API
 * @param bootstrapServers  host:port pairs
 * @param offsetRefreshMs   how often committed and log-end offsets are read
 * @param windowSize        commits kept per group partition (Burrow's {@code intervals})
 * @param groupInclude      groups monitored: those this pattern finds (unanchored, like Burrow's whitelist)...
 * @param groupExclude      ...and this one does not find; null to exclude none
 * @param groupExpiryMs     a group without a commit for this long is forgotten
 * @param historySize       lag samples kept per group for graphs (one per refresh)
 */
public record ClusterConfig(String name, List<String> bootstrapServers, long offsetRefreshMs, int windowSize,
                            Pattern groupInclude, Pattern groupExclude, long groupExpiryMs, int historySize) {
    public static final long DEFAULT_OFFSET_REFRESH_MS = 10_000;
    public static final int DEFAULT_WINDOW_SIZE = 10;
    public static final long DEFAULT_GROUP_EXPIRY_MS = 7 * 24 * 3600 * 1000L;
    public static final int DEFAULT_HISTORY_SIZE = 360;

    public ClusterConfig {
        Objects.requireNonNull(name, "name");
        bootstrapServers = List.copyOf(bootstrapServers);
        if (name.isEmpty() || name.contains("/")) {
            throw new IllegalArgumentException("Invalid cluster name '" + name + "'");
        }
        if (offsetRefreshMs <= 0 || windowSize < 1 || groupExpiryMs <= 0 || historySize < 1) {
            throw new IllegalArgumentException("Cluster " + name + ": offset refresh, window size, group expiry and"
                + " history size must be positive");
        }
        if (groupInclude == null) {
            groupInclude = Pattern.compile("");
        }
    }

    public static ClusterConfig defaults(String name, List<String> bootstrapServers) {
        return new ClusterConfig(name, bootstrapServers, DEFAULT_OFFSET_REFRESH_MS, DEFAULT_WINDOW_SIZE, null, null,
            DEFAULT_GROUP_EXPIRY_MS, DEFAULT_HISTORY_SIZE);
    }

    public boolean monitors(String group) {
        return groupInclude.matcher(group).find() && (groupExclude == null || !groupExclude.matcher(group).find());
    }
}
