package mpq.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mpq.deploy.Targets;
import mpq.eval.Agreement;
import mpq.eval.EvalSet;
import mpq.eval.OrtIntegerKernels;
import mpq.export.QdqExport;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.quant.QuantRecipe;
import mpq.quant.RecipeJson;
import mpq.quant.WeightSize;

/** The export stage: the quantized model as standard ONNX beside its recipe, optionally checked in ONNX Runtime. */
public final class Deployment {
    private Deployment() {}

    /**
     * @param modelName   recorded in the recipe
     * @param int8Weights store 2–4-bit weights in int8 (see {@link QdqExport#apply(Graph, QuantRecipe, boolean)})
     * @param check       data to run the file on in ONNX Runtime and compare with the simulation, or null
     */
    public static ExportReport export(Graph floatGraph, QuantRecipe r, String modelName, Path file, boolean int8Weights,
                                      EvalSet check, int threads) {
        // SPARQ's windows have no ONNX op: the file is the 8-bit model; the recipe beside it keeps the windows.
        String notInFile = r.sparq() == null ? null : "SPARQ windows (" + r.sparq().describe() + ") on "
                + r.windowedLayers().size() + " layer inputs: ONNX has no op for them, so the file holds the 8-bit "
                + "model (the recipe keeps the setting; mpq's simulation with the windows is the reference for a "
                + "SPARQ accelerator)";
        QdqExport.Exported e = QdqExport.apply(floatGraph, r.withSparq(null), int8Weights);
        ObjectNode recipeJson = RecipeJson.toJson(r);
        recipeJson.put("model", modelName);
        QdqExport.save(e, recipeJson, file);
        int q = 0, dq = 0;
        for (Node n : e.graph().nodes()) {
            q += n.opType().equals("QuantizeLinear") ? 1 : 0;
            dq += n.opType().equals("DequantizeLinear") ? 1 : 0;
        }
        long fileBytes;
        try {
            fileBytes = Files.size(file);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        Boolean saturates = null;
        String warning = null;
        Agreement a = null;
        if (check != null) {
            // Which integer kernels run here decides whether a recipe for another target can agree on this machine.
            saturates = OrtIntegerKernels.saturatesPairSums();
            List<String> differ = saturates ? r.saturatingOn(Targets.ORT_X86) : List.of();
            if (!differ.isEmpty()) {
                warning = "ONNX Runtime on this CPU adds uint8×int8 products in pairs into saturating int16 (no VNNI), "
                        + "so " + differ.size() + " layer(s) of this " + r.target().name() + " model may compute "
                        + "something else here than simulated, e.g. " + differ.getFirst() + "; quantize with --target "
                        + Targets.ORT_X86.name() + " for a model that runs as simulated on any x86 CPU";
            }
            a = check.agreement(e.simulated(), file, threads);
        }
        return new ExportReport(file, QdqExport.recipePath(file), e.opset(), e.irVersion(), q, dq,
                WeightSize.bytes(floatGraph, r), fileBytes, r.target(), saturates, warning, a, notInFile);
    }
}
