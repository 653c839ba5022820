package mpq.export;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mpq.graph.Attributes;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.graph.ValueInfo;
import mpq.quant.Estimators;
import mpq.quant.QuantParams;
import mpq.quant.WeightLayer;
import mpq.quant.WeightQuantizer;
import mpq.tensor.DType;
import mpq.tensor.Tensor;

/**
 * One weight layer of a model alone, in each form ONNX Runtime executes differently, for measuring its latency:
 * float; QDQ with int8 weights (the runtime's integer kernels: QLinearConv, QGemm, MatMulInteger); QDQ with int4
 * weights (opset 21, which it dequantizes every run). The QDQ forms quantize the input and the output to uint8 the
 * way mpq's exports do between layers (fixed scales: the input on [0, 4], the output on ±4), so that the runtime sees
 * the pattern it fuses; weights are quantized per
 * output channel, symmetric, minmax ({@link WeightQuantizer}), from the layer's own values, the bias to int32 on the
 * input scale × weight scales.
 */
public final class SingleLayerModels {
    private SingleLayerModels() {}

    public enum Form { FLOAT, INT8, INT4 }

    static final int OPSET = QdqExport.OPSET_4BIT;

    public static int irVersion() {
        return QdqExport.irVersion(OPSET);
    }

    /**
     * @param inputShape the layer's data input at the batch to be measured
     * @param outputShape its output
     */
    public static Graph of(Graph g, WeightLayer layer, int[] inputShape, int[] outputShape, Form form) {
        Node n = layer.node();
        Map<String, Attributes.Constant> init = new LinkedHashMap<>();
        List<Node> nodes = new ArrayList<>();
        Tensor w = g.weight(layer.weight());
        Tensor bias = layer.bias() == null || layer.bias().isEmpty() ? null : g.weight(layer.bias());
        String x = "x", y = "y";
        List<String> inputs = new ArrayList<>(n.inputs());
        int wIndex = inputs.indexOf(layer.weight()), bIndex = bias == null ? -1 : inputs.indexOf(layer.bias());
        int dataIndex = inputs.indexOf(layer.input());
        if (form == Form.FLOAT) {
            init.put("w", new Attributes.Constant(w, DType.FLOAT));
            inputs.set(wIndex, "w");
            if (bias != null) {
                init.put("b", new Attributes.Constant(bias, DType.FLOAT));
                inputs.set(bIndex, "b");
            }
            inputs.set(dataIndex, x);
            nodes.add(new Node("layer", n.opType(), n.domain(), inputs, List.of(y), n.attributes()));
        } else {
            float inputScale = 4f / 255;   // the values do not matter for timing; realistic magnitudes do no harm
            quantizeDequantize(x, "xq", inputScale, 0, init, nodes);
            int axis = layer.channelAxis();
            DType type = form == Form.INT8 ? DType.INT8 : DType.INT4;
            QuantParams p = WeightQuantizer.params(w, axis, form == Form.INT8 ? 8 : 4, Estimators.byName("minmax"));
            float[] scales = p.scales();
            init.put("w_q", new Attributes.Constant(p.levels(w), type));
            init.put("w_scale", new Attributes.Constant(new Tensor(new int[] {scales.length}, scales), DType.FLOAT));
            init.put("w_zero", new Attributes.Constant(new Tensor(type, new int[] {scales.length},
                    new long[scales.length]), type));
            nodes.add(new Node("w/DequantizeLinear", "DequantizeLinear", "", List.of("w_q", "w_scale", "w_zero"),
                    List.of("w"), new Attributes(Map.of("axis", (long) axis))));
            inputs.set(wIndex, "w");
            if (bias != null) {
                long[] b = new long[bias.size()];
                float[] bs = new float[scales.length];
                for (int c = 0; c < b.length; c++) {
                    bs[c] = inputScale * scales[c % scales.length];
                    b[c] = Math.round(bias.data()[c] / bs[c]);
                }
                init.put("b_q", new Attributes.Constant(new Tensor(DType.INT32, bias.shape(), b), DType.INT32));
                init.put("b_scale", new Attributes.Constant(new Tensor(new int[] {bs.length}, bs), DType.FLOAT));
                nodes.add(new Node("b/DequantizeLinear", "DequantizeLinear", "", List.of("b_q", "b_scale"),
                        List.of("b"), new Attributes(Map.of("axis", 0L))));
                inputs.set(bIndex, "b");
            }
            inputs.set(dataIndex, "xq");
            nodes.add(new Node("layer", n.opType(), n.domain(), inputs, List.of("raw"), n.attributes()));
            quantizeDequantize("raw", y, OUTPUT_SCALE, 128, init, nodes);
        }
        return new Graph("layer", nodes, List.of(new ValueInfo(x, DType.FLOAT, inputShape)),
                List.of(new ValueInfo(y, DType.FLOAT, outputShape)), init, OPSET);
    }

    /** The QDQ forms' output grid: uint8 with zero point 128, so ±4 (the values do not change the timing). */
    public static final float OUTPUT_SCALE = 8f / 255;

    /** in → QuantizeLinear (uint8) → DequantizeLinear → out. */
    private static void quantizeDequantize(String in, String out, float scale, int zero,
                                           Map<String, Attributes.Constant> init, List<Node> nodes) {
        String s = out + "_scale", z = out + "_zero", q = out + "_quantized";
        init.put(s, new Attributes.Constant(new Tensor(new int[0], new float[] {scale}), DType.FLOAT));
        init.put(z, new Attributes.Constant(new Tensor(DType.UINT8, new int[0], new long[] {zero}), DType.UINT8));
        nodes.add(new Node(q + "/QuantizeLinear", "QuantizeLinear", "", List.of(in, s, z), List.of(q),
                Attributes.none()));
        nodes.add(new Node(out + "/DequantizeLinear", "DequantizeLinear", "", List.of(q, s, z), List.of(out),
                Attributes.none()));
    }
}
