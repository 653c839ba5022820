package mpq.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import mpq.data.Batches;
import mpq.data.Preprocess;
import mpq.eval.EvalResult;
import mpq.graph.Graph;
import mpq.graph.ValueInfo;
import mpq.onnx.OnnxModel;
import mpq.quant.Estimators;
import mpq.quant.IntGrid;
import mpq.quant.PostTrainingQuantizer;
import mpq.quant.QuantConfig;
import mpq.quant.RecipeJson;
import mpq.quant.WeightSize;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "quantize", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Uniform post-training quantization: choose weight and activation ranges on calibration data, "
                + "simulate the integer model, and (with --eval) measure what it lost.",
                "",
                "Weights: symmetric signed grids, per output channel unless --per-tensor. Activations: affine unsigned "
                + "grids (uint8-like) at the input of every Conv/Gemm/MatMul, after every ReLU and at Add outputs. "
                + "BatchNorm is folded into the layer before it first. The first and last layers stay at 8 bits "
                + "unless --no-keep-first-last.",
                "",
                "Example (CIFAR-10, 4-bit weights, 8-bit activations):",
                "  mpq quantize resnet20_cifar10.onnx --calib train_subset.bin \\",
                "      --eval test_batch.bin --w-bits 4 --a-bits 8 --scale 255 \\",
                "      --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225", ""})
