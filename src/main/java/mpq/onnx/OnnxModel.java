package mpq.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mpq.base.AtomicFiles;
import mpq.base.BadInputException;
import mpq.graph.Attributes;
import mpq.tensor.DType;
import mpq.tensor.Shapes;
import mpq.tensor.Tensor;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.graph.op.AttributeKinds;
import mpq.graph.ValueInfo;
import mpq.onnx.proto.Onnx.AttributeProto;
import mpq.onnx.proto.Onnx.GraphProto;
import mpq.onnx.proto.Onnx.ModelProto;
import mpq.onnx.proto.Onnx.NodeProto;
import mpq.onnx.proto.Onnx.OperatorSetIdProto;
import mpq.onnx.proto.Onnx.TensorProto;
import mpq.onnx.proto.Onnx.TensorShapeProto;
import mpq.onnx.proto.Onnx.TypeProto;
import mpq.onnx.proto.Onnx.ValueInfoProto;

/**
 * An ONNX model file: the protobuf message as read (so saving keeps every field, unknown ones included) and the
 * {@link Graph} mpq computes with.
 */
public final class OnnxModel {
    private final Path source;
    private final ModelProto proto;
    private final Graph graph;

    private OnnxModel(Path source, ModelProto proto, Graph graph) {
        this.source = source;
        this.proto = proto;
        this.graph = graph;
    }

    /**
     * Reads and checks a model; every problem becomes a one-line BadInputException naming the file. Initializers
     * holding Inf or NaN are refused: such a model computes garbage that no metric should report as accuracy.
     */
    public static OnnxModel load(Path file) {
        return load(file, false);
    }

