package mpq.fuzz;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import mpq.graph.op.Ops;
import mpq.onnx.proto.Onnx.AttributeProto;
import mpq.onnx.proto.Onnx.GraphProto;
import mpq.onnx.proto.Onnx.ModelProto;
import mpq.onnx.proto.Onnx.NodeProto;
import mpq.onnx.proto.Onnx.TensorProto;
import mpq.onnx.proto.Onnx.TensorShapeProto;
import mpq.onnx.proto.Onnx.ValueInfoProto;

/**
 * Seeded mutations of a real model, as broken tools and damaged files make them: bit flips and truncation of the
 * bytes, and changes to protobuf fields (element types, dims, attribute kinds and values, node inputs and outputs,
 * op types, the opset, the graph's inputs and outputs, weight values). Each case says what it changed.
 */
final class ModelMutator {
    /** A mutated model file and a description of its changes (to reproduce a failure). */
    record Case(byte[] bytes, String description) {}

    private static final List<String> OP_TYPES = List.copyOf(Ops.supportedTypes());
    private static final String[] ATTRIBUTE_NAMES = {"axis", "axes", "pads", "strides", "dilations", "kernel_shape",
        "group", "perm", "keepdims", "alpha", "beta", "epsilon", "mode", "auto_pad", "transA", "transB", "to", "value",
        "ceil_mode", "split", "starts", "ends", "shape", "output_padding", "output_shape", "value_ints", "value_float"};
    private static final long[] INTS = {0, 1, 2, 3, -1, -2, 7, 64, 1000, 1 << 20, Integer.MAX_VALUE, Integer.MIN_VALUE,
        Long.MAX_VALUE, Long.MIN_VALUE, 1L << 33};
    private static final float[] FLOATS = {0, 1, -1, 0.5f, 1e-30f, 1e30f, Float.NaN, Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY, Float.MAX_VALUE};
    private static final String[] STRINGS = {"", "NOTSET", "SAME_UPPER", "VALID", "constant", "reflect", "edge",
        "nearest", "linear", "cubic", "DCR", "CRD", "tanh", "x", "2,2"};

    private final Random rnd;

    ModelMutator(long seed) {
        this.rnd = new Random(seed);
    }

    Case mutate(ModelProto original) {
        ModelProto m = original;
        StringBuilder what = new StringBuilder();
        int edits = 1 + rnd.nextInt(3);
        for (int e = 0; e < edits; e++) {
            int kind = rnd.nextInt(15);
            if (kind == 0) {
                return flipBits(m.toByteArray(), what);
            }
            if (kind == 1) {
                byte[] b = m.toByteArray();
                int len = rnd.nextInt(b.length);
                what.append("truncated to ").append(len).append(" of ").append(b.length).append(" bytes; ");
                return new Case(java.util.Arrays.copyOf(b, len), what.toString());
            }
            m = m.toBuilder().setGraph(mutateGraph(m.getGraph(), kind, what)).build();
            if (kind == 14) {
                int v = rnd.nextInt(26);
                what.append("opset ").append(v).append("; ");
                m = m.toBuilder().setOpsetImport(0, m.getOpsetImport(0).toBuilder().setVersion(v)).build();
            }
        }
        return new Case(m.toByteArray(), what.toString());
    }

    private Case flipBits(byte[] b, StringBuilder what) {
        int flips = 1 + rnd.nextInt(8);
        for (int i = 0; i < flips; i++) {
            int at = rnd.nextInt(b.length), bit = rnd.nextInt(8);
            b[at] ^= (byte) (1 << bit);
            what.append("bit ").append(bit).append(" of byte ").append(at).append(" flipped; ");
        }
        return new Case(b, what.toString());
    }

