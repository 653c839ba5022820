package mpq.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import mpq.base.BadInputException;
import mpq.tensor.DType;
import mpq.tensor.Tensor;

/**
 * A NumPy .npy array [N, ...] of examples (float32/64, int8/16/32/64, uint8, little-endian, C order). Labels, if
 * any, come from a sibling FILE.labels.npy with N integers.
 */
public final class NpyDataset implements Dataset {
    private final Path path;
    private final Tensor all;
    private final int[] labels;

    public NpyDataset(Path path) {
        this.path = path;
        this.all = Npy.read(path).to(DType.FLOAT);
        if (all.rank() < 2) {
            throw new BadInputException(path + ": expected an array [N, ...] of examples, got shape "
                    + Arrays.toString(all.shape()));
        }
        String name = path.getFileName().toString();
        Path lp = path.resolveSibling(name.substring(0, name.length() - 4) + ".labels.npy");
        if (Files.exists(lp)) {
            Tensor l = Npy.read(lp);
            if (l.size() != all.dim(0)) {
                throw new BadInputException(lp + ": has " + l.size() + " labels for " + all.dim(0) + " examples");
            }
            labels = new int[l.size()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = (int) l.getLong(i);
            }
        } else {
            labels = null;
        }
    }

    @Override
    public String name() {
        return path.toString();
    }

    @Override
    public int size() {
        return all.dim(0);
    }

    @Override
    public int[] itemShape() {
        return Arrays.copyOfRange(all.shape(), 1, all.rank());
    }

    @Override
    public boolean hasLabels() {
        return labels != null;
    }

    @Override
    public Batch read(int from, int to) {
        return new Batch(all.slice0(from, to), labels == null ? null : Arrays.copyOfRange(labels, from, to));
    }
}
