package mpq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import mpq.Nets;
import mpq.data.Npy;
import mpq.graph.Attributes;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.graph.ValueInfo;
import mpq.onnx.OnnxModel;
import mpq.onnx.OnnxWriter;
import mpq.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model of no known task, given tensors by input name, is judged by its outputs against the float model's. */
class OutputsVsFloatTest {
    @TempDir
    Path tmp;

    @Test
    void twoInputModelQuantizedAgainstItsFloatOutputs() throws IOException {
        Nets n = new Nets(9);
        Graph g = new Graph("two", List.of(
                new Node("proj", "MatMul", "", List.of("x", "w"), List.of("h"), Attributes.none()),
                new Node("sum", "Add", "", List.of("h", "z"), List.of("y"), Attributes.none())),
                List.of(new ValueInfo("x", DType.FLOAT, new int[] {-1, 16}), new ValueInfo("z", DType.FLOAT, new int[] {-1, 8})),
                List.of(new ValueInfo("y", DType.FLOAT, new int[] {-1, 8})),
                Map.of("w", new Attributes.Constant(n.random(0.5, 16, 8), DType.FLOAT)), 13);
        Path model = tmp.resolve("two.onnx");
        OnnxModel.save(OnnxWriter.toProto(g, 8, "test"), model);
        Path x = tmp.resolve("x.npy"), z = tmp.resolve("z.npy"), ex = tmp.resolve("ex.npy"), ez = tmp.resolve("ez.npy");
        Npy.write(n.random(1.0, 64, 16), x);
        Npy.write(n.random(1.0, 64, 8), z);
        Npy.write(n.random(1.0, 32, 16), ex);
        Npy.write(n.random(1.0, 32, 8), ez);
        CliRun r = CliRun.of("quantize", model.toString(), "--calib", "x=" + x + ",z=" + z, "--eval", "x=" + ex + ",z=" + ez,
                "--no-keep-first-last", "--w-bits", "4", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode a = new ObjectMapper().readTree(r.out()).get("outputs_vs_float");
        assertEquals(32, a.get("examples").asInt());
        double cos = a.get("mean_cosine").asDouble(), err = a.get("relative_error").asDouble();
        assertTrue(cos > 0.98 && cos < 1, "4-bit weights: close to the float outputs, not equal: " + cos);
        assertTrue(err > 0 && err < 0.2, "relative error " + err);
        CliRun eight = CliRun.of("quantize", model.toString(), "--calib", "x=" + x + ",z=" + z, "--eval",
                "x=" + ex + ",z=" + ez, "--no-keep-first-last", "--w-bits", "8", "--target", "ort-x86-vnni", "--json");
        double err8 = new ObjectMapper().readTree(eight.out()).get("outputs_vs_float").get("relative_error").asDouble();
        assertTrue(err8 < err, "8-bit weights follow the float model more closely: " + err8 + " vs " + err);
    }
}
