package mpq.base;

/**
 * A problem with what the user gave mpq (a file, a model, an option value), as opposed to a bug in mpq.
 * The message is one line that names the file, node or value and says what was expected; the CLI prints it
 * and exits with code 2. Control characters in it (from names in a damaged file) are shown escaped, so it stays
 * one line. Subclasses carry details a caller may act on (e.g. the smallest feasible budget).
 */
public class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(oneLine(message));
    }

    public BadInputException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    private static String oneLine(String message) {
        if (message == null || message.chars().noneMatch(Character::isISOControl)) {
            return message;
        }
        StringBuilder sb = new StringBuilder(message.length() + 16);
        for (char c : message.toCharArray()) {
            sb.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return sb.toString();
    }
}
