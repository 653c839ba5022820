package mpq.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import mpq.eval.Agreement;
import mpq.pipeline.ExportReport;

/** An export's summary as JSON and as lines for people (export, and quantize and search with --export). */
final class ExportOutput {
    private ExportOutput() {}

    static Map<String, Object> json(ExportReport e, String checkData) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("export", e.file().toString());
        j.put("recipe", e.recipe().toString());
        j.put("opset", e.opset());
        j.put("ir_version", e.irVersion());
        j.put("quantize_linear", e.quantizeLinear());
        j.put("dequantize_linear", e.dequantizeLinear());
        j.put("packed_weight_bytes", e.packedWeightBytes());
        j.put("file_bytes", e.fileBytes());
        j.put("target", e.target().name());
        if (e.notInFile() != null) {
            j.put("not_in_file", e.notInFile());
        }
        if (e.check() != null) {
            Agreement a = e.check();
            j.put("ort_saturates_pair_sums", e.saturatesPairSums());
            if (e.warning() != null) {
                j.put("warning", e.warning());
            }
            j.put("verify_images", a.count());
            j.put("simulated_top1", (double) a.firstTop1() / a.count());
            j.put("ort_top1", (double) a.secondTop1() / a.count());
            j.put("top1_difference_images", a.secondTop1() - a.firstTop1());
            j.put("different_predictions", a.differentPredictions());
            j.put("max_abs_output_difference", a.maxAbsDifference());
            j.put("simulated_top1_correct", a.firstTop1());
            j.put("ort_top1_correct", a.secondTop1());
            j.put("verify_data", checkData);
        }
        return j;
    }

    static void print(ExportReport e, String checkData) {
        var o = Output.human();
        o.printf("wrote %s (opset %d, %d QuantizeLinear, %d DequantizeLinear, %,d bytes; the bit-widths pack the "
                + "parameters into %,d bytes) and %s%n", e.file(), e.opset(), e.quantizeLinear(), e.dequantizeLinear(),
                e.fileBytes(), e.packedWeightBytes(), e.recipe());
        if (e.notInFile() != null) {
            o.println("note: " + e.notInFile());
        }
        if (e.warning() != null) {
            o.println("warning: " + e.warning());
        }
        if (e.check() != null) {
            o.println(checkLine(e, checkData) + (e.notInFile() == null ? "" : " (against the simulation without "
                    + "the SPARQ windows)"));
        }
    }

    /** "ONNX Runtime check on N images of D: simulated top-1 …" (also the search report's line). */
    static String checkLine(ExportReport e, String checkData) {
        Agreement a = e.check();
        int n = a.count();
        return String.format("ONNX Runtime check on %d images of %s: simulated top-1 %.2f%% (%d), ONNX Runtime %.2f%% "
                + "(%d), %+d images; predictions differ on %d; largest output difference %.3g", n,
                java.nio.file.Path.of(checkData).getFileName(),
                100.0 * a.firstTop1() / n, a.firstTop1(), 100.0 * a.secondTop1() / n, a.secondTop1(),
                a.secondTop1() - a.firstTop1(), a.differentPredictions(), a.maxAbsDifference());
    }
}
