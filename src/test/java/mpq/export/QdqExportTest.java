package mpq.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mpq.Nets;
import mpq.data.Batches;
import mpq.eval.OrtIntegerKernels;
import mpq.tensor.DType;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.graph.ValueInfo;
import mpq.graph.exec.Executor;
import mpq.onnx.OnnxModel;
import mpq.onnx.OnnxWriter;
import mpq.quant.FakeQuantPass;
import mpq.quant.PostTrainingQuantizer;
import mpq.quant.QuantConfig;
import mpq.quant.QuantRecipe;
import mpq.deploy.Targets;
import mpq.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exported QDQ model run by ONNX Runtime against mpq's simulation, quantizer by quantizer. */
class QdqExportTest {
    @TempDir
    Path tmp;

    /** conv → ReLU → depthwise conv → ReLU → 1×1 conv → Add (residual) → ReLU → pooling → Gemm. */
    private static Graph net() {
        Nets n = new Nets(7);
        String h = n.conv("conv1", "x", 3, 8, 3, 1, true);
        String block = n.node("Relu", "relu1", Map.of(), h);
        h = n.conv("dw", block, 8, 8, 3, 8, true);
        h = n.node("Relu", "relu2", Map.of(), h);
        h = n.conv("conv3", h, 8, 8, 1, 1, true);
        h = n.node("Add", "add", Map.of(), h, block);
        h = n.node("Relu", "relu3", Map.of(), h);
        h = n.node("GlobalAveragePool", "gap", Map.of(), h);
        h = n.node("Flatten", "flatten", Map.of(), h);
        String w = n.param("fc.w", n.random(0.5, 5, 8));
        h = n.node("Gemm", "fc", Map.of("transB", 1L), h, w, n.param("fc.b", n.random(0.1, 5)));
        return n.graph(new int[] {-1, 3, 8, 8}, h);
    }

    private static Batches data(long seed, int batches) {
        Nets n = new Nets(seed);
        List<Tensor> list = new ArrayList<>();
        for (int i = 0; i < batches; i++) {
            list.add(n.random(2.0, 16, 3, 8, 8));
        }
        return new Batches(list, "random");
    }

    @Test
    void ortRunsTheExportAsMpqSimulatesItAtEveryQuantizer() throws Exception {
        // 8-, 2-, 3- and 4-bit weights with 8-bit activations; then 4-bit activations with a 6-bit one (both in uint8
        // behind a Clip) and an 8-bit-weight layer reading a 4-bit input (which ONNX Runtime refuses as uint4).
        // For the default target, ort-x86, which holds on every x86 CPU: conv1's 8-bit weights become 7-bit.
        check(QuantConfig.uniform(8, 8).withKeepFirstLast(false)
                .withOverride(QuantConfig.Override.parse("dw=w2"))
                .withOverride(QuantConfig.Override.parse("conv3=w3"))
                .withOverride(QuantConfig.Override.parse("fc=w4")), "mixed-w");
        check(QuantConfig.uniform(4, 4).withKeepFirstLast(false)
                .withOverride(QuantConfig.Override.parse("conv3=w8a6"))
                .withOverride(QuantConfig.Override.parse("fc=w8")), "a4");
    }

    /**
     * Full-range 8-bit weights with 8-bit inputs (target ort-x86-vnni) run as simulated where ONNX Runtime
     * accumulates exactly, and not where it adds products in pairs into saturating int16 (x86 without VNNI): the
     * test asks ONNX Runtime which case this machine is and checks that case.
     */
    @Test
    void fullRangeWeightsAgreeWhereOrtAccumulatesExactlyAndSaturateWhereNot() throws Exception {
        QuantConfig cfg = QuantConfig.uniform(8, 8).withKeepFirstLast(false).withTarget(Targets.ORT_X86_VNNI);
        PostTrainingQuantizer.Result r = PostTrainingQuantizer.run(net(), cfg, data(1, 4), 2, mpq.base.Progress.NONE);
        assertEquals(8, r.recipe().layer("conv1").weightParams().grid().bits());
        // The depthwise dw is not among them: ONNX Runtime's depthwise kernel accumulates exactly on every x86 CPU.
        assertEquals(List.of("layer conv1 (8-bit weights, 8-bit inputs)",
                "layer conv3 (8-bit weights, 8-bit inputs)", "layer fc (8-bit weights, 8-bit inputs)"),
                r.recipe().saturatingOn(Targets.ORT_X86));
        Comparison c = compareWithOrt(r, "vnni");
        System.out.println(OrtIntegerKernels.describe() + "; full-range W8A8 export, worst difference "
                + String.format("%.1f", c.worstSteps()) + " steps (" + c.worstAt() + ")");
        if (OrtIntegerKernels.saturatesPairSums()) {
            assertTrue(c.worstSteps() > 1, "ONNX Runtime here saturates int16 pair sums, so the first convolution "
                    + "(inputs up to 255, weights up to ±127) cannot agree; worst " + c);
        } else {
            c.assertAgrees("vnni");
        }
    }

