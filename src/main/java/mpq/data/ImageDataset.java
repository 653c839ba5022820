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
 * PNG/JPEG images as model inputs, listed by a folder (one sub-folder per class, sorted by name: label 0, 1, …; or a
 * flat folder of unlabelled images) or by a label file ({@code path label} per line, paths relative to the file's
 * folder, as ImageNet's). Each image is fitted to the model's height × width as {@link ImageOptions} says; pixel
 * values stay 0..255, channels RGB (or grey for one channel), laid out as the model reads them: [C, H, W] or
 * [H, W, C].
 */
public final class ImageDataset implements Dataset {
    private final String name;
    private final List<Path> files;
    private final int[] labels;   // null: unlabelled
    private final ImageOptions options;
    private final boolean channelsLast;
    private final int channels, height, width;

    private ImageDataset(String name, List<Path> files, int[] labels, ImageOptions options, int[] itemShape) {
        if (itemShape.length != 3) {
            throw new BadInputException(name + ": images need a model input of shape [N, C, H, W] or [N, H, W, C]");
        }
        channelsLast = !isChannelCount(itemShape[0]) && isChannelCount(itemShape[2]);
        channels = channelsLast ? itemShape[2] : itemShape[0];
        height = channelsLast ? itemShape[0] : itemShape[1];
        width = channelsLast ? itemShape[1] : itemShape[2];
        if (!isChannelCount(channels) || height <= 0 || width <= 0) {
            throw new BadInputException(name + ": images give 1 or 3 channels of a known size; the model input is "
                    + java.util.Arrays.toString(itemShape) + " per example");
        }
        if (options.resize() > 0 && (options.resize() != height || options.resize() != width)) {
            throw new BadInputException("--resize " + options.resize() + " but the model takes " + height + " × "
                    + width + " images");
        }
        if (files.isEmpty()) {
            throw new BadInputException(name + ": no .png/.jpg/.jpeg images found");
        }
        this.name = name;
        this.files = files;
        this.labels = labels;
        this.options = options;
    }

    private static boolean isChannelCount(int c) {
        return c == 1 || c == 3;
    }

    /** A folder of class sub-folders, or of unlabelled images. */
    public static ImageDataset folder(Path root, int[] itemShape, ImageOptions options) {
        List<Path> classDirs;
        try (Stream<Path> s = Files.list(root)) {
            classDirs = s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new BadInputException(root + ": cannot list folder (" + e.getMessage() + ")");
        }
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        if (classDirs.isEmpty()) {
            files.addAll(images(root));
        }
        for (int c = 0; c < classDirs.size(); c++) {
            for (Path f : images(classDirs.get(c))) {
                files.add(f);
                labels.add(c + options.labelOffset());
            }
        }
        return new ImageDataset(root.toString(), files, classDirs.isEmpty() ? null
                : labels.stream().mapToInt(Integer::intValue).toArray(), options, itemShape);
    }

    /** A label file: {@code path label} per line (the label last, so paths may hold spaces); blank lines skipped. */
    public static ImageDataset labelFile(Path file, int[] itemShape, ImageOptions options) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read (" + e.getMessage() + ")");
        }
        Path dir = file.toAbsolutePath().getParent();
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            int sp = Math.max(line.lastIndexOf(' '), line.lastIndexOf('\t'));
            String where = file + ":" + (i + 1) + ": ";
            if (sp < 0) {
                throw new BadInputException(where + "expected 'path label', got '" + line + "'");
            }
            int label;
            try {
                label = Integer.parseInt(line.substring(sp + 1));
            } catch (NumberFormatException e) {
                throw new BadInputException(where + "label '" + line.substring(sp + 1) + "' is not an integer");
            }
            Path image = dir.resolve(line.substring(0, sp).strip());
            if (!Files.isRegularFile(image)) {
                throw new BadInputException(where + "image " + image + " not found");
            }
            files.add(image);
            labels.add(label + options.labelOffset());
        }
        return new ImageDataset(file.toString(), files, labels.stream().mapToInt(Integer::intValue).toArray(), options,
                itemShape);
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
        return name;
    }

    @Override
    public int size() {
        return files.size();
    }

    @Override
    public int[] itemShape() {
        return channelsLast ? new int[] {height, width, channels} : new int[] {channels, height, width};
    }

    @Override
    public boolean hasLabels() {
        return labels != null;
    }

    @Override
    public Batch read(int from, int to) throws IOException {
        int n = to - from;
        int plane = height * width;
        float[] x = new float[n * channels * plane];
        for (int i = 0; i < n; i++) {
            Path f = files.get(from + i);
            BufferedImage img = ImageIO.read(f.toFile());
            if (img == null) {
                throw new BadInputException(f + ": not a readable PNG or JPEG image");
            }
            BufferedImage fitted = options.squareCrop() ? cropAndResize(img) : resizeAndCrop(img);
            int base = i * channels * plane;
            for (int y = 0; y < height; y++) {
                for (int xx = 0; xx < width; xx++) {
                    int rgb = fitted.getRGB(xx, y);
                    int r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;
                    int p = y * width + xx;
                    if (channels == 1) {
                        x[base + p] = Math.round(0.299f * r + 0.587f * g + 0.114f * b);
                    } else if (channelsLast) {
                        x[base + 3 * p] = r;
                        x[base + 3 * p + 1] = g;
                        x[base + 3 * p + 2] = b;
                    } else {
                        x[base + p] = r;
                        x[base + plane + p] = g;
                        x[base + 2 * plane + p] = b;
                    }
                }
            }
        }
        int[] shape = itemShape();
        return new Batch(new Tensor(new int[] {n, shape[0], shape[1], shape[2]}, x),
                labels == null ? null : java.util.Arrays.copyOfRange(labels, from, to));
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

    /** The centred square of F × the shorter side, scaled bilinearly to the target. */
    private BufferedImage cropAndResize(BufferedImage img) {
        int side = (int) Math.round(Math.min(img.getWidth(), img.getHeight()) * options.crop());
        int x0 = (img.getWidth() - side) / 2, y0 = (img.getHeight() - side) / 2;
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(img, 0, 0, width, height, x0, y0, x0 + side, y0 + side, null);
        g.dispose();
        return out;
    }
}
