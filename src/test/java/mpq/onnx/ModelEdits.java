package mpq.onnx;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import mpq.onnx.proto.Onnx.AttributeProto;
import mpq.onnx.proto.Onnx.GraphProto;
import mpq.onnx.proto.Onnx.ModelProto;
import mpq.onnx.proto.Onnx.NodeProto;
import mpq.onnx.proto.Onnx.TensorProto;

/** Broken variants of a real model, made the way a user's tool would break it (one field at a time). */
public final class ModelEdits {
    private final ModelProto model;

    private ModelEdits(ModelProto model) {
        this.model = model;
    }

    public static ModelEdits of(Path file) throws IOException {
        return new ModelEdits(ModelProto.parseFrom(Files.readAllBytes(file)));
    }

    public ModelProto proto() {
        return model;
    }

    /** The name of input i of the first node of an op type (e.g. the first Conv's weight: "Conv", 1). */
    public String inputOfFirst(String opType, int i) {
        return firstNode(opType).getInput(i);
    }

    public NodeProto firstNode(String opType) {
        return model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals(opType)).findFirst()
                .orElseThrow();
    }

    /** Element index of a float initializer (raw data) set to v. */
    public ModelEdits withFloat(String initializer, int index, float v) {
        return withInitializer(initializer, t -> {
            byte[] raw = t.getRawData().toByteArray();
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).putFloat(4 * index, v);
            return t.toBuilder().setRawData(ByteString.copyFrom(raw)).build();
        });
    }

    /** An initializer claiming other dims over the same data. */
    public ModelEdits withDims(String initializer, long... dims) {
        return withInitializer(initializer, t -> {
            TensorProto.Builder b = t.toBuilder().clearDims();
            for (long d : dims) {
                b.addDims(d);
            }
            return b.build();
        });
    }

    /** The first node of an op type with one attribute replaced (or added). */
    public ModelEdits withAttribute(String opType, AttributeProto a) {
        GraphProto.Builder g = model.getGraph().toBuilder();
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (g.getNode(i).getOpType().equals(opType)) {
                NodeProto.Builder n = g.getNode(i).toBuilder();
                int at = -1;
                for (int j = 0; j < n.getAttributeCount(); j++) {
                    at = n.getAttribute(j).getName().equals(a.getName()) ? j : at;
                }
                if (at >= 0) {
                    n.setAttribute(at, a);
                } else {
                    n.addAttribute(a);
                }
                g.setNode(i, n);
                break;
            }
        }
        return new ModelEdits(model.toBuilder().setGraph(g).build());
    }

    public static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            b.addInts(x);
        }
        return b.build();
    }

    public static AttributeProto string(String name, String v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(v)).build();
    }

    private ModelEdits withInitializer(String name, java.util.function.UnaryOperator<TensorProto> edit) {
        GraphProto.Builder g = model.getGraph().toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            if (g.getInitializer(i).getName().equals(name)) {
                g.setInitializer(i, edit.apply(g.getInitializer(i)));
                return new ModelEdits(model.toBuilder().setGraph(g).build());
            }
        }
        throw new IllegalArgumentException("no initializer " + name);
    }

    public Path writeTo(Path file) throws IOException {
        Files.write(file, model.toByteArray());
        return file;
    }
}
