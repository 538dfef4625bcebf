package io.sluice.coordinator.zk;

/**
 * Base of the coordinator's unchecked exceptions: a ZooKeeper operation failed in a way the caller cannot
 * fix by retrying the same call blindly. Messages name the znode path and the operation.
 */
public class CoordinatorException extends RuntimeException {
    public CoordinatorException(String message) {
        super(message);
    }

    public CoordinatorException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Wraps a failure from Curator as a {@link CoordinatorException} describing {@code what} was being done.
     * A {@link CoordinatorException} passes through unchanged; an {@link InterruptedException} restores the
     * thread's interrupt flag before it is wrapped, so the interruption is never swallowed.
     */
    public static CoordinatorException wrap(String what, Exception e) {
        if (e instanceof CoordinatorException ce) {
            return ce;
        }
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new CoordinatorException(what + ": " + e, e);
    }
}
