package mpq.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import mpq.base.BadInputException;
import mpq.data.ModelInput;
import mpq.eval.InferenceEngine;
import mpq.eval.InterleavedBenchmark;
import mpq.eval.MpqEngine;
import mpq.eval.OrtEngine;
import mpq.eval.TrainingStepEngine;
import mpq.graph.ValueInfo;
import mpq.onnx.OnnxModel;
import mpq.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "bench", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"FP32 inference throughput of mpq and of ONNX Runtime on the same model, batch and threads.",
                "The engines run interleaved (mpq, ort, mpq, ort, ...) after a warm-up; each run repeats the batch "
                        + "for about --seconds; the result is the median images/s per engine and their ratio.",
                "With --backward the second engine is mpq's forward+backward pass instead of ONNX Runtime: "
                        + "cross-entropy against fixed labels, gradients of every float parameter.",
                "With --quantized FILE both engines are ONNX Runtime: on MODEL (float) and on FILE (e.g. what "
                        + "'mpq export' wrote), for the speed-up of the deployed quantized model.", ""})
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model (any inputs: random data of their "
            + "declared types).")
    Path model;

    @Option(names = "--batch", paramLabel = "B", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch = 128;

    @Option(names = "--runs", paramLabel = "R", description = "Timed runs per engine, at least 5 (default: ${DEFAULT-VALUE}).")
    int runs = 7;

    @Option(names = "--seconds", paramLabel = "S", description = "Approximate length of one run (default: ${DEFAULT-VALUE}).")
    double seconds = 1.0;

    @Option(names = "--tokens", paramLabel = "N", description = "Length of the axes an input leaves open besides the "
            + "batch, e.g. a text model's sequence (default: ${DEFAULT-VALUE}).")
    int tokens = 128;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the random input (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--backward", description = "Compare mpq's forward pass with its forward+backward pass "
            + "instead of with ONNX Runtime.")
    boolean backward;

    @Option(names = "--quantized", paramLabel = "FILE", description = "Compare ONNX Runtime on MODEL with ONNX "
            + "Runtime on this (quantized) model instead of mpq with ONNX Runtime.")
    Path quantized;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        if (runs < 5) {
            throw new BadInputException("--runs must be at least 5 (a median of fewer runs is not worth quoting), got " + runs);
        }
        if (batch < 1) {
            throw new BadInputException("--batch must be at least 1, got " + batch);
        }
        OnnxModel m = modelOptions.load(model);
        if (backward && quantized != null) {
            throw new BadInputException("--backward and --quantized choose different comparisons; give one");
        }
        if (tokens < 1) {
            throw new BadInputException("--tokens must be at least 1, got " + tokens);
        }
        Map<String, Tensor> x = new LinkedHashMap<>();
        for (ValueInfo in : m.graph().inputs()) {
            x.put(in.name(), randomInput(in, seed));
        }
        InterleavedBenchmark b;
        try (InferenceEngine mpqE = quantized != null ? new OrtEngine(model, common.threads())
                     : new MpqEngine(m.graph(), common.threads());
             InferenceEngine ortE = backward ? new TrainingStepEngine(m.graph(), common.threads())
                     : new OrtEngine(quantized != null ? quantized : model, common.threads())) {
            b = x.size() == 1
                    ? InterleavedBenchmark.run(mpqE, ortE, x.values().iterator().next(), runs, seconds, new ConsoleProgress())
                    : InterleavedBenchmark.run(mpqE, ortE, x, batch, runs, seconds, new ConsoleProgress());
        }
        List<Double> mpqRuns = b.first(), ortRuns = b.second();
        double mpqMedian = b.firstMedian(), ortMedian = b.secondMedian();
        double ratio = mpqMedian / ortMedian;
        if (common.json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("model", model.toString());
            j.put("batch", batch);
            j.put("threads", common.threads());
            j.put("runs", runs);
            String first = quantized != null ? "ort_float" : "mpq";
            String other = backward ? "backward" : quantized != null ? "ort_quantized" : "ort";
            if (quantized != null) {
                j.put("quantized", quantized.toString());
            }
            j.put(first + "_images_per_s", mpqMedian);
            j.put(other + "_images_per_s", ortMedian);
            j.put(first + "_ms_per_batch", 1000.0 * batch / mpqMedian);
            j.put(other + "_ms_per_batch", 1000.0 * batch / ortMedian);
            j.put("ratio", ratio);
            j.put(first + "_runs_images_per_s", mpqRuns);
            j.put(other + "_runs_images_per_s", ortRuns);
            Output.json(j);
        } else {
            Output.human().printf("%s, batch %d, %d threads, median of %d interleaved runs%n",
                    model.getFileName(), batch, common.threads(), runs);
            if (quantized != null) {
                Output.human().printf("ONNX Runtime: float %.1f images/s (%.3f ms per batch)   quantized %s %.1f "
                        + "images/s (%.3f ms per batch)   speed-up %.2fx%n", mpqMedian, 1000.0 * batch / mpqMedian,
                        quantized.getFileName(), ortMedian, 1000.0 * batch / ortMedian, ortMedian / mpqMedian);
            } else if (backward) {
                Output.human().printf("forward %.1f images/s   forward+backward %.1f images/s   (forward+backward "
                        + "takes %.2fx the forward time)%n", mpqMedian, ortMedian, mpqMedian / ortMedian);
            } else {
                Output.human().printf("mpq %.1f images/s   ort %.1f images/s   ratio mpq/ort %.2f%n", mpqMedian, ortMedian,
                        ratio);
            }
        }
        return 0;
    }

    /**
     * A random batch for one input: its declared shape with the batch axis set to --batch and other unknown axes to
     * --tokens; floats uniform in [−1, 1); integer inputs as a text model takes them (attention mask all ones, token
     * types zeros, token ids in [0, 100), valid in any vocabulary).
     */
    private Tensor randomInput(ValueInfo in, long seed) {
        int[] shape = in.dims();
        if (shape.length == 0) {
            throw new BadInputException(model + ": input '" + in.name() + "' has no declared shape to benchmark with");
        }
        shape[0] = batch;
        for (int i = 1; i < shape.length; i++) {
            shape[i] = shape[i] < 0 ? tokens : shape[i];
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        if (in.type().isFloat()) {
            Tensor t = Tensor.zeros(shape);
            float[] d = t.data();
            for (int i = 0; i < t.size(); i++) {
                d[i] = (float) (rnd.nextDouble() * 2 - 1);
            }
            return t;
        }
        long[] v = new long[mpq.tensor.Shapes.size(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = in.name().contains("mask") ? 1 : in.name().contains("type") ? 0 : rnd.nextInt(100);
        }
        return new Tensor(in.type(), shape, v);
    }
}
