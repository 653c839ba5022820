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
import mpq.base.AtomicFiles;
import mpq.base.BadInputException;
import mpq.tensor.DType;
import mpq.tensor.Shapes;
import mpq.tensor.Tensor;

/**
 * NumPy's .npy format (versions 1–3, little-endian, C order): float16/32/64, int8–int64, uint8–uint64 and bool,
 * read as the tensor type they are; float32 written.
 */
public final class Npy {
    private Npy() {}

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** Reads a whole .npy file as a tensor of its own element type. */
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
        if (headerLen < 0 || start + (long) headerLen > bytes.length) {
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
        if (descr.startsWith(">") && !descr.endsWith("1")) {
            throw new BadInputException(path + ": big-endian arrays are not supported");
        }
        String kind = descr.replaceAll("^[<|=>]", "");
        DType type = switch (kind) {
            case "f2" -> DType.FLOAT16;
            case "f4" -> DType.FLOAT;
            case "f8" -> DType.DOUBLE;
            case "i1" -> DType.INT8;
            case "i2" -> DType.INT16;
            case "i4" -> DType.INT32;
            case "i8" -> DType.INT64;
            case "u1" -> DType.UINT8;
            case "u2" -> DType.UINT16;
            case "u4" -> DType.UINT32;
            case "u8" -> DType.UINT64;
            case "b1" -> DType.BOOL;
            default -> throw new BadInputException(path + ": unsupported .npy dtype '" + descr + "'");
        };
        int width = Math.max(1, type.bits / 8);
        long n = Shapes.size(shape);
        int data = start + headerLen;
        if (n * width > bytes.length - data) {
            throw new BadInputException(path + ": .npy data is truncated (" + (bytes.length - data) + " bytes for "
                    + n + " values of " + width + " bytes)");
        }
        b.position(data);
        if (type.isFloat()) {
            float[] v = new float[(int) n];
            for (int i = 0; i < n; i++) {
                v[i] = switch (type) {
                    case FLOAT16 -> Float.float16ToFloat(b.getShort());
                    case DOUBLE -> (float) b.getDouble();
                    default -> b.getFloat();
                };
            }
            return new Tensor(type, shape, v);
        }
        long[] v = new long[(int) n];
        for (int i = 0; i < n; i++) {
            long raw = switch (width) {
                case 1 -> b.get();
                case 2 -> b.getShort();
                case 4 -> b.getInt();
                default -> b.getLong();
            };
            v[i] = type.wrap(raw);
        }
        return new Tensor(type, shape, v);
    }

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
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 4 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length()).put(header.toString().getBytes(StandardCharsets.US_ASCII));
        float[] d = t.to(DType.FLOAT).data();
        for (int i = 0; i < t.size(); i++) {
            b.putFloat(d[i]);
        }
        AtomicFiles.write(path, o -> o.write(b.array()));
    }
}