    private GraphProto mutateGraph(GraphProto g, int kind, StringBuilder what) {
        GraphProto.Builder b = g.toBuilder();
        switch (kind) {
            case 2, 3, 4 -> {   // an initializer's type, dims or values
                int i = rnd.nextInt(b.getInitializerCount());
                TensorProto t = b.getInitializer(i);
                what.append("initializer '").append(t.getName()).append("': ");
                b.setInitializer(i, kind == 2 ? retype(t, what) : kind == 3 ? redim(t, what) : revalue(t, what));
            }
            case 5, 6, 7 -> {   // an attribute's value or kind, a new attribute, an attribute removed
                int i = rnd.nextInt(b.getNodeCount());
                NodeProto.Builder n = b.getNode(i).toBuilder();
                what.append("node '").append(n.getName()).append("' (").append(n.getOpType()).append("): ");
                if (kind == 7 && n.getAttributeCount() > 0) {
                    int a = rnd.nextInt(n.getAttributeCount());
                    what.append("attribute '").append(n.getAttribute(a).getName()).append("' removed; ");
                    n.removeAttribute(a);
                } else if (kind == 5 && n.getAttributeCount() > 0) {
                    int a = rnd.nextInt(n.getAttributeCount());
                    n.setAttribute(a, attribute(n.getAttribute(a).getName(), what));
                } else {
                    n.addAttribute(attribute(ATTRIBUTE_NAMES[rnd.nextInt(ATTRIBUTE_NAMES.length)], what));
                }
                b.setNode(i, n);
            }
            case 8 -> {   // a node input rewired, dropped or added
                int i = rnd.nextInt(b.getNodeCount());
                NodeProto.Builder n = b.getNode(i).toBuilder();
                List<String> names = valueNames(g);
                String other = rnd.nextInt(8) == 0 ? (rnd.nextBoolean() ? "" : "no_such_value")
                        : names.get(rnd.nextInt(names.size()));
                what.append("node '").append(n.getName()).append("': ");
                int choice = rnd.nextInt(3);
                if (choice == 0 && n.getInputCount() > 0) {
                    int k = rnd.nextInt(n.getInputCount());
                    what.append("input ").append(k).append(" -> '").append(other).append("'; ");
                    n.setInput(k, other);
                } else if (choice == 1 && n.getInputCount() > 0) {
                    List<String> in = new ArrayList<>(n.getInputList());
                    what.append("input ").append(in.remove(rnd.nextInt(in.size()))).append(" dropped; ");
                    n.clearInput().addAllInput(in);
                } else {
                    what.append("input '").append(other).append("' added; ");
                    n.addInput(other);
                }
                b.setNode(i, n);
            }
            case 9 -> {   // a node output renamed (possibly to a name that exists)
                int i = rnd.nextInt(b.getNodeCount());
                NodeProto.Builder n = b.getNode(i).toBuilder();
                List<String> names = valueNames(g);
                String other = rnd.nextBoolean() ? names.get(rnd.nextInt(names.size())) : "renamed_" + rnd.nextInt(100);
                what.append("node '").append(n.getName()).append("': output -> '").append(other).append("'; ");
                if (n.getOutputCount() > 0) {
                    n.setOutput(0, other);
                } else {
                    n.addOutput(other);
                }
                b.setNode(i, n);
            }
            case 10 -> {   // another op type
                int i = rnd.nextInt(b.getNodeCount());
                String op = OP_TYPES.get(rnd.nextInt(OP_TYPES.size()));
                what.append("node '").append(b.getNode(i).getName()).append("': op ").append(b.getNode(i).getOpType())
                        .append(" -> ").append(op).append("; ");
                b.setNode(i, b.getNode(i).toBuilder().setOpType(op));
            }
            case 11 -> {   // a node removed, duplicated or moved
                int i = rnd.nextInt(b.getNodeCount());
                NodeProto n = b.getNode(i);
                int choice = rnd.nextInt(3);
                what.append("node '").append(n.getName()).append("' ")
                        .append(choice == 0 ? "removed" : choice == 1 ? "duplicated" : "moved to the front").append("; ");
                b.removeNode(i);
                if (choice == 1) {
                    b.addNode(i, n).addNode(i, n);
                } else if (choice == 2) {
                    b.addNode(0, n);
                }
            }
            case 12 -> {   // the graph input's type or shape
                if (b.getInputCount() > 0) {
                    ValueInfoProto v = b.getInput(0);
                    ValueInfoProto.Builder vb = v.toBuilder();
                    if (rnd.nextBoolean()) {
                        int type = rnd.nextInt(24);
                        what.append("graph input elem type ").append(type).append("; ");
                        vb.getTypeBuilder().getTensorTypeBuilder().setElemType(type);
                    } else {
                        TensorShapeProto.Builder s = vb.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
                        if (s.getDimCount() > 0) {
                            int d = rnd.nextInt(s.getDimCount());
                            long value = INTS[rnd.nextInt(INTS.length)];
                            what.append("graph input dim ").append(d).append(" = ").append(value).append("; ");
                            s.setDim(d, TensorShapeProto.Dimension.newBuilder().setDimValue(value));
                        }
                    }
                    b.setInput(0, vb);
                }
            }
            case 13 -> {   // the graph output renamed to another value or to nothing
                List<String> names = valueNames(g);
                String other = rnd.nextBoolean() ? names.get(rnd.nextInt(names.size())) : "no_such_output";
                what.append("graph output -> '").append(other).append("'; ");
                b.setOutput(0, b.getOutput(0).toBuilder().setName(other));
            }
            default -> { }
        }
        return b.build();
    }

