package mpq.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import mpq.base.BadInputException;
import mpq.eval.Agreement;
import mpq.eval.OrtIntegerKernels;
import mpq.export.QdqExport;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.graph.ValueInfo;
import mpq.onnx.OnnxModel;
import mpq.quant.FoldBatchNorm;
import mpq.quant.QuantRecipe;
import mpq.quant.RecipeJson;
import mpq.quant.WeightSize;
import mpq.deploy.Targets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "export", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"The quantized model as standard ONNX (QuantizeLinear/DequantizeLinear) that ONNX Runtime runs.", "",
                "Writes a quantized model as standard ONNX (QuantizeLinear/DequantizeLinear) that ONNX Runtime "
                + "and other runtimes run: weights stored as int4 (up to 4 bits, opset 21) or int8 with per-channel "
                + "scales, activations as uint8/int8 (uint4/int4 at 4 bits), biases as int32. The recipe comes "
                + "from 'mpq quantize --out DIR' or 'mpq search --out DIR' (DIR/recipe.json); 'quantize' and "
                + "'search' can also export directly with --export FILE.onnx.",
                "",
                "The recipe names the target it was made for (quantize/search --target): a model for ort-x86 "
                + "(the default) runs in ONNX Runtime as simulated on every x86-64 CPU; one for ort-x86-vnni only on "
                + "CPUs with VNNI.",
                "",
                "With --verify D, the exported file is run in ONNX Runtime on D and compared with mpq's simulation; "
                + "the check also asks ONNX Runtime which integer kernels it uses on this CPU and warns when they "
                + "cannot run the recipe as simulated.",
                "",
                "Example:",
                "  mpq quantize resnet20_cifar10.onnx --calib train_subset.bin --w-bits 4 --out q4",
                "  mpq export resnet20_cifar10.onnx --recipe q4/recipe.json --out resnet20_w4a8.onnx \\",
                "      --verify test_batch.bin --scale 255 --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225", ""})
