package io.sluice.systest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A real standalone ZooKeeper, started as its own process through {@code bin/start-zookeeper.sh} on a free
 * port of 127.0.0.1 with its data under a directory the test owns. Ready once it answers {@code ruok} with
 * {@code imok} and {@code srvr} with its mode (it says imok before it serves requests).
 * Close it (try-with-resources or {@code @AfterAll}) to stop it by PID.
 *
 * <pre>{@code
 * try (ZooKeeperProcess zk = ZooKeeperProcess.start(workDir.resolve("zk"))) {
 *     String connect = zk.connectString(ZooKeeperProcess.uniqueChroot(MyIT.class));
 * }
 * }</pre>
 */
public final class ZooKeeperProcess implements ZooKeeperEndpoint, AutoCloseable {
    public static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final int START_ATTEMPTS = 5;
    private static final Duration POLL = Duration.ofMillis(100);
    private static final int TAIL_LINES = 40;

    private final Path dir;
    private final int port;
    private final Path config;
    /** Extra configuration lines (an ensemble member's server.N lines); empty for a standalone server. */
    private final List<String> extraConfig;
    private final int myId;
    private ManagedProcess process;

    private ZooKeeperProcess(Path dir, int port) {
        this(dir, port, 0, List.of());
    }

    private ZooKeeperProcess(Path dir, int port, int myId, List<String> extraConfig) {
        this.dir = dir.toAbsolutePath();
        this.port = port;
        this.config = this.dir.resolve("zookeeper.properties");
        this.myId = myId;
        this.extraConfig = List.copyOf(extraConfig);
    }

    /**
     * An ensemble member (not started): {@code myId} goes into dataDir/myid, {@code serverLines} ({@code
     * server.N=host:quorumPort:electionPort}) into its configuration. See {@link ZooKeeperEnsemble}.
     */
    static ZooKeeperProcess ensembleMember(Path dir, int clientPort, int myId, List<String> serverLines) {
        ProjectLayout.requireCoreBuilt();
        return new ZooKeeperProcess(dir, clientPort, myId, serverLines);
    }

    /** Starts the process without waiting (an ensemble member serves only once a quorum has formed). */
    void launchWithoutWaiting() {
        writeConfig();
        process = ManagedProcess.start("ZooKeeper on port " + port, List.of(
                ProjectLayout.script("start-zookeeper.sh").toString(), config.toString()),
                Map.of("SLUICE_LOGS_DIR", dir.resolve("logs").toString(), "SLUICE_HEAP_OPTS", "-Xms32m -Xmx256m"),
                dir, consoleLog());
    }

    /** Waits until the started process serves requests (see the class comment); kills it if it does not. */
    void awaitServing() {
        try {
            awaitReady();
        } catch (RuntimeException e) {
            process.kill();
            throw e;
        }
    }

    /** The server's role as 'srvr' reports it (standalone, leader, follower), or empty if it does not answer. */
    public String mode() {
        try {
            for (String line : fourLetterWord("srvr").split("\\R")) {
                if (line.startsWith("Mode: ")) {
                    return line.substring("Mode: ".length()).trim();
                }
            }
        } catch (IOException e) {
            // not answering
        }
        return "";
    }

