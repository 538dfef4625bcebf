package io.sluice.cli.zk;

import io.sluice.cli.common.ExitCodes;
import io.sluice.cli.common.ToolCommand;
import io.sluice.cli.common.ToolException;
import io.sluice.cli.common.ToolRunner;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bin/zookeeper-shell.sh}: read-only {@code ls}, {@code get} and {@code stat} on znodes, printed as
 * ZooKeeper's own shell (zkCli) prints them. Kafka's form, {@code zookeeper-shell.sh host:port[/chroot] ls /},
 * works as well as {@code --zookeeper host:port[/chroot]}. Without a command it reads commands from stdin, one
 * per line (empty lines and lines starting with # are skipped), and exits 1 if any of them failed.
 */
@Command(name = "zookeeper-shell.sh", sortOptions = false,
    description = {"Reads znodes: ls PATH (children), get PATH (data as UTF-8), stat PATH (metadata).",
        "Usage: zookeeper-shell.sh (--zookeeper CONNECT | CONNECT) [ls|get|stat PATH]; without a command, "
            + "commands are read from stdin, one per line."})
public final class ZooKeeperShellCommand extends ToolCommand {
    private static final List<String> COMMANDS = List.of("ls", "get", "stat");

    @Option(names = "--zookeeper", paramLabel = "HOST:PORT[,...][/CHROOT]",
        description = "The ZooKeeper connect string (or give it as the first argument, as Kafka's tool takes it).")
    String connect;

    @Option(names = {"--zk-connection-timeout-ms", "--zk-connection-timeout"}, paramLabel = "MS",
        defaultValue = "" + ZooKeeperOptions.DEFAULT_CONNECTION_TIMEOUT_MS,
        description = "How long to wait for a connection to ZooKeeper (default: ${DEFAULT-VALUE} ms).")
    int connectionTimeoutMs;

    @Parameters(paramLabel = "ARG", description = "[CONNECT] [COMMAND PATH]")
    List<String> arguments = new ArrayList<>();

    private final InputStream stdin;

    public ZooKeeperShellCommand() {
        this(System.in);
    }

    ZooKeeperShellCommand(InputStream stdin) {
        this.stdin = stdin;
    }

    public static void main(String[] args) {
        ToolRunner.main(new ZooKeeperShellCommand(), args);
    }

    @Override
    protected int execute() throws Exception {
        List<String> args = new ArrayList<>(arguments);
        String zkConnect = connect;
        if (zkConnect == null) {
            if (args.isEmpty() || COMMANDS.contains(args.get(0))) {
                throw usageError("Missing the ZooKeeper connect string (--zookeeper HOST:PORT[/CHROOT])");
            }
            zkConnect = args.remove(0);
        }
        if (!args.isEmpty()) {
            validate(args);
        }
        try (CuratorFramework zk = ZkSession.open(zkConnect, connectionTimeoutMs)) {
            if (!args.isEmpty()) {
                run(zk, args, out());
                return ExitCodes.OK;
            }
            return runScript(zk);
        }
    }

    private int runScript(CuratorFramework zk) throws Exception {
        int code = ExitCodes.OK;
        BufferedReader in = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            List<String> words = List.of(trimmed.split("\\s+"));
            try {
                validate(words);
                run(zk, words, out());
            } catch (ToolException | picocli.CommandLine.ParameterException e) {
                out().flush();
                err().println(toolName() + ": " + e.getMessage());
                code = ExitCodes.FAILED;
            }
        }
        return code;
    }

    private void validate(List<String> words) {
        String command = words.get(0);
        if (!COMMANDS.contains(command)) {
            throw usageError("Unknown command '" + command + "' (commands: " + String.join(", ", COMMANDS) + ")");
        }
        if (words.size() != 2) {
            throw usageError(command + " takes exactly one znode path, e.g. " + command + " /brokers/ids");
        }
        if (!words.get(1).startsWith("/")) {
            throw usageError("'" + words.get(1) + "' is not a znode path (paths start with /)");
        }
    }

    private static void run(CuratorFramework zk, List<String> words, PrintWriter out) throws Exception {
        String path = words.get(1);
        try {
            switch (words.get(0)) {
                case "ls" -> {
                    List<String> children = new ArrayList<>(zk.getChildren().forPath(path));
                    children.sort(null);
                    out.println("[" + String.join(", ", children) + "]");
                }
                case "get" -> {
                    byte[] data = zk.getData().forPath(path);
                    out.println(data == null ? "null" : new String(data, StandardCharsets.UTF_8));
                }
                case "stat" -> {
                    Stat stat = zk.checkExists().forPath(path);
                    if (stat == null) {
                        throw new KeeperException.NoNodeException(path);
                    }
                    out.print(format(stat));
                }
                default -> throw new IllegalStateException("unvalidated command " + words.get(0));
            }
            out.flush();
        } catch (KeeperException.NoNodeException e) {
            throw ToolException.failed("Node does not exist: " + path);
        } catch (IllegalArgumentException e) {
            throw ToolException.badInput("Invalid path '" + path + "': " + e.getMessage());
        }
    }

    /** zkCli's layout of a Stat: one {@code name = value} line per field, zxids and the owner in hex. */
    static String format(Stat stat) {
        return "cZxid = 0x" + Long.toHexString(stat.getCzxid()) + "\n"
            + "ctime = " + new Date(stat.getCtime()) + "\n"
            + "mZxid = 0x" + Long.toHexString(stat.getMzxid()) + "\n"
            + "mtime = " + new Date(stat.getMtime()) + "\n"
            + "pZxid = 0x" + Long.toHexString(stat.getPzxid()) + "\n"
            + "cversion = " + stat.getCversion() + "\n"
            + "dataVersion = " + stat.getVersion() + "\n"
            + "aclVersion = " + stat.getAversion() + "\n"
            + "ephemeralOwner = 0x" + Long.toHexString(stat.getEphemeralOwner()) + "\n"
            + "dataLength = " + stat.getDataLength() + "\n"
            + "numChildren = " + stat.getNumChildren() + "\n";
    }
}
