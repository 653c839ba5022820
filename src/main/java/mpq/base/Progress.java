package mpq.base;

/**
 * Where long work reports how far it got. Library code takes one of these; the CLI supplies a progress bar on a
 * terminal and plain lines elsewhere. Implementations must tolerate calls from the thread that does the work only.
 */
public interface Progress extends AutoCloseable {
    /** Starts a task of the given number of units (e.g. images). */
    void start(String task, long total);

    /** Reports that n more units are done. */
    void advance(long n);

    /** Ends the current task. */
    @Override
    void close();

    /** A line for the person watching (e.g. that a stage's result came from a cache); nothing by default. */
    default void note(String message) {}

    /** Reports nothing. */
    Progress NONE = new Progress() {
        @Override
        public void start(String task, long total) {}

        @Override
        public void advance(long n) {}

        @Override
        public void close() {}
    };
}
