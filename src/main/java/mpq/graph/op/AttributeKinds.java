package mpq.graph.op;

import java.util.HashMap;
import java.util.Map;
import mpq.base.BadInputException;
import mpq.graph.Graph;
import mpq.graph.Node;

/**
 * The kind (int, floats, string, …) ONNX defines for each attribute the supported ops read, checked for a whole graph
 * when it is loaded, so that an attribute of the wrong kind is an error naming its node instead of being taken as
 * absent. ONNX gives one name the same kind in every op, with the few exceptions listed per op type.
 */
public final class AttributeKinds {
    private AttributeKinds() {}

    private static final Map<String, String> BY_NAME = new HashMap<>();
    private static final Map<String, Map<String, String>> BY_OP = Map.of(
            "Constant", Map.of("value", "tensor"),
            "ConstantOfShape", Map.of("value", "tensor"),
            "Pad", Map.of("value", "float"));

    private static void kind(String kind, String... names) {
        for (String n : names) {
            BY_NAME.put(n, kind);
        }
    }

    static {
        kind("int", "allowzero", "antialias", "axis", "batch_dims", "block_size", "blocksize", "ceil_mode",
                "count_include_pad", "detect_negative", "detect_positive", "dtype", "end", "exclude_outside",
                "exclusive", "fmod", "group", "ignore_index", "is_test", "k", "keepdims", "largest",
                "noop_with_empty_axes", "output_dtype", "qmax", "qmin", "reverse", "select_last_index", "size",
                "sorted", "start", "stash_type", "storage_order", "to", "training_mode", "transA", "transB", "upper",
                "value_int", "spatial", "center_point_box", "num_outputs", "saturate", "layout", "p");
        kind("float", "alpha", "beta", "bias", "cubic_coeff_a", "epsilon", "extrapolation_value", "gamma", "lambd",
                "max", "min", "momentum", "ratio", "value_float");
        kind("string", "approximate", "auto_pad", "coordinate_transformation_mode", "equation", "mode",
                "nearest_mode", "reduction", "value_string", "keep_aspect_ratio_policy", "direction");
        kind("ints", "axes", "dilations", "ends", "kernel_shape", "output_padding", "output_shape", "pads", "perm",
                "split", "starts", "strides", "value_ints", "zero_points", "shape");
        kind("floats", "scales", "value_floats");
    }

    /** The kind ONNX defines for an attribute of an op type, or null when mpq does not read it. */
    static String expected(String opType, String attribute) {
        Map<String, String> own = BY_OP.get(opType);
        String k = own == null ? null : own.get(attribute);
        return k != null ? k : BY_NAME.get(attribute);
    }

    /** Refuses the first attribute in the graph whose kind differs from its definition, naming node and attribute. */
    public static void check(Graph g) {
        for (Node n : g.nodes()) {
            if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx") && !n.domain().equals(Ops.MPQ_DOMAIN)) {
                continue;   // another op set's attributes mean what that op set says
            }
            for (String a : n.attributes().names()) {
                String want = expected(n.opType(), a), got = n.attributes().kind(a);
                if (want != null && !want.equals(got)) {
                    throw new BadInputException("node " + n.describe() + ": attribute '" + a + "' is " + got
                            + ", expected " + want + " (the kind ONNX gives '" + a + "')");
                }
            }
        }
    }
}
