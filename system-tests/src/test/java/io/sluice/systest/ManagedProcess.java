package io.sluice.systest;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * One child process started from a bin script, with stdout and stderr appended to one console log file. It is
 * stopped only through its own {@link ProcessHandle} and those of its descendants, never by name. A JVM
 * shutdown hook kills whatever is still running if the test JVM exits without cleaning up.
 */
final class ManagedProcess {
    static final InetAddress LOOPBACK = loopback();
    static final Duration KILL_WAIT = Duration.ofSeconds(15);

    private static final Pattern BIND_FAILURE = Pattern.compile("(?i)address already in use|BindException");
    private static final Set<ManagedProcess> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> LIVE.forEach(p -> p.destroyTreeForcibly()), "systest-process-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path consoleLog;

    private ManagedProcess(String name, Process process, Path consoleLog) {
        this.name = name;
        this.process = process;
        this.consoleLog = consoleLog;
    }

    /** Starts {@code command} in {@code workDir}, appending its output to {@code consoleLog} after a marker line. */
    static ManagedProcess start(String name, List<String> command, Map<String, String> env, Path workDir,
                                Path consoleLog) {
        try {
            Files.createDirectories(workDir);
            Files.writeString(consoleLog, "==== systest: starting " + name + " at " + Instant.now() + ": "
                            + String.join(" ", command) + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(consoleLog.toFile()));
            // Run the scripts with the JDK that runs the tests.
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            builder.environment().putAll(env);
            Process process = builder.start();
            process.getOutputStream().close();
            ManagedProcess managed = new ManagedProcess(name, process, consoleLog);
            LIVE.add(managed);
            return managed;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    OptionalInt exitCode() {
        return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
    }

    Path consoleLog() {
        return consoleLog;
    }

    /**
     * SIGTERM, then waits up to {@code grace} for the exit; SIGKILL (of the process and any descendants) if it
     * is still running. Returns true if it exited by itself within the grace period.
     */
    boolean stop(Duration grace) {
        if (!process.isAlive()) {
            destroyTreeForcibly();
            LIVE.remove(this);
            return true;
        }
        // Take the descendants now: once the process is gone they are re-parented and no longer found from it.
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        boolean graceful = waitFor(process.toHandle(), grace);
        if (!graceful) {
            process.destroyForcibly();
        }
        descendants.forEach(ProcessHandle::destroy);
        descendants.forEach(d -> {
            if (!waitFor(d, Duration.ofSeconds(2))) {
                d.destroyForcibly();
            }
        });
        awaitExitAfterKill();
        return graceful;
    }

    /** SIGKILL to the process and its descendants, then waits (bounded) until the process is gone. */
    void kill() {
        destroyTreeForcibly();
        awaitExitAfterKill();
    }

    /** The last {@code lines} lines of the console log. */
    String tail(int lines) {
        return tail(consoleLog, lines);
    }

    String describeExit() {
        return exitCode().isPresent() ? "exited with code " + exitCode().getAsInt() : "is still running";
    }

    private void destroyTreeForcibly() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private void awaitExitAfterKill() {
        if (!waitFor(process.toHandle(), KILL_WAIT)) {
            throw new IllegalStateException(name + " (pid " + pid() + ") is still alive " + KILL_WAIT
                    + " after SIGKILL");
        }
        LIVE.remove(this);
    }

    private static boolean waitFor(ProcessHandle handle, Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return !handle.isAlive();
        } catch (java.util.concurrent.ExecutionException e) {
            return !handle.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !handle.isAlive();
        }
    }

    /** The last {@code lines} lines of a text file (reads at most its last 256 KiB), or a note if it is missing. */
    static String tail(Path file, int lines) {
        if (!Files.exists(file)) {
            return "(no " + file + ")";
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            int size = (int) Math.min(length, 256 * 1024);
            byte[] bytes = new byte[size];
            in.seek(length - size);
            in.readFully(bytes);
            String[] all = new String(bytes, StandardCharsets.UTF_8).split("\\R", -1);
            int end = all.length > 0 && all[all.length - 1].isEmpty() ? all.length - 1 : all.length;
            int start = Math.max(0, end - lines);
            return String.join(System.lineSeparator(), Arrays.asList(all).subList(start, end));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    /** True if something accepts TCP connections on 127.0.0.1:{@code port}. */
    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(LOOPBACK, port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Sleeps for a polling interval; an interrupt ends the wait with an exception. */
    static void pause(Duration interval) {
        try {
            Thread.sleep(interval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** True if a process log says that it could not bind its port. */
    static boolean looksLikeBindFailure(String log) {
        return BIND_FAILURE.matcher(log).find();
    }

    /** The child could not bind its port: another program took it after {@link FreePorts} found it free. */
    static final class PortTakenException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PortTakenException(String message) {
            super(message);
        }
    }
}
