package mpq.eval;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import mpq.graph.Attributes;
import mpq.tensor.DType;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.graph.ValueInfo;
import mpq.onnx.OnnxWriter;
import mpq.tensor.Tensor;

/**
 * What this machine's ONNX Runtime integer kernels compute, asked of them directly rather than read off the CPU's
 * flags. On x86 CPUs without VNNI, ONNX Runtime's uint8 × int8 kernels (QLinearConv, QGemm) multiply with VPMADDUBSW,
 * which adds each pair of neighbouring products into a saturating int16; with VNNI (AVX512-VNNI, AVX-VNNI) the
 * products go straight into int32. The probe is a 1×1 convolution over 64 channels of 255 × 127: exact, its sum is
 * 2,072,640; with saturating pairs 32 × 32,767 = 1,048,544.
 */
public final class OrtIntegerKernels {
    private OrtIntegerKernels() {}

    private static final int CHANNELS = 64;
    /** The output's quantization step: the exact sum lands on 207, the saturated one on 105. */
    private static final float OUTPUT_SCALE = 10_000f;

    private static final class Holder {
        static final boolean SATURATES = probe();
    }

    /**
     * True when ONNX Runtime here sums pairs of uint8 × int8 products in saturating int16 (x86 without VNNI), so that
     * full-range 8-bit weights with 8-bit activations can compute something other than their simulation.
     */
    public static boolean saturatesPairSums() {
        return Holder.SATURATES;
    }

    /** One line for people: which kind of integer kernels ONNX Runtime uses on this machine. */
    public static String describe() {
        return saturatesPairSums()
                ? "ONNX Runtime on this CPU sums pairs of uint8×int8 products in saturating int16 (no VNNI)"
                : "ONNX Runtime on this CPU accumulates uint8×int8 products exactly in int32 (VNNI or equivalent)";
    }

    private static boolean probe() {
        float sum = run();
        float exact = Math.round(255f * 127 * CHANNELS / OUTPUT_SCALE) * OUTPUT_SCALE;
        float saturated = Math.round(32_767f * (CHANNELS / 2) / OUTPUT_SCALE) * OUTPUT_SCALE;
        if (sum == exact) {
            return false;
        }
        if (sum == saturated) {
            return true;
        }
        throw new IllegalStateException("ONNX Runtime's integer convolution gave " + sum + ", neither the exact "
                + exact + " nor the pair-saturated " + saturated);
    }

    private static float run() {
        byte[] model = OnnxWriter.toProto(graph(), 7, "probe").toByteArray();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            float[] x = new float[CHANNELS];
            Arrays.fill(x, 255f);
            try (OrtSession s = env.createSession(model, o);
                 OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {1, CHANNELS, 1, 1});
                 OrtSession.Result r = s.run(Map.of("x", in))) {
                return ((OnnxTensor) r.get(0)).getFloatBuffer().get(0);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not run its integer-kernel probe: " + e.getMessage(), e);
        }
    }

    /** x → Q/DQ (uint8, step 1) → Conv with DQ(int8 127…, step 1) → Q/DQ (uint8, step OUTPUT_SCALE): a QLinearConv. */
    private static Graph graph() {
        float[] w = new float[CHANNELS];
        Arrays.fill(w, 127f);
        Map<String, Attributes.Constant> init = Map.of(
                "one", scalar(1f, DType.FLOAT), "zero_u8", scalar(0f, DType.UINT8), "zero_s8", scalar(0f, DType.INT8),
                "w_q", new Attributes.Constant(new Tensor(new int[] {1, CHANNELS, 1, 1}, w), DType.INT8),
                "y_scale", scalar(OUTPUT_SCALE, DType.FLOAT));
        List<Node> nodes = List.of(
                node("QuantizeLinear", List.of("x", "one", "zero_u8"), "x_q"),
                node("DequantizeLinear", List.of("x_q", "one", "zero_u8"), "x_dq"),
                node("DequantizeLinear", List.of("w_q", "one", "zero_s8"), "w"),
                node("Conv", List.of("x_dq", "w"), "y"),
                node("QuantizeLinear", List.of("y", "y_scale", "zero_u8"), "y_q"),
                node("DequantizeLinear", List.of("y_q", "y_scale", "zero_u8"), "out"));
        return new Graph("ort_integer_kernel_probe", nodes,
                List.of(new ValueInfo("x", DType.FLOAT, new int[] {1, CHANNELS, 1, 1})),
                List.of(new ValueInfo("out", DType.FLOAT, new int[] {1, 1, 1, 1})), init, 13);
    }

    private static Node node(String op, List<String> inputs, String output) {
        return new Node(output + "/" + op, op, "", inputs, List.of(output), Attributes.none());
    }

    private static Attributes.Constant scalar(float v, DType type) {
        return new Attributes.Constant(new Tensor(new int[0], new float[] {v}), type);
    }
}