    /**
     * On ort-x86 a depthwise convolution keeps full-range 8-bit weights with 8-bit inputs (ONNX Runtime's depthwise
     * kernel widens to int16 and accumulates exactly, VNNI or not) while conv1 gets 7-bit ones; the export agrees
     * with the simulation on this machine — the check that matters on CPUs without VNNI.
     */
    @Test
    void depthwiseConvolutionsKeepFullRangeWeightsOnOrtX86() throws Exception {
        QuantConfig cfg = QuantConfig.uniform(8, 8).withKeepFirstLast(false);
        PostTrainingQuantizer.Result r = PostTrainingQuantizer.run(net(), cfg, data(1, 4), 2, mpq.base.Progress.NONE);
        assertEquals(8, r.recipe().layer("dw").weightParams().grid().bits());
        assertEquals(7, r.recipe().layer("conv1").weightParams().grid().bits());
        assertEquals(List.of(), r.recipe().saturatingOn(Targets.ORT_X86));
        compareWithOrt(r, "dw8").assertAgrees("dw8");
    }

    /** A recipe may not claim a layer is depthwise when the model's is not (the flag lets wider weights through). */
    @Test
    void aRecipeThatCallsAnOrdinaryConvolutionDepthwiseIsRefused() {
        QuantConfig cfg = QuantConfig.uniform(8, 8).withKeepFirstLast(false).withTarget(Targets.ORT_X86_VNNI);
        QuantRecipe r = PostTrainingQuantizer.run(net(), cfg, data(1, 2), 2, mpq.base.Progress.NONE).recipe();
        List<QuantRecipe.LayerQuant> layers = new ArrayList<>();
        for (QuantRecipe.LayerQuant l : r.layers()) {
            layers.add(!l.name().equals("conv1") ? l : new QuantRecipe.LayerQuant(l.name(), l.opType(), true, l.weight(),
                    l.input(), l.weightBits(), l.actBits(), l.weightParams(), l.weightEstimator()));
        }
        QuantRecipe forged = new QuantRecipe(layers, r.activations(), r.biases(), r.target());
        mpq.base.BadInputException e = org.junit.jupiter.api.Assertions.assertThrows(mpq.base.BadInputException.class,
                () -> FakeQuantPass.apply(net(), forged));
        assertTrue(e.getMessage().contains("'conv1' is marked depthwise"), e.getMessage());
        FakeQuantPass.apply(net(), r);   // the recipe as made is accepted (dw is depthwise)
    }

    /** Every quantized activation of the simulation against the export run in ONNX Runtime. */
    private record Comparison(double worstSteps, String worstAt, long exact, long total) {
        void assertAgrees(String tag) {
            assertTrue(worstSteps <= 1.001, tag + ": " + worstAt + " more than one step apart");
            assertTrue(exact >= 0.99 * total, tag + ": only " + exact + " of " + total + " quantized values agree exactly");
        }
    }

    private Comparison compareWithOrt(PostTrainingQuantizer.Result r, String tag) throws Exception {
        QuantRecipe recipe = r.recipe();
        Graph simulated = FakeQuantPass.apply(r.floatGraph(), recipe);
        QdqExport.Exported e = QdqExport.apply(r.floatGraph(), recipe);
        // Every quantized activation (the value its DequantizeLinear writes) becomes an output too.
        List<String> probes = new ArrayList<>();
        Map<String, Float> stepOf = new HashMap<>();
        for (QuantRecipe.ActivationQuant a : recipe.activations()) {
            String v = a.value() + FakeQuantPass.SUFFIX;
            probes.add(v);
            stepOf.put(v, a.params().scale(0));
        }
        List<ValueInfo> outs = new ArrayList<>(e.graph().outputs());
        for (String p : probes) {
            outs.add(new ValueInfo(p, DType.FLOAT, new int[0]));
        }
        Graph probed = new Graph(e.graph().name(), e.graph().nodes(), e.graph().inputs(), outs,
                e.graph().initializers(), e.opset());
        Path file = tmp.resolve(tag + "-probed.onnx");
        OnnxModel.save(OnnxWriter.toProto(probed, e.irVersion(), "test"), file);

        Tensor x = data(2, 1).list().getFirst();
        Map<String, float[]> ort = runOrt(file, x, probes);
        long exact = 0, total = 0;
        double worst = 0;
        String worstAt = "";
        try (Executor ex = new Executor(simulated, 2, new java.util.HashSet<>(probes))) {
            ex.run(x);
            for (String p : probes) {
                Tensor simulatedValue = ex.value(p);
                float[] sim = simulatedValue.data();
                float[] rt = ort.get(p);
                assertEquals(simulatedValue.size(), rt.length, p);
                float step = stepOf.get(p);
                for (int i = 0; i < rt.length; i++) {
                    float d = Math.abs(sim[i] - rt[i]);
                    if (d / step > worst) {
                        worst = d / step;
                        worstAt = p + "[" + i + "]: mpq " + sim[i] + " vs ORT " + rt[i] + " (step " + step + ")";
                    }
                    exact += d == 0 ? 1 : 0;
                    total++;
                }
            }
        }
        return new Comparison(worst, worstAt, exact, total);
    }

