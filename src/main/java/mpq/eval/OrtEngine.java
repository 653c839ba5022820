package mpq.eval;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import mpq.base.BadInputException;
import mpq.tensor.Tensor;

/**
 * ONNX Runtime (Java API) on the CPU, as a reference: used to check mpq's results and exported models and to
 * benchmark against, never for mpq's own computation.
 */
public final class OrtEngine implements InferenceEngine {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String inputName;

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
            if (session.getInputNames().size() != 1) {
                throw new BadInputException(model + ": ONNX Runtime comparison needs a model with one input, this one has "
                        + session.getInputNames().size());
            }
            inputName = session.getInputNames().iterator().next();
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
        long[] shape = new long[batch.rank()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = batch.dim(i);
        }
        try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(batch.data(), 0, batch.size()), shape);
             OrtSession.Result r = session.run(Map.of(inputName, in))) {
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

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
