package io.sluice.systest;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * Puts every {@code @TempDir} of the system tests under {@code system-tests/target/systest-work/}, named after
 * the test class: ZooKeeper data, broker log dirs and process logs of a failed test stay there for inspection
 * ({@code @TempDir(cleanup = ON_SUCCESS)}), and {@code mvn clean} removes them. Registered in
 * junit-platform.properties.
 */
public final class BuildDirTempDirFactory implements TempDirFactory {
    @Override
    public Path createTempDirectory(AnnotatedElementContext elementContext, ExtensionContext extensionContext)
            throws Exception {
        Path base = Path.of(System.getProperty("sluice.systest.work.dir", "target/systest-work")).toAbsolutePath();
        Files.createDirectories(base);
        String prefix = extensionContext.getTestClass().map(Class::getSimpleName).orElse("systest") + "-";
        return Files.createTempDirectory(base, prefix);
    }
}
