package mpq.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import mpq.base.BadInputException;
import mpq.data.Batches;
import mpq.data.Preprocess;
import mpq.graph.Graph;
import mpq.graph.ValueInfo;
import mpq.data.ModelInput;
import mpq.quant.WeightLayer;
import mpq.sensitivity.HessianOperator;
import mpq.sensitivity.Hutchinson;
import mpq.sensitivity.PowerIteration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "hessian", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Second-order sensitivity of every weight layer (Conv, Gemm, MatMul; the weight tensor only) "
                + "for the loss = mean cross-entropy over labelled calibration images:",
                "  eig    the top Hessian eigenvalue per layer by power iteration (HAWQ)",
                "  trace  the Hessian trace per layer by Hutchinson's estimator with Rademacher vectors (HAWQ-V2),",
                "         with its standard error; one product serves every layer at once.",
                "Hessian-vector products are differences of gradients (see HessianOperator): central over all the",
                "data for eig; for trace each sample uses one calibration batch in turn and a one-sided difference.",
                "",
                "Example:",
                "  mpq hessian resnet20_cifar10.onnx --calib train_subset.bin --metric trace \\",
                "      --calib-limit 512 --scale 255 --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225", ""})
final class HessianCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model (float32).")
    Path model;

    @Option(names = "--metric", required = true, paramLabel = "M", description = "eig or trace.")
    String metric;

    @Option(names = "--tol", paramLabel = "T", description = "Stop when the estimate changes by less than T "
            + "relatively (default: ${DEFAULT-VALUE}).")
    double tol = 1e-3;

    @Option(names = "--max-iter", paramLabel = "N", description = "At most N Hessian-vector products per layer (eig) "
            + "or in all (trace) (default: ${DEFAULT-VALUE}).")
    int maxIter = 100;

    @Mixin
    CalibrationOptions calibration;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        if (!metric.equals("eig") && !metric.equals("trace")) {
            throw new BadInputException("--metric must be eig or trace, got '" + metric + "'");
        }
        if (maxIter < 1) {
            throw new BadInputException("--max-iter must be at least 1, got " + maxIter);
        }
        Preprocess pre = dataOptions.preprocess();
        Graph g = modelOptions.loadFloat(model);
        ValueInfo in = ModelInput.single(g, model.toString());
        Batches data = calibration.load(g, in, model.toString(), dataOptions, pre, common.threads());
        if (!data.hasLabels()) {
            throw new BadInputException(calibration.calib + ": has no labels; the Hessian is of the cross-entropy "
                    + "loss, which needs them");
        }
        List<WeightLayer> layers = WeightLayer.find(g);
        if (layers.isEmpty()) {
            throw new BadInputException(model + ": no Conv, Gemm or MatMul layer with constant weights");
        }
        ConsoleProgress progress = new ConsoleProgress();
        long t0 = System.nanoTime();
        List<Map<String, Object>> rows = new ArrayList<>();
        if (metric.equals("eig")) {
            for (WeightLayer l : layers) {
                try (HessianOperator h = new HessianOperator(g, List.of(l.weight()), data, common.threads())) {
                    progress.start("eig " + l.name(), maxIter);
                    PowerIteration.Result r = PowerIteration.topEigenvalue(h, calibration.seed, tol, maxIter, progress);
                    progress.close();
                    rows.add(row(l, g, "eig", r.eigenvalue(), Double.NaN, r.iterations(), r.converged()));
                }
            }
        } else {
            List<String> weights = layers.stream().map(WeightLayer::weight).toList();
            try (HessianOperator h = new HessianOperator(g, weights, data, common.threads())) {
                progress.start("trace", maxIter);
                Hutchinson.Result r = Hutchinson.traces(h, calibration.seed, tol, maxIter, progress);
                progress.close();
                for (int i = 0; i < layers.size(); i++) {
                    rows.add(row(layers.get(i), g, "trace", r.traces()[i], r.standardErrors()[i], r.samples(),
                            r.converged()));
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (common.json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("model", model.toString());
            j.put("metric", metric);
            j.put("calib", calibration.calib.toString());
            j.put("calib_images", data.examples());
            j.put("seed", calibration.seed);
            j.put("tol", tol);
            j.put("max_iter", maxIter);
            j.put("seconds", seconds);
            j.put("loss", "mean cross-entropy");
            j.put("layers", rows);
            Output.json(j);
        } else {
            var o = Output.human();
            o.printf("%s: Hessian %s of the mean cross-entropy over %d images of %s (seed %d), %.1f s%n%n",
                    model.getFileName(), metric.equals("eig") ? "top eigenvalue" : "trace", data.examples(),
                    calibration.calib.getFileName(), calibration.seed, seconds);
            Output.Table t = metric.equals("eig")
                    ? new Output.Table("layer", "params", "eigenvalue", "iterations")
                    : new Output.Table("layer", "params", "trace", "trace/params", "std error", "samples");
            for (Map<String, Object> r : rows) {
                String conv = Boolean.TRUE.equals(r.get("converged")) ? "" : " (max)";
                if (metric.equals("eig")) {
                    t.add(r.get("name"), r.get("params"), String.format("%.5g", (Double) r.get("eig")),
                            r.get("iterations") + conv);
                } else {
                    t.add(r.get("name"), r.get("params"), String.format("%.5g", (Double) r.get("trace")),
                            String.format("%.4g", (Double) r.get("trace_per_param")),
                            String.format("%.3g", (Double) r.get("std_error")), r.get("iterations") + conv);
                }
            }
            t.print(o);
        }
        return 0;
    }

    private static Map<String, Object> row(WeightLayer l, Graph g, String key, double value, double stdError,
                                           int iterations, boolean converged) {
        Map<String, Object> r = new LinkedHashMap<>();
        long params = g.weight(l.weight()).size();
        r.put("name", l.name());
        r.put("op", l.node().opType());
        r.put("params", params);
        r.put(key, value);
        if (key.equals("trace")) {
            r.put("trace_per_param", value / params);
            r.put("std_error", stdError);
        }
        r.put("iterations", iterations);
        r.put("converged", converged);
        return r;
    }
}
