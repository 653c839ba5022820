package mpq.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import mpq.base.Progress;
import mpq.eval.InterleavedBenchmark;
import mpq.eval.OrtEngine;
import mpq.export.SingleLayerModels;
import mpq.export.SingleLayerModels.Form;
import mpq.graph.Graph;
import mpq.graph.exec.NodeInfo;
import mpq.hardware.LayerShape;
import mpq.onnx.OnnxModel;
import mpq.onnx.OnnxWriter;
import mpq.quant.PostTrainingQuantizer;
import mpq.quant.WeightLayer;
import mpq.tensor.Tensor;

/**
 * Each weight layer's latency in ONNX Runtime on this machine, in every form the runtime executes differently
 * ({@link SingleLayerModels}: float, int8 weights on its integer kernels, int4 weights dequantized per run): each
 * layer alone at the given batch, every layer and form timed once per round for several rounds after a warm-up, the
 * median per layer and form.
 * {@link #table} turns it into a cost table for the search: a (w, a) cell costs what mpq's export makes of it —
 * weights of 5–8 bits stored in int8, of 2–4 bits in int4 (in int8 with int8Weights, as export --int8-weights) —
 * and activations of every width run as uint8, so a does not change the latency.
 *
 * @param ms per layer, the median milliseconds per batch of each form
 */
public record LatencyProfile(int batch, int threads, List<String> layers, List<String> opTypes,
                             List<Map<Form, Double>> ms) {
    public static LatencyProfile measure(Graph model, int batch, int threads, int runs, double seconds,
                                         Progress progress) {
        Graph g = PostTrainingQuantizer.prepare(model);
        Map<String, NodeInfo> planned = LayerShape.planned(g, batch);
        List<WeightLayer> found = WeightLayer.find(g);
        List<String> names = new ArrayList<>(), types = new ArrayList<>();
        List<Map<Form, OrtEngine>> engines = new ArrayList<>();
        List<Tensor> inputs = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(1);
        try {
            Path dir = Files.createTempDirectory("mpq-profile");
            try {
                for (WeightLayer l : found) {
                    NodeInfo info = planned.get(l.name());
                    int[] in = info.inputShapes().get(l.node().inputs().indexOf(l.input()));
                    int[] out = info.outputShapes().getFirst();
                    Tensor x = Tensor.zeros(in);
                    for (int i = 0; i < x.size(); i++) {
                        x.data()[i] = (float) rnd.nextDouble(0, 4);   // like a ReLU's output on the input grid's range
                    }
                    Map<Form, OrtEngine> forms = new EnumMap<>(Form.class);
                    for (Form f : Form.values()) {
                        Path file = dir.resolve(names.size() + "-" + f + ".onnx");
                        OnnxModel.save(OnnxWriter.toProto(SingleLayerModels.of(g, l, in, out, f),
                                SingleLayerModels.irVersion(), "profile"), file);
                        forms.put(f, new OrtEngine(file, threads));
                    }
                    engines.add(forms);
                    inputs.add(x);
                    names.add(l.name());
                    types.add(l.node().opType());
                }
            } finally {
                try (var files = Files.list(dir)) {
                    for (Path f : files.toList()) {
                        Files.deleteIfExists(f);
                    }
                }
                Files.deleteIfExists(dir);
            }
            return new LatencyProfile(batch, threads, names, types, time(engines, inputs, runs, seconds, progress));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            engines.forEach(m -> m.values().forEach(OrtEngine::close));
        }
    }

    /**
     * Warms every layer's forms up and picks how many batches make a run of about `seconds`; then rounds, each
     * timing every layer in every form once, so that a disturbance (the JIT compiler, another process) spoils one
     * round of many layers rather than every round of one; the median per layer and form.
     */
    private static List<Map<Form, Double>> time(List<Map<Form, OrtEngine>> engines, List<Tensor> inputs, int runs,
                                                double seconds, Progress progress) {
        int layers = engines.size();
        int[][] iterations = new int[layers][Form.values().length];
        List<List<List<Double>>> samples = new ArrayList<>();
        progress.start("profile layers", (long) layers * (runs + 1));
        try {
            for (int l = 0; l < layers; l++) {
                List<List<Double>> perForm = new ArrayList<>();
                for (Form f : Form.values()) {
                    OrtEngine e = engines.get(l).get(f);
                    long t0 = System.nanoTime();
                    int n = 0;
                    while (n < 3 || System.nanoTime() - t0 < 2e9 * seconds) {
                        e.run(inputs.get(l));
                        n++;
                    }
                    iterations[l][f.ordinal()] = (int) Math.max(1, Math.round(seconds * n / ((System.nanoTime() - t0) / 1e9)));
                    perForm.add(new ArrayList<>());
                }
                samples.add(perForm);
                progress.advance(1);
            }
            for (int r = 0; r < runs; r++) {
                for (int l = 0; l < layers; l++) {
                    for (Form f : Form.values()) {
                        OrtEngine e = engines.get(l).get(f);
                        int n = iterations[l][f.ordinal()];
                        long t0 = System.nanoTime();
                        for (int i = 0; i < n; i++) {
                            e.run(inputs.get(l));
                        }
                        samples.get(l).get(f.ordinal()).add((System.nanoTime() - t0) / 1e6 / n);
                    }
                    progress.advance(1);
                }
            }
        } finally {
            progress.close();
        }
        List<Map<Form, Double>> out = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            Map<Form, Double> m = new EnumMap<>(Form.class);
            for (Form f : Form.values()) {
                m.put(f, InterleavedBenchmark.median(samples.get(l).get(f.ordinal())));
            }
            out.add(m);
        }
        return out;
    }

    /** The storage form mpq's export gives w-bit weights. */
    public static Form formOf(int weightBits, boolean int8Weights) {
        return weightBits <= 4 && !int8Weights ? Form.INT4 : Form.INT8;
    }

    /**
     * A cost table ({@code mpq.hardware.TableCost}'s format) in ms per batch: every layer at every (w, a) of 2–8 bits,
     * and, for people, each form's time and what the table was measured with.
     */
    public ObjectNode table(boolean int8Weights, String engine, String machine) {
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("resource", "latency");
        root.put("unit", "ms");
        root.put("engine", engine);
        root.put("batch", batch);
        root.put("threads", threads);
        root.put("machine", machine);
        root.put("weights_2_to_4_bits", int8Weights ? "int8" : "int4");
        ObjectNode cells = root.putObject("layers"), forms = root.putObject("forms");
        for (int l = 0; l < layers.size(); l++) {
            ObjectNode c = cells.putObject(layers.get(l)), f = forms.putObject(layers.get(l));
            f.put("op_type", opTypes.get(l));
            for (Form form : Form.values()) {
                f.put(form.name().toLowerCase(java.util.Locale.ROOT), ms.get(l).get(form));
            }
            for (int w = 2; w <= 8; w++) {
                for (int a = 2; a <= 8; a++) {
                    c.put("w" + w + "a" + a, ms.get(l).get(formOf(w, int8Weights)));
                }
            }
        }
        return root;
    }
}