    /** The same, optionally keeping initializers with Inf or NaN (for a user who knows why they are there). */
    public static OnnxModel load(Path file, boolean allowNonFinite) {
        ModelProto proto;
        try (InputStream in = Files.newInputStream(file)) {
            CodedInputStream coded = CodedInputStream.newInstance(in);
            coded.setRecursionLimit(1000);
            coded.setSizeLimit(Integer.MAX_VALUE);
            proto = ModelProto.parseFrom(coded);
        } catch (NoSuchFileException e) {
            throw new BadInputException(file + ": no such file");
        } catch (InvalidProtocolBufferException e) {
            throw new BadInputException(file + ": not a valid ONNX model (protobuf parse failed: "
                    + firstLine(e.getMessage()) + "; the file may be truncated or not ONNX)");
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read (" + e.getMessage() + ")");
        }
        if (!proto.hasGraph() || proto.getIrVersion() <= 0 || proto.getGraph().getNodeCount() == 0
                || proto.getGraph().getOutputCount() == 0) {
            throw new BadInputException(file + ": not an ONNX model (no ir_version, graph, nodes or outputs found)");
        }
        Graph graph = toGraph(proto, file.getFileName().toString(), allowNonFinite);
        try {
            AttributeKinds.check(graph);
        } catch (BadInputException e) {
            throw new BadInputException(file + ": " + e.getMessage(), e);
        }
        return new OnnxModel(file, proto, graph);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    public Path source() {
        return source;
    }

    public ModelProto proto() {
        return proto;
    }

    public Graph graph() {
        return graph;
    }

    /** Writes a model to a temporary file beside the target and moves it into place, so no partial file is left. */
    public static void save(ModelProto model, Path target) {
        AtomicFiles.write(target, model::writeTo);
    }

    // ---- proto -> graph ------------------------------------------------------------------------------------

    static Graph toGraph(ModelProto model, String fileName, boolean allowNonFinite) {
        int opset = -1;
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                opset = (int) o.getVersion();
            }
        }
        if (opset < 0) {
            throw new BadInputException(fileName + ": the model imports no version of the default ONNX operator set");
        }
        GraphProto g = model.getGraph();
        Map<String, Attributes.Constant> inits = new LinkedHashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            Attributes.Constant c = TensorCodec.decode(t, "initializer '" + t.getName() + "' in " + fileName);
            if (!allowNonFinite) {
                refuseNonFinite(c, "initializer '" + t.getName() + "' in " + fileName);
            }
            inits.put(t.getName(), c);
        }
        if (g.getSparseInitializerCount() > 0) {
            throw new BadInputException(fileName + ": sparse initializers are not supported");
        }
        List<ValueInfo> inputs = new ArrayList<>();
        for (ValueInfoProto v : g.getInputList()) {
            if (!inits.containsKey(v.getName())) {
                inputs.add(valueInfo(v, fileName));
            }
        }
        List<ValueInfo> outputs = new ArrayList<>();
        for (ValueInfoProto v : g.getOutputList()) {
            outputs.add(valueInfo(v, fileName));
        }
        List<Node> nodes = new ArrayList<>();
        for (NodeProto n : g.getNodeList()) {
            nodes.add(toNode(n, fileName));
        }
        return new Graph(g.getName(), nodes, inputs, outputs, inits, opset);
    }

    private static void refuseNonFinite(Attributes.Constant c, String where) {
        Tensor t = c.tensor();
        int first = t.firstNonFinite();
        if (first >= 0) {
            int count = t.nonFiniteCount();
            throw new BadInputException(where + " holds " + count + " non-finite value" + (count == 1 ? "" : "s")
                    + " (the first, " + t.data()[first] + ", at index " + Shapes.toString(index(first, t.shape()))
                    + "); weights must be finite numbers (--allow-non-finite runs the model anyway)");
        }
    }

    private static int[] index(int flat, int[] shape) {
        int[] at = new int[shape.length];
        Shapes.unravel(flat, shape, at);
        return at;
    }

    private static ValueInfo valueInfo(ValueInfoProto v, String fileName) {
        TypeProto t = v.getType();
        if (t.hasSequenceType() || t.hasMapType() || t.hasOptionalType() || t.hasSparseTensorType()) {
            throw new BadInputException(fileName + ": value '" + v.getName() + "' is not a dense tensor");
        }
        int code = t.getTensorType().getElemType();
        DType type = DType.fromOnnx(code);
        if (code != 0 && (type == null || type == DType.STRING)) {
            throw new BadInputException(fileName + ": value '" + v.getName() + "' has element type code " + code + " ("
                    + (type == null ? "unknown" : "string") + "); mpq computes on the numeric types and bool");
        }
        int[] dims = new int[t.getTensorType().getShape().getDimCount()];
        for (int i = 0; i < dims.length; i++) {
            TensorShapeProto.Dimension d = t.getTensorType().getShape().getDim(i);
            long size = d.hasDimValue() ? d.getDimValue() : -1;
            if (d.hasDimValue() && (size < 0 || size > Integer.MAX_VALUE)) {
                throw new BadInputException(fileName + ": value '" + v.getName() + "' declares dimension " + size
                        + "; a dimension is a size from 0 to " + Integer.MAX_VALUE);
            }
            dims[i] = (int) size;
        }
        return new ValueInfo(v.getName(), type == null ? DType.FLOAT : type, dims);
    }

    private static Node toNode(NodeProto n, String fileName) {
        // Nameless nodes get a name from their first output so every message can point at them.
        String name = n.getName().isEmpty() && n.getOutputCount() > 0 ? n.getOutput(0) : n.getName();
        Map<String, Object> attrs = new LinkedHashMap<>();
        for (AttributeProto a : n.getAttributeList()) {
            attrs.put(a.getName(), attribute(a, "attribute '" + a.getName() + "' of node '" + name + "' in " + fileName));
        }
        return new Node(name, n.getOpType(), n.getDomain(), n.getInputList(), n.getOutputList(), new Attributes(attrs));
    }

    private static Object attribute(AttributeProto a, String where) {
        AttributeProto.AttributeType type = a.hasType() ? a.getType() : guessType(a);
        return switch (type) {
            case FLOAT -> a.getF();
            case INT -> a.getI();
            case STRING -> a.getS().toString(StandardCharsets.UTF_8);
            case TENSOR -> TensorCodec.decode(a.getT(), where);
            case FLOATS -> {
                float[] f = new float[a.getFloatsCount()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = a.getFloats(i);
                }
                yield f;
            }
            case INTS -> a.getIntsList().stream().mapToLong(Long::longValue).toArray();
            case STRINGS -> a.getStringsList().stream().map(s -> s.toString(StandardCharsets.UTF_8)).toArray(String[]::new);
            // Sub-graphs and the rarer kinds are kept opaque: no supported op reads them.
            default -> a;
        };
    }

    /** Attributes written before IR version 3 may lack the type field; the set field tells. */
    private static AttributeProto.AttributeType guessType(AttributeProto a) {
        if (a.hasF()) return AttributeProto.AttributeType.FLOAT;
        if (a.hasI()) return AttributeProto.AttributeType.INT;
        if (a.hasS()) return AttributeProto.AttributeType.STRING;
        if (a.hasT()) return AttributeProto.AttributeType.TENSOR;
        if (a.getFloatsCount() > 0) return AttributeProto.AttributeType.FLOATS;
        if (a.getIntsCount() > 0) return AttributeProto.AttributeType.INTS;
        if (a.getStringsCount() > 0) return AttributeProto.AttributeType.STRINGS;
        return AttributeProto.AttributeType.UNDEFINED;
    }
}
