package mpq.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import mpq.Nets;
import mpq.base.BadInputException;
import mpq.base.Progress;
import mpq.data.Npy;
import mpq.eval.MpqEngine;
import mpq.eval.OrtEngine;
import mpq.export.SingleLayerModels;
import mpq.export.SingleLayerModels.Form;
import mpq.graph.Graph;
import mpq.hardware.CostModel;
import mpq.hardware.CostModels;
import mpq.hardware.LayerShape;
import mpq.onnx.OnnxModel;
import mpq.onnx.OnnxWriter;
import mpq.quant.PostTrainingQuantizer;
import mpq.quant.WeightLayer;
import mpq.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Single-layer models in ONNX Runtime, the latency profile as a cost table, and HAQ's .npy tables. */
class LatencyProfileTest {
    @TempDir
    Path tmp;

    @Test
    void singleLayerFormsComputeTheLayerInOnnxRuntime() {
        Graph g = PostTrainingQuantizer.prepare(Nets.residual(3, false));
        WeightLayer conv2 = WeightLayer.find(g).get(1);   // the grouped 3×3 conv, 8 → 8 channels on 8×8
        Graph alone = g.region(new mpq.graph.ValueInfo(conv2.input(), mpq.tensor.DType.FLOAT, new int[] {2, 8, 8, 8}),
                List.of(conv2.node().output(0)));
        Tensor x = Tensor.zeros(2, 8, 8, 8);
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] = (i * 37 % 101) / 30f;
        }
        Tensor expected;
        try (MpqEngine e = new MpqEngine(alone, 1)) {
            expected = e.run(x);
        }
        for (Form f : Form.values()) {
            Path file = tmp.resolve(f + ".onnx");
            OnnxModel.save(OnnxWriter.toProto(SingleLayerModels.of(g, conv2, x.shape(), expected.shape(), f),
                    SingleLayerModels.irVersion(), "test"), file);
            try (OrtEngine o = new OrtEngine(file, 1)) {
                Tensor y = o.run(x);
                double err = 0, norm = 0;
                float hi = 127 * SingleLayerModels.OUTPUT_SCALE, lo = -128 * SingleLayerModels.OUTPUT_SCALE;
                for (int i = 0; i < y.size(); i++) {
                    float e = f == Form.FLOAT ? expected.data()[i] : Math.max(lo, Math.min(hi, expected.data()[i]));
                    err += Math.pow(y.data()[i] - e, 2);
                    norm += Math.pow(expected.data()[i], 2);
                }
                // float exactly; int8 and int4 within their quantization noise, on the output grid's range
                double limit = f == Form.FLOAT ? 1e-10 : f == Form.INT8 ? 0.01 : 0.1;
                assertTrue(err / norm < limit, f + ": relative squared error " + err / norm);
            }
        }
    }

    @Test
    void theProfileIsACostTableByStorageForm() throws Exception {
        Graph g = Nets.residual(1, false);
        LatencyProfile p = LatencyProfile.measure(g, 1, 1, 5, 0.005, Progress.NONE);
        List<String> layers = LayerShape.of(g).stream().map(LayerShape::name).toList();
        assertEquals(layers, p.layers());
        for (var m : p.ms()) {
            for (Form f : Form.values()) {
                assertTrue(m.get(f) > 0 && m.get(f) < 1000, f + " " + m.get(f));
            }
        }
        ObjectNode table = p.table(false, "ort", "test");
        Path file = tmp.resolve("t.json");
        new ObjectMapper().writeValue(file.toFile(), table);
        CostModel c = CostModels.forResource(file.toString(), "latency");
        LayerShape conv1 = LayerShape.of(g).getFirst();
        assertEquals(p.ms().getFirst().get(Form.INT4), c.cost(conv1, 3, 6, true), 1e-12, "3-bit weights are int4");
        assertEquals(p.ms().getFirst().get(Form.INT8), c.cost(conv1, 6, 2, true), 1e-12, "6-bit weights are int8");
        CostModel int8 = CostModels.table(write(p.table(true, "ort", "test")), "latency");
        assertEquals(p.ms().getFirst().get(Form.INT8), int8.cost(conv1, 2, 8, true), 1e-12);
    }

    private Path write(ObjectNode table) throws Exception {
        Path f = tmp.resolve("t8.json");
        new ObjectMapper().writeValue(f.toFile(), table);
        return f;
    }

    @Test
    void haqNpyTablesAreIndexedByLayerWMinusOneAMinusOne() {
        Graph g = Nets.residual(1, false);
        List<LayerShape> shapes = LayerShape.of(g);
        float[] v = new float[shapes.size() * 64];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        Path file = tmp.resolve("lat.npy");
        Npy.write(new Tensor(new int[] {shapes.size(), 8, 8}, v), file);
        List<String> names = shapes.stream().map(LayerShape::name).toList();
        CostModel c = CostModels.forResource(file.toString(), "latency", names);
        assertEquals(64 + 8 * 3 + 5, c.cost(shapes.get(1), 4, 6, true), "[1][4 − 1][6 − 1]");
        BadInputException e = assertThrows(BadInputException.class,
                () -> CostModels.forResource(file.toString(), "latency", names.subList(0, 2)));
        assertTrue(e.getMessage().contains("4 layers"), e.getMessage());
        Npy.write(new Tensor(new int[] {4, 8}, new float[32]), file);
        assertThrows(BadInputException.class, () -> CostModels.forResource(file.toString(), "latency", names));
    }
}
