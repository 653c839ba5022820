package mpq.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import mpq.graph.Graph;
import mpq.graph.ValueInfo;
import mpq.graph.exec.NodeInfo;
import mpq.graph.exec.Plan;
import mpq.graph.op.Ops;
import mpq.onnx.OnnxModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "inspect", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Per-layer table of a model: name, op, input and output shapes, parameters and "
                + "multiply-accumulates (for one example; unknown dimensions are taken as 1), with totals.", ""})
final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model.")
    Path model;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        OnnxModel m = modelOptions.load(model);
        Graph g = m.graph();
        Ops.requireSupported(g);
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (ValueInfo in : g.inputs()) {
            shapes.put(in.name(), Arrays.stream(in.dims()).map(d -> d < 0 ? 1 : d).toArray());
        }
        Plan plan = new Plan(g, shapes, Set.of());
        long params = 0;
        long macs = 0;
        List<Map<String, Object>> layers = new ArrayList<>();
        Output.Table t = new Output.Table("name", "op", "inputs", "outputs", "params", "MACs");
        for (NodeInfo n : plan.nodes()) {
            if (n.folded()) {
                continue;
            }
            macs += n.macs();
            params += n.params();
            t.add(n.node().name(), n.node().opType(), shapes(n.inputShapes()), shapes(n.outputShapes()), n.params(), n.macs());
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("name", n.node().name());
            l.put("op", n.node().opType());
            l.put("inputs", n.inputShapes());
            l.put("outputs", n.outputShapes());
            l.put("params", n.params());
            l.put("macs", n.macs());
            layers.add(l);
        }
        if (common.json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("model", model.toString());
            j.put("opset", g.opset());
            j.put("inputs", g.inputs().stream().map(v -> Output.fields("name", v.name(), "shape", v.dims())).toList());
            j.put("outputs", g.outputs().stream().map(v -> Output.fields("name", v.name(), "shape", v.dims())).toList());
            j.put("layers", layers);
            j.put("total_params", params);
            j.put("total_macs", macs);
            Output.json(j);
        } else {
            var out = Output.human();
            out.printf("%s: opset %d, %d nodes%n", model.getFileName(), g.opset(), g.nodes().size());
            for (ValueInfo in : g.inputs()) {
                out.printf("input  %s %s%n", in.name(), in.shapeString());
            }
            for (ValueInfo o : g.outputs()) {
                out.printf("output %s %s%n", o.name(), o.shapeString());
            }
            out.println();
            t.print(out);
            out.printf("%ntotal: %,d parameters (%.2f MB as float32), %,d MACs per example%n", params, params * 4 / 1e6, macs);
        }
        return 0;
    }

    private static String shapes(List<int[]> s) {
        return s.stream().map(Arrays::toString).collect(Collectors.joining(" ")).replace(" ", "");
    }
}
