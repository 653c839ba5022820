package mpq.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import mpq.export.QdqExport;
import mpq.base.BadInputException;
import mpq.graph.Graph;
import mpq.graph.ValueInfo;
import mpq.data.ModelInput;
import mpq.eval.EvalSet;
import mpq.pipeline.Deployment;
import mpq.pipeline.ExportReport;
import mpq.quant.PostTrainingQuantizer;
import mpq.quant.QuantRecipe;
import mpq.quant.RecipeJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "export", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"The quantized model as standard ONNX (QuantizeLinear/DequantizeLinear) that ONNX Runtime runs.", "",
                "Writes a quantized model as standard ONNX (QuantizeLinear/DequantizeLinear) that ONNX Runtime "
                + "and other runtimes run: weights stored as int4 (up to 4 bits, opset 21) or int8 with per-channel "
                + "scales, activations as uint8 (a Clip first where the grid is narrower), biases as int32. The recipe comes "
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
    ModelOptions modelOptions;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        new CommandFiles().reads(model, recipe, verify).writes(out, QdqExport.recipePath(out)).check();
        Graph g = modelOptions.loadFloat(model);
        QuantRecipe r = RecipeJson.read(recipe);
        Graph floatGraph = PostTrainingQuantizer.prepare(g);
        requireFits(floatGraph, r);
        ValueInfo in = ModelInput.single(g, model.toString());
        ExportReport e;
        try (EvalSet set = verify == null ? null : dataOptions.evalSet(verify, in, model.toString(), new ConsoleProgress())) {
            e = Deployment.export(floatGraph, r, model.toString(), out, int8Weights, set, common.threads());
        }
        if (common.json) {
            Output.json(ExportOutput.json(e, String.valueOf(verify)));
        } else {
            ExportOutput.print(e, String.valueOf(verify));
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
}
