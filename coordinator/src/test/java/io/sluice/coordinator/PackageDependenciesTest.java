package io.sluice.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Checks the layering stated in each package-info.java by reading the main sources' imports: which
 * {@code io.sluice} packages each coordinator package may use. (A source scan rather than ArchUnit, to keep the
 * build's dependencies as they are.)
 */
class PackageDependenciesTest {
    private static final Path MAIN = Path.of("src/main/java/io/sluice/coordinator");
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?(io\\.sluice\\.[\\w.]+)\\.\\w+;", Pattern.MULTILINE);

    private static final Map<String, List<String>> ALLOWED = Map.of(
        "zk", List.of("io.sluice.coordinator.zk"),
        "metadata", List.of("io.sluice.coordinator.metadata", "io.sluice.coordinator.zk", "io.sluice.common"),
        "registration", List.of("io.sluice.coordinator.registration", "io.sluice.coordinator.metadata",
            "io.sluice.coordinator.zk", "io.sluice.common"),
        "controller", List.of("io.sluice.coordinator.controller", "io.sluice.coordinator.metadata",
            "io.sluice.coordinator.zk", "io.sluice.common"));

    @Test
    void packagesImportOnlyWhatTheirPackageInfoAllows() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, List<String>> entry : ALLOWED.entrySet()) {
            try (Stream<Path> files = Files.walk(MAIN.resolve(entry.getKey()))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    Matcher m = IMPORT.matcher(Files.readString(file));
                    while (m.find()) {
                        String imported = m.group(1);
                        boolean ok = entry.getValue().stream().anyMatch(allowed ->
                            imported.equals(allowed) || imported.startsWith(allowed + "."));
                        if (!ok) {
                            violations.add(file + " imports " + imported);
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void everyPackageHasAPackageInfo() {
        for (String pkg : ALLOWED.keySet()) {
            assertEquals(true, Files.exists(MAIN.resolve(pkg).resolve("package-info.java")), pkg);
        }
    }
}
