package mpq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import mpq.base.BadInputException;
import mpq.train.Example;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"The whole of mpq in about a minute, on the built-in example: start here.", "",
                "The example is a small residual CNN with "
                + "BatchNormalization trained by mpq on Fashion-MNIST (see mpq train-example), 1,000 test images and "
                + "512 training images for calibration, all inside mpq.",
                "",
                "It runs, as separate mpq commands that it prints so you can run them yourself: the float model's "
                + "accuracy; uniform W8A8, W4A8 and W3A8; mixed-precision searches (ZeroQ KL sensitivities, ILP) at the sizes of "
                + "uniform 3- and 4-bit weights with the real calibration images and with 64 inputs distilled from "
                + "the model's BatchNorm statistics (no data at all); the export of one result as a standard ONNX "
                + "model checked in ONNX Runtime. Then it prints a table and writes the HTML report.", ""})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "DIR", description = "Where the example files, the exported model and the "
            + "report go (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("mpq-demo");

    @Mixin
    CommonOptions common;

    private static final String RESOURCES = "/example/fashion-mnist/";

    /** The command line of the last step run, as the user would type it. */
    private String last;

    /** One row of the table: what was run, its weight bytes and top-1, and the command that reproduces it. */
    private record Row(String what, long weightBytes, double top1, int correct, int count, String command) {}

    @Override
    public Integer call() throws IOException {
        long t0 = System.nanoTime();
        Path ex = out.resolve("example");
        Files.createDirectories(ex);
        for (String f : List.of(Example.MODEL_FILE, Example.TEST_FILE, label(Example.TEST_FILE), Example.CALIB_FILE,
                label(Example.CALIB_FILE), "NOTICE.txt")) {
            extract(f, ex.resolve(f));
        }
        String model = ex.resolve(Example.MODEL_FILE).toString();
        String test = ex.resolve(Example.TEST_FILE).toString(), calib = ex.resolve(Example.CALIB_FILE).toString();
        String[] pre = {"--scale", "255", "--mean", Float.toString(Example.PREPROCESS.mean()[0]), "--std",
                Float.toString(Example.PREPROCESS.std()[0])};
        String distilled = out.resolve("distilled.npy").toString();
        String exported = out.resolve("fashion_mixed4.onnx").toString();
        List<Row> rows = new ArrayList<>();
        int step = 0, steps = 9;   // eval, three uniform, two searches, distil, two zero-shot searches

        JsonNode j = run(++step, steps, "float model", args(List.of("eval", model, "--data", test), pre));
        Row fp = new Row("float32", 0, j.get("top1").asDouble(), j.get("top1_correct").asInt(), j.get("count").asInt(), last);
        for (int w : new int[] {8, 4, 3}) {
            j = run(++step, steps, "uniform W" + w + "A8", args(List.of("quantize", model, "--calib", calib, "--w-bits",
                    Integer.toString(w), "--a-bits", "8", "--eval", test), pre));
            if (w == 8) {   // float bytes after BN folding, as the quantized rows count them
                rows.add(new Row(fp.what(), j.get("float_weight_bytes").asLong(), fp.top1(), fp.correct(), fp.count(),
                        fp.command()));
            }
            rows.add(row("uniform W" + w + "A8", j));
        }
        for (int b : new int[] {4, 3}) {
            List<String> a = new ArrayList<>(List.of("search", model, "--calib", calib, "--metric", "zeroq-kl",
                    "--allocator", "ilp", "--size-of-uniform", Integer.toString(b), "--eval", test));
            if (b == 4) {
                a.addAll(List.of("--out", out.resolve("report").toString(), "--export", exported));
            }
            j = run(++step, steps, "mixed precision at the size of uniform " + b + "-bit, real calibration data",
                    args(a, pre));
            rows.add(row("mixed, size of W" + b + ", real data", j));
            if (b == 4) {
                JsonNode e = j.get("export");
                rows.add(new Row("  the same, exported, in ONNX Runtime", j.get("weight_bytes").asLong(),
                        e.get("ort_top1").asDouble(), e.get("ort_top1_correct").asInt(), e.get("verify_images").asInt(),
                        "(the same command: --export runs it in ONNX Runtime)"));
            }
        }
        run(++step, steps, "distil 64 inputs from the BatchNorm statistics", new String[] {"distill", model, "--count",
                "64", "-o", distilled});
        String distillCommand = last;
        for (int b : new int[] {4, 3}) {
            j = run(++step, steps, "mixed precision at the size of uniform " + b + "-bit, distilled data (zero-shot)",
                    args(List.of("search", model, "--calib", distilled, "--calib-preprocessed", "--metric", "zeroq-kl",
                            "--allocator", "ilp", "--size-of-uniform", Integer.toString(b), "--eval", test), pre));
            rows.add(row("mixed, size of W" + b + ", zero-shot", j));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Path report = out.resolve("report").resolve("report.html");
        if (common.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            List<Map<String, Object>> list = new ArrayList<>();
            for (Row r : rows) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("what", r.what().trim());
                x.put("weight_bytes", r.weightBytes());
                x.put("top1", r.top1());
                x.put("top1_correct", r.correct());
                x.put("eval_images", r.count());
                x.put("command", r.command());
                list.add(x);
            }
            m.put("rows", list);
            m.put("distill_command", distillCommand);
            m.put("report", report.toString());
            m.put("exported", exported);
            m.put("seconds", seconds);
            Output.json(m);
        } else {
            var o = Output.human();
            o.printf("%nmpq demo: %s on %d Fashion-MNIST test images (%.0f s)%n%n", Example.MODEL_FILE,
                    rows.getFirst().count(), seconds);
            Output.Table t = new Output.Table("", "weight bytes", "top-1 %");
            for (Row r : rows) {
                t.add(r.what(), String.format("%,d", r.weightBytes()), String.format("%.1f", 100 * r.top1()));
            }
            t.print(o);
            o.printf("%nEach row is one command; to run them yourself:%n");
            for (Row r : rows) {
                if (!r.command().startsWith("(")) {
                    o.println("  " + r.command());
                }
            }
            o.println("  (zero-shot rows first: " + distillCommand + ")");
            o.printf("%nreport: %s   exported model: %s%n", report, exported);
        }
        return 0;
    }

    /** Runs one mpq command in this process with --json; its JSON output, or a clear failure. */
    private JsonNode run(int step, int steps, String what, String[] args) throws IOException {
        List<String> a = new ArrayList<>(List.of(args));
        a.add("--json");
        a.addAll(List.of("--threads", Integer.toString(common.threads())));
        last = "./mpq " + String.join(" ", args);
        Output.human().printf("[%d/%d] %s%n", step, steps, what);
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream so = new ByteArrayOutputStream(), se = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(so, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(se, true, StandardCharsets.UTF_8));
            code = Main.run(a.toArray(String[]::new));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        if (code != 0) {
            String err = se.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("mpq:"))
                    .reduce((x, y) -> y).orElse("exit code " + code);
            throw new BadInputException("demo step '" + what + "' failed: " + err + " (command: " + last + ")");
        }
        return new ObjectMapper().readTree(so.toByteArray());
    }

    private Row row(String what, JsonNode j) {
        return new Row(what, j.get("weight_bytes").asLong(), j.get("top1").asDouble(), j.get("top1_correct").asInt(),
                j.get("eval_images").asInt(), last);
    }

    private static String[] args(List<String> a, String[] pre) {
        List<String> all = new ArrayList<>(a);
        all.addAll(List.of(pre));
        return all.toArray(String[]::new);
    }

    private static String label(String images) {
        return images.replace("images-idx3", "labels-idx1");
    }

    private static void extract(String name, Path to) throws IOException {
        try (InputStream in = DemoCommand.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new BadInputException("the built-in example file " + name + " is missing from mpq's jar");
            }
            byte[] bytes = in.readAllBytes();
            if (!Files.exists(to) || !java.util.Arrays.equals(bytes, Files.readAllBytes(to))) {
                mpq.base.AtomicFiles.write(to, o -> o.write(bytes));
            }
        }
    }
}
