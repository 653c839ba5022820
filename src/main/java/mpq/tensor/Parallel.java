package mpq.tensor;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs loop bodies on a fixed number of threads (the caller's thread is one of them). Items are handed out one at a
 * time from a shared counter, so uneven items still keep every thread busy. Each body call is told which worker
 * runs it, so kernels can keep one scratch buffer per worker instead of allocating.
 */
public final class Parallel implements AutoCloseable {
    /** A loop body: item i run by worker w (0 ≤ w < threads). */
    @FunctionalInterface
    public interface Body {
        void run(int worker, int item);
    }

    private final int threads;
    private final ExecutorService pool;

    public Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("thread count must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "mpq-worker");
            t.setDaemon(true);
            return t;
        });
    }

    /** One thread, no pool: for tests and for code that is already inside a parallel loop. */
    public static Parallel serial() {
        return new Parallel(1);
    }

    public int threads() {
        return threads;
    }

    /** Runs body for every item in [0, count) and returns when all are done; rethrows the first failure. */
    public void forEach(int count, Body body) {
        if (count <= 0) {
            return;
        }
        if (pool == null || count == 1) {
            for (int i = 0; i < count; i++) {
                body.run(0, i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        int helpers = Math.min(threads, count) - 1;
        @SuppressWarnings("unchecked")
        Future<?>[] futures = new Future<?>[helpers];
        for (int h = 0; h < helpers; h++) {
            int worker = h + 1;
            futures[h] = pool.submit(() -> drain(next, count, worker, body));
        }
        RuntimeException failure = null;
        try {
            drain(next, count, 0, body);
        } catch (RuntimeException e) {
            failure = e;
            next.set(count);
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (java.util.concurrent.ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void drain(AtomicInteger next, int count, int worker, Body body) {
        for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
            body.run(worker, i);
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
