package mpq.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import mpq.export.QdqExport;
import mpq.data.SentencePairs;
import mpq.data.TextEncoder;
import mpq.eval.InferenceEngine;
import mpq.eval.MpqEngine;
import mpq.eval.OrtEngine;
import mpq.eval.SentenceSimilarity;
import mpq.eval.OutputAgreement;
import mpq.data.Batches;
import mpq.data.Preprocess;
import mpq.eval.EvalResult;
import mpq.graph.Graph;
import mpq.graph.ValueInfo;
import mpq.data.ModelInput;
import mpq.eval.EvalSet;
import mpq.pipeline.Deployment;
import mpq.pipeline.ExportReport;
import mpq.quant.Estimators;
import mpq.quant.IntGrid;
import mpq.quant.FakeQuantPass;
import mpq.quant.PostTrainingQuantizer;
import mpq.quant.SparqStatistics;
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
            + "minmax, percentile[:P] (default P 99.99), mse, lp:P (the range least in mean |error|^P; mse is lp:2), "
            + "aciq or entropy (default: ${DEFAULT-VALUE}). entropy is for activations only; weights then use "
            + Estimators.FOR_WEIGHTS_INSTEAD + ".")
    String estimator = "mse";

    @Option(names = "--weight-estimator", paramLabel = "E", description = "A different estimator for the weights.")
    String weightEstimator;

    @Option(names = "--layer", paramLabel = "NAME=wWaA", description = "Per-layer bits by exact name or glob, e.g. "
            + "'conv1=w8a8' or '*layer3*=w3'. Repeatable; later settings win. Layer names: mpq inspect MODEL.")
    List<String> layerSettings = new ArrayList<>();

    @Option(names = "--eval", paramLabel = "D", description = "Labelled data to measure top-1 on, for the float model "
            + "and the quantized one (--limit caps it); with --tokenizer, sentence pairs to measure Spearman on (and the "
            + "--export file's in ONNX Runtime).")
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
    TextOptions textOptions;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        new CommandFiles().reads(model).readsSpecs(calibration.calib.toString(), eval == null ? null : eval.toString())
                .writes(export, export == null ? null : QdqExport.recipePath(export))
                .writesIn(out, QuantizeOutput.FILES).check();
        QuantConfig cfg = config();
        Graph g = modelOptions.loadFloat(model);
        PostTrainingQuantizer.checkEmbeddings(g, cfg);
        ValueInfo in = g.inputs().size() == 1 ? g.inputs().getFirst() : null;   // several: calibration by name only
        boolean arrays = eval != null && eval.toString().contains("=");   // NAME=FILE.npy,…: outputs against float
        if (in == null && eval != null && !textOptions.text() && !arrays) {
            ModelInput.single(g, model.toString());   // refuses top-1 evaluation of a model with several inputs
        }
        long t0 = System.nanoTime();
        Batches batches = calibration.load(g, in, model.toString(), dataOptions, dataOptions.preprocess(),
                common.threads(), textOptions);
        ConsoleProgress progress = new ConsoleProgress();
        PostTrainingQuantizer.Result r = PostTrainingQuantizer.run(g, cfg, batches, common.threads(), progress);
        double quantSeconds = (System.nanoTime() - t0) / 1e9;
        sparsity = SparqStatistics.measure(r.quantized(), r.recipe(), batches, common.threads());
        if (textOptions.text()) {
            return similarity(g, cfg, batches, r, quantSeconds, progress);
        }
        if (arrays) {
            return outputsAgainstFloat(g, cfg, batches, r, quantSeconds, progress);
        }
        EvalResult fp = null, q = null;
        ExportReport exported = null;
        try (EvalSet set = eval == null ? null : dataOptions.evalSet(eval, in, model.toString(), progress)) {
            if (set != null) {
                fp = set.evaluate(g, common.threads());
                q = set.evaluate(r.quantized(), common.threads());
                if (r.recipe().sparq() != null) {   // what the windows cost against the 8-bit model they read
                    withoutWindows = set.evaluate(FakeQuantPass.apply(r.floatGraph(), r.recipe().withSparq(null)),
                            common.threads());
                }
            }
            if (export != null) {
                exported = Deployment.export(r.floatGraph(), r.recipe(), model.toString(), export, false, set,
                        common.threads());
            }
        }
        return finish(new QuantizeOutput(this, cfg, batches, r, fp, q, null, quantSeconds, exported));
    }

    /** What SPARQ's windows meet in each windowed layer's input on the calibration data (empty without --sparq). */
    private List<SparqStatistics.Layer> sparsity = List.of();

    /** Top-1 of the 8-bit model the SPARQ windows read, on --eval (null without both). */
    private EvalResult withoutWindows;

    /** Writes --out's files and prints the result. */
    private int finish(QuantizeOutput output) {
        output.withSparsity(sparsity, withoutWindows);
        if (out != null) {
            output.writeFiles(out);
        }
        output.print();
        return 0;
    }

    /**
     * A sentence embedder: Spearman on --eval's sentence pairs of the float and the simulated model, and with
     * --export of the exported file in ONNX Runtime.
     */
    private int similarity(Graph g, QuantConfig cfg, Batches batches, PostTrainingQuantizer.Result r, double seconds,
                           ConsoleProgress progress) {
        ExportReport exported = exportWithoutTop1Check(r);
        QuantizeOutput.TextScores scores = null;
        OutputAgreement agreement = null;
        if (eval != null) {
            SentencePairs pairs = SentencePairs.read(eval);
            try (TextEncoder text = textOptions.open()) {
                SentenceSimilarity.Result fp = sts(new MpqEngine(g, common.threads()), g, pairs, text, progress);
                SentenceSimilarity.Result q = sts(new MpqEngine(r.quantized(), common.threads()), g, pairs, text, progress);
                SentenceSimilarity.Result ort = export == null ? null
                        : sts(new OrtEngine(export, common.threads()), g, pairs, text, progress);
                scores = new QuantizeOutput.TextScores(fp, q, ort);
                Batches sample = Batches.ofSentences(pairs.sentences(), text, g.inputs(), AGREEMENT_SENTENCES,
                        dataOptions.batch(), 0, eval.toString());
                agreement = agreement(g, r, sample, progress);
            }
        }
        return finish(new QuantizeOutput(this, cfg, batches, r, null, null, scores, seconds, exported)
                .withAgreement(agreement));
    }

    /** Sentences of the evaluation pairs on which the quantized outputs are compared with the float ones. */
    private static final int AGREEMENT_SENTENCES = 256;

    /** A model of any task given tensors to evaluate on: its outputs against the float model's. */
    private int outputsAgainstFloat(Graph g, QuantConfig cfg, Batches batches, PostTrainingQuantizer.Result r,
                                    double seconds, ConsoleProgress progress) {
        Map<String, Path> files = NamedFiles.parse("--eval", eval.toString());
        Batches data = Batches.ofInputs(mpq.eval.ModelRun.readInputs(g, model.toString(), files, true),
                dataOptions.limit(), dataOptions.batch(), 0, eval.toString());
        ExportReport exported = exportWithoutTop1Check(r);
        return finish(new QuantizeOutput(this, cfg, batches, r, null, null, null, seconds, exported)
                .withAgreement(agreement(g, r, data, progress)));
    }

    /** --export for the paths that have no labelled images for Deployment's ONNX Runtime top-1 check. */
    private ExportReport exportWithoutTop1Check(PostTrainingQuantizer.Result r) {
        return export == null ? null
                : Deployment.export(r.floatGraph(), r.recipe(), model.toString(), export, false, null, common.threads());
    }

    private OutputAgreement agreement(Graph g, PostTrainingQuantizer.Result r, Batches data, ConsoleProgress progress) {
        try (MpqEngine fp = new MpqEngine(g, common.threads()); MpqEngine q = new MpqEngine(r.quantized(), common.threads())) {
            return OutputAgreement.measure(fp, q, data, g.inputs().getFirst().name(), progress);
        }
    }

    private SentenceSimilarity.Result sts(InferenceEngine engine, Graph g, SentencePairs pairs, TextEncoder text,
                                          ConsoleProgress progress) {
        try (engine) {
            return SentenceSimilarity.evaluate(engine, g.inputs(), pairs, text, dataOptions.batch(), dataOptions.limit(),
                    progress);
        }
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
}
