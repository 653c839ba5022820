package mpq.eval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mpq.base.BadInputException;
import mpq.data.Npy;
import mpq.graph.Graph;
import mpq.graph.ValueInfo;
import mpq.graph.exec.Executor;
import mpq.onnx.TensorFiles;
import mpq.tensor.Tensor;

/**
 * Runs a model once on input tensors read from files — a TensorProto (.pb, as in ONNX's test data) or a NumPy array
 * (.npy) — each checked against the input the model declares (name, element type, known dimensions).
 */
public final class ModelRun {
    private ModelRun() {}

    /** A tensor file: .npy by its extension, a serialized TensorProto otherwise. */
    public static Tensor read(Path file) {
        return file.getFileName().toString().endsWith(".npy") ? Npy.read(file) : TensorFiles.readPb(file).tensor();
    }

    /**
     * The model's outputs, in its order, for the given input files by input name.
     *
     * @param modelName for messages
     */
    public static Map<String, Tensor> run(Graph g, String modelName, Map<String, Path> inputFiles, int threads) {
        Map<String, Tensor> inputs = readInputs(g, modelName, inputFiles, false);
        List<String> missing = new ArrayList<>();
        for (ValueInfo in : g.inputs()) {
            if (!inputs.containsKey(in.name())) {
                missing.add(in.name() + " " + in.type().name().toLowerCase(java.util.Locale.ROOT) + " " + in.shapeString());
            }
        }
        if (!missing.isEmpty()) {
            throw new BadInputException(modelName + " takes " + g.inputs().size() + " input" + (g.inputs().size() > 1 ? "s" : "")
                    + "; missing " + String.join(", ", missing) + " (give each as --input NAME=FILE)");
        }
        try (Executor ex = new Executor(g, threads)) {
            return ex.run(inputs);   // the graph's outputs, copied out of the plan's buffers
        }
    }

    /**
     * The tensor files by model input name, each read and checked against the input it feeds — with anyBatch, of any
     * size along the batch axis (arrays of N examples). A name the model lacks is refused; inputs without a file are
     * left out, for the caller to say what is missing.
     */
    public static Map<String, Tensor> readInputs(Graph g, String modelName, Map<String, Path> files, boolean anyBatch) {
        for (String name : files.keySet()) {
            if (g.inputs().stream().noneMatch(v -> v.name().equals(name))) {
                throw new BadInputException(modelName + " has no input '" + name + "'; its inputs: " + names(g));
            }
        }
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (ValueInfo in : g.inputs()) {
            Path f = files.get(in.name());
            if (f != null) {
                Tensor t = read(f);
                int[] dims = in.dims().clone();
                if (anyBatch && dims.length > 0) {
                    dims[0] = -1;
                }
                check(new ValueInfo(in.name(), in.type(), dims), t, f, modelName);
                inputs.put(in.name(), t);
            }
        }
        return inputs;
    }

    /** Refuses a tensor of another element type or rank, or with another size where the model fixes one. */
    public static void check(ValueInfo in, Tensor t, Path file, String modelName) {
        if (t.type() != in.type()) {
            throw new BadInputException(file + ": holds " + t.type().name().toLowerCase(java.util.Locale.ROOT) + " but "
                    + modelName + " input '" + in.name() + "' is " + in.type().name().toLowerCase(java.util.Locale.ROOT)
                    + " " + in.shapeString());
        }
        int[] want = in.dims(), got = t.shape();
        boolean ok = want.length == got.length;
        for (int i = 0; ok && i < want.length; i++) {
            ok = want[i] < 0 || want[i] == got[i];
        }
        if (!ok) {
            throw new BadInputException(file + ": shape " + java.util.Arrays.toString(got) + " but " + modelName
                    + " input '" + in.name() + "' is " + in.shapeString());
        }
    }

    private static String names(Graph g) {
        return String.join(", ", g.inputs().stream().map(ValueInfo::name).toList());
    }
}
