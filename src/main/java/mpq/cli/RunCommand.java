package mpq.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import mpq.base.BadInputException;
import mpq.eval.ModelRun;
import mpq.graph.Graph;
import mpq.onnx.OnnxModel;
import mpq.onnx.TensorFiles;
import mpq.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Runs any model once on given input tensors and prints (or writes) every output. Inputs are "
                + "TensorProto files (.pb, as in ONNX's test data) or NumPy arrays (.npy), each of the element type "
                + "and shape the model declares for it.",
                "",
                "Example:",
                "  mpq run model.onnx --input input_ids=ids.npy --input attention_mask=mask.npy --out outputs", ""})
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model.")
    Path model;

    @Option(names = "--input", paramLabel = "NAME=FILE", required = true, description = "An input tensor by the "
            + "model's input name (repeat for several inputs); a model with one input also takes just FILE.")
    List<String> inputs;

    @Option(names = "--out", paramLabel = "DIR", description = "Write output K as DIR/output_K.pb (a TensorProto "
            + "with the output's name and type).")
    Path out;

    @Option(names = "--show", paramLabel = "N", description = "Values of each output to print (default ${DEFAULT-VALUE}).")
    int show = 8;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        Graph g = modelOptions.load(model).graph();
        new CommandFiles().reads(model).readsSpecs(inputs.toArray(String[]::new)).writesIn(out,
                java.util.stream.IntStream.range(0, g.outputs().size()).mapToObj(RunCommand::outputFile).toList()).check();
        String name = model.getFileName().toString();
        Map<String, Path> files = new LinkedHashMap<>();
        for (String spec : inputs) {
            int eq = spec.indexOf('=');
            if (eq < 0 && g.inputs().size() != 1) {
                throw new BadInputException("--input " + spec + ": give NAME=FILE; " + name + " has "
                        + g.inputs().size() + " inputs");
            }
            files.put(eq < 0 ? g.inputs().getFirst().name() : spec.substring(0, eq), Path.of(spec.substring(eq + 1)));
        }
        Map<String, Tensor> outputs = ModelRun.run(g, name, files, common.threads());
        List<Map<String, Object>> rows = new ArrayList<>();
        var human = Output.human();
        int k = 0;
        for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
            mpq.tensor.DType declared = g.outputs().get(k).type();
            Tensor t = declared != null && declared != mpq.tensor.DType.STRING ? e.getValue().to(declared) : e.getValue();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", e.getKey());
            row.put("type", t.type().name().toLowerCase(Locale.ROOT));
            row.put("shape", t.shape());
            List<Object> values = new ArrayList<>();
            for (int i = 0; i < Math.min(show, t.size()); i++) {
                values.add(t.isFloat() ? (Object) t.get(i) : (Object) t.getLong(i));
            }
            row.put("values", values);
            if (out != null) {
                Path f = out.resolve(outputFile(k));
                TensorFiles.writePb(f, e.getKey(), t);
                row.put("file", f.toString());
            }
            rows.add(row);
            human.printf("%s %s %s: %s%s%n", e.getKey(), row.get("type"), java.util.Arrays.toString(t.shape()), values,
                    t.size() > show ? " …" : "");
            k++;
        }
        if (common.json) {
            Output.json(Map.of("outputs", rows));
        }
        return 0;
    }

    /** The file of output k in the --out folder, named as in ONNX's test cases. */
    private static String outputFile(int k) {
        return "output_" + k + ".pb";
    }
}
