package mpq.cli;

import java.nio.file.Path;
import mpq.graph.Graph;
import mpq.quant.Dequantize;

/** The model a quantizing command starts from: the file's graph, or for an already-quantized one its float model. */
final class FloatModel {
    private FloatModel() {}

    static Graph of(Graph g, Path model) {
        int qdq = Dequantize.qdqNodes(g);
        if (qdq == 0) {
            return g;
        }
        Output.human().printf("%s is already quantized (%d QuantizeLinear/DequantizeLinear nodes): starting from its "
                + "dequantized float weights, which stay on the grids they were quantized to; its activation ranges are "
                + "not used (mpq calibrates its own)%n", model.getFileName(), qdq);
        return Dequantize.toFloat(g);
    }
}
