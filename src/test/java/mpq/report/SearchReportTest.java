package mpq.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import mpq.quant.Bits;
import mpq.sensitivity.SensitivityTable;
import org.junit.jupiter.api.Test;

/** The report is one self-contained HTML file with three inline SVG plots and the numbers behind them. */
class SearchReportTest {
    @Test
    void threePlotsAndTheirTables() {
        SensitivityTable t = new SensitivityTable("mse", List.of("conv<1>", "fc"),
                Bits.cells(new int[] {2, 4, 8}, new int[] {8}), new double[][] {{3.0, 0.2, 0.001}, {1.0, 0.1, 0.0}});
        String html = SearchReport.html("mpq search: net.onnx", Map.of("metric", "mse"), t,
                List.of(new Bits(4, 8), new Bits(8, 8)),
                List.of(new Point("mixed a", 1000, 0.81, 1000), new Point("mixed b", 2000, 0.9, 1000)),
                List.of(new Point("uniform W4A8", 1500, 0.7, 1000)), "test.bin",
                List.of(new mpq.quant.SparqStatistics.Layer("fc", "flat", 100, 0.25, 0.1, 0.3, 0.125)));
        assertEquals(3, html.split("<svg", -1).length - 1, "three plots");
        assertTrue(html.contains("<td style=\"text-align:left\">fc</td><td>25.0</td><td>10.0</td><td>30.0</td>"
                + "<td>12.5</td>"), "SPARQ's sparsity per windowed layer");
        assertTrue(html.contains("conv&lt;1&gt;"), "layer names are escaped");
        assertTrue(html.contains("<td>mixed b</td><td>2,000</td><td>90.00</td>"), "the points are listed");
        assertTrue(html.contains("measured on 1,000 examples of test.bin"), "the curve says what it was measured on");
        assertTrue(html.startsWith("<!doctype html>") && html.trim().endsWith("</html>"));
    }
}
