package mpq.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import mpq.base.BadInputException;
import mpq.tensor.Tensor;

/** CIFAR-10 binary records: 1 label byte, then 1024 R, 1024 G, 1024 B bytes (32×32 planes). Read on demand. */
public final class CifarDataset implements Dataset {
    private static final int RECORD = 1 + 3 * 32 * 32;
    private final Path path;
    private final FileChannel channel;
    private final int size;

    public CifarDataset(Path path) {
        this.path = path;
        try {
            this.channel = FileChannel.open(path, StandardOpenOption.READ);
            long bytes = channel.size();
            if (bytes == 0 || bytes % RECORD != 0) {
                channel.close();
                throw new BadInputException(path + ": " + bytes + " bytes is not a whole number of CIFAR-10 records of "
                        + RECORD + " bytes");
            }
            this.size = (int) (bytes / RECORD);
        } catch (NoSuchFileException e) {
            throw new BadInputException(path + ": no such file");
        } catch (IOException e) {
            throw new BadInputException(path + ": cannot read (" + e.getMessage() + ")");
        }
    }

    @Override
    public String name() {
        return path.toString();
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int[] itemShape() {
        return new int[] {3, 32, 32};
    }

    @Override
    public boolean hasLabels() {
        return true;
    }

    @Override
    public Batch read(int from, int to) throws IOException {
        int n = to - from;
        ByteBuffer buf = ByteBuffer.allocate(n * RECORD);
        long pos = (long) from * RECORD;
        while (buf.hasRemaining()) {
            int r = channel.read(buf, pos + buf.position());
            if (r < 0) {
                throw new IOException(path + ": unexpected end of file");
            }
        }
        byte[] raw = buf.array();
        float[] x = new float[n * 3072];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int off = i * RECORD;
            labels[i] = raw[off] & 0xff;
            if (labels[i] > 9) {
                throw new BadInputException(path + ": record " + (from + i) + " has label " + labels[i]
                        + ", expected 0..9 (is this a CIFAR-10 file?)");
            }
            for (int k = 0; k < 3072; k++) {
                x[i * 3072 + k] = raw[off + 1 + k] & 0xff;
            }
        }
        return new Batch(new Tensor(new int[] {n, 3, 32, 32}, x), labels);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
