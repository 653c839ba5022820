package mpq.base;

import java.nio.file.Path;

/** Starts writing a file through AtomicFiles, says so on stdout, and never finishes: a process to stop mid-write. */
public final class SlowWrite {
    private SlowWrite() {}

    public static void main(String[] args) {
        AtomicFiles.write(Path.of(args[0]), out -> {
            out.write(new byte[1 << 20]);
            out.flush();
            System.out.println("writing");
            System.out.flush();
            try {
                Thread.sleep(120_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }
}
