package mpq.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import mpq.base.BadInputException;
import mpq.data.Distiller;
import mpq.data.Npy;
import mpq.graph.Graph;
import mpq.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "distill", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Zero-shot calibration data (ZeroQ): model inputs distilled from the model alone.", "",
                "Gaussian noise "
                + "is optimised with Adam until, at every BatchNormalization, the batch mean and standard deviation of "
                + "the layer's input match its running statistics, and the inputs have per-channel mean 0 and standard "
                + "deviation 1 (normalised data). Needs a model with BatchNormalization kept.",
                "",
                "The inputs are written as a float32 .npy array [N, C, H, W] of model inputs, already normalised: "
                + "use the file with --calib FILE --calib-preprocessed. Any command that takes --calib can also distil "
                + "on the fly: --calib distilled or --calib distilled:N.",
                "",
                "Example:",
                "  mpq distill resnet20_cifar10_bn.onnx --count 64 --out distilled.npy", ""})
final class DistillCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model, with BatchNormalization layers.")
    Path model;

    @Option(names = "--count", paramLabel = "N", description = "Inputs to distil (default: ${DEFAULT-VALUE}).")
    int count = CalibrationOptions.DEFAULT_DISTILLED;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE.npy", description = "Where to write them.")
    Path out;

    @Option(names = "--iterations", paramLabel = "T", description = "Adam steps per batch (default: ${DEFAULT-VALUE}).")
    int iterations = Distiller.Settings.defaults(1, 0).iterations();

    @Option(names = "--lr", paramLabel = "LR", description = "Initial learning rate, decaying linearly to 1/100 of it "
            + "(default: ${DEFAULT-VALUE}).")
    double lr = Distiller.Settings.defaults(1, 0).lr();

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the initial noise (default: ${DEFAULT-VALUE}).")
    long seed = 0;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        new CommandFiles().reads(model).writes(out).check();
        if (count < 1 || iterations < 1 || !(lr > 0)) {
            throw new BadInputException("--count and --iterations must be at least 1 and --lr positive");
        }
        Graph g = modelOptions.loadFloat(model);
        Distiller.Settings s = new Distiller.Settings(count, Math.min(count, Distiller.Settings.defaults(count, seed)
                .batch()), iterations, lr, seed);
        Distiller.Result r = Distiller.distill(g, model.toString(), s, common.threads(), new ConsoleProgress());
        List<Tensor> batches = r.data().list();
        Tensor all = Tensor.concat0(batches);
        Npy.write(all, out);
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("model", model.toString());
        j.put("out", out.toString());
        j.put("count", count);
        j.put("shape", all.shape());
        j.put("iterations", iterations);
        j.put("lr", lr);
        j.put("seed", seed);
        j.put("initial_loss", r.initialLoss());
        j.put("final_loss", r.finalLoss());
        j.put("seconds", r.seconds());
        if (common.json) {
            Output.json(j);
        } else {
            Output.human().printf("distilled %d inputs %s from %s in %.1f s; statistics loss %.4g → %.4g (%.0fx lower); "
                    + "wrote %s%n", count, java.util.Arrays.toString(all.shape()), model.getFileName(), r.seconds(),
                    r.initialLoss(), r.finalLoss(), r.initialLoss() / r.finalLoss(), out);
        }
        return 0;
    }
}
