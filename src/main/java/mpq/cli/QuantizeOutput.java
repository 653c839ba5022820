package mpq.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mpq.data.Batches;
import mpq.eval.EvalResult;
import mpq.eval.SentenceSimilarity;
import mpq.eval.OutputAgreement;
import mpq.hardware.BopsCost;
import mpq.pipeline.ExportReport;
import mpq.quant.PostTrainingQuantizer;
import mpq.quant.QuantConfig;
import mpq.quant.RecipeJson;
import mpq.quant.SparqStatistics;
import mpq.quant.SparqWindows;
import mpq.quant.WeightSize;

/** What mpq quantize prints and writes: the JSON summary, the human tables, recipe.json and summary.json. */
final class QuantizeOutput {
    private final QuantizeCommand cmd;
    private final QuantConfig cfg;
    private final Batches batches;
    private final PostTrainingQuantizer.Result r;
    private final EvalResult fp, q;
    private final TextScores text;
    private OutputAgreement agreement;

    /** A sentence embedder's Spearman: float, simulated, and the exported file in ONNX Runtime (null without export). */
    record TextScores(SentenceSimilarity.Result fp, SentenceSimilarity.Result q, SentenceSimilarity.Result ort) {}

    private final ExportReport exported;
    private final long bytes, floatBytes;
    private final Map<String, Object> json;

    QuantizeOutput(QuantizeCommand cmd, QuantConfig cfg, Batches batches, PostTrainingQuantizer.Result r, EvalResult fp,
                   EvalResult q, TextScores text, double seconds, ExportReport exported) {
        this.text = text;
        this.cmd = cmd;
        this.cfg = cfg;
        this.batches = batches;
        this.r = r;
        this.fp = fp;
        this.q = q;
        this.exported = exported;
        this.bytes = WeightSize.bytes(r.floatGraph(), r.recipe());
        this.floatBytes = WeightSize.float32Bytes(r.floatGraph());
        this.json = summary(seconds);
    }

    /** Adds the quantized model's outputs against the float model's (any model, no labels needed). */
    QuantizeOutput withAgreement(OutputAgreement a) {
        this.agreement = a;
        if (a != null) {
            json.put("outputs_vs_float", Output.fields("examples", a.examples(), "mean_cosine", a.meanCosine(),
                    "min_cosine", a.minCosine(), "relative_error", a.relativeError()));
        }
        return this;
    }

    private List<SparqStatistics.Layer> sparsity = List.of();
    private EvalResult withoutWindows;
    private double windowBops, eightBitBops;   // per example, with SPARQ: through the windows and without them

    /** Adds what SPARQ's windows meet per layer input, and top-1 of the 8-bit model without them (null: not run). */
    QuantizeOutput withSparsity(List<SparqStatistics.Layer> layers, EvalResult eightBit) {
        this.sparsity = layers;
        this.withoutWindows = eightBit;
        SparqWindows w = r.recipe().sparq();
        if (w == null) {
            return this;
        }
        Map<String, Object> o = Output.fields("bits", w.bits(), "windows", w.placements().label(), "round",
                w.rounding().label(), "vsparq", w.pairs());
        if (eightBit != null) {
            o.put("top1_without_windows", eightBit.top1());
            o.put("top1_correct_without_windows", eightBit.top1Correct());
        }
        windowBops = BopsCost.of(r.floatGraph(), r.recipe());
        eightBitBops = BopsCost.of(r.floatGraph(), r.recipe().withSparq(null));
        o.put("bops_per_example", windowBops);
        o.put("bops_per_example_without_windows", eightBitBops);
        o.put("not_windowed", notWindowed());
        o.put("layers", layers.stream().map(QuantizeOutput::json).toList());
        json.put("sparq", o);
        return this;
    }

    /** One windowed layer's input as JSON (quantize's and search's). */
    static Map<String, Object> json(SparqStatistics.Layer l) {
        return Output.fields("layer", l.layer(), "input", l.input(), "values", l.values(), "zeros", l.zeros(),
                "zero_pairs", l.zeroPairs(), "one_zero_pairs", l.onePairs(), "changed", l.changed());
    }