final class QuantizeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model (float32).")
    Path model;

    @Option(names = "--w-bits", paramLabel = "B", description = "Weight bits, " + IntGrid.ALLOWED
            + " (default: ${DEFAULT-VALUE}).")
    int wBits = 8;

    @Option(names = "--a-bits", paramLabel = "B", description = "Activation bits, " + IntGrid.ALLOWED
            + " (default: ${DEFAULT-VALUE}).")
    int aBits = 8;

    @Option(names = "--estimator", paramLabel = "E", description = "Range estimator for weights and activations: "
            + "minmax, percentile[:P] (default P 99.99), mse, aciq or entropy (default: ${DEFAULT-VALUE}). entropy is "
            + "for activations only; weights then use " + Estimators.FOR_WEIGHTS_INSTEAD + ".")
    String estimator = "mse";

    @Option(names = "--weight-estimator", paramLabel = "E", description = "A different estimator for the weights.")
    String weightEstimator;

    @Option(names = "--layer", paramLabel = "NAME=wWaA", description = "Per-layer bits by exact name or glob, e.g. "
            + "'conv1=w8a8' or '*layer3*=w3'. Repeatable; later settings win. Layer names: mpq inspect MODEL.")
    List<String> layerSettings = new ArrayList<>();

    @Option(names = "--eval", paramLabel = "D", description = "Labelled data to measure top-1 on, for the float model "
            + "and the quantized one (--limit caps it).")
    Path eval;

    @Option(names = "--export", paramLabel = "FILE", description = "Also write the quantized model as standard ONNX "
            + "(QDQ; see mpq export --help) with its recipe beside it; with --eval, ONNX Runtime runs it on the same "
            + "data and its top-1 is compared with the simulation.")
    Path export;

    @Option(names = "--out", paramLabel = "DIR", description = "Write recipe.json (bits, scales, zero points, biases) "
            + "and summary.json here, for export and search to reuse.")
    Path out;

    @Mixin
    CalibrationOptions calibration;

    @Mixin
    QuantOptions quant;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        QuantConfig cfg = config();
        Preprocess pre = dataOptions.preprocess();
        OnnxModel m = OnnxModel.load(model);
        Graph g = m.graph();
        ValueInfo in = ModelInput.single(g, model.toString());
        long t0 = System.nanoTime();
        Batches batches = calibration.load(g, in, model.toString(), dataOptions, pre, common.threads());
        ConsoleProgress progress = new ConsoleProgress();
        PostTrainingQuantizer.Result r = PostTrainingQuantizer.run(g, cfg, batches, common.threads(), progress);
        double quantSeconds = (System.nanoTime() - t0) / 1e9;

        EvalResult fp = null, q = null;
        if (eval != null) {
            try (EvalSet set = EvalSet.open(eval, in, model.toString(), dataOptions, pre, progress)) {
                fp = set.evaluate(g, common.threads());
                q = set.evaluate(r.quantized(), common.threads());
            }
        }
        long bytes = WeightSize.bytes(r.floatGraph(), r.recipe());
        long floatBytes = WeightSize.float32Bytes(r.floatGraph());
        Map<String, Object> summary = summary(cfg, batches, r, fp, q, bytes, floatBytes, quantSeconds);
        if (out != null) {
            ObjectNode recipe = RecipeJson.toJson(r.recipe());
            recipe.put("model", model.toString());
            RecipeJson.write(recipe, out.resolve("recipe.json"));
            mpq.base.AtomicFiles.write(out.resolve("summary.json"), o -> Output.writeJson(o, summary));
        }
        Map<String, Object> exported = null;
        if (export != null) {
            exported = ExportCommand.export(r, model, g, export, eval, dataOptions, common);
            summary.put("export", exported);
        }
        if (common.json) {
            Output.json(summary);
        } else {
            printHuman(cfg, batches, r, fp, q, bytes, floatBytes);
        }
        if (exported != null && !common.json) {
            ExportCommand.print(exported);
        }
        return 0;
    }

    private QuantConfig config() {
        IntGrid.checkBits(wBits, "--w-bits");
        IntGrid.checkBits(aBits, "--a-bits");
        Estimators.byName(estimator);
        String we = weightEstimator != null ? weightEstimator : Estimators.forWeights(estimator);
        Estimators.byName(we);
        QuantConfig cfg = quant.config(wBits, aBits, we, estimator);
        for (String s : layerSettings) {
            cfg = cfg.withOverride(QuantConfig.Override.parse(s));
        }
        return cfg;
    }

    private Map<String, Object> summary(QuantConfig cfg, Batches batches, PostTrainingQuantizer.Result r,
                                        EvalResult fp, EvalResult q, long bytes, long floatBytes, double seconds) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("model", model.toString());
        j.put("w_bits", wBits);
        j.put("a_bits", aBits);
        j.put("target", cfg.target().name());
        j.put("estimator", estimator);
        j.put("weight_estimator", cfg.defaults().weightEstimator());
        j.put("per_channel", !quant.perTensor);
        j.put("keep_first_last", quant.keepFirstLast);
        j.put("bias_correction", quant.biasCorrection);
        j.put("calib", calibration.calib.toString());
        j.put("calib_images", batches.examples());
        j.put("seed", calibration.seed);
        j.put("weight_bytes", bytes);
        j.put("float_weight_bytes", floatBytes);
        j.put("quantize_seconds", seconds);
        if (q != null) {
            j.put("eval", eval.toString());
            j.put("eval_images", q.count());
            j.put("top1", q.top1());
            j.put("top1_correct", q.top1Correct());
            j.put("fp32_top1", fp.top1());
            j.put("fp32_top1_correct", fp.top1Correct());
            j.put("top5", q.top5());
            j.put("mean_cross_entropy", q.meanCrossEntropy());
        }
        List<Map<String, Object>> layers = new ArrayList<>();
        for (PostTrainingQuantizer.LayerReport l : r.layers()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", l.name());
            o.put("op", l.opType());
            o.put("params", l.params());
            o.put("w_bits", l.weightBits());
            o.put("a_bits", l.actBits());
            o.put("per_channel", l.perChannel());
            o.put("first_or_last", l.edge());
            o.put("weight_sqnr_db", finite(l.weightSqnrDb()));
            layers.add(o);
        }
        j.put("layers", layers);
        List<Map<String, Object>> acts = new ArrayList<>();
        for (PostTrainingQuantizer.ActivationReport a : r.activations()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("value", a.value());
            o.put("bits", a.bits());
            o.put("min", a.min());
            o.put("max", a.max());
            o.put("clip_lo", a.lo());
            o.put("clip_hi", a.hi());
            o.put("sqnr_db", finite(a.sqnrDb()));
            acts.add(o);
        }
        j.put("activations", acts);
        return j;
    }

    /** JSON has no infinity: an exact (noise-free) quantization reports null. */
    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private void printHuman(QuantConfig cfg, Batches batches, PostTrainingQuantizer.Result r, EvalResult fp,
                            EvalResult q, long bytes, long floatBytes) {
        var o = Output.human();
        String we = cfg.defaults().weightEstimator();
        o.printf("%s: W%dA%d, estimator %s%s, %s weights, first/last layers %s%s%n", model.getFileName(), wBits, aBits,
                estimator, we.equals(estimator) ? "" : " (weights " + we + ")",
                quant.perTensor ? "per-tensor" : "per-channel",
                quant.keepFirstLast ? "at 8 bits" : "quantized like the rest", quant.biasCorrection ? ", bias correction" : "");
        o.printf("calibration: %d examples of %s (seed %d)%n", batches.examples(), calibration.calib.getFileName(),
                calibration.seed);
        List<String> narrowed = narrowedByTarget(cfg, r);
        o.printf("target: %s%s%n%n", cfg.target().name(), narrowed.isEmpty() ? "" : "; " + narrowed.size()
                + " layer(s) with 8-bit inputs get 7-bit weights, as uint8×int8 kernels without VNNI add products in "
                + "pairs into int16 (--target ort-x86-vnni keeps 8 bits for CPUs with VNNI)");
        Output.Table t = new Output.Table("layer", "op", "params", "w bits", "a bits", "weight SQNR dB");
        for (PostTrainingQuantizer.LayerReport l : r.layers()) {
            t.add(l.name() + (l.edge() ? " *" : ""), l.opType(), l.params(), l.weightBits(), l.actBits(), db(l.weightSqnrDb()));
        }
        t.print(o);
        o.println("(* first or last layer)");
        o.println();
        Output.Table a = new Output.Table("activation", "bits", "observed min", "observed max", "clip lo", "clip hi", "SQNR dB");
        for (PostTrainingQuantizer.ActivationReport x : r.activations()) {
            a.add(x.value(), x.bits(), fmt(x.min()), fmt(x.max()), fmt(x.lo()), fmt(x.hi()), db(x.sqnrDb()));
        }
        a.print(o);
        o.println();
        o.printf("weights: %,d bytes quantized, %,d bytes float32 (%.1fx smaller)%n", bytes, floatBytes,
                (double) floatBytes / bytes);
        if (q != null) {
            o.printf("top-1: quantized %.2f%% (%d/%d), float %.2f%% (%d/%d), change %+.2f points%n",
                    100 * q.top1(), q.top1Correct(), q.count(), 100 * fp.top1(), fp.top1Correct(), fp.count(),
                    100 * (q.top1() - fp.top1()));
        }
        if (out != null) {
            o.println("wrote " + out.resolve("recipe.json") + " and " + out.resolve("summary.json"));
        }
    }

    /** The layers whose weights the target gave fewer bits than asked for. */
    private static List<String> narrowedByTarget(QuantConfig cfg, PostTrainingQuantizer.Result r) {
        QuantConfig exact = cfg.withTarget(mpq.deploy.Targets.ORT_X86_VNNI);
        List<String> out = new ArrayList<>();
        for (PostTrainingQuantizer.LayerReport l : r.layers()) {
            if (l.weightBits() < exact.specFor(l.name(), l.edge()).weightBits()) {
                out.add(l.name());
            }
        }
        return out;
    }

    private static String db(double v) {
        return Double.isFinite(v) ? String.format("%.1f", v) : "exact";
    }

    private static String fmt(double v) {
        return String.format("%.4g", v);
    }
}
