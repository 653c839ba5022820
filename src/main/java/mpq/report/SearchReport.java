package mpq.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mpq.quant.Bits;
import mpq.quant.SparqStatistics;
import mpq.sensitivity.SensitivityTable;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * The HTML report of a mixed-precision search: a size–accuracy plot (the mixed-precision frontier at several
 * budgets next to uniform bit-widths), the bits chosen per layer, and a heat-map of the sensitivities, each plot with
 * the layers' names. Plots are inline SVG, so the file stands alone.
 */
public final class SearchReport {
    private SearchReport() {}

    /**
     * @param chosen   per layer of the table, the (w, a) the search gave it
     * @param evalData the evaluation data's name, for the curve's caption
     * @param sparsity what SPARQ's windows meet in each windowed layer's input (empty without SPARQ)
     */
    public static String html(String title, Map<String, String> summary, SensitivityTable table, List<Bits> chosen,
                              List<Point> mixed, List<Point> uniform, String evalData,
                              List<SparqStatistics.Layer> sparsity) {
        StringBuilder h = Html.page(title, summary);
        if (!mixed.isEmpty() || !uniform.isEmpty()) {
            Map<String, List<Point>> series = new LinkedHashMap<>();
            series.put("mixed precision", mixed);
            series.put("uniform", uniform);
            List<Point> all = new ArrayList<>(mixed);
            all.addAll(uniform);
            h.append("<h2>Size against accuracy</h2>\n<p>").append(Html.esc(Html.measuredOn(all, evalData)))
                    .append("</p>\n").append(Html.svg(Html.sizeAccuracy(series, Set.of("mixed precision", "uniform"))));
            h.append(pointsTable(mixed, uniform));
        }
        h.append("<h2>Bits per layer</h2>\n").append(Html.svg(bitsChart(table, chosen)));
        h.append("<h2>Sensitivity (log10) per layer and (weight, activation) bits</h2>\n").append(Html.svg(heatMap(table)));
        h.append(sensitivityTable(table, chosen));
        if (!sparsity.isEmpty()) {
            h.append("<h2>SPARQ windows: what each layer's input holds (calibration data)</h2>\n")
                    .append(sparsityTable(sparsity));
        }
        return Html.end(h);
    }

    private static CategoryChart bitsChart(SensitivityTable table, List<Bits> chosen) {
        CategoryChart c = new CategoryChartBuilder().width(900).height(500).xAxisTitle("layer").yAxisTitle("bits")
                .build();
        c.getStyler().setXAxisLabelRotation(75).setLegendPosition(Styler.LegendPosition.InsideNE);
        c.addSeries("weights", table.layers(), chosen.stream().map(b -> (Number) b.w()).toList());
        if (Bits.actWidths(chosen).length > 1) {
            c.addSeries("input activations", table.layers(), chosen.stream().map(b -> (Number) b.a()).toList());
        } else {
            c.getStyler().setLegendVisible(false);
        }
        return c;
    }

    private static HeatMapChart heatMap(SensitivityTable table) {
        HeatMapChart c = new HeatMapChartBuilder().width(900).height(550).title("log10 sensitivity (darker: more sensitive)")
                .xAxisTitle("layer").yAxisTitle("bits").build();
        c.getStyler().setXAxisLabelRotation(75);
        List<String> ys = table.cells().stream().map(Bits::toString).toList();
        List<Number[]> cells = new ArrayList<>();
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (int l = 0; l < table.layers().size(); l++) {
            for (int k = 0; k < table.cells().size(); k++) {
                double v = Math.log10(Math.max(1e-12, table.value(l, k)));
                cells.add(new Number[] {l, k, v});
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        // XChart starts its own search for the largest value at Double.MIN_VALUE, which is wrong when every
        // value is negative (log10 of sensitivities below 1), so the range is set here.
        c.getStyler().setMin(Math.floor(min)).setMax(Math.max(Math.ceil(max), Math.floor(min) + 1) + 0.0);   // + 0.0: no "-0.0" label
        c.getStyler().setHeatMapValueDecimalPattern("0.0");
        c.addSeries("sensitivity", table.layers(), ys, cells);
        return c;
    }

    private static String pointsTable(List<Point> mixed, List<Point> uniform) {
        StringBuilder t = new StringBuilder("<table><tr><th>configuration</th><th>weight bytes</th><th>top-1 %</th></tr>");
        for (List<Point> list : List.of(mixed, uniform)) {
            for (Point p : list) {
                t.append(String.format("<tr><td>%s</td><td>%,.0f</td><td>%.2f</td></tr>", Html.esc(p.label()),
                        p.weightBytes(), 100 * p.top1()));
            }
        }
        return t.append("</table>\n").toString();
    }

    private static String sparsityTable(List<SparqStatistics.Layer> layers) {
        StringBuilder t = new StringBuilder("<table><tr><th>layer</th><th>zeros %</th><th>zero pairs %</th>"
                + "<th>one-zero pairs %</th><th>changed by the window %</th></tr>");
        for (SparqStatistics.Layer l : layers) {
            t.append(String.format("<tr><td style=\"text-align:left\">%s</td><td>%.1f</td><td>%.1f</td><td>%.1f</td>"
                    + "<td>%.1f</td></tr>", Html.esc(l.layer()), 100 * l.zeros(), 100 * l.zeroPairs(),
                    100 * l.onePairs(), 100 * l.changed()));
        }
        return t.append("</table>\n").toString();
    }

    private static String sensitivityTable(SensitivityTable table, List<Bits> chosen) {
        StringBuilder t = new StringBuilder("<table><tr><th>#</th><th>layer</th><th>bits</th>");
        for (Bits b : table.cells()) {
            t.append("<th>").append(b).append("</th>");
        }
        t.append("</tr>");
        for (int l = 0; l < table.layers().size(); l++) {
            t.append("<tr><td>").append(l).append("</td><td style=\"text-align:left\">")
                    .append(Html.esc(table.layers().get(l))).append("</td><td>").append(chosen.get(l)).append("</td>");
            for (int k = 0; k < table.cells().size(); k++) {
                t.append(String.format("<td>%.3g</td>", table.value(l, k)));
            }
            t.append("</tr>");
        }
        return t.append("</table>\n").toString();
    }
}
