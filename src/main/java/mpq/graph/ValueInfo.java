package mpq.graph;

import mpq.tensor.DType;
import java.util.Arrays;

/** A declared graph input or output: name, element type and shape, where -1 marks a dimension known only at run time. */
public record ValueInfo(String name, DType type, int[] dims) {
    public ValueInfo {
        dims = dims.clone();
    }

    @Override
    public int[] dims() {
        return dims.clone();
    }

    public String shapeString() {
        return Arrays.toString(dims).replace("-1", "?");
    }
}
