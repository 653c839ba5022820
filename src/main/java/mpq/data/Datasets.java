package mpq.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import mpq.base.BadInputException;

/** Opens a dataset by format name or, when none is given, by what the path looks like. */
public final class Datasets {
    private Datasets() {}

    public static final String FORMATS = "cifar10, idx, images, labels, npy";

    /** A file's dataset, its format guessed from the path (image folders need {@link #open(Path, String, int[])}). */
    public static Dataset open(Path path) {
        return open(path, null, new int[0]);
    }

    /** The same with the default image fitting. */
    public static Dataset open(Path path, String format, int[] itemShape) {
        return open(path, format, itemShape, ImageOptions.DEFAULT);
    }

    /**
     * @param format cifar10, idx, images (a folder), labels (a text file of {@code path label} lines), npy, or null to
     *               guess from the path
     * @param itemShape the model's input shape without the batch axis (images are fitted to it)
     * @param images how images are cropped and resized, and the label offset
     */
    public static Dataset open(Path path, String format, int[] itemShape, ImageOptions images) {
        if (!Files.exists(path)) {
            throw new BadInputException(path + ": no such file or folder");
        }
        String f = format != null ? format.toLowerCase(Locale.ROOT) : guess(path);
        if (Files.isDirectory(path) != f.equals("images")) {
            throw new BadInputException(path + ": " + (Files.isDirectory(path) ? "is a folder, which only --format images reads"
                    : "is a file, but --format images expects a folder"));
        }
        return switch (f) {
            case "cifar10", "cifar" -> new CifarDataset(path);
            case "idx" -> new IdxDataset(path);
            case "npy" -> new NpyDataset(path);
            case "images" -> ImageDataset.folder(path, itemShape, images);
            case "labels" -> ImageDataset.labelFile(path, itemShape, images);
            default -> throw new BadInputException("unknown data format '" + format + "'; known: " + FORMATS);
        };
    }

    private static String guess(Path path) {
        if (Files.isDirectory(path)) {
            return "images";
        }
        String n = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".bin")) {
            return "cifar10";
        }
        if (n.endsWith(".txt")) {
            return "labels";
        }
        if (n.endsWith(".npy")) {
            return "npy";
        }
        if (n.contains("idx") || n.endsWith("-ubyte") || n.endsWith("-ubyte.gz")) {
            return "idx";
        }
        throw new BadInputException(path + ": cannot tell the data format from the name; pass --format (" + FORMATS + ")");
    }
}