    private void check(QuantConfig cfg, String tag) throws Exception {
        PostTrainingQuantizer.Result r = PostTrainingQuantizer.run(net(), cfg, data(1, 4), 2, mpq.base.Progress.NONE);
        QuantRecipe recipe = r.recipe();
        assertEquals(List.of(), recipe.saturatingOn(Targets.ORT_X86));
        compareWithOrt(r, tag).assertAgrees(tag);
        Graph simulated = FakeQuantPass.apply(r.floatGraph(), recipe);
        QdqExport.Exported e = QdqExport.apply(r.floatGraph(), recipe);
        Path file = tmp.resolve(tag + ".onnx");
        OnnxModel.save(OnnxWriter.toProto(e.graph(), e.irVersion(), "test"), file);
        Tensor x = data(2, 1).list().getFirst();

        // mpq's own importer reads the file back, and mpq running it computes exactly the simulation.
        Graph reloaded = OnnxModel.load(file).graph();
        assertTrue(reloaded.nodes().stream().anyMatch(n -> n.opType().equals("QuantizeLinear")));
        Tensor a, b;
        try (Executor ex = new Executor(simulated, 2)) {
            a = ex.run(x);
        }
        try (Executor ex = new Executor(reloaded, 2)) {
            b = ex.run(x);
        }
        assertEquals(0.0, maxDiff(a.data(), b.data(), a.size()), tag + ": reloaded export vs simulation");
        if (tag.equals("mixed-w")) {
            // int4 storage for the 2-, 3- and 4-bit weights (opset 21), int8 for the 8-bit one (7-bit on ort-x86),
            // int32 biases
            assertEquals(7, recipe.layer("conv1").weightParams().grid().bits());
            assertEquals(21, e.opset());
            assertEquals(DType.INT4, e.graph().initializers().get("dw.w_quantized").type());
            assertEquals(DType.INT4, e.graph().initializers().get("conv3.w_quantized").type());
            assertEquals(DType.INT8, e.graph().initializers().get("conv1.w_quantized").type());
            assertEquals(DType.INT32, e.graph().initializers().get("conv1.b_quantized").type());
            float[] dw = e.graph().initializers().get("dw.w_quantized").tensor().to(DType.FLOAT).data();
            for (float v : dw) {
                assertTrue(v >= -2 && v <= 1, "2-bit weights stay on the 2-bit grid in int4: " + v);
            }
            // The int8 storage of the same weights: opset 13, the same values, the same model.
            QdqExport.Exported e8 = QdqExport.apply(r.floatGraph(), recipe, true);
            assertEquals(13, e8.opset());
            assertEquals(DType.INT8, e8.graph().initializers().get("dw.w_quantized").type());
            assertTrue(java.util.Arrays.equals(dw, e8.graph().initializers().get("dw.w_quantized").tensor().to(DType.FLOAT).data()));
            Path f8 = tmp.resolve("int8.onnx");
            OnnxModel.save(OnnxWriter.toProto(e8.graph(), e8.irVersion(), "test"), f8);
            Tensor c;
            try (Executor ex = new Executor(OnnxModel.load(f8).graph(), 2)) {
                c = ex.run(x);
            }
            assertEquals(0.0, maxDiff(a.data(), c.data(), a.size()), "int8-stored export vs simulation");
        } else {
            assertTrue(e.graph().nodes().stream().anyMatch(n -> n.opType().equals("Clip")), "a 6-bit grid is clipped");
            assertEquals(DType.UINT8, e.graph().initializers().get("relu1_out_zero_point").type(), "4-bit grid, uint8");
            assertEquals(DType.INT8, e.graph().initializers().get("fc.w_quantized").type());
        }
        assertEquals(0, e.graph().nodes().stream().filter(n -> n.domain().equals("mpq")).count());
    }

    private static double maxDiff(float[] a, float[] b, int n) {
        double m = 0;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    private static Map<String, float[]> runOrt(Path file, Tensor x, List<String> names) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            try (OrtSession s = env.createSession(file.toString(), o);
                 OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data(), 0, x.size()),
                         new long[] {x.dim(0), x.dim(1), x.dim(2), x.dim(3)});
                 OrtSession.Result res = s.run(Map.of("x", in), new java.util.HashSet<>(names))) {
                Map<String, float[]> out = new HashMap<>();
                for (String n : names) {
                    FloatBuffer fb = ((OnnxTensor) res.get(n).orElseThrow()).getFloatBuffer();
                    float[] v = new float[fb.remaining()];
                    fb.get(v);
                    out.put(n, v);
                }
                return out;
            }
        }
    }
}
