package io.sluice.lag;

import io.sluice.common.Time;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * {@code bin/lag-monitor.sh}: runs the consumer-lag monitor until SIGTERM/Ctrl-C. Either
 * {@code lag-monitor.sh CONFIG} (see {@link MonitorConfig}) or
 * {@code lag-monitor.sh --bootstrap-server B [--cluster-name local] --http-port P}.
 */
public final class LagMonitorMain {
    private static final Logger log = LogManager.getLogger(LagMonitorMain.class);
    static final String USAGE = """
        Usage: lag-monitor.sh CONFIG
               lag-monitor.sh --bootstrap-server HOST:PORT[,HOST:PORT...] --http-port PORT [--cluster-name NAME]
                              [--http-host HOST] [--offset-refresh-ms N] [--window-size N] [--enable-delete]
          Watches consumer groups' lag with Burrow's rules and serves Burrow's v3 HTTP API, /metrics and a web page.""";

    private LagMonitorMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.println(USAGE);
            if (args.length == 0) {
                System.exit(2);
            }
            return;
        }
        MonitorConfig config;
        try {
            config = args.length == 1 && !args[0].startsWith("--") ? MonitorConfig.load(Path.of(args[0]))
                : MonitorConfig.fromArgs(args);
        } catch (IllegalArgumentException e) {
            System.err.println("lag-monitor.sh: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        LagMonitor monitor = new LagMonitor(config.clusters(), c -> new AdminOffsetsSource(c.bootstrapServers()),
            Time.SYSTEM);
        LagHttpServer server = LagHttpServer.start(new BurrowApi(monitor, config.deleteEnabled(), hostName()),
            config.httpHost(), config.httpPort());
        monitor.start();
        // One line on stdout that scripts and tests can wait for.
        System.out.println("Lag monitor serving on http://" + config.httpHost() + ":" + server.port() + "/ for "
            + monitor.clusterNames());
        System.out.flush();
        log.info("Lag monitor listening on port {} for clusters {}", server.port(), monitor.clusterNames());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            monitor.close();
            stopped.countDown();
        }, "lag-monitor-shutdown"));
        stopped.await();
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
