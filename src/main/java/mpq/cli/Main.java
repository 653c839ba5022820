package mpq.cli;

import java.io.PrintWriter;
import mpq.base.BadInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The mpq command line: a thin shell over the library. */
@Command(name = "mpq", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Mixed-precision post-training quantization of neural networks, in pure Java.", ""},
        subcommands = {DemoCommand.class, InspectCommand.class, EvalCommand.class, QuantizeCommand.class, CompareCommand.class,
                HessianCommand.class, SearchCommand.class, CompareMethodsCommand.class, MethodsCommand.class,
                ExportCommand.class, DistillCommand.class, TrainExampleCommand.class, BenchCommand.class,
                ConformanceCommand.class, RunCommand.class, ProfileCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 success, 1 internal error, 2 bad input or usage.",
                "Every command takes --json and then prints exactly one JSON object on stdout; "
                        + "human output goes to stderr."})
public final class Main implements Runnable {
    static final int EXIT_BAD_INPUT = 2;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code (used by tests). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("mpq: error: " + oneLine(ex.getMessage()) + " (see: "
                    + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
            err.flush();
            return EXIT_BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            CommandLine.ParseResult leaf = parsed;
            while (leaf.hasSubcommand()) {
                leaf = leaf.subcommand();
            }
            boolean verbose = leaf.hasMatchedOption("--verbose");
            PrintWriter err = line.getErr();
            if (verbose) {
                ex.printStackTrace(err);
            }
            Throwable root = ex;
            if (ex instanceof java.io.UncheckedIOException u && u.getCause() != null) {
                root = u.getCause();
            }
            if (root instanceof BadInputException || root instanceof java.io.IOException) {
                err.println("mpq: error: " + oneLine(root.getMessage()));
                err.flush();
                return EXIT_BAD_INPUT;
            }
            err.println("mpq: internal error: " + oneLine(String.valueOf(root))
                    + (verbose ? "" : " (run again with --verbose for the stack trace)"));
            err.flush();
            return 1;
        });
        return cl.execute(args);
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').trim();
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"mpq " + (v == null ? "(development build)" : v)};
        }
    }
}
