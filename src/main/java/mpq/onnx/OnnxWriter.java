package mpq.onnx;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeSet;
import mpq.graph.Attributes;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.graph.ValueInfo;
import mpq.onnx.proto.Onnx.AttributeProto;
import mpq.onnx.proto.Onnx.GraphProto;
import mpq.onnx.proto.Onnx.ModelProto;
import mpq.onnx.proto.Onnx.NodeProto;
import mpq.onnx.proto.Onnx.OperatorSetIdProto;
import mpq.onnx.proto.Onnx.TensorShapeProto;
import mpq.onnx.proto.Onnx.TypeProto;
import mpq.onnx.proto.Onnx.ValueInfoProto;

/** Graph → ONNX ModelProto: nodes, initializers in their element types, inputs and outputs with their shapes. */
public final class OnnxWriter {
    private OnnxWriter() {}

    /** The name a dimension known only at run time gets (the batch, in practice). */
    static final String DYNAMIC_DIM = "N";

    /**
     * The model for a graph at its opset, with the given IR version; nodes of other domains (e.g. "mpq") import
     * version 1 of theirs.
     */
    public static ModelProto toProto(Graph g, long irVersion, String producerVersion) {
        GraphProto.Builder gp = GraphProto.newBuilder().setName(g.name().isEmpty() ? "graph" : g.name());
        TreeSet<String> domains = new TreeSet<>();
        for (Node n : g.nodes()) {
            gp.addNode(node(n));
            if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) {
                domains.add(n.domain());
            }
        }
        for (Map.Entry<String, Attributes.Constant> e : g.initializers().entrySet()) {
            gp.addInitializer(TensorCodec.encode(e.getKey(), e.getValue()));
        }
        for (ValueInfo v : g.inputs()) {
            gp.addInput(valueInfo(v));
        }
        for (ValueInfo v : g.outputs()) {
            gp.addOutput(valueInfo(v));
        }
        ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(irVersion).setProducerName("mpq")
                .setProducerVersion(producerVersion).setGraph(gp)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(g.opset()));
        for (String d : domains) {
            m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(d).setVersion(1));
        }
        return m.build();
    }

    private static NodeProto node(Node n) {
        NodeProto.Builder b = NodeProto.newBuilder().setName(n.name()).setOpType(n.opType())
                .addAllInput(n.inputs()).addAllOutput(n.outputs());
        if (!n.domain().isEmpty()) {
            b.setDomain(n.domain());
        }
        for (String name : n.attributes().names()) {
            b.addAttribute(attribute(name, n.attributes().raw(name), n.name()));
        }
        return b.build();
    }

    private static AttributeProto attribute(String name, Object v, String node) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
        switch (v) {
            case AttributeProto opaque -> {
                return opaque;
            }
            case Float f -> a.setType(AttributeProto.AttributeType.FLOAT).setF(f);
            case Double d -> a.setType(AttributeProto.AttributeType.FLOAT).setF(d.floatValue());
            case Long l -> a.setType(AttributeProto.AttributeType.INT).setI(l);
            case Integer i -> a.setType(AttributeProto.AttributeType.INT).setI(i);
            case String s -> a.setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFrom(s, StandardCharsets.UTF_8));
            case Attributes.Constant c -> a.setType(AttributeProto.AttributeType.TENSOR).setT(TensorCodec.encode("", c));
            case float[] fs -> {
                a.setType(AttributeProto.AttributeType.FLOATS);
                for (float f : fs) {
                    a.addFloats(f);
                }
            }
            case long[] ls -> {
                a.setType(AttributeProto.AttributeType.INTS);
                for (long l : ls) {
                    a.addInts(l);
                }
            }
            case String[] ss -> {
                a.setType(AttributeProto.AttributeType.STRINGS);
                for (String s : ss) {
                    a.addStrings(ByteString.copyFrom(s, StandardCharsets.UTF_8));
                }
            }
            default -> throw new IllegalArgumentException("node '" + node + "': attribute '" + name + "' of type "
                    + v.getClass().getSimpleName() + " cannot be written");
        }
        return a.build();
    }

    private static ValueInfoProto valueInfo(ValueInfo v) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (int d : v.dims()) {
            shape.addDim(d >= 0 ? TensorShapeProto.Dimension.newBuilder().setDimValue(d)
                    : TensorShapeProto.Dimension.newBuilder().setDimParam(DYNAMIC_DIM));
        }
        // No dimensions: mpq did not record them (graphs built in code), so the rank is left unknown, not scalar.
        TypeProto.Tensor.Builder t = TypeProto.Tensor.newBuilder().setElemType(v.type().onnxCode);
        if (v.dims().length > 0) {
            t.setShape(shape);
        }
        return ValueInfoProto.newBuilder().setName(v.name()).setType(TypeProto.newBuilder().setTensorType(t)).build();
    }
}