    private TensorProto retype(TensorProto t, StringBuilder what) {
        int type = rnd.nextInt(24);
        what.append("data type ").append(t.getDataType()).append(" -> ").append(type).append("; ");
        return t.toBuilder().setDataType(type).build();
    }

    private TensorProto redim(TensorProto t, StringBuilder what) {
        TensorProto.Builder b = t.toBuilder();
        List<Long> dims = new ArrayList<>(t.getDimsList());
        int choice = rnd.nextInt(4);
        if (choice == 0 || dims.isEmpty()) {
            dims.add(rnd.nextInt(dims.size() + 1), INTS[rnd.nextInt(INTS.length)]);
        } else if (choice == 1) {
            dims.remove(rnd.nextInt(dims.size()));
        } else if (choice == 2) {
            dims.set(rnd.nextInt(dims.size()), INTS[rnd.nextInt(INTS.length)]);
        } else {
            java.util.Collections.swap(dims, rnd.nextInt(dims.size()), rnd.nextInt(dims.size()));
        }
        what.append("dims ").append(t.getDimsList()).append(" -> ").append(dims).append("; ");
        return b.clearDims().addAllDims(dims).build();
    }

    private TensorProto revalue(TensorProto t, StringBuilder what) {
        if (!t.hasRawData() || t.getRawData().size() < 4) {
            return t;
        }
        byte[] raw = t.getRawData().toByteArray();
        int at = rnd.nextInt(raw.length / 4) * 4;
        float v = FLOATS[rnd.nextInt(FLOATS.length)];
        java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(at, v);
        what.append("bytes ").append(at).append("..").append(at + 3).append(" = float ").append(v).append("; ");
        return t.toBuilder().setRawData(ByteString.copyFrom(raw)).build();
    }

    private AttributeProto attribute(String name, StringBuilder what) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
        switch (rnd.nextInt(5)) {
            case 0 -> a.setType(AttributeProto.AttributeType.INT).setI(INTS[rnd.nextInt(INTS.length)]);
            case 1 -> {
                a.setType(AttributeProto.AttributeType.INTS);
                int n = rnd.nextInt(7);
                for (int i = 0; i < n; i++) {
                    a.addInts(rnd.nextInt(4) == 0 ? INTS[rnd.nextInt(INTS.length)] : rnd.nextInt(5) - 1);
                }
            }
            case 2 -> a.setType(AttributeProto.AttributeType.FLOAT).setF(FLOATS[rnd.nextInt(FLOATS.length)]);
            case 3 -> a.setType(AttributeProto.AttributeType.STRING)
                    .setS(ByteString.copyFromUtf8(STRINGS[rnd.nextInt(STRINGS.length)]));
            default -> a.setType(AttributeProto.AttributeType.forNumber(rnd.nextInt(15)) == null
                    ? AttributeProto.AttributeType.UNDEFINED : AttributeProto.AttributeType.forNumber(rnd.nextInt(15)));
        }
        AttributeProto built = a.build();
        what.append("attribute '").append(name).append("' = ").append(built.toString().replace('\n', ' ')).append("; ");
        return built;
    }

    private static List<String> valueNames(GraphProto g) {
        List<String> names = new ArrayList<>();
        g.getInputList().forEach(v -> names.add(v.getName()));
        g.getInitializerList().forEach(t -> names.add(t.getName()));
        g.getNodeList().forEach(n -> names.addAll(n.getOutputList()));
        return names;
    }
}
