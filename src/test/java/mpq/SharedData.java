package mpq;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** The real models and data in ../shared; tests that need them skip with a message where it is absent. */
public final class SharedData {
    private SharedData() {}

    public static final Path ROOT = Path.of(System.getProperty("mpq.shared", "../shared"));

    public static Path model(String file) {
        Path p = ROOT.resolve("models").resolve(file);
        Assumptions.assumeTrue(Files.isRegularFile(p), "skipped: " + p + " not found (../shared is absent)");
        return p;
    }

    public static Path cifarTest() {
        Path p = ROOT.resolve("data/cifar10/test_batch.bin");
        Assumptions.assumeTrue(Files.isRegularFile(p), "skipped: " + p + " not found (../shared is absent)");
        return p;
    }

    public static Path cifarTrain() {
        Path p = ROOT.resolve("data/cifar10/train_subset.bin");
        Assumptions.assumeTrue(Files.isRegularFile(p), "skipped: " + p + " not found (../shared is absent)");
        return p;
    }

    /** The preprocessing ../shared/README.md gives for the ResNet-20/32 models (ResNet-8 takes raw pixels). */
    public static mpq.data.Preprocess preprocessFor(String model) {
        if (model.startsWith("resnet8")) {
            return mpq.data.Preprocess.IDENTITY;
        }
        return new mpq.data.Preprocess(255f, new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
    }
}
