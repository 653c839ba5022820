package mpq.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mpq.base.BadInputException;
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
        this.all = read(path);
        if (all.rank() < 2) {
            throw new BadInputException(path + ": expected an array [N, ...] of examples, got shape "
                    + Arrays.toString(all.shape()));
        }
        String name = path.getFileName().toString();
        Path lp = path.resolveSibling(name.substring(0, name.length() - 4) + ".labels.npy");
        if (Files.exists(lp)) {
            Tensor l = read(lp);
            if (l.size() != all.dim(0)) {
                throw new BadInputException(lp + ": has " + l.size() + " labels for " + all.dim(0) + " examples");
            }
            labels = new int[l.size()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = (int) l.get(i);
            }
        } else {
            labels = null;
        }
    }

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** Reads a whole .npy file into a float tensor. */
    /**
     * Writes a float32 tensor as a version 1.0 .npy file (little-endian, C order), through a temporary file so that
     * a failure leaves no partial file.
     */
    public static void write(Tensor t, Path path) {
        StringBuilder shape = new StringBuilder();
        for (int d : t.shape()) {
            shape.append(d).append(", ");
        }
        String dims = t.rank() == 1 ? shape.toString().trim() : shape.substring(0, Math.max(0, shape.length() - 2));
        StringBuilder header = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }");
        while ((10 + header.length() + 1) % 64 != 0) {   // the data starts on a 64-byte boundary
            header.append(' ');
        }
        header.append('\n');
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(10 + header.length() + 4 * t.size())
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length()).put(header.toString().getBytes(StandardCharsets.US_ASCII));
        float[] d = t.data();
        for (int i = 0; i < t.size(); i++) {
            b.putFloat(d[i]);
        }
        mpq.base.AtomicFiles.write(path, o -> o.write(b.array()));
    }

    public static Tensor read(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new BadInputException(path + ": no such file");
        } catch (IOException e) {
            throw new BadInputException(path + ": cannot read (" + e.getMessage() + ")");
        }
        if (bytes.length < 10 || bytes[0] != (byte) 0x93 || !new String(bytes, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
            throw new BadInputException(path + ": not a .npy file (missing the \\x93NUMPY magic)");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int major = bytes[6];
        int headerLen = major == 1 ? b.getShort(8) & 0xffff : b.getInt(8);
        int start = major == 1 ? 10 : 12;
        if (start + headerLen > bytes.length) {
            throw new BadInputException(path + ": .npy header is truncated");
        }
        String header = new String(bytes, start, headerLen, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header), o = ORDER.matcher(header), s = SHAPE.matcher(header);
        if (!d.find() || !o.find() || !s.find()) {
            throw new BadInputException(path + ": cannot parse .npy header " + header.trim());
        }
        if (o.group(1).equals("True")) {
            throw new BadInputException(path + ": Fortran-ordered arrays are not supported; save with C order");
        }
        int[] shape = Arrays.stream(s.group(1).split(",")).map(String::trim).filter(t -> !t.isEmpty())
                .mapToInt(Integer::parseInt).toArray();
        String descr = d.group(1);
        if (descr.startsWith(">")) {
            throw new BadInputException(path + ": big-endian arrays are not supported");
        }
        String kind = descr.replaceAll("^[<|=]", "");
        int width = switch (kind) {
            case "f4", "i4", "u4" -> 4;
            case "f8", "i8", "u8" -> 8;
            case "i2", "u2" -> 2;
            case "i1", "u1", "b1" -> 1;
            default -> throw new BadInputException(path + ": unsupported .npy dtype '" + descr + "'");
        };
        int n = mpq.tensor.Shapes.size(shape);
        int data = start + headerLen;
        if ((long) n * width > bytes.length - data) {
            throw new BadInputException(path + ": .npy data is truncated (" + (bytes.length - data) + " bytes for "
                    + n + " values of " + width + " bytes)");
        }
        b.position(data);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (kind) {
                case "f4" -> b.getFloat();
                case "f8" -> (float) b.getDouble();
                case "i4" -> b.getInt();
                case "u4" -> Integer.toUnsignedLong(b.getInt());
                case "i8", "u8" -> b.getLong();
                case "i2" -> b.getShort();
                case "u2" -> b.getShort() & 0xffff;
                case "i1" -> b.get();
                default -> b.get() & 0xff;
            };
        }
        return new Tensor(shape, v);
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