    /** Layers that read their input without windows (a signed input such as the model's, or one of few bits). */
    private List<String> notWindowed() {
        List<String> windowed = r.recipe().windowedLayers().stream().map(l -> l.name()).toList();
        return r.recipe().layers().stream().map(l -> l.name()).filter(n -> !windowed.contains(n)).toList();
    }

    /** The files writeFiles puts in the --out folder. */
    static final List<String> FILES = List.of("recipe.json", "summary.json");

    void writeFiles(Path out) {
        ObjectNode recipe = RecipeJson.toJson(r.recipe());
        recipe.put("model", cmd.model.toString());
        RecipeJson.write(recipe, out.resolve("recipe.json"));
        mpq.base.AtomicFiles.write(out.resolve("summary.json"), o -> Output.writeJson(o, json));
    }

    void print() {
        if (exported != null) {
            json.put("export", ExportOutput.json(exported, String.valueOf(cmd.eval)));
        }
        if (cmd.common.json) {
            Output.json(json);
            return;
        }
        printHuman();
        if (cmd.out != null) {
            Output.human().println("wrote " + cmd.out.resolve("recipe.json") + " and " + cmd.out.resolve("summary.json"));
        }
        if (exported != null) {
            ExportOutput.print(exported, String.valueOf(cmd.eval));
        }
    }

