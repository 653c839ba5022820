package mpq.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import mpq.base.BadInputException;
import mpq.tensor.Tensor;

/**
 * IDX files (MNIST, Fashion-MNIST), gzipped or not. [N, H, W] images become [N, 1, H, W]. Labels come from the
 * sibling file whose name has "labels-idx1" in place of "images-idx3" (train-images-idx3-ubyte.gz →
 * train-labels-idx1-ubyte.gz), when it exists. Held in memory: these sets are small.
 */
public final class IdxDataset implements Dataset {
    private final Path path;
    private final float[] values;
    private final int[] item;
    private final int size;
    private final int[] labels;

    public IdxDataset(Path path) {
        this.path = path;
        Idx images = read(path);
        if (images.dims.length < 2) {
            throw new BadInputException(path + ": IDX image file must have at least 2 dimensions, has " + images.dims.length);
        }
        size = images.dims[0];
        item = images.dims.length == 3 ? new int[] {1, images.dims[1], images.dims[2]}
                : java.util.Arrays.copyOfRange(images.dims, 1, images.dims.length);
        values = images.values;
        Path labelPath = siblingLabels(path);
        if (labelPath != null && Files.exists(labelPath)) {
            Idx l = read(labelPath);
            if (l.dims.length != 1 || l.dims[0] != size) {
                throw new BadInputException(labelPath + ": expected " + size + " labels, found shape "
                        + java.util.Arrays.toString(l.dims));
            }
            labels = new int[size];
            for (int i = 0; i < size; i++) {
                labels[i] = (int) l.values[i];
            }
        } else {
            labels = null;
        }
    }

    static Path siblingLabels(Path images) {
        String name = images.getFileName().toString();
        String swapped = name.replace("images-idx3", "labels-idx1").replace("images.idx3", "labels.idx1");
        return swapped.equals(name) ? null : images.resolveSibling(swapped);
    }

    private record Idx(int[] dims, float[] values) {}

    /**
     * Writes unsigned bytes (values 0–255) as a gzipped IDX file of the given dimensions, through a temporary file.
     */
    public static void writeUbyte(Path path, int[] dims, float[] values) {
        mpq.base.AtomicFiles.write(path, out -> {
            java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out);
            java.io.DataOutputStream d = new java.io.DataOutputStream(new java.io.BufferedOutputStream(gz));
            d.writeInt(0x0800 | dims.length);
            for (int x : dims) {
                d.writeInt(x);
            }
            for (float v : values) {
                if (v < 0 || v > 255 || v != Math.rint(v)) {
                    throw new IllegalArgumentException(path + ": " + v + " is not an unsigned byte");
                }
                d.writeByte((int) v);
            }
            d.flush();
            gz.finish();
        });
    }

    private static Idx read(Path path) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(path))) {
            raw.mark(2);
            int b0 = raw.read(), b1 = raw.read();
            raw.reset();
            InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
            DataInputStream d = new DataInputStream(new BufferedInputStream(in, 1 << 16));
            int magic = d.readInt();
            int type = (magic >> 8) & 0xff;
            int rank = magic & 0xff;
            if ((magic >>> 16) != 0 || rank == 0 || rank > 4) {
                throw new BadInputException(path + ": not an IDX file (bad magic number 0x" + Integer.toHexString(magic) + ")");
            }
            int[] dims = new int[rank];
            long n = 1;
            for (int i = 0; i < rank; i++) {
                dims[i] = d.readInt();
                n *= dims[i];
            }
            if (n > Integer.MAX_VALUE - 64) {
                throw new BadInputException(path + ": IDX data too large");
            }
            float[] v = new float[(int) n];
            for (int i = 0; i < v.length; i++) {
                v[i] = switch (type) {
                    case 0x08 -> d.readUnsignedByte();
                    case 0x09 -> d.readByte();
                    case 0x0B -> d.readShort();
                    case 0x0C -> d.readInt();
                    case 0x0D -> d.readFloat();
                    case 0x0E -> (float) d.readDouble();
                    default -> throw new BadInputException(path + ": unknown IDX element type 0x" + Integer.toHexString(type));
                };
            }
            return new Idx(dims, v);
        } catch (NoSuchFileException e) {
            throw new BadInputException(path + ": no such file");
        } catch (java.io.EOFException e) {
            throw new BadInputException(path + ": IDX file ends early (truncated?)");
        } catch (IOException e) {
            throw new BadInputException(path + ": cannot read IDX data (" + e.getMessage() + ")");
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
        return item.clone();
    }

    @Override
    public boolean hasLabels() {
        return labels != null;
    }

    @Override
    public Batch read(int from, int to) {
        int per = values.length / size;
        int[] shape = new int[item.length + 1];
        shape[0] = to - from;
        System.arraycopy(item, 0, shape, 1, item.length);
        float[] x = java.util.Arrays.copyOfRange(values, from * per, to * per);
        int[] l = labels == null ? null : java.util.Arrays.copyOfRange(labels, from, to);
        return new Batch(new Tensor(shape, x), l);
    }
}
