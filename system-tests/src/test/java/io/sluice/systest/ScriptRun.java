package io.sluice.systest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a bin script to completion as its own process, from a working directory outside the project (the scripts
 * must work from anywhere), with stdout and stderr captured separately in files. A run that outlives its timeout
 * is killed by the PID it was started with (and its descendants) and fails the test.
 */
final class ScriptRun {
    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

    /** What a finished script printed and returned. */
    record Result(String command, int code, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }

        /** For assertion messages. */
        String describe() {
            return command + " exited " + code + "\n--- stdout:\n" + out + "--- stderr:\n" + err;
        }
    }

    private ScriptRun() {}

    static Result run(Path workDir, String script, String... args) {
        return run(workDir, DEFAULT_TIMEOUT, Map.of(), null, script, args);
    }

    static Result run(Path workDir, Duration timeout, Map<String, String> env, String stdin, String script,
                      String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProjectLayout.script(script).toString());
        command.addAll(List.of(args));
        try {
            Files.createDirectories(workDir);
            Path out = Files.createTempFile(workDir, script + "-", ".out");
            Path err = Files.createTempFile(workDir, script + "-", ".err");
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            builder.environment().putAll(env);
            Process process = builder.start();
            try (var in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(15, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout
                        + "; stdout so far:\n" + Files.readString(out) + "\nstderr so far:\n" + Files.readString(err));
            }
            return new Result(String.join(" ", command), process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }
}
