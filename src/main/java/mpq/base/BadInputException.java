package mpq.base;

/**
 * A problem with what the user gave mpq (a file, a model, an option value), as opposed to a bug in mpq.
 * The message is one line that names the file, node or value and says what was expected; the CLI prints it
 * and exits with code 2. Subclasses carry details a caller may act on (e.g. the smallest feasible budget).
 */
public class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