final class ExportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The float ONNX model the recipe was made for.")
    Path model;

    @Option(names = "--recipe", required = true, paramLabel = "R", description = "recipe.json from quantize or search.")
    Path recipe;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "The ONNX file to write "
            + "(the recipe is copied beside it as FILE.recipe.json).")
    Path out;

    @Option(names = "--verify", paramLabel = "D", description = "Labelled data: run the export in ONNX Runtime and "
            + "mpq's simulation on it (--limit caps it) and compare top-1 and predictions.")
    Path verify;

    @Option(names = "--int8-weights", description = "Store 2–4-bit weights in int8 instead of int4 (opset 13 instead of "
            + "21): a larger file that ONNX Runtime runs with its integer kernels (int4 weights go through a float "
            + "DequantizeLinear there). The values, and so the accuracy, are the same.")
    boolean int8Weights;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        Graph g = OnnxModel.load(model).graph();
        QuantRecipe r = RecipeJson.read(recipe);
        Graph floatGraph = FoldBatchNorm.apply(g);
        requireFits(floatGraph, r);
        ObjectNode recipeJson = RecipeJson.toJson(r);
        recipeJson.put("model", model.toString());
        Map<String, Object> j = export(floatGraph, r, recipeJson, out, verify, dataOptions, common, model.toString(), g,
                int8Weights);
        if (common.json) {
            Output.json(j);
        } else {
            print(j);
        }
        return 0;
    }

    /** A recipe for another model fails here with a clear message rather than deep inside the export. */
    private void requireFits(Graph floatGraph, QuantRecipe r) {
        for (QuantRecipe.LayerQuant l : r.layers()) {
            if (floatGraph.weight(l.weight()) == null) {
                throw new BadInputException(recipe + ": layer '" + l.name() + "' quantizes weight '" + l.weight()
                        + "', which " + model + " does not have (was the recipe made for another model?)");
            }
        }
    }

    /** quantize and search's --export: the result's recipe, exported and (with verifyData) checked. */
    static Map<String, Object> export(mpq.quant.PostTrainingQuantizer.Result r, Path model, Graph original, Path file,
                                      Path verifyData, DataOptions dataOptions, CommonOptions common) {
        ObjectNode recipeJson = RecipeJson.toJson(r.recipe());
        recipeJson.put("model", model.toString());
        return export(r.floatGraph(), r.recipe(), recipeJson, file, verifyData, dataOptions, common, model.toString(),
                original, false);
    }

    /**
     * Exports and (with verifyData) compares the file run by ONNX Runtime with the simulation; returns the summary
     * (see {@link #print}). Shared with quantize and search's --export.
     */
    static Map<String, Object> export(Graph floatGraph, QuantRecipe r, ObjectNode recipeJson, Path file, Path verifyData,
                                      DataOptions dataOptions, CommonOptions common, String modelName, Graph original,
                                      boolean int8Weights) {
        QdqExport.Exported e = QdqExport.apply(floatGraph, r, int8Weights);
        QdqExport.save(e, recipeJson, file);
        int q = 0, dq = 0;
        for (Node n : e.graph().nodes()) {
            q += n.opType().equals("QuantizeLinear") ? 1 : 0;
            dq += n.opType().equals("DequantizeLinear") ? 1 : 0;
        }
        long packed = WeightSize.bytes(floatGraph, r);
        long fileBytes;
        try {
            fileBytes = java.nio.file.Files.size(file);
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("export", file.toString());
        j.put("recipe", QdqExport.recipePath(file).toString());
        j.put("opset", e.opset());
        j.put("ir_version", e.irVersion());
        j.put("quantize_linear", q);
        j.put("dequantize_linear", dq);
        j.put("packed_weight_bytes", packed);
        j.put("file_bytes", fileBytes);
        j.put("target", r.target().name());
        if (verifyData != null) {
            // Which integer kernels run here decides whether a recipe for another target can agree on this machine.
            j.put("ort_saturates_pair_sums", OrtIntegerKernels.saturatesPairSums());
            List<String> differ = OrtIntegerKernels.saturatesPairSums() ? r.saturatingOn(Targets.ORT_X86) : List.of();
            if (!differ.isEmpty()) {
                j.put("warning", "ONNX Runtime on this CPU adds uint8×int8 products in pairs into saturating int16 "
                        + "(no VNNI), so " + differ.size() + " layer(s) of this " + r.target().name() + " model may "
                        + "compute something else here than simulated, e.g. " + differ.getFirst() + "; quantize with "
                        + "--target " + Targets.ORT_X86.name() + " for a model that runs as simulated on any x86 CPU");
            }
            ValueInfo in = ModelInput.single(original, modelName);
            Agreement a;
            try (EvalSet set = EvalSet.open(verifyData, in, modelName, dataOptions, dataOptions.preprocess(),
                    new ConsoleProgress())) {
                a = set.agreement(e.simulated(), file, common.threads());
            }
            j.put("verify_images", a.count());
            j.put("simulated_top1", (double) a.firstTop1() / a.count());
            j.put("ort_top1", (double) a.secondTop1() / a.count());
            j.put("top1_difference_images", a.secondTop1() - a.firstTop1());
            j.put("different_predictions", a.differentPredictions());
            j.put("max_abs_output_difference", a.maxAbsDifference());
            j.put("simulated_top1_correct", a.firstTop1());
            j.put("ort_top1_correct", a.secondTop1());
            j.put("verify_data", verifyData.toString());
        }
        return j;
    }

    /** The human lines for an export summary. */
    static void print(Map<String, Object> j) {
        var o = Output.human();
        o.printf("wrote %s (opset %d, %d QuantizeLinear, %d DequantizeLinear, %,d bytes; the bit-widths pack the "
                + "parameters into %,d bytes) and %s%n", j.get("export"), j.get("opset"), j.get("quantize_linear"),
                j.get("dequantize_linear"), j.get("file_bytes"), j.get("packed_weight_bytes"), j.get("recipe"));
        if (j.containsKey("warning")) {
            o.println("warning: " + j.get("warning"));
        }
        if (j.containsKey("verify_images")) {
            int n = (Integer) j.get("verify_images");
            int sim = (Integer) j.get("simulated_top1_correct"), ort = (Integer) j.get("ort_top1_correct");
            o.printf("ONNX Runtime check on %d images of %s: simulated top-1 %.2f%% (%d), ONNX Runtime %.2f%% (%d), "
                    + "%+d images; predictions differ on %d; largest output difference %.3g%n", n,
                    Path.of((String) j.get("verify_data")).getFileName(), 100.0 * sim / n, sim, 100.0 * ort / n, ort,
                    ort - sim, j.get("different_predictions"), j.get("max_abs_output_difference"));
        }
    }
}
