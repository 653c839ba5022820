package mpq.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import mpq.base.BadInputException;
import mpq.graph.Graph;
import mpq.graph.ValueInfo;
import mpq.graph.exec.Executor;
import mpq.onnx.OnnxModel;
import mpq.onnx.TensorFiles;
import mpq.tensor.DType;
import mpq.tensor.Tensor;

/**
 * One ONNX backend test case — a folder with model.onnx and test_data_set_N/{input_K.pb, output_K.pb} — run on mpq's
 * executor and checked against the expected outputs ({@link TensorMatch}); optionally what mpq computed is written
 * as OUT/test_data_set_N/output_K.pb (named as the model's outputs, in their computed types).
 */
public final class BackendTestCase {
    private BackendTestCase() {}

    public enum Status { PASSED, FAILED, UNSUPPORTED }

    /** @param detail why it failed or what is unsupported (null when passed) */
    public record Result(String name, Status status, String detail) {}

    /** True when dir is a test case (holds model.onnx). */
    public static boolean isCase(Path dir) {
        return Files.isRegularFile(dir.resolve("model.onnx"));
    }

    /** The test cases under dir: dir itself, or its sub-folders that are cases, sorted by name. */
    public static List<Path> casesIn(Path dir) {
        if (isCase(dir)) {
            return List.of(dir);
        }
        if (!Files.isDirectory(dir)) {
            throw new BadInputException(dir + ": neither an ONNX test case (a folder with model.onnx) nor a folder of them");
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(BackendTestCase::isCase).sorted().toList();
        } catch (IOException e) {
            throw new BadInputException(dir + ": " + e.getMessage());
        }
    }

    /** @param out where to write the computed outputs (one folder per data set), or null */
    public static Result run(Path dir, Path out, int threads) {
        String name = dir.getFileName().toString();
        Graph g;
        try {
            g = OnnxModel.load(dir.resolve("model.onnx"), true).graph();   // test cases may hold Inf on purpose
        } catch (BadInputException e) {
            return unsupportedOr(name, e);
        }
        List<Path> sets;
        try (Stream<Path> s = Files.list(dir)) {
            sets = s.filter(p -> p.getFileName().toString().startsWith("test_data_set_") && Files.isDirectory(p))
                    .sorted().toList();
        } catch (IOException e) {
            throw new BadInputException(dir + ": " + e.getMessage());
        }
        try {
            for (Path set : sets) {
                Map<String, Tensor> inputs = inputs(g, set);
                Map<String, Tensor> got;
                try (Executor ex = new Executor(asGiven(g, inputs), threads)) {
                    got = ex.run(inputs);
                }
                List<Tensor> computed = new ArrayList<>(got.values());
                if (out != null) {
                    Path o = out.resolve(set.getFileName().toString());
                    for (int k = 0; k < computed.size(); k++) {
                        TensorFiles.writePb(o.resolve("output_" + k + ".pb"), g.outputs().get(k).name(), computed.get(k));
                    }
                }
                for (int k = 0; Files.exists(set.resolve("output_" + k + ".pb")); k++) {
                    Tensor expected = TensorFiles.readPb(set.resolve("output_" + k + ".pb")).tensor();
                    if (k < computed.size()) {
                        expected = bfloat16Bits(expected, computed.get(k).type());
                    }
                    if (k >= computed.size()) {
                        return new Result(name, Status.FAILED, set.getFileName() + ": no output " + k);
                    }
                    String d = TensorMatch.difference(expected, computed.get(k));
                    if (d != null) {
                        return new Result(name, Status.FAILED, set.getFileName() + " output " + k + " ("
                                + g.outputs().get(k).name() + "): " + d);
                    }
                }
            }
        } catch (BadInputException e) {
            return unsupportedOr(name, e);
        } catch (RuntimeException e) {
            return new Result(name, Status.FAILED, "error: " + e);
        }
        return new Result(name, Status.PASSED, null);
    }

    /** An unsupported op or feature is its own status; any other refusal is a failure. */
    private static Result unsupportedOr(String name, BadInputException e) {
        String m = e.getMessage();
        boolean unsupported = m.contains("unsupported op") || m.contains("not supported");
        return new Result(name, unsupported ? Status.UNSUPPORTED : Status.FAILED, m);
    }

    /**
     * The graph with its inputs declared as the data has them: the backend tests' data sometimes has another shape
     * than the model declares for an input no node reads, and test runners do not hold data to declared shapes.
     */
    private static Graph asGiven(Graph g, Map<String, Tensor> inputs) {
        List<ValueInfo> in = new ArrayList<>();
        for (ValueInfo v : g.inputs()) {
            in.add(new ValueInfo(v.name(), v.type(), inputs.get(v.name()).shape()));
        }
        return new Graph(g.name(), g.nodes(), in, g.outputs(), g.initializers(), g.opset());
    }

    /**
     * ONNX 1.12's test data holds bfloat16 tensors as uint16 bit patterns (numpy has no bfloat16): such a tensor is
     * read back as the bfloat16 values it stands for when the model has bfloat16 there.
     */
    private static Tensor bfloat16Bits(Tensor t, DType wanted) {
        if (wanted != DType.BFLOAT16 || t.type() != DType.UINT16) {
            return t;
        }
        float[] f = new float[t.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = Float.intBitsToFloat((int) t.ints()[i] << 16);
        }
        return new Tensor(DType.BFLOAT16, t.shape(), f);
    }

    /** input_K.pb of a data set, by the name it carries or else by position among the model's inputs. */
    private static Map<String, Tensor> inputs(Graph g, Path set) {
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (int k = 0; Files.exists(set.resolve("input_" + k + ".pb")); k++) {
            TensorFiles.Named t = TensorFiles.readPb(set.resolve("input_" + k + ".pb"));
            boolean named = g.inputs().stream().anyMatch(v -> v.name().equals(t.name()));
            String key = named ? t.name() : k < g.inputs().size() ? g.inputs().get(k).name() : t.name();
            DType declared = g.inputs().stream().filter(v -> v.name().equals(key)).map(ValueInfo::type).findFirst()
                    .orElse(t.type());
            in.put(key, bfloat16Bits(t.tensor(), declared));
        }
        for (ValueInfo v : g.inputs()) {
            if (!in.containsKey(v.name())) {
                throw new BadInputException(set + ": no data for model input '" + v.name() + "'");
            }
        }
        return in;
    }
}
