package mpq.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mpq.sensitivity.SensitivityTable;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * The HTML report of a mixed-precision search: a Pareto plot (weight size against top-1, the mixed-precision
 * frontier at several budgets next to uniform bit-widths), the bits chosen per layer, and a heat-map of the
 * sensitivities. Plots are inline SVG, so the file stands alone.
 */
public final class SearchReport {
    private SearchReport() {}

    /** One evaluated configuration: its label, weight size and top-1 (fraction). */
    public record Point(String label, double weightBytes, double top1) {}

    public static String html(String title, Map<String, String> summary, SensitivityTable table, int[] chosenBits,
                              List<Point> mixed, List<Point> uniform) {
        System.setProperty("java.awt.headless", "true");
        StringBuilder h = new StringBuilder();
        h.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>").append(esc(title))
                .append("</title><style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}"
                        + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}"
                        + "th{background:#f4f4f4}td:first-child{text-align:left}</style></head><body>\n");
        h.append("<h1>").append(esc(title)).append("</h1>\n<table>");
        summary.forEach((k, v) -> h.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>"));
        h.append("</table>\n");
        if (!mixed.isEmpty() || !uniform.isEmpty()) {
            h.append("<h2>Size against accuracy</h2>\n").append(svg(pareto(mixed, uniform)));
            h.append(pointsTable(mixed, uniform));
        }
        h.append("<h2>Bits per layer</h2>\n").append(svg(bitsChart(table, chosenBits)));
        h.append("<h2>Sensitivity (log10) per layer and bit-width</h2>\n").append(svg(heatMap(table)));
        h.append(sensitivityTable(table, chosenBits));
        h.append("</body></html>\n");
        return h.toString();
    }

    private static XYChart pareto(List<Point> mixed, List<Point> uniform) {
        XYChart c = new XYChartBuilder().width(900).height(500).xAxisTitle("weight size (KB)").yAxisTitle("top-1 (%)")
                .build();
        addSeries(c, "mixed precision", mixed);
        addSeries(c, "uniform", uniform);
        return c;
    }

    private static void addSeries(XYChart c, String name, List<Point> points) {
        if (points.isEmpty()) {
            return;
        }
        List<Point> sorted = new ArrayList<>(points);
        sorted.sort((a, b) -> Double.compare(a.weightBytes(), b.weightBytes()));
        double[] x = sorted.stream().mapToDouble(p -> p.weightBytes() / 1024).toArray();
        double[] y = sorted.stream().mapToDouble(p -> 100 * p.top1()).toArray();
        XYSeries s = c.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    }

    private static CategoryChart bitsChart(SensitivityTable table, int[] bits) {
        CategoryChart c = new CategoryChartBuilder().width(900).height(400).xAxisTitle("layer").yAxisTitle("weight bits")
                .build();
        List<String> names = new ArrayList<>();
        List<Integer> values = new ArrayList<>();
        for (int l = 0; l < table.layers().size(); l++) {
            names.add(Integer.toString(l));
            values.add(bits[l]);
        }
        c.addSeries("bits", names, values);
        c.getStyler().setLegendVisible(false);
        return c;
    }

    private static HeatMapChart heatMap(SensitivityTable table) {
        HeatMapChart c = new HeatMapChartBuilder().width(900).height(450).title("log10 sensitivity (darker: more sensitive)")
                .xAxisTitle("layer").yAxisTitle("bits").build();
        List<Integer> xs = new ArrayList<>(), ys = new ArrayList<>();
        for (int l = 0; l < table.layers().size(); l++) {
            xs.add(l);
        }
        for (int b : table.bits()) {
            ys.add(b);
        }
        List<Number[]> cells = new ArrayList<>();
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (int l = 0; l < table.layers().size(); l++) {
            for (int k = 0; k < table.bits().length; k++) {
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
        c.addSeries("sensitivity", xs, ys, cells);
        return c;
    }

    private static String pointsTable(List<Point> mixed, List<Point> uniform) {
        StringBuilder t = new StringBuilder("<table><tr><th>configuration</th><th>weight bytes</th><th>top-1 %</th></tr>");
        for (List<Point> list : List.of(mixed, uniform)) {
            for (Point p : list) {
                t.append(String.format("<tr><td>%s</td><td>%,.0f</td><td>%.2f</td></tr>", esc(p.label()), p.weightBytes(),
                        100 * p.top1()));
            }
        }
        return t.append("</table>\n").toString();
    }

    private static String sensitivityTable(SensitivityTable table, int[] chosen) {
        StringBuilder t = new StringBuilder("<table><tr><th>#</th><th>layer</th><th>bits</th>");
        for (int b : table.bits()) {
            t.append("<th>").append(b).append(" bits</th>");
        }
        t.append("</tr>");
        for (int l = 0; l < table.layers().size(); l++) {
            t.append("<tr><td>").append(l).append("</td><td style=\"text-align:left\">").append(esc(table.layers().get(l)))
                    .append("</td><td>").append(chosen[l]).append("</td>");
            for (int k = 0; k < table.bits().length; k++) {
                t.append(String.format("<td>%.3g</td>", table.value(l, k)));
            }
            t.append("</tr>");
        }
        return t.append("</table>\n").toString();
    }

    private static String svg(Chart<?, ?> chart) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
            String s = out.toString(StandardCharsets.UTF_8);
            int start = s.indexOf("<svg");   // drop the XML prolog and doctype to inline it
            return (start >= 0 ? s.substring(start) : s) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