    private Map<String, Object> summary(double seconds) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("model", cmd.model.toString());
        j.put("w_bits", cmd.wBits);
        j.put("a_bits", cmd.aBits);
        j.put("target", cfg.target().name());
        j.put("estimator", cmd.estimator);
        j.put("weight_estimator", cfg.defaults().weightEstimator());
        j.put("per_channel", !cmd.quant.perTensor);
        j.put("keep_first_last", cmd.quant.keepFirstLast);
        j.put("bias_correction", cfg.refiners().contains(mpq.quant.Refiners.BIAS_CORRECTION));
        j.put("refine", cfg.refiners());
        if (cfg.multipoint() > 0) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("fraction", cfg.multipoint());
            m.put("extra_points", r.recipe().extraPoints().values().stream().mapToInt(List::size).sum());
            Map<String, Object> perLayer = new LinkedHashMap<>();
            r.recipe().extraPoints().forEach((k, v) -> perLayer.put(k, v.size()));
            m.put("layers", perLayer);
            j.put("multipoint", m);
        }
        j.put("calib", cmd.calibration.calib.toString());
        j.put("calib_images", batches.examples());
        j.put("seed", cmd.calibration.seed);
        j.put("weight_bytes", bytes);
        j.put("float_weight_bytes", floatBytes);
        j.put("quantize_seconds", seconds);
        if (q != null) {
            j.put("eval", cmd.eval.toString());
            j.put("eval_images", q.count());
            j.put("top1", q.top1());
            j.put("top1_correct", q.top1Correct());
            j.put("fp32_top1", fp.top1());
            j.put("fp32_top1_correct", fp.top1Correct());
            j.put("top5", q.top5());
            j.put("mean_cross_entropy", q.meanCrossEntropy());
        }
        if (text != null) {
            j.put("eval", cmd.eval.toString());
            j.put("pairs", text.q().pairs());
            j.put("spearman", text.q().spearman());
            j.put("fp32_spearman", text.fp().spearman());
            if (text.ort() != null) {
                j.put("ort_spearman", text.ort().spearman());
            }
        }
        if (!r.recipe().embeddings().isEmpty()) {
            j.put("embeddings", r.recipe().embeddings().stream().map(e -> Output.fields("table", e.table(), "bits",
                    e.bits(), "method", e.method().label())).toList());
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

    private void printHuman() {
        var o = Output.human();
        String we = cfg.defaults().weightEstimator();
        o.printf("%s: W%dA%d, estimator %s%s, %s weights, first/last layers %s%s%n", cmd.model.getFileName(),
                cmd.wBits, cmd.aBits, cmd.estimator, we.equals(cmd.estimator) ? "" : " (weights " + we + ")",
                cmd.quant.perTensor ? "per-tensor" : "per-channel",
                cmd.quant.keepFirstLast ? "at 8 bits" : "quantized like the rest",
                cfg.refiners().isEmpty() ? "" : ", refined: " + String.join(", ", cfg.refiners()));
        o.printf("calibration: %d examples of %s (seed %d)%n", batches.examples(), cmd.calibration.calib.getFileName(),
                cmd.calibration.seed);
        List<String> narrowed = narrowedByTarget(cfg, r);
        o.printf("target: %s%s%n%n", cfg.target().name(), narrowed.isEmpty() ? "" : "; " + narrowed.size()
                + " layer(s) with 8-bit inputs get 7-bit weights, as uint8×int8 kernels without VNNI add products in "
                + "pairs into int16 (--target ort-x86-vnni keeps 8 bits for CPUs with VNNI)");
        Output.Table t = new Output.Table("layer", "op", "params", "w bits", "a bits", "weight SQNR dB");
        for (PostTrainingQuantizer.LayerReport l : r.layers()) {
            t.add(l.name() + (l.edge() ? " *" : ""), l.opType(), l.params(), l.weightBits(), l.actBits(),
                    db(l.weightSqnrDb()));
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
        printSparq(o);
        o.printf("weights: %,d bytes quantized, %,d bytes float32 (%.1fx smaller)%n", bytes, floatBytes,
                (double) floatBytes / bytes);
        if (q != null) {
            o.printf("top-1: quantized %.2f%% (%d/%d), float %.2f%% (%d/%d), change %+.2f points%n",
                    100 * q.top1(), q.top1Correct(), q.count(), 100 * fp.top1(), fp.top1Correct(), fp.count(),
                    100 * (q.top1() - fp.top1()));
        }
        if (agreement != null) {
            o.printf("outputs against the float model's on %d examples: mean cosine %.5f (lowest %.5f), relative error "
                    + "%.4f%n", agreement.examples(), agreement.meanCosine(), agreement.minCosine(), agreement.relativeError());
        }
        if (text != null) {
            o.printf("Spearman on %d pairs: quantized %.4f (mpq's simulation), float %.4f, change %+.4f%n",
                    text.q().pairs(), text.q().spearman(), text.fp().spearman(), text.q().spearman() - text.fp().spearman());
            if (text.ort() != null) {
                o.printf("the exported model in ONNX Runtime: Spearman %.4f%n", text.ort().spearman());
            }
        }
    }

    private void printSparq(java.io.PrintStream o) {
        SparqWindows w = r.recipe().sparq();
        if (w == null) {
            return;
        }
        o.printf("SPARQ: %s on %d layer inputs; measured on the %d calibration examples:%n", w.label(),
                sparsity.size(), batches.examples());
        Output.Table t = new Output.Table("layer", "zeros %", "zero pairs %", "one-zero pairs %", "changed by window %");
        for (SparqStatistics.Layer l : sparsity) {
            t.add(l.layer(), pct(l.zeros()), pct(l.zeroPairs()), pct(l.onePairs()), pct(l.changed()));
        }
        t.print(o);
        List<String> plain = notWindowed();
        if (!plain.isEmpty()) {   // a MobileNet has dozens, with long names: the JSON lists them all
            o.println("read without windows (signed or narrow input): " + (plain.size() <= 3 ? String.join(", ", plain)
                    : plain.size() + " layers, e.g. " + plain.getFirst() + " (--json lists them: sparq.not_windowed)"));
        }
        o.printf("bit operations per example: %.4g G through the windows (a SPARQ multiplier takes %d bits of each "
                + "value), %.4g G for the 8-bit model: %.2fx fewer%n", windowBops / 1e9, w.bits(),
                eightBitBops / 1e9, eightBitBops / windowBops);
        if (withoutWindows != null) {
            o.printf("top-1 of the 8-bit model without windows: %.2f%% (%d/%d)%n", 100 * withoutWindows.top1(),
                    withoutWindows.top1Correct(), withoutWindows.count());
        }
        o.println();
    }

    private static String pct(double f) {
        return String.format("%.1f", 100 * f);
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
