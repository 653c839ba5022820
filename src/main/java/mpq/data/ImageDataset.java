package mpq.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import mpq.base.BadInputException;
import mpq.tensor.Tensor;

/**
 * A folder with one sub-folder per class (sorted by name: label 0, 1, ...) of PNG/JPEG images, or a flat folder of
 * unlabelled images. Each image is resized so its shorter side matches the target and centre-cropped to
 * height × width; pixel values stay 0..255, channels RGB (or grey for one channel).
 */
public final class ImageFolderDataset implements Dataset {
    private final Path root;
    private final int channels, height, width;
    private final List<Path> files = new ArrayList<>();
    private final List<Integer> labels = new ArrayList<>();
    private final boolean labelled;

    public ImageFolderDataset(Path root, int channels, int height, int width) {
        if (channels != 1 && channels != 3) {
            throw new BadInputException(root + ": image folders give 1 or 3 channels, the model wants " + channels);
        }
        this.root = root;
        this.channels = channels;
        this.height = height;
        this.width = width;
        List<Path> classDirs;
        try (Stream<Path> s = Files.list(root)) {
            classDirs = s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new BadInputException(root + ": cannot list folder (" + e.getMessage() + ")");
        }
        labelled = !classDirs.isEmpty();
        if (labelled) {
            for (int c = 0; c < classDirs.size(); c++) {
                for (Path f : images(classDirs.get(c))) {
                    files.add(f);
                    labels.add(c);
                }
            }
        } else {
            files.addAll(images(root));
        }
        if (files.isEmpty()) {
            throw new BadInputException(root + ": no .png/.jpg/.jpeg images found");
        }
    }

    private static List<Path> images(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
            }).sorted().toList();
        } catch (IOException e) {
            throw new BadInputException(dir + ": cannot list folder (" + e.getMessage() + ")");
        }
    }

    @Override
    public String name() {
        return root.toString();
    }

    @Override
    public int size() {
        return files.size();
    }

    @Override
    public int[] itemShape() {
        return new int[] {channels, height, width};
    }

    @Override
    public boolean hasLabels() {
        return labelled;
    }

    @Override
    public Batch read(int from, int to) throws IOException {
        int n = to - from;
        int plane = height * width;
        float[] x = new float[n * channels * plane];
        int[] l = labelled ? new int[n] : null;
        for (int i = 0; i < n; i++) {
            Path f = files.get(from + i);
            BufferedImage img = ImageIO.read(f.toFile());
            if (img == null) {
                throw new BadInputException(f + ": not a readable PNG or JPEG image");
            }
            BufferedImage fitted = resizeAndCrop(img);
            for (int y = 0; y < height; y++) {
                for (int xx = 0; xx < width; xx++) {
                    int rgb = fitted.getRGB(xx, y);
                    int r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;
                    int base = i * channels * plane + y * width + xx;
                    if (channels == 3) {
                        x[base] = r;
                        x[base + plane] = g;
                        x[base + 2 * plane] = b;
                    } else {
                        x[base] = Math.round(0.299f * r + 0.587f * g + 0.114f * b);
                    }
                }
            }
            if (l != null) {
                l[i] = labels.get(from + i);
            }
        }
        return new Batch(new Tensor(new int[] {n, channels, height, width}, x), l);
    }

    /** Scales the shorter side to the target (bilinear) and takes the centre crop. */
    private BufferedImage resizeAndCrop(BufferedImage img) {
        double s = Math.max((double) height / img.getHeight(), (double) width / img.getWidth());
        int rw = Math.max(width, (int) Math.round(img.getWidth() * s));
        int rh = Math.max(height, (int) Math.round(img.getHeight() * s));
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(img, -(rw - width) / 2, -(rh - height) / 2, rw, rh, null);
        g.dispose();
        return out;
    }
}
