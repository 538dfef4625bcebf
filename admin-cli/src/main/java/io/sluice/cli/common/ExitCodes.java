package io.sluice.cli.common;

/**
 * The exit codes of every tool, so scripts and monitoring can tell the cases apart.
 *
 * <table>
 *   <caption>exit codes</caption>
 *   <tr><td>0</td><td>{@link #OK}</td><td>done</td></tr>
 *   <tr><td>1</td><td>{@link #FAILED}</td><td>the operation failed: ZooKeeper or a broker unreachable within the
 *       timeout, a request refused, an unexpected error</td></tr>
 *   <tr><td>2</td><td>{@link #USAGE}</td><td>bad input: an unknown or missing option, a bad value, an unreadable
 *       or malformed input file; nothing was done</td></tr>
 *   <tr><td>3</td><td>{@link #UNHEALTHY}</td><td>the tool ran, but the cluster is not in the state asked about:
 *       offline partitions ({@code cluster-status.sh}), a reassignment not complete
 *       ({@code reassign-partitions.sh --verify})</td></tr>
 * </table>
 */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int UNHEALTHY = 3;

    private ExitCodes() {
    }
}
