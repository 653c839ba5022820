package mpq.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import mpq.base.BadInputException;
import mpq.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
    @TempDir
    Path tmp;

    @Test
    void cifarRecordsArePlanarWithLabels() throws IOException {
        byte[] rec = new byte[2 * 3073];
        rec[0] = 7;
        rec[1] = (byte) 200;           // first red pixel
        rec[1 + 1024] = 10;            // first green pixel
        rec[3073] = 2;
        Path f = tmp.resolve("two.bin");
        Files.write(f, rec);
        try (Dataset d = Datasets.open(f, null, new int[] {3, 32, 32})) {
            assertEquals(2, d.size());
            Batch b = d.read(0, 2);
            assertArrayEquals(new int[] {7, 2}, b.labels());
            assertEquals(200f, b.inputs().get(0));
            assertEquals(10f, b.inputs().get(1024));
        }
        Files.write(tmp.resolve("bad.bin"), new byte[100]);
        assertThrows(BadInputException.class, () -> Datasets.open(tmp.resolve("bad.bin"), null, new int[] {3, 32, 32}));
    }

    @Test
    void gzippedIdxWithSiblingLabels() throws IOException {
        Path img = tmp.resolve("train-images-idx3-ubyte.gz");
        try (DataOutputStream d = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(img)))) {
            d.writeInt(0x0803);
            d.writeInt(2);
            d.writeInt(2);
            d.writeInt(2);
            d.write(new byte[] {1, 2, 3, 4, (byte) 255, 6, 7, 8});
        }
        try (DataOutputStream d = new DataOutputStream(new GZIPOutputStream(
                Files.newOutputStream(tmp.resolve("train-labels-idx1-ubyte.gz"))))) {
            d.writeInt(0x0801);
            d.writeInt(2);
            d.write(new byte[] {3, 9});
        }
        Dataset d = Datasets.open(img, null, new int[] {1, 2, 2});
        assertArrayEquals(new int[] {1, 2, 2}, d.itemShape());
        Batch b = d.read(1, 2);
        assertArrayEquals(new int[] {9}, b.labels());
        assertArrayEquals(new float[] {255, 6, 7, 8}, b.inputs().data());
    }

    @Test
    void npyFloatArrayWithLabels() throws IOException {
        writeNpy(tmp.resolve("x.npy"), "<f4", "(2, 1, 2)", buf(16, b -> b.putFloat(1).putFloat(2).putFloat(3).putFloat(4)));
        writeNpy(tmp.resolve("x.labels.npy"), "<i8", "(2,)", buf(16, b -> b.putLong(4).putLong(1)));
        Dataset d = Datasets.open(tmp.resolve("x.npy"), null, new int[] {1, 2});
        assertArrayEquals(new int[] {1, 2}, d.itemShape());
        Batch b = d.read(0, 2);
        assertArrayEquals(new int[] {4, 1}, b.labels());
        assertArrayEquals(new float[] {1, 2, 3, 4}, b.inputs().data());
    }

    @Test
    void imageFolderResizesAndCropsPerClass() throws IOException {
        for (String cls : new String[] {"cat", "dog"}) {
            Files.createDirectories(tmp.resolve("imgs").resolve(cls));
            BufferedImage img = new BufferedImage(8, 4, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 8; x++) {
                    img.setRGB(x, y, cls.equals("cat") ? 0xff0000 : 0x0000ff);
                }
            }
            ImageIO.write(img, "png", tmp.resolve("imgs").resolve(cls).resolve("a.png").toFile());
        }
        Dataset d = Datasets.open(tmp.resolve("imgs"), null, new int[] {3, 2, 2});
        assertEquals(2, d.size());
        Batch b = d.read(0, 2);
        assertArrayEquals(new int[] {0, 1}, b.labels());
        assertArrayEquals(new int[] {2, 3, 2, 2}, b.inputs().shape());
        assertEquals(255f, b.inputs().get(0));          // cat: red plane
        assertEquals(0f, b.inputs().get(4));            // cat: green plane
        assertEquals(255f, b.inputs().get(12 + 8));     // dog: blue plane
    }

    @Test
    void labelFileWithCropResizeChannelsLastAndLabelOffset() throws IOException {
        // An 8 × 4 image: a red 4 × 4 square in the middle, green elsewhere. The centred square of the whole shorter
        // side (crop fraction 1) is all red; with a fraction of 0.5 too; the default fitting (shorter side to 2,
        // centre crop) also sees only the middle.
        Files.createDirectories(tmp.resolve("val/images"));
        BufferedImage img = new BufferedImage(8, 4, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 8; x++) {
                img.setRGB(x, y, x >= 2 && x < 6 ? 0xff0000 : 0x00ff00);
            }
        }
        ImageIO.write(img, "png", tmp.resolve("val/images/a b.png").toFile());
        Path labels = tmp.resolve("val/labels.txt");
        Files.writeString(labels, "images/a b.png 7\n\n");
        for (double f : new double[] {1.0, 0.5}) {
            Dataset d = Datasets.open(labels, null, new int[] {2, 2, 3}, new ImageOptions(2, f, 1));
            Batch b = d.read(0, 1);
            assertArrayEquals(new int[] {1, 2, 2, 3}, b.inputs().shape(), "channels last, as the model declares");
            assertArrayEquals(new int[] {8}, b.labels(), "label 7 plus the offset 1");
            for (int p = 0; p < 4; p++) {
                assertEquals(255f, b.inputs().get(3 * p), "red at pixel " + p);
                assertEquals(0f, b.inputs().get(3 * p + 1), "no green at pixel " + p);
            }
        }
        assertThrows(BadInputException.class, () -> Datasets.open(labels, null, new int[] {3, 4, 4},
                new ImageOptions(2, 1.0, 0)), "--resize 2 for a 4 × 4 model");
        Files.writeString(labels, "images/a b.png seven\n");
        assertThrows(BadInputException.class, () -> Datasets.open(labels, null, new int[] {3, 2, 2}));
    }

    @Test
    void preprocessingIsScaleThenMeanThenStd() {
        Preprocess p = new Preprocess(255f, new float[] {0.5f, 0f}, new float[] {0.5f, 2f});
        Tensor t = Tensor.of(new int[] {1, 2, 1, 1}, 255f, 51f);
        p.apply(t);
        assertEquals(1f, t.get(0), 1e-6f);
        assertEquals(0.1f, t.get(1), 1e-6f);
        assertThrows(BadInputException.class, () -> p.check(new int[] {3, 4, 4}, "data"));
        // Channels last ([H, W, C] examples): the per-channel values go along the last axis.
        Tensor nhwc = Tensor.of(new int[] {1, 1, 3, 2}, 255f, 51f, 255f, 51f, 255f, 51f);
        p.check(new int[] {1, 3, 2}, "data");
        p.apply(nhwc);
        assertEquals(1f, nhwc.get(4), 1e-6f);
        assertEquals(0.1f, nhwc.get(5), 1e-6f);
        assertThrows(BadInputException.class, () -> new Preprocess(1f, new float[] {0f}, new float[] {0f}));
        assertFalse(Preprocess.IDENTITY.equals(p));
    }

    private interface Fill {
        void fill(ByteBuffer b);
    }

    private static byte[] buf(int n, Fill f) {
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        f.fill(b);
        return b.array();
    }

    private static void writeNpy(Path p, String descr, String shape, byte[] data) throws IOException {
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = 10 + header.length() + 1;
        header = header + " ".repeat((64 - total % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII)).put(data);
        Files.write(p, b.array());
    }
}
