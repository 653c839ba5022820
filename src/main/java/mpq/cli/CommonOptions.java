package mpq.cli;

import picocli.CommandLine.Option;

/** Options every command has. */
final class CommonOptions {
    @Option(names = "--json", description = "Print exactly one JSON object on stdout (human output stays on stderr).")
    boolean json;

    @Option(names = "--verbose", description = "Show stack traces on errors and extra detail (search: the wall time of each stage).")
    boolean verbose;

    @Option(names = "--threads", paramLabel = "N", description = "Compute threads (default: available cores, ${DEFAULT-VALUE}).")
    int threads = Runtime.getRuntime().availableProcessors();

    int threads() {
        if (threads < 1) {
            throw new mpq.base.BadInputException("--threads must be at least 1, got " + threads);
        }
        return threads;
    }
}
