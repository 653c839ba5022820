package mpq.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mpq.base.AtomicFiles;
import mpq.base.BadInputException;
import mpq.eval.EvalResult;
import mpq.hardware.Budget;
import mpq.pipeline.ExportReport;
import mpq.pipeline.SearchCurve;
import mpq.pipeline.SearchResult;
import mpq.pipeline.SearchSpec;
import mpq.pipeline.StageTimer;
import mpq.quant.Bits;
import mpq.quant.QuantConfig;
import mpq.quant.RecipeJson;
import mpq.quant.SparqStatistics;
import mpq.report.SearchReport;
import mpq.sensitivity.RankCorrelation;
import mpq.sensitivity.SensitivityTable;

/** What mpq search prints and writes: the JSON object, the human table, bits.json, recipe.json and report.html. */
final class SearchOutput {
    private final SearchCommand cmd;
    private final SearchSpec spec;
    private final QuantConfig base;
    private final SearchResult r;
    private final EvalResult top1;
    private final ExportReport exported;
    private final SearchCurve curve;
    private final RankCorrelation rank;
    private final Map<String, Object> json;
    private final List<SparqStatistics.Layer> sparsity;

    SearchOutput(SearchCommand cmd, SearchSpec spec, QuantConfig base, SearchResult r, EvalResult top1,
                 ExportReport exported, SearchCurve curve, List<SparqStatistics.Layer> sparsity) {
        this.sparsity = sparsity;
        this.cmd = cmd;
        this.spec = spec;
        this.base = base;
        this.r = r;
        this.top1 = top1;
        this.exported = exported;
        this.curve = curve;
        this.rank = cmd.rankAgainst == null ? null : rankCorrelation(cmd.rankAgainst, r.table());
        this.json = json();
    }

