package mpq.eval;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Map;
import mpq.base.BadInputException;
import mpq.graph.ValueInfo;
import mpq.tensor.DType;
import mpq.tensor.Tensor;

/**
 * ONNX Runtime (Java API) on the CPU, as a reference: used to check mpq's results and exported models and to
 * benchmark against, never for mpq's own computation.
 */
public final class OrtEngine implements InferenceEngine {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String inputName;
    private final InputFeed feed;

    public OrtEngine(Path model, int threads) {
        try {
            env = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
            opts.setIntraOpNumThreads(threads);
            opts.setInterOpNumThreads(1);
            opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            // Idle workers that spin would steal the cores from mpq when the two run interleaved (mpq bench).
            opts.addConfigEntry("session.intra_op.allow_spinning", "0");
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(model.toString(), opts);
            inputName = session.getInputNames().iterator().next();
            TensorInfo info = (TensorInfo) session.getInputInfo().get(inputName).getInfo();
            long[] dims = info.getShape();
            int[] d = new int[dims.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = (int) dims[i];
            }
            feed = session.getInputNames().size() == 1 ? new InputFeed(new ValueInfo(inputName, dtype(info.type), d)) : null;
        } catch (OrtException e) {
            throw new BadInputException(model + ": ONNX Runtime cannot load the model (" + e.getMessage() + ")");
        }
    }

    @Override
    public String name() {
        return "ort";
    }

    @Override
    public Tensor run(Tensor batch) {
        if (feed == null) {
            throw new BadInputException("the model takes " + session.getInputNames().size() + " inputs: give them by name");
        }
        return feed.run(batch, x -> run(Map.of(inputName, x)));
    }

    @Override
    public Tensor run(Map<String, Tensor> inputs) {
        Map<String, OnnxTensor> given = new java.util.LinkedHashMap<>();
        try {
            for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                given.put(e.getKey(), input(e.getValue()));
            }
            return firstOutput(given);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        } finally {
            given.values().forEach(OnnxTensor::close);
        }
    }

    private Tensor firstOutput(Map<String, OnnxTensor> given) {
        try (OrtSession.Result r = session.run(given)) {
            OnnxTensor out = (OnnxTensor) r.get(0);
            long[] os = out.getInfo().getShape();
            int[] dims = new int[os.length];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = (int) os[i];
            }
            FloatBuffer fb = out.getFloatBuffer();
            float[] data = new float[fb.remaining()];
            fb.get(data);
            return new Tensor(dims, data);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    private static DType dtype(OnnxJavaType t) {
        return switch (t) {
            case UINT8 -> DType.UINT8;
            case INT8 -> DType.INT8;
            case INT16 -> DType.INT16;
            case INT32 -> DType.INT32;
            case INT64 -> DType.INT64;
            case DOUBLE -> DType.DOUBLE;
            case BOOL -> DType.BOOL;
            default -> DType.FLOAT;
        };
    }

    /** The batch as an ONNX Runtime tensor of its own type (float32, or 8/32/64-bit integers). */
    private OnnxTensor input(Tensor batch) throws OrtException {
        long[] shape = new long[batch.rank()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = batch.dim(i);
        }
        int n = batch.size();
        return switch (batch.type()) {
            case FLOAT -> OnnxTensor.createTensor(env, FloatBuffer.wrap(batch.data(), 0, n), shape);
            case UINT8, INT8 -> {
                ByteBuffer b = ByteBuffer.allocateDirect(n).order(ByteOrder.nativeOrder());
                for (int i = 0; i < n; i++) {
                    b.put((byte) batch.ints()[i]);
                }
                yield OnnxTensor.createTensor(env, b.flip(), shape,
                        batch.type() == DType.UINT8 ? OnnxJavaType.UINT8 : OnnxJavaType.INT8);
            }
            case INT32 -> {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (int) batch.ints()[i];
                }
                yield OnnxTensor.createTensor(env, IntBuffer.wrap(v), shape);
            }
            case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap(batch.ints(), 0, n), shape);
            default -> throw new BadInputException("ONNX Runtime comparison: inputs of type " + batch.type()
                    + " are not supported");
        };
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
