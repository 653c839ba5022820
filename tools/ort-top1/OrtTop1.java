import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * An ONNX Runtime check that shares no code with mpq: top-1 of a CIFAR-10-shaped model on a CIFAR-10 binary file,
 * with ONNX Runtime's default session options (all graph optimizations, as a user deploys), optionally writing one
 * predicted class per line so that two runs (or mpq's own predictions) can be compared image by image.
 *
 * <pre>
 * java -cp ~/.m2/repository/com/microsoft/onnxruntime/onnxruntime/1.29.0/onnxruntime-1.29.0.jar \
 *     tools/ort-top1/OrtTop1.java MODEL.onnx test_batch.bin [--scale 255 --mean a,b,c --std a,b,c]
 *     [--threads 2] [--opt all|extended|basic|none] [--predictions FILE]
 * </pre>
 */
public final class OrtTop1 {
    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]), data = Path.of(args[1]);
        float scale = 1;
        float[] mean = {0, 0, 0}, std = {1, 1, 1};
        int threads = 2;
        String opt = "all";
        Path predictions = null;
        for (int i = 2; i < args.length; i += 2) {
            switch (args[i]) {
                case "--scale" -> scale = Float.parseFloat(args[i + 1]);
                case "--mean" -> mean = floats(args[i + 1]);
                case "--std" -> std = floats(args[i + 1]);
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                case "--opt" -> opt = args[i + 1];
                case "--predictions" -> predictions = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        byte[] raw = Files.readAllBytes(data);
        int record = 1 + 3 * 32 * 32, n = raw.length / record, batch = 100;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int correct = 0;
        int[] predicted = new int[n];
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(threads);
            o.setOptimizationLevel(switch (opt) {
                case "none" -> OrtSession.SessionOptions.OptLevel.NO_OPT;
                case "basic" -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
                case "extended" -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
                default -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
            });
            try (OrtSession s = env.createSession(model.toString(), o)) {
                String input = s.getInputNames().iterator().next();
                for (int from = 0; from < n; from += batch) {
                    int b = Math.min(batch, n - from);
                    float[] x = new float[b * 3 * 1024];
                    for (int i = 0; i < b; i++) {
                        int base = (from + i) * record + 1;
                        for (int c = 0; c < 3; c++) {
                            for (int p = 0; p < 1024; p++) {
                                float v = (raw[base + c * 1024 + p] & 0xff) / scale;
                                x[(i * 3 + c) * 1024 + p] = (v - mean[c]) / std[c];
                            }
                        }
                    }
                    try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {b, 3, 32, 32});
                         OrtSession.Result r = s.run(Map.of(input, t))) {
                        float[][] logits = (float[][]) r.get(0).getValue();
                        for (int i = 0; i < b; i++) {
                            int best = 0;
                            for (int k = 1; k < logits[i].length; k++) {
                                if (logits[i][k] > logits[i][best]) {
                                    best = k;
                                }
                            }
                            predicted[from + i] = best;
                            correct += best == (raw[(from + i) * record] & 0xff) ? 1 : 0;
                        }
                    }
                }
            }
        }
        System.out.printf("%s: top-1 %.2f%% (%d/%d), ONNX Runtime %s, opt %s%n", model.getFileName(), 100.0 * correct / n,
                correct, n, env.getVersion(), opt);
        if (predictions != null) {
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(predictions))) {
                for (int p : predicted) {
                    w.println(p);
                }
            }
        }
    }

    private static float[] floats(String s) {
        String[] p = s.split(",");
        float[] f = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            f[i] = Float.parseFloat(p[i]);
        }
        return f;
    }

    private OrtTop1() {}
}
