package io.sluice.cli.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.common.config.ConfigException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class ToolRunnerTest {
    @Command(name = "demo.sh", description = "A demo tool.")
    static final class DemoCommand extends ToolCommand {
        @Option(names = "--name", required = true, description = "REQUIRED: a name.")
        String name;

        @Option(names = "--count", defaultValue = "1", description = "A number.")
        int count;

        @Option(names = "--fail", description = "How to fail: tool, bug, usage, bad-input, api, config, async.")
        String fail;

        @Option(names = "--even", description = "An even number, checked as it is parsed.")
        void even(int value) {
            if (value % 2 != 0) {
                throw ToolException.badInput("--even must be even, not " + value);
            }
        }

        @Override
        protected int execute() {
            if ("tool".equals(fail)) {
                throw new ToolException("the cluster said no\nsecond line", 7);
            }
            if ("bug".equals(fail)) {
                throw new IllegalStateException("unexpected");
            }
            if ("usage".equals(fail)) {
                throw usageError("--name and --fail usage exclude each other");
            }
            if ("bad-input".equals(fail)) {
                throw ToolException.badInput("the file is not JSON");
            }
            if ("api".equals(fail)) {
                throw new ApiException(Errors.TOPIC_ALREADY_EXISTS, "Topic 'x' already exists.");
            }
            if ("config".equals(fail)) {
                throw new ConfigException("acks", "2", "must be one of all, -1, 0, 1");
            }
            if ("async".equals(fail)) {
                throw new CompletionException(new ExecutionException(new ToolException("deep inside", 3)));
            }
            out().println("hello " + name + " x" + count);
            return ExitCodes.OK;
        }
    }

    record Result(int code, String out, String err) {
        long errLines() {
            return err.lines().count();
        }
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ToolRunner.run(new DemoCommand(), args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void runsTheCommandAndReturnsItsCode() {
        Result r = run("--name", "x", "--count", "3");
        assertEquals(0, r.code());
        assertEquals("hello x x3\n", r.out());
        assertEquals("", r.err());
    }

    @Test
    void helpGoesToStdoutAndExitsZero() {
        Result r = run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("Usage: demo.sh"), r.out());
        assertTrue(r.out().contains("--verbose") && r.out().contains("--name"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void anUnknownOptionIsOneLineAndExitTwo() {
        Result r = run("--name", "x", "--nmae", "y");
        assertEquals(ExitCodes.USAGE, r.code());
        assertEquals(1, r.errLines(), r.err());
        assertTrue(r.err().startsWith("demo.sh: Unknown option"), r.err());
        assertTrue(r.err().contains("(try --help)"), r.err());
    }

    @Test
    void anUnknownOptionIsReportedBeforeAMissingOne() {
        Result r = run("--nmae", "x");
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().contains("'--nmae'"), r.err());
    }

    @Test
    void aMissingRequiredOptionIsOneLineAndExitTwo() {
        Result r = run("--count", "2");
        assertEquals(ExitCodes.USAGE, r.code());
        assertEquals(1, r.errLines(), r.err());
        assertTrue(r.err().contains("Missing required option: '--name"), r.err());
    }

    @Test
    void aBadValueIsOneLineAndExitTwo() {
        Result r = run("--name", "x", "--count", "many");
        assertEquals(ExitCodes.USAGE, r.code());
        assertEquals(1, r.errLines(), r.err());
        assertTrue(r.err().contains("'many' is not an int"), r.err());
    }

    @Test
    void anOptionGivenTwiceIsRejected() {
        Result r = run("--name", "x", "--name", "y");
        assertEquals(ExitCodes.USAGE, r.code());
        assertEquals(1, r.errLines(), r.err());
    }

    @Test
    void aUsageErrorFromTheCommandIsHandledLikeAParseError() {
        Result r = run("--name", "x", "--fail", "usage");
        assertEquals(ExitCodes.USAGE, r.code());
        assertEquals("demo.sh: --name and --fail usage exclude each other (try --help)\n", r.err());
    }

    @Test
    void aToolExceptionIsOneLineWithItsExitCodeAndNoStackTrace() {
        Result r = run("--name", "x", "--fail", "tool");
        assertEquals(7, r.code());
        assertEquals("demo.sh: the cluster said no second line\n", r.err());
    }

    @Test
    void anUnexpectedExceptionIsOneLineUnlessVerbose() {
        Result quiet = run("--name", "x", "--fail", "bug");
        assertEquals(ExitCodes.FAILED, quiet.code());
        assertEquals(1, quiet.errLines(), quiet.err());
        assertTrue(quiet.err().contains("IllegalStateException: unexpected (run with --verbose for details)"), quiet.err());
        assertFalse(quiet.err().contains("\tat "), quiet.err());

        Result verbose = run("--name", "x", "--fail", "bug", "--verbose");
        assertEquals(ExitCodes.FAILED, verbose.code());
        assertTrue(verbose.err().contains("\tat "), verbose.err());
    }

    @Test
    void badInputFoundByTheCommandPointsToHelp() {
        Result r = run("--name", "x", "--fail", "bad-input");
        assertEquals(ExitCodes.USAGE, r.code());
        assertEquals("demo.sh: the file is not JSON (try --help)\n", r.err());
    }

    @Test
    void aToolExceptionFromAnOptionSetterKeepsItsMessageAndCode() {
        Result r = run("--name", "x", "--even", "3");
        assertEquals(ExitCodes.USAGE, r.code());
        assertEquals("demo.sh: --even must be even, not 3 (try --help)\n", r.err());
    }

    @Test
    void aKafkaErrorIsOneLineNamingTheError() {
        Result r = run("--name", "x", "--fail", "api");
        assertEquals(ExitCodes.FAILED, r.code());
        assertEquals("demo.sh: Topic 'x' already exists. (TOPIC_ALREADY_EXISTS)\n", r.err());
    }

    @Test
    void anInvalidClientConfigurationIsBadUsage() {
        Result r = run("--name", "x", "--fail", "config");
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().startsWith("demo.sh: Invalid configuration: "), r.err());
        assertTrue(r.err().contains("acks"), r.err());
        assertEquals(1, r.errLines(), r.err());
    }

    @Test
    void exceptionsWrappedByFuturesAreUnwrapped() {
        Result r = run("--name", "x", "--fail", "async");
        assertEquals(3, r.code());
        assertEquals("demo.sh: deep inside\n", r.err());
    }

    @Test
    void tablesAlignColumnsAndTrimTrailingSpaces() {
        String text = new TextTable("A", "LONGER", "C").add("xxxx", 1, "") .add("y", 22, "z").render();
        assertEquals("A     LONGER  C\nxxxx  1\ny     22      z\n", text);
    }
}
