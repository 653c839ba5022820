package mpq.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mpq.base.AtomicFiles;
import mpq.hardware.Budget;
import mpq.pipeline.MethodComparison;
import mpq.report.ComparisonReport;
import mpq.report.Point;

/** What mpq compare-methods prints and writes: the JSON object, the human table, comparison.html and .json. */
final class CompareMethodsOutput {
    private static final List<String> COLUMNS = List.of("metric", "allocator", "refine", "weight bytes", "GBOPs",
            "top-1 %", "seconds");

    private final CompareMethodsCommand cmd;
    private final MethodComparison.Result r;
    private final Map<String, Object> json;

    CompareMethodsOutput(CompareMethodsCommand cmd, MethodComparison.Result r) {
        this.cmd = cmd;
        this.r = r;
        this.json = json();
    }

    private Map<String, Object> json() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("model", cmd.model.toString());
        j.put("eval", cmd.eval.toString());
        List<Map<String, Object>> budgets = new ArrayList<>();
        for (Budget b : r.budgets()) {
            budgets.add(Output.fields("resource", b.model().resource(), "limit", b.limit(), "unit", b.model().unit()));
        }
        j.put("budgets", budgets);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (MethodComparison.Row row : r.rows()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("metric", row.metric());
            o.put("allocator", row.allocator());
            o.put("refine", row.refine());
            o.put("weight_bytes", row.weightBytes());
            o.put("bops", row.bops());
            o.put("top1", row.eval().top1());
            o.put("top1_correct", row.eval().top1Correct());
            o.put("eval_images", row.eval().count());
            o.put("seconds", row.seconds());
            o.put("budgets_used", row.used());
            o.put("command", cmd.searchCommand(row.metric(), row.allocator()));
            rows.add(o);
        }
        j.put("rows", rows);
        j.put("skipped", r.skipped().stream().map(s -> Output.fields("metric", s.metric(), "allocator", s.allocator(),
                "reason", s.reason())).toList());
        j.put("uniform", r.uniform().stream().map(p -> Output.fields("config", p.label(), "weight_bytes", (long) p.weightBytes(),
                "top1", p.top1())).toList());
        return j;
    }

    private List<String> cells(MethodComparison.Row row) {
        return List.of(row.metric(), row.allocator(), row.refine().isEmpty() ? "—" : String.join(",", row.refine()),
                String.format("%,d", row.weightBytes()), String.format("%.4g", row.bops() / 1e9),
                String.format("%.2f", 100 * row.eval().top1()), String.format("%.1f", row.seconds()));
    }

    /** The files writeFiles puts in the --out folder. */
    static final List<String> FILES = List.of("comparison.json", "comparison.html");

    void writeFiles(Path out) {
        AtomicFiles.write(out.resolve("comparison.json"), o -> Output.writeJson(o, json));
        List<ComparisonReport.Row> rows = new ArrayList<>();
        for (MethodComparison.Row row : r.rows()) {
            rows.add(new ComparisonReport.Row(new Point(row.metric() + " / " + row.allocator(), row.weightBytes(),
                    row.eval().top1(), row.eval().count()), cells(row)));
        }
        Map<String, String> summary = new LinkedHashMap<>();
        summary.put("model", cmd.model.toString());
        summary.put("budgets", String.join(", ", r.budgets().stream().map(b -> String.format("%s ≤ %.6g %s",
                b.model().resource(), b.limit(), b.model().unit())).toList()));
        String html = ComparisonReport.html("mpq compare-methods: " + cmd.model.getFileName(), summary, COLUMNS, rows,
                r.uniform(), r.skipped().stream().map(s -> s.metric() + " / " + s.allocator() + ": " + s.reason())
                        .toList(), cmd.eval.getFileName().toString());
        AtomicFiles.write(out.resolve("comparison.html"), o -> o.write(html.getBytes(StandardCharsets.UTF_8)));
    }

    void print() {
        if (cmd.common.json) {
            Output.json(json);
            return;
        }
        var o = Output.human();
        o.printf("%s: %d pairs of methods%n%n", cmd.model.getFileName(), r.rows().size());
        Output.Table t = new Output.Table(COLUMNS.toArray(String[]::new));
        r.rows().forEach(row -> t.add(cells(row).toArray()));
        t.print(o);
        for (Budget b : r.budgets()) {
            o.printf("budget: %s ≤ %.6g %s%n", b.model().resource(), b.limit(), b.model().unit());
        }
        for (Point p : r.uniform()) {
            o.printf("reference: %s, %,d bytes, top-1 %.2f%%%n", p.label(), (long) p.weightBytes(), 100 * p.top1());
        }
        for (MethodComparison.Skipped s : r.skipped()) {
            o.printf("skipped: %s / %s: %s%n", s.metric(), s.allocator(), s.reason());
        }
        o.println();
        o.println("Each row's own command:");
        r.rows().forEach(row -> o.println("  " + cmd.searchCommand(row.metric(), row.allocator())));
    }
}
