package mpq.cli;

import java.nio.file.Path;
import mpq.graph.Graph;
import mpq.onnx.OnnxModel;
import picocli.CommandLine.Option;

/** How a command reads its MODEL. */
final class ModelOptions {
    @Option(names = "--allow-non-finite", description = "Load a model whose initializers hold Inf or NaN (refused by "
            + "default: its outputs are garbage). Evaluations still count every example with a non-finite output "
            + "as wrong.")
    boolean allowNonFinite;

    OnnxModel load(Path model) {
        return OnnxModel.load(model, allowNonFinite);
    }

    /** The model to quantize: the file's graph, or an already-quantized model's float one. */
    Graph loadFloat(Path model) {
        return FloatModel.of(load(model).graph(), model);
    }
}
