package io.sluice.cli.common;

/**
 * A failure the tool explains to its user in one line (no stack trace unless {@code --verbose}), with the exit
 * code to end with. The message is complete on its own: what failed and, where it helps, what to check.
 */
public final class ToolException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    /** The operation failed ({@link ExitCodes#FAILED}). */
    public ToolException(String message) {
        this(message, ExitCodes.FAILED);
    }

    public ToolException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public ToolException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** The operation failed ({@link ExitCodes#FAILED}). */
    public static ToolException failed(String message) {
        return new ToolException(message, ExitCodes.FAILED);
    }

    public static ToolException failed(String message, Throwable cause) {
        return new ToolException(message, ExitCodes.FAILED, cause);
    }

    /** Bad input found after parsing, e.g. a malformed input file ({@link ExitCodes#USAGE}). */
    public static ToolException badInput(String message) {
        return new ToolException(message, ExitCodes.USAGE);
    }

    public static ToolException badInput(String message, Throwable cause) {
        return new ToolException(message, ExitCodes.USAGE, cause);
    }

    public int exitCode() {
        return exitCode;
    }
}