    /**
     * Starts ZooKeeper on a free port with its files under {@code dir} (config, data, logs, console.log) and
     * waits until it answers. A start that loses its port to another program is retried on a new port.
     */
    public static ZooKeeperProcess start(Path dir) {
        ProjectLayout.requireCoreBuilt();
        ManagedProcess.PortTakenException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            ZooKeeperProcess zk = new ZooKeeperProcess(dir, FreePorts.next());
            try {
                zk.launch();
                return zk;
            } catch (ManagedProcess.PortTakenException e) {
                last = e;
            }
        }
        throw new IllegalStateException("ZooKeeper did not start: its port was taken " + START_ATTEMPTS
                + " times in a row", last);
    }

    /** Starts ZooKeeper on exactly {@code port}, without retrying; for tests of the harness itself. */
    static ZooKeeperProcess startOnPort(Path dir, int port) {
        ProjectLayout.requireCoreBuilt();
        ZooKeeperProcess zk = new ZooKeeperProcess(dir, port);
        zk.launch();
        return zk;
    }

    /** A chroot unique to one test class, for {@link #connectString(String)} and brokers' zookeeper.connect. */
    public static String uniqueChroot(Class<?> testClass) {
        return "/" + testClass.getSimpleName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:<port>}. */
    public String connectString() {
        return ManagedProcess.LOOPBACK.getHostAddress() + ":" + port;
    }

    /** {@code 127.0.0.1:<port>/<chroot>}; {@code chroot} starts with a slash. */
    @Override
    public String connectString(String chroot) {
        if (!chroot.startsWith("/")) {
            throw new IllegalArgumentException("a chroot starts with '/': " + chroot);
        }
        return connectString() + chroot;
    }

    public Path dir() {
        return dir;
    }

    public Path consoleLog() {
        return dir.resolve("console.log");
    }

    public long pid() {
        return requireStarted().pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Sends a four-letter-word command (ruok, srvr, stat, mntr, ...) and returns the whole answer. */
    public String fourLetterWord(String command) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(ManagedProcess.LOOPBACK, port), 1_000);
            socket.setSoTimeout(2_000);
            socket.getOutputStream().write(command.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            socket.shutdownOutput();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            in.transferTo(answer);
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    /** SIGTERM, then SIGKILL after {@link #STOP_GRACE}. Returns true if it exited on SIGTERM. Idempotent. */
    public boolean stop() {
        return process == null || process.stop(STOP_GRACE);
    }

    /** SIGKILL, and waits until the process is gone. */
    public void kill() {
        if (process != null) {
            process.kill();
        }
    }

    /** Stops ZooKeeper if it runs, and starts it again on the same port with the same data. */
    public void restart() {
        stop();
        launch();
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "ZooKeeper[" + connectString() + (process != null ? ", pid " + process.pid() : "") + "]";
    }

    private void launch() {
        launchWithoutWaiting();
        awaitServing();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String lastAnswer = "no answer yet";
        while (true) {
            if (!process.isAlive()) {
                String tail = process.tail(TAIL_LINES);
                String message = "ZooKeeper on port " + port + " did not start: the process " + process.describeExit()
                        + "; last lines of " + consoleLog() + ":\n" + tail;
                if (ManagedProcess.looksLikeBindFailure(tail)) {
                    throw new ManagedProcess.PortTakenException(message);
                }
                throw new IllegalStateException(message);
            }
            try {
                // 'ruok' answers 'imok' as soon as the port is open, before the server serves requests; 'srvr'
                // reports a mode only once it does.
                String ruok = fourLetterWord("ruok").trim();
                String srvr = ruok.equals("imok") ? fourLetterWord("srvr") : "";
                if (srvr.contains("Mode: ")) {
                    return;
                }
                lastAnswer = "'ruok' answered '" + ruok + "'" + (srvr.isEmpty() ? "" : ", 'srvr' answered '"
                        + srvr.trim() + "'");
            } catch (IOException e) {
                lastAnswer = e.toString();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("ZooKeeper on port " + port + " (pid " + process.pid()
                        + ") did not start serving within " + START_TIMEOUT + " (" + lastAnswer
                        + "); last lines of " + consoleLog() + ":\n" + process.tail(TAIL_LINES));
            }
            ManagedProcess.pause(POLL);
        }
    }

    private void writeConfig() {
        String text = String.join(System.lineSeparator(),
                "# Written by the Sluice system-test harness.",
                "dataDir=" + dir.resolve("data"),
                "clientPort=" + port,
                "clientPortAddress=" + ManagedProcess.LOOPBACK.getHostAddress(),
                "maxClientCnxns=0",
                "admin.enableServer=false",
                // Short ticks so tests may ask for short sessions; the max keeps brokers' 18 s default honoured.
                "tickTime=500",
                "minSessionTimeout=1000",
                "maxSessionTimeout=60000",
                "4lw.commands.whitelist=*",
                "");
        if (!extraConfig.isEmpty()) {
            text += String.join(System.lineSeparator(), extraConfig) + System.lineSeparator();
        }
        try {
            Files.createDirectories(dir.resolve("data"));
            Files.writeString(config, text, StandardCharsets.UTF_8);
            if (myId > 0) {
                Files.writeString(dir.resolve("data").resolve("myid"), Integer.toString(myId), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config, e);
        }
    }

    private ManagedProcess requireStarted() {
        if (process == null) {
            throw new IllegalStateException("ZooKeeper was never started");
        }
        return process;
    }
}