    private Map<String, Object> json() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("model", cmd.model.toString());
        j.put("metric", spec.metric());
        j.put("allocator", spec.allocator());
        j.put("target", base.target().name());
        j.put("w_bits", spec.weightBits());
        j.put("a_bits", spec.actBits());
        if (base.sparq() != null) {
            j.put("sparq", Output.fields("bits", base.sparq().bits(), "windows", base.sparq().placements().label(),
                    "round", base.sparq().rounding().label(), "vsparq", base.sparq().pairs(), "layers",
                    sparsity.stream().map(QuantizeOutput::json).toList()));
        }
        List<Map<String, Object>> bl = new ArrayList<>();
        List<Budget> budgets = r.allocated().budgets();
        for (int i = 0; i < budgets.size(); i++) {
            bl.add(Output.fields("resource", budgets.get(i).model().resource(), "limit", budgets.get(i).limit(),
                    "used", r.allocated().allocation().cost()[i], "unit", budgets.get(i).model().unit()));
        }
        j.put("budgets", bl);
        List<Map<String, Object>> acc = accelerators();
        if (!acc.isEmpty()) {
            j.put("accelerators", acc);
        }
        Map<String, Object> bitsJson = new LinkedHashMap<>();
        r.bits().forEach((name, b) -> {
            Map<String, Object> x = Output.fields("w", b.w(), "a", b.a());
            if (r.sensitivities().compared()) {
                x.put("weight_estimator", estimatorOf(name, b));
            }
            bitsJson.put(name, x);
        });
        j.put("bits", bitsJson);
        j.put("ties", r.allocated().ties().stream().map(List::copyOf).toList());
        j.put("total_sensitivity", r.allocated().allocation().sensitivity());
        double gap = r.allocated().allocation().gap();
        j.put("optimality_gap", Double.isNaN(gap) ? null : gap);   // NaN: a heuristic that bounds nothing
        j.put("sensitivities", r.table().toJson());
        if (rank != null) {
            Map<String, Object> rj = new LinkedHashMap<>();
            rj.put("against", cmd.rankAgainst.toString());
            rj.put("cells", rank.cells().stream().map(Bits::toString).toList());
            rj.put("spearman", rank.perCell());
            rj.put("mean", rank.mean());
            j.put("rank_correlation", rj);
        }
        j.put("weight_bytes", r.weightBytes());
        j.put("bops", r.bops());
        j.put("search_seconds", r.stageSeconds().values().stream().mapToDouble(Double::doubleValue).sum());
        if (top1 != null) {
            j.put("top1", top1.top1());
            j.put("top1_correct", top1.top1Correct());
            j.put("eval_images", top1.count());
        }
        if (exported != null) {
            j.put("export", ExportOutput.json(exported, String.valueOf(cmd.eval)));
        }
        return j;
    }

    /** The estimator a layer's chosen cell was measured with (fixed layers keep the configuration's). */
    private String estimatorOf(String layer, Bits b) {
        return r.table().indexOf(b) >= 0 ? r.sensitivities().estimatorOf(layer, b) : base.defaults().weightEstimator();
    }

    /** The files writeFiles puts in the --out folder. */
    static final List<String> FILES = List.of("bits.json", "recipe.json", "report.html");

    void writeFiles(Path out) {
        AtomicFiles.write(out.resolve("bits.json"), o -> Output.writeJson(o, json));
        ObjectNode recipe = RecipeJson.toJson(r.recipe());
        recipe.put("model", cmd.model.toString());
        RecipeJson.write(recipe, out.resolve("recipe.json"));
        Map<String, String> summary = new LinkedHashMap<>();
        summary.put("model", cmd.model.toString());
        summary.put("metric / allocator", spec.metric() + " / " + spec.allocator());
        summary.put("target", base.target().name());
        summary.put("activation bits", joined(spec.actBits()));
        if (base.sparq() != null) {
            summary.put("SPARQ windows", base.sparq().label());
        }
        summary.put("weight bytes", String.format("%,d", r.weightBytes()));
        if (top1 != null) {
            summary.put("top-1", String.format("%.2f%% (%d/%d)", 100 * top1.top1(), top1.top1Correct(), top1.count()));
        }
        if (exported != null && exported.check() != null) {
            summary.put("export", ExportOutput.checkLine(exported, cmd.eval.toString()));
        }
        List<Bits> chosen = r.table().layers().stream().map(r.bits()::get).toList();
        String html = SearchReport.html("mpq search: " + cmd.model.getFileName(), summary, r.table(), chosen,
                curve == null ? List.of() : curve.mixed(), curve == null ? List.of() : curve.uniform(),
                cmd.eval == null ? "" : cmd.eval.getFileName().toString(), sparsity);
        AtomicFiles.write(out.resolve("report.html"), o -> o.write(html.getBytes(StandardCharsets.UTF_8)));
    }

    void print(StageTimer stages) {
        json.put("stage_seconds", stages.seconds());
        if (cmd.common.json) {
            Output.json(json);
        } else {
            printHuman();
        }
        if (exported != null && !cmd.common.json) {
            ExportOutput.print(exported, cmd.eval == null ? null : cmd.eval.toString());
        }
        if (cmd.common.verbose) {
            Output.human().println("stages: " + stages.summary());
        }
    }

    private void printHuman() {
        var o = Output.human();
        SensitivityTable table = r.table();
        boolean mixedActs = Bits.actWidths(table.cells()).length > 1;
        o.printf("%s: %s sensitivities, %s allocation, A%s%s, target %s, %.1f s%n%n", cmd.model.getFileName(),
                spec.metric(), spec.allocator(), joined(spec.actBits()),
                base.sparq() == null ? "" : " read through SPARQ windows (" + base.sparq().label() + ")",
                base.target().name(), json.get("search_seconds"));
        List<String> header = new ArrayList<>(List.of("layer", "w bits"));
        if (mixedActs) {
            header.add("a bits");
        }
        if (r.sensitivities().compared()) {
            header.add("w estimator");
        }
        for (Bits c : table.cells()) {
            header.add("sens@" + (mixedActs ? c.toString() : Integer.toString(c.w())));
        }
        Output.Table t = new Output.Table(header.toArray(String[]::new));
        for (int l = 0; l < table.layers().size(); l++) {
            String name = table.layers().get(l);
            Bits b = r.bits().get(name);
            List<Object> row = new ArrayList<>(List.of(name, b.w()));
            if (mixedActs) {
                row.add(b.a());
            }
            if (r.sensitivities().compared()) {
                row.add(estimatorOf(name, b));
            }
            for (int k = 0; k < table.cells().size(); k++) {
                row.add(String.format("%.3g", table.value(l, k)));
            }
            t.add(row.toArray());
        }
        t.print(o);
        List<Budget> budgets = r.allocated().budgets();
        for (int i = 0; i < budgets.size(); i++) {
            o.printf("%s: %.6g of %.6g %s%n", budgets.get(i).model().resource(), r.allocated().allocation().cost()[i],
                    budgets.get(i).limit(), budgets.get(i).model().unit());
        }
        for (Map<String, Object> a : accelerators()) {
            o.printf("%s: latency %.4g ms (W8A8 %.4g), energy %.4g mJ (W8A8 %.4g) per batch of %s%n", a.get("name"),
                    a.get("latency_ms"), a.get("w8a8_latency_ms"), a.get("energy_mj"), a.get("w8a8_energy_mj"),
                    a.get("batch"));
        }
        for (Set<String> group : r.allocated().ties()) {
            o.println("tied: " + String.join(" = ", group));
        }
        if (Double.isNaN(r.allocated().allocation().gap())) {
            o.printf("the allocator is a heuristic: this allocation is not proven optimal%n");
        } else if (r.allocated().allocation().gap() > 0) {
            o.printf("the allocator stopped at its time limit before proving this allocation optimal (relative gap "
                    + "to its lower bound: %.3g)%n", r.allocated().allocation().gap());
        }
        o.printf("weights: %,d bytes; %.4g GBOPs per example%n", r.weightBytes(), r.bops() / 1e9);
        if (top1 != null) {
            o.printf("top-1: %.2f%% (%d/%d)%n", 100 * top1.top1(), top1.top1Correct(), top1.count());
        }
        if (rank != null) {
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < rank.cells().size(); k++) {
                Bits c = rank.cells().get(k);
                sb.append(String.format("%s%s %.3f", k == 0 ? "" : ", ", mixedActs ? c.toString() : c.w() + "-bit",
                        rank.perCell()[k]));
            }
            o.printf("Spearman rank correlation of the layers' sensitivities with %s: %s (mean %.3f)%n",
                    cmd.rankAgainst.getFileName(), sb, rank.mean());
        }
    }

    private static String joined(int[] v) {
        return String.join(",", java.util.Arrays.stream(v).mapToObj(Integer::toString).toList());
    }

    private static RankCorrelation rankCorrelation(Path earlier, SensitivityTable table) {
        try {
            SensitivityTable other = SensitivityTable.fromJson(new ObjectMapper().readTree(Files.readAllBytes(earlier))
                    .get("sensitivities"));
            return RankCorrelation.of(table, other);
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new BadInputException(earlier + ": not the --json output of an mpq search on the same layers and "
                    + "bit-widths (" + e.getMessage() + ")");
        }
    }

    /** Latency and energy of the chosen bits and of uniform W8A8 on each accelerator a budget counts on. */
    private List<Map<String, Object>> accelerators() {
        List<Map<String, Object>> out = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        List<mpq.hardware.LayerShape> shapes = null;
        for (Budget b : r.allocated().budgets()) {
            if (!(b.model() instanceof mpq.hardware.AcceleratorCost c) || !seen.add(c.accelerator().name())) {
                continue;
            }
            if (shapes == null) {
                shapes = mpq.hardware.LayerShape.of(r.allocated().quantization().floatGraph());
            }
            mpq.hardware.Accelerator a = c.accelerator();
            double lat = 0, energy = 0, lat8 = 0, energy8 = 0;
            for (mpq.hardware.LayerShape l : shapes) {
                mpq.quant.Bits bits = r.bits().get(l.name());
                if (bits != null) {
                    lat += a.latencyMs(l, bits.w(), bits.a());
                    energy += a.energyMj(l, bits.w(), bits.a());
                }
                lat8 += a.latencyMs(l, 8, 8);
                energy8 += a.energyMj(l, 8, 8);
            }
            out.add(Output.fields("name", a.name(), "batch", a.batch(), "latency_ms", lat, "energy_mj", energy,
                    "w8a8_latency_ms", lat8, "w8a8_energy_mj", energy8));
        }
        return out;
    }
}
