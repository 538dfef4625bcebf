package io.sluice.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code start-zookeeper.sh -daemon} and {@code start-broker.sh -daemon} write pid files and console logs and
 * return at once; {@code stop-broker.sh} / {@code stop-zookeeper.sh --pid-file} stop exactly those processes.
 */
class DaemonScriptsIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Map<String, String> SMALL_HEAP = Map.of("SLUICE_HEAP_OPTS", "-Xms32m -Xmx256m");

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    /** Every pid a daemon start reported, killed after the test if it still runs (only processes we started). */
    private final List<Long> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(pid -> ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(ProcessHandle::destroyForcibly));
    }

    private long pidFrom(Path pidFile) throws Exception {
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        started.add(pid);
        return pid;
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void daemonStartsWritePidFilesAndStopScriptsStopExactlyThoseProcesses() throws Exception {
        int zkPort = FreePorts.next();
        int brokerPort = FreePorts.next();
        Path zkConfig = Files.writeString(dir.resolve("zookeeper.properties"), String.join("\n",
                "dataDir=" + dir.resolve("zk-data"), "clientPort=" + zkPort, "clientPortAddress=127.0.0.1",
                "admin.enableServer=false", "tickTime=500", ""));
        Path zkPid = dir.resolve("pids/zookeeper.pid");
        Path brokerPid = dir.resolve("pids/broker.pid");
        Path cwd = Files.createDirectories(dir.resolve("cwd"));

        ScriptRun.Result zkStart = ScriptRun.run(cwd, ScriptRun.DEFAULT_TIMEOUT, SMALL_HEAP, null, "start-zookeeper.sh",
                "-daemon", "--pid-file", zkPid.toString(), "--console-log", dir.resolve("logs/zk.out").toString(),
                zkConfig.toString());
        assertEquals(0, zkStart.code(), zkStart.describe());
        long zk = pidFrom(zkPid);
        assertTrue(zkStart.out().startsWith("Started ZooKeeper in the background: pid " + zk), zkStart.describe());
        Await.until(WAIT, () -> ManagedProcess.accepts(zkPort), () -> "ZooKeeper accepts on " + zkPort);

        String[] brokerArgs = {"-daemon", "--pid-file", brokerPid.toString(), "--console-log",
            dir.resolve("logs/broker.out").toString(), ProjectLayout.root().resolve("config/server.properties").toString(),
            "--override", "broker.id=1", "--override", "listeners=PLAINTEXT://127.0.0.1:" + brokerPort,
            "--override", "log.dirs=" + dir.resolve("broker-data"),
            "--override", "zookeeper.connect=127.0.0.1:" + zkPort + "/daemon-test"};
        ScriptRun.Result brokerStart = ScriptRun.run(cwd, ScriptRun.DEFAULT_TIMEOUT,
                Map.of("SLUICE_HEAP_OPTS", "-Xms64m -Xmx512m", "SLUICE_LOGS_DIR", dir.resolve("logs").toString()),
                null, "start-broker.sh", brokerArgs);
        assertEquals(0, brokerStart.code(), brokerStart.describe());
        long broker = pidFrom(brokerPid);
        Await.until(WAIT, () -> ManagedProcess.accepts(brokerPort) || !alive(broker),
                () -> "the broker accepts on " + brokerPort);
        assertTrue(alive(broker), () -> "the broker died: " + ManagedProcess.tail(dir.resolve("logs/broker.out"), 30));
        assertTrue(Files.readString(dir.resolve("logs/broker.out")).length() > 0 || alive(broker));

        ScriptRun.Result again = ScriptRun.run(cwd, "start-broker.sh", brokerArgs);
        assertEquals(1, again.code(), again.describe());
        assertEquals("start-broker.sh: broker is already running (pid " + broker + ", pid file " + brokerPid + ")\n",
                again.err());

        ScriptRun.Result wrong = ScriptRun.run(cwd, "stop-broker.sh", "--pid-file", zkPid.toString());
        assertEquals(1, wrong.code(), wrong.describe());
        assertTrue(wrong.err().contains("is not a broker"), wrong.describe());
        assertTrue(alive(zk), "stop-broker.sh must not stop ZooKeeper");

        ScriptRun.Result stopBroker = ScriptRun.run(cwd, "stop-broker.sh", "--pid-file", brokerPid.toString());
        assertEquals(0, stopBroker.code(), stopBroker.describe());
        assertEquals("Stopped the broker (pid " + broker + ")\n", stopBroker.out());
        assertFalse(alive(broker));
        assertFalse(Files.exists(brokerPid));
        assertTrue(alive(zk), "only the broker is stopped");

        ScriptRun.Result stopZk = ScriptRun.run(cwd, "stop-zookeeper.sh", "--pid-file", zkPid.toString(), "--timeout-s", "30");
        assertEquals(0, stopZk.code(), stopZk.describe());
        assertFalse(alive(zk));
        assertFalse(Files.exists(zkPid));
        Optional<String> noPid = ScriptRun.run(cwd, "stop-zookeeper.sh", "--pid-file", zkPid.toString()).errLines()
                .stream().findFirst();
        assertTrue(noPid.orElse("").contains("no pid file"), noPid.toString());
    }
}
