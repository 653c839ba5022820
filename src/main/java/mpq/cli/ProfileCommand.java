package mpq.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import mpq.base.AtomicFiles;
import mpq.base.BadInputException;
import mpq.export.SingleLayerModels.Form;
import mpq.graph.Graph;
import mpq.pipeline.LatencyProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "profile", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Measures each weight layer's latency in ONNX Runtime on this machine, in every form the runtime "
                + "executes differently: float, int8 weights (its integer kernels) and int4 weights (dequantized every "
                + "run). Each layer runs alone at --batch, with uint8 QDQ input and output as mpq's exports have "
                + "them; after a warm-up, each of --runs rounds times every layer in every form once (a "
                + "disturbance spoils one round, not one layer), and the medians are kept.",
                "The output is a cost table for search and compare-methods (--cost-table F with --latency or "
                        + "--latency-fraction): a layer at (w, a) costs its int8 time for 5–8-bit weights and its "
                        + "int4 time for 2–4-bit ones (int8 with --int8-weights, as export --int8-weights stores "
                        + "them); activations of any width run as uint8.",
                "",
                "Example:",
                "  mpq profile resnet20_cifar10.onnx --engine ort --batch 1 -o resnet20-ort.json", ""})
final class ProfileCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model (float32).")
    Path model;

    @Option(names = "--engine", paramLabel = "E", description = "The runtime to measure: ort (ONNX Runtime, the "
            + "only one so far; default: ${DEFAULT-VALUE}).")
    String engine = "ort";

    @Option(names = "--batch", paramLabel = "B", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch = 1;

    @Option(names = "--runs", paramLabel = "R", description = "Timed rounds per layer and form, at least 5 "
            + "(default: ${DEFAULT-VALUE}).")
    int runs = 7;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", required = true, description = "Where to write the cost "
            + "table (JSON).")
    Path out;

    @Option(names = "--seconds", paramLabel = "S", description = "Approximate length of one timed run "
            + "(default: ${DEFAULT-VALUE}).")
    double seconds = 0.05;

    @Option(names = "--int8-weights", description = "Cost 2–4-bit weights at their int8 time (for models exported "
            + "with export --int8-weights).")
    boolean int8Weights;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        if (!engine.equals("ort")) {
            throw new BadInputException("--engine '" + engine + "': only ort (ONNX Runtime) can be profiled");
        }
        if (batch < 1 || runs < 5 || !(seconds > 0)) {
            throw new BadInputException("--batch must be ≥ 1, --runs ≥ 5 and --seconds > 0");
        }
        new CommandFiles().reads(model).writes(out).check();
        Graph g = modelOptions.loadFloat(model);
        LatencyProfile p = LatencyProfile.measure(g, batch, common.threads(), runs, seconds, new ConsoleProgress());
        var table = p.table(int8Weights, "onnxruntime " + ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion(),
                machine());
        AtomicFiles.write(out, o -> Output.writeJson(o, table));
        if (common.json) {
            Output.json(table);
            return 0;
        }
        var o = Output.human();
        o.printf("ONNX Runtime, batch %d, %d threads, median ms per batch over %d runs (%s)%n", batch, common.threads(),
                runs, machine());
        o.printf("%-44s %8s %9s %9s %7s %7s%n", "layer", "op", "float", "int8", "int4", "int8×");
        double[] total = new double[3];
        for (int l = 0; l < p.layers().size(); l++) {
            Map<Form, Double> t = p.ms().get(l);
            o.printf("%-44s %8s %9.4f %9.4f %7.4f %7.2f%n", p.layers().get(l), p.opTypes().get(l), t.get(Form.FLOAT),
                    t.get(Form.INT8), t.get(Form.INT4), t.get(Form.FLOAT) / t.get(Form.INT8));
            for (Form f : Form.values()) {
                total[f.ordinal()] += t.get(f);
            }
        }
        o.printf("%-44s %8s %9.4f %9.4f %7.4f %7.2f%n", "sum of the layers", "", total[0], total[1], total[2],
                total[0] / total[1]);
        o.printf("wrote %s (use: search … --cost-table %s --latency-fraction R)%n", out, out);
        return 0;
    }

    /** The CPU kind, as the figures depend on it. */
    static String machine() {
        List<String> flags = new ArrayList<>();
        try {
            String info = java.nio.file.Files.readString(Path.of("/proc/cpuinfo"));
            for (String f : List.of("avx512f", "avx512_vnni", "avx_vnni", "avx2")) {
                if (info.contains(" " + f + " ") || info.contains(" " + f + "\n")) {
                    flags.add(f);
                }
            }
        } catch (java.io.IOException | SecurityException e) {
            return System.getProperty("os.arch");
        }
        return System.getProperty("os.arch") + (flags.isEmpty() ? "" : " " + String.join(" ", flags));
    }
}
