package mpq.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The HTML page of a method comparison: every (metric, allocator) result as a point on one size–accuracy plot with
 * uniform bit-widths as the reference curve, and the table of rows and of the pairs that were skipped.
 */
public final class ComparisonReport {
    private ComparisonReport() {}

    /** One row of the table: its cells in column order. */
    public record Row(Point point, List<String> cells) {}

    public static String html(String title, Map<String, String> summary, List<String> columns, List<Row> rows,
                              List<Point> uniform, List<String> skipped, String evalData) {
        StringBuilder h = Html.page(title, summary);
        Map<String, List<Point>> series = new LinkedHashMap<>();
        for (Row r : rows) {
            series.put(r.point().label(), List.of(r.point()));
        }
        series.put("uniform", uniform);
        List<Point> all = new java.util.ArrayList<>(uniform);
        rows.forEach(r -> all.add(r.point()));
        h.append("<h2>Size against accuracy</h2>\n<p>").append(Html.esc(Html.measuredOn(all, evalData)))
                .append("</p>\n").append(Html.svg(Html.sizeAccuracy(series, Set.of("uniform"))));
        h.append("<table><tr>");
        columns.forEach(c -> h.append("<th>").append(Html.esc(c)).append("</th>"));
        h.append("</tr>");
        for (Row r : rows) {
            h.append("<tr>");
            r.cells().forEach(c -> h.append("<td>").append(Html.esc(c)).append("</td>"));
            h.append("</tr>");
        }
        h.append("</table>\n");
        if (!skipped.isEmpty()) {
            h.append("<h2>Skipped</h2>\n<ul>");
            skipped.forEach(s -> h.append("<li>").append(Html.esc(s)).append("</li>"));
            h.append("</ul>\n");
        }
        return Html.end(h);
    }
}
