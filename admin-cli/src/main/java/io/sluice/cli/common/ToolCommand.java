package io.sluice.cli.common;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every tool extends: a picocli command with {@code --help} and {@code --verbose}, whose
 * {@link #execute()} returns an {@link ExitCodes exit code}. Print results with {@link #out()}; report a failure
 * by throwing a {@link ToolException} (or {@link #usageError} for bad input found after parsing) and let
 * {@link ToolRunner} print it. Run one with {@link ToolRunner#main}.
 *
 * <p>Subclasses are annotated with {@code @Command(name = "<script>.sh", description = ...)} and declare their
 * options with picocli's {@code @Option}/{@code @Parameters}, using Kafka's option names.
 */
public abstract class ToolCommand implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Print this help and exit.")
    boolean help;

    @Option(names = "--verbose", description = "On failure, also print the stack trace; show client library logs.")
    boolean verbose;

    /** Does the work; returns an exit code from {@link ExitCodes}. */
    protected abstract int execute() throws Exception;

    @Override
    public final Integer call() throws Exception {
        return execute();
    }

    /** Standard output (results). */
    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Standard error (one-line diagnostics). */
    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** The script name, e.g. {@code cluster-status.sh}, for messages. */
    protected String toolName() {
        return spec.name();
    }

    protected boolean verbose() {
        return verbose;
    }

    /** Bad input noticed after parsing (e.g. options that exclude each other): exit 2 with "(try --help)". */
    protected CommandLine.ParameterException usageError(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
