package mpq.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;

/** What the reports share: the page around them, inline SVG charts, the size–accuracy plot, escaping. */
final class Html {
    private Html() {}

    static StringBuilder page(String title, Map<String, String> summary) {
        System.setProperty("java.awt.headless", "true");
        StringBuilder h = new StringBuilder();
        h.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>").append(esc(title))
                .append("</title><style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}"
                        + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}"
                        + "th{background:#f4f4f4}td:first-child{text-align:left}</style></head><body>\n");
        h.append("<h1>").append(esc(title)).append("</h1>\n<table>");
        summary.forEach((k, v) -> h.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>"));
        return h.append("</table>\n");
    }

    static String end(StringBuilder h) {
        return h.append("</body></html>\n").toString();
    }

    /**
     * Weight size against top-1, one series per entry: lines for series whose points lie on a curve (lines = true),
     * markers alone otherwise.
     */
    static XYChart sizeAccuracy(Map<String, List<Point>> series, java.util.Set<String> lines) {
        XYChart c = new XYChartBuilder().width(900).height(500).xAxisTitle("weight size (KB)").yAxisTitle("top-1 (%)")
                .build();
        series.forEach((name, points) -> {
            if (points.isEmpty()) {
                return;
            }
            List<Point> sorted = new ArrayList<>(points);
            sorted.sort((a, b) -> Double.compare(a.weightBytes(), b.weightBytes()));
            double[] x = sorted.stream().mapToDouble(p -> p.weightBytes() / 1024).toArray();
            double[] y = sorted.stream().mapToDouble(p -> 100 * p.top1()).toArray();
            XYSeries s = c.addSeries(name, x, y);
            s.setXYSeriesRenderStyle(lines.contains(name) ? XYSeries.XYSeriesRenderStyle.Line
                    : XYSeries.XYSeriesRenderStyle.Scatter);
        });
        return c;
    }

    static String svg(Chart<?, ?> chart) {
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

    /** "measured on N examples of DATA" from the points themselves (the fewest, if they differ). */
    static String measuredOn(List<Point> points, String data) {
        int n = points.stream().mapToInt(Point::examples).min().orElse(0);
        return "measured on " + String.format("%,d", n) + " examples of " + data;
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
