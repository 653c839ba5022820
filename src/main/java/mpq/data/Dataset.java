package mpq.data;

import java.io.IOException;

/**
 * A finite, indexable source of examples with raw values (e.g. pixel bytes 0..255 as floats), before
 * {@link Preprocess}. Batches are read on demand, so large sets stream.
 */
public interface Dataset extends AutoCloseable {
    /** A name for messages: the path it was read from. */
    String name();

    int size();

    /** Shape of one example, e.g. [3, 32, 32]. */
    int[] itemShape();

    boolean hasLabels();

    /** Examples [from, to) as raw values, shape [to - from, itemShape...]. */
    Batch read(int from, int to) throws IOException;

    @Override
    default void close() throws IOException {}
}
