package io.sluice.systest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Where the project's bin scripts and build output are. The root comes from the system property
 * {@code sluice.project.root} (set by the Failsafe configuration) or, failing that, the working directory or
 * its parent (Failsafe runs in the module directory, an IDE often in the project's).
 */
public final class ProjectLayout {
    private ProjectLayout() {}

    public static Path root() {
        String configured = System.getProperty("sluice.project.root");
        Path cwd = Path.of("").toAbsolutePath();
        Path root = (configured != null ? Path.of(configured)
                : Files.isRegularFile(cwd.resolve("bin/start-broker.sh")) ? cwd : cwd.getParent())
                .toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("bin/start-broker.sh"))) {
            throw new IllegalStateException("cannot find the Sluice project root (no bin/start-broker.sh in " + root
                    + "); run the system tests through Maven from the project, or set -Dsluice.project.root");
        }
        return root;
    }

    public static Path script(String name) {
        return root().resolve("bin").resolve(name);
    }

    /**
     * Fails with a clear message unless core has been packaged: the bin scripts run from core's jar and
     * core/target/classpath.txt.
     */
    public static void requireCoreBuilt() {
        Path target = root().resolve("core/target");
        boolean classpath = Files.isRegularFile(target.resolve("classpath.txt"));
        boolean jar = false;
        if (Files.isDirectory(target)) {
            try (Stream<Path> files = Files.list(target)) {
                jar = files.map(p -> p.getFileName().toString())
                        .anyMatch(n -> n.startsWith("sluice-") && n.endsWith(".jar") && !n.endsWith("-tests.jar"));
            } catch (IOException e) {
                throw new IllegalStateException("cannot list " + target, e);
            }
        }
        if (!classpath || !jar) {
            throw new IllegalStateException("Sluice core is not built (" + target + " lacks "
                    + (classpath ? "" : "classpath.txt ") + (jar ? "" : "the core jar")
                    + "): run 'mvn -B -q install -DskipTests' in " + root() + " first");
        }
    }
}
