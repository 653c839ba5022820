package mpq.cli;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import mpq.base.Progress;

/** A progress bar on stderr when it is a terminal; otherwise a plain line at every tenth of the work. */
final class ConsoleProgress implements Progress {
    private final PrintStream err = System.err;
    private final boolean terminal = System.console() != null && System.console().isTerminal();
    private ProgressBar bar;
    private String task;
    private long total, done, nextReport;
    private long startNanos;

    @Override
    public void start(String task, long total) {
        this.task = task;
        this.total = total;
        this.done = 0;
        this.nextReport = Math.max(1, total / 10);
        this.startNanos = System.nanoTime();
        if (terminal) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                    .setConsumer(new ConsoleProgressBarConsumer(err)).setUpdateIntervalMillis(200).build();
        }
    }

    @Override
    public void advance(long n) {
        done += n;
        if (bar != null) {
            bar.stepBy(n);
        } else if (done >= nextReport || done == total) {
            double elapsed = (System.nanoTime() - startNanos) / 1e9;
            err.printf("%s: %d/%d (%.1f s%s)%n", task, done, total, elapsed,
                    done < total ? String.format("; about %.0f s left", elapsed * (total - done) / done) : "");
            nextReport = done + Math.max(1, total / 10);
        }
    }

    @Override
    public void note(String message) {
        Output.human().println(message);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
