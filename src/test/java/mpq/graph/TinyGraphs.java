package mpq.graph;

import mpq.tensor.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mpq.graph.exec.Executor;
import mpq.tensor.Tensor;

/** Builds and runs one-node graphs for op tests: inputs are run-time values, "const:" ones are initializers. */
public final class TinyGraphs {
    private TinyGraphs() {}

    /** A named input: a run-time tensor, or a constant (initializer) when constant is true. */
    public record In(String name, Tensor value, DType type, boolean constant) {}

    public static In x(String name, Tensor t) {
        return new In(name, t, DType.FLOAT, false);
    }

    public static In c(String name, Tensor t) {
        return new In(name, t, DType.FLOAT, true);
    }

    public static In ints(String name, long... v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = v[i];
        }
        return new In(name, new Tensor(new int[] {v.length}, f), DType.INT64, true);
    }

    public static Map<String, Object> attrs(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            Object v = kv[i + 1];
            if (v instanceof Integer n) {
                v = (long) n;
            } else if (v instanceof int[] a) {
                long[] l = new long[a.length];
                for (int j = 0; j < a.length; j++) {
                    l[j] = a[j];
                }
                v = l;
            }
            m.put((String) kv[i], v);
        }
        return m;
    }

    /** Runs op with the given inputs (a null entry is an omitted optional input) and returns output 0. */
    public static Tensor run(String op, Map<String, Object> attrs, int opset, In... inputs) {
        return runAll(op, attrs, opset, 1, inputs).getFirst();
    }

    public static Tensor run(String op, Map<String, Object> attrs, In... inputs) {
        return run(op, attrs, 13, inputs);
    }

    public static List<Tensor> runAll(String op, Map<String, Object> attrs, int opset, int outputs, In... inputs) {
        List<String> names = new ArrayList<>();
        List<ValueInfo> graphInputs = new ArrayList<>();
        Map<String, Attributes.Constant> inits = new HashMap<>();
        Map<String, Tensor> feed = new HashMap<>();
        for (In in : inputs) {
            if (in == null) {
                names.add("");
                continue;
            }
            names.add(in.name());
            if (in.constant()) {
                inits.put(in.name(), new Attributes.Constant(in.value(), in.type()));
            } else {
                graphInputs.add(new ValueInfo(in.name(), in.type(), in.value().shape()));
                feed.put(in.name(), in.value());
            }
        }
        List<String> outNames = new ArrayList<>();
        List<ValueInfo> graphOutputs = new ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            outNames.add("y" + i);
            graphOutputs.add(new ValueInfo("y" + i, DType.FLOAT, new int[0]));
        }
        Node node = new Node("n", op, "", names, outNames, new Attributes(attrs));
        Graph g = new Graph("t", List.of(node), graphInputs, graphOutputs, inits, opset);
        try (Executor ex = new Executor(g, 2)) {
            return new ArrayList<>(ex.run(feed).values());
        }
    }

    public static Tensor t(int[] shape, float... v) {
        return Tensor.of(shape, v);
    }

    public static int[] s(int... dims) {
        return dims;
    }
}
