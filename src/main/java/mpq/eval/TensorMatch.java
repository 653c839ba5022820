package mpq.eval;

import java.util.Arrays;
import mpq.tensor.Shapes;
import mpq.tensor.Tensor;

/**
 * Whether a computed tensor matches an expected one as the ONNX backend tests require: the same element type and
 * shape, floats within an absolute plus relative tolerance (NaN where NaN, infinities equal), everything else
 * exactly. Returns null on a match, else the first difference in words.
 */
public final class TensorMatch {
    private TensorMatch() {}

    public static final double RTOL = 1e-3, ATOL = 1e-5;

    public static String difference(Tensor expected, Tensor got) {
        if (expected.type() != got.type()) {
            return "type " + got.type() + ", expected " + expected.type();
        }
        if (!Arrays.equals(expected.shape(), got.shape())) {
            return "shape " + Shapes.toString(got.shape()) + ", expected " + Shapes.toString(expected.shape());
        }
        for (int i = 0; i < expected.size(); i++) {
            if (expected.isFloat()) {
                double e = expected.getDouble(i), g = got.getDouble(i);
                boolean ok = Double.isNaN(e) ? Double.isNaN(g) : e == g || Math.abs(g - e) <= ATOL + RTOL * Math.abs(e);
                if (!ok) {
                    return "element " + i + " is " + g + ", expected " + e;
                }
            } else if (expected.ints()[i] != got.ints()[i]) {
                return "element " + i + " is " + got.type().toDouble(got.ints()[i]) + ", expected "
                        + expected.type().toDouble(expected.ints()[i]);
            }
        }
        return null;
    }
}
