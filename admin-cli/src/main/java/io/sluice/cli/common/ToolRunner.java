package io.sluice.cli.common;

import io.sluice.common.ApiException;
import io.sluice.common.config.ConfigException;
import io.sluice.coordinator.zk.CoordinatorException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine;

/**
 * Runs a {@link ToolCommand} with the behaviour every Sluice tool shares:
 *
 * <ul>
 *   <li>{@code --help} prints the usage to stdout and exits 0.</li>
 *   <li>Bad input (an unknown, missing or repeated option, a value of the wrong type, or a
 *       {@link ToolCommand#usageError}) prints one line to stderr, {@code <tool>: <what is wrong> (try --help)},
 *       and exits {@link ExitCodes#USAGE}.</li>
 *   <li>A {@link ToolException} prints {@code <tool>: <message>} and exits with its code (bad input adds
 *       "(try --help)"); a ZooKeeper failure from the coordinator and a Kafka error from a broker the same way with
 *       {@link ExitCodes#FAILED}, an invalid client configuration with {@link ExitCodes#USAGE}; anything else
 *       prints its type and message in one line and exits {@link ExitCodes#FAILED}.</li>
 *   <li>Stack traces and the logs of client libraries (ZooKeeper, Curator, which log connection retries at
 *       WARN and ERROR) appear only with {@code --verbose}, so a failure is exactly one line on stderr.</li>
 * </ul>
 *
 * Option names are matched exactly (no abbreviations) and may not be given twice unless they are declared as
 * repeatable.
 */
public final class ToolRunner {
    private static final String[] CLIENT_LIBRARY_LOGGERS = {"org.apache.zookeeper", "org.apache.curator"};

    private ToolRunner() {
    }

    /** Runs {@code command} with {@code args} on the process's stdout and stderr, then exits with its code. */
    public static void main(ToolCommand command, String[] args) {
        int code = run(command, args, System.out, System.err);
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }

    /** Runs {@code command} and returns its exit code; for tests. */
    public static int run(ToolCommand command, String[] args, PrintStream out, PrintStream err) {
        PrintWriter outWriter = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter errWriter = new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        try {
            return run(command, args, outWriter, errWriter);
        } finally {
            outWriter.flush();
            errWriter.flush();
        }
    }

    public static int run(ToolCommand command, String[] args, PrintWriter out, PrintWriter err) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        quietClientLibraries(verbose);
        CommandLine cli = new CommandLine(command);
        String tool = cli.getCommandName();
        cli.setOut(out);
        cli.setErr(err);
        cli.setUsageHelpWidth(110);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler((e, ignored) -> {
            ToolException cause = e.getCause() instanceof ToolException t ? t : null;
            String message = cause != null ? cause.getMessage() : describe(e);
            err.println(tool + ": " + oneLine(message) + " (try --help)");
            if (verbose) {
                e.printStackTrace(err);
            }
            return cause != null ? cause.exitCode() : ExitCodes.USAGE;
        });
        cli.setExecutionExceptionHandler((thrown, commandLine, parseResult) -> {
            Throwable e = unwrap(thrown);
            if (e instanceof CommandLine.ParameterException pe) {
                return commandLine.getParameterExceptionHandler().handleParseException(pe, args);
            }
            int code = ExitCodes.FAILED;
            String message;
            if (e instanceof ToolException te) {
                code = te.exitCode();
                message = te.getMessage();
            } else if (e instanceof CoordinatorException) {
                message = e.getMessage();
            } else if (e instanceof ApiException api) {
                String text = api.getMessage() == null ? api.error().message() : api.getMessage();
                message = text + (text.contains(api.error().name()) ? "" : " (" + api.error() + ")");
            } else if (e instanceof ConfigException) {
                code = ExitCodes.USAGE;
                message = "Invalid configuration: " + e.getMessage();
            } else if (e instanceof InterruptedException) {
                message = "interrupted";
            } else {
                message = e.getClass().getSimpleName() + ": " + e.getMessage()
                    + (verbose ? "" : " (run with --verbose for details)");
            }
            err.println(tool + ": " + oneLine(message) + (code == ExitCodes.USAGE ? " (try --help)" : ""));
            if (verbose) {
                e.printStackTrace(err);
            }
            return code;
        });
        return cli.execute(args);
    }

    /** The exception a future or an executor wrapped. */
    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * The message of a parse failure. An unknown option is reported before a missing one: "Missing required option
     * --zookeeper" for {@code --zookeper x} would hide the typo.
     */
    private static String describe(CommandLine.ParameterException e) {
        List<String> unmatched = e.getCommandLine() == null ? List.of() : e.getCommandLine().getUnmatchedArguments();
        if (unmatched.isEmpty() || e instanceof CommandLine.UnmatchedArgumentException) {
            return e.getMessage();
        }
        if (unmatched.size() == 1) {
            String arg = unmatched.get(0);
            return (arg.startsWith("-") ? "Unknown option: '" : "Unexpected argument: '") + arg + "'";
        }
        return "Unknown options or arguments: " + unmatched.stream().map(a -> "'" + a + "'").collect(Collectors.joining(", "));
    }

    /** Client libraries log only with {@code --verbose} (then at INFO); otherwise they are silent. */
    private static void quietClientLibraries(boolean verbose) {
        for (String logger : CLIENT_LIBRARY_LOGGERS) {
            Configurator.setLevel(logger, verbose ? Level.INFO : Level.OFF);
        }
        if (verbose) {
            Configurator.setLevel("io.sluice", Level.INFO);
        }
    }

    /** The message on one line: line breaks become spaces; null becomes "(no message)". */
    static String oneLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        return message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
