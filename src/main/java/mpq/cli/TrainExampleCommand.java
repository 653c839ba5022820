package mpq.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import mpq.base.BadInputException;
import mpq.data.Dataset;
import mpq.data.IdxDataset;
import mpq.onnx.OnnxModel;
import mpq.onnx.OnnxWriter;
import mpq.train.Example;
import mpq.train.ExampleNet;
import mpq.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train-example", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Trains the built-in example that 'mpq demo' uses (Fashion-MNIST).", "",
                "A small residual CNN with BatchNormalization "
                + "on Fashion-MNIST (Debian package dataset-fashion-mnist), with mpq's own backward pass: SGD with "
                + "momentum, cosine learning rate, random shifts and flips. Seeded and reproducible; prints the test "
                + "top-1 after every epoch. Not part of the demo run: the trained model is committed.",
                "",
                "Example:",
                "  mpq train-example --out fashion_resnet.onnx", ""})
final class TrainExampleCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "DIR", description = "The Fashion-MNIST IDX files (default: ${DEFAULT-VALUE}).")
    Path data = Path.of("/usr/share/datasets/fashion-mnist");

    @Option(names = {"-o", "--out"}, paramLabel = "FILE.onnx", description = "Where to write the trained model.")
    Path out;

    @Option(names = "--subsets", paramLabel = "DIR", description = "Write the demo's data here instead of training: "
            + Example.TEST_SUBSET + " random test images and " + Example.CALIB_SUBSET + " random training images (seeded), "
            + "as gzipped IDX files.")
    Path subsets;

    @Option(names = "--epochs", paramLabel = "E", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs = Trainer.Settings.defaults().epochs();

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the initialisation, order and augmentation "
            + "(default: ${DEFAULT-VALUE}).")
    long seed = 0;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        new CommandFiles().reads(data.resolve("train-images-idx3-ubyte.gz"), data.resolve("t10k-images-idx3-ubyte.gz"),
                data.resolve("train-labels-idx1-ubyte.gz"), data.resolve("t10k-labels-idx1-ubyte.gz")).writes(out).check();
        Path trainImages = data.resolve("train-images-idx3-ubyte.gz"), testImages = data.resolve("t10k-images-idx3-ubyte.gz");
        if (!java.nio.file.Files.exists(trainImages) || !java.nio.file.Files.exists(testImages)) {
            throw new BadInputException(data + ": no Fashion-MNIST IDX files (train-images-idx3-ubyte.gz, "
                    + "t10k-images-idx3-ubyte.gz); install the Debian package dataset-fashion-mnist or give --data");
        }
        if ((out == null) == (subsets == null)) {
            throw new BadInputException("give --out FILE.onnx (train) or --subsets DIR (write the demo's data)");
        }
        if (subsets != null) {
            writeSubsets(trainImages, testImages);
            return 0;
        }
        if (epochs < 1) {
            throw new BadInputException("--epochs must be at least 1, got " + epochs);
        }
        Trainer.Settings d = Trainer.Settings.defaults();
        Trainer.Settings s = new Trainer.Settings(epochs, d.batch(), d.lr(), d.momentum(), d.weightDecay(), d.shift(), seed);
        Trainer.Result r;
        try (Dataset train = new IdxDataset(trainImages); Dataset test = new IdxDataset(testImages)) {
            r = Trainer.train(ExampleNet.build(seed), train, test, Example.PREPROCESS, s, common.threads(),
                    new ConsoleProgress(), (epoch, top1, seconds) -> Output.human().printf(
                            "epoch %d: test top-1 %.2f%% (%.0f s)%n", epoch, 100 * top1, seconds));
        } catch (java.io.IOException e) {
            throw new BadInputException(data + ": " + e.getMessage());
        }
        OnnxModel.save(OnnxWriter.toProto(r.model(), 7, "train-example"), out);
        Output.human().printf("trained in %.0f s; wrote %s%n", r.seconds(), out);
        if (common.json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("out", out.toString());
            j.put("epochs", epochs);
            j.put("seed", seed);
            j.put("test_top1_per_epoch", r.testTop1());
            j.put("seconds", r.seconds());
            Output.json(j);
        }
        return 0;
    }

    private void writeSubsets(Path trainImages, Path testImages) {
        try {
            java.nio.file.Files.createDirectories(subsets);
            writeSample(testImages, Example.TEST_SUBSET, Example.TEST_FILE);
            writeSample(trainImages, Example.CALIB_SUBSET, Example.CALIB_FILE);
        } catch (java.io.IOException e) {
            throw new BadInputException(subsets + ": " + e.getMessage());
        }
        Output.human().printf("wrote %d test and %d training images to %s%n", Example.TEST_SUBSET, Example.CALIB_SUBSET,
                subsets);
    }

    /** n examples drawn at random (seeded), in file order, as name (images) and its sibling labels file. */
    private void writeSample(Path images, int n, String name) throws java.io.IOException {
        try (IdxDataset d = new IdxDataset(images)) {
            int[] pick = new java.util.SplittableRandom(seed).ints(0, d.size()).distinct().limit(n).sorted().toArray();
            int item = 28 * 28;
            float[] pixels = new float[n * item], labels = new float[n];
            for (int i = 0; i < n; i++) {
                mpq.data.Batch b = d.read(pick[i], pick[i] + 1);
                System.arraycopy(b.inputs().data(), 0, pixels, i * item, item);
                labels[i] = b.labels()[0];
            }
            IdxDataset.writeUbyte(subsets.resolve(name), new int[] {n, 28, 28}, pixels);
            IdxDataset.writeUbyte(subsets.resolve(name.replace("images-idx3", "labels-idx1")), new int[] {n}, labels);
        }
    }
}
