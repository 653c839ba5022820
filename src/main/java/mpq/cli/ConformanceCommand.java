package mpq.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import mpq.eval.BackendTestCase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "conformance", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Runs ONNX backend test cases (a folder with model.onnx and test_data_set_N/input_K.pb, "
                + "output_K.pb, as in Debian's libonnx-testdata) on mpq's engine and checks every output: the "
                + "same element type and shape, floats within rtol 1e-3 / atol 1e-5, everything else exactly. "
                + "Prints each case as passed, failed (with the first difference) or unsupported (naming the op), "
                + "and the totals.",
                "",
                "Example:",
                "  mpq conformance /usr/share/libonnx-testdata/data/node --out computed", ""})
final class ConformanceCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", arity = "1..*", description = "Test cases, or folders of them.")
    List<Path> dirs;

    @Option(names = "--out", paramLabel = "OUT", description = "Write what mpq computed as "
            + "OUT/<case>/test_data_set_N/output_K.pb (OUT may exist and hold other files).")
    Path out;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        if (out != null) {
            mpq.base.OutputPaths.refuseInsideInputs(out, dirs);
        }
        List<BackendTestCase.Result> results = new ArrayList<>();
        Map<String, Map<BackendTestCase.Status, Integer>> byFolder = new TreeMap<>();
        ConsoleProgress progress = new ConsoleProgress();
        for (Path dir : dirs) {
            List<Path> cases = BackendTestCase.casesIn(dir);
            progress.start("conformance " + dir.getFileName(), cases.size());
            for (Path c : cases) {
                Path o = out == null ? null : out.resolve(c.getFileName().toString());
                BackendTestCase.Result r = BackendTestCase.run(c, o, common.threads());
                results.add(r);
                byFolder.computeIfAbsent(dir.toString(), k -> new EnumMap<>(BackendTestCase.Status.class))
                        .merge(r.status(), 1, Integer::sum);
                progress.advance(1);
            }
            progress.close();
        }
        Map<BackendTestCase.Status, Integer> totals = new EnumMap<>(BackendTestCase.Status.class);
        results.forEach(r -> totals.merge(r.status(), 1, Integer::sum));
        if (common.json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("cases", results.stream().map(r -> {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("name", r.name());
                o.put("status", r.status().name().toLowerCase(java.util.Locale.ROOT));
                if (r.detail() != null) {
                    o.put("detail", r.detail());
                }
                return o;
            }).toList());
            j.put("folders", byFolder);
            j.put("passed", totals.getOrDefault(BackendTestCase.Status.PASSED, 0));
            j.put("failed", totals.getOrDefault(BackendTestCase.Status.FAILED, 0));
            j.put("unsupported", totals.getOrDefault(BackendTestCase.Status.UNSUPPORTED, 0));
            j.put("total", results.size());
            Output.json(j);
        } else {
            var o = Output.human();
            for (BackendTestCase.Result r : results) {
                o.printf("%-11s %s%s%n", r.status().name().toLowerCase(java.util.Locale.ROOT), r.name(),
                        r.detail() == null ? "" : ": " + r.detail());
            }
            byFolder.forEach((f, m) -> o.printf("%s: %s%n", f, m));
            o.printf("passed %d, failed %d, unsupported %d of %d%n", totals.getOrDefault(BackendTestCase.Status.PASSED, 0),
                    totals.getOrDefault(BackendTestCase.Status.FAILED, 0),
                    totals.getOrDefault(BackendTestCase.Status.UNSUPPORTED, 0), results.size());
        }
        return 0;
    }
}
