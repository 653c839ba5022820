package mpq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mpq.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The commands' help and their JSON output contracts. */
class CommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"inspect", "eval", "bench"})
    void helpWorksWithoutTheRequiredArguments(String command) {
        CliRun r = CliRun.of(command, "--help");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Usage: mpq " + command), r.out());
    }

    @Test
    void inspectJsonHasLayersAndTotals() throws Exception {
        CliRun r = CliRun.of("inspect", SharedData.model("resnet20_cifar10.onnx").toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = JSON.readTree(r.out());
        assertEquals(19, countOps(j, "Conv"));
        assertEquals(1, countOps(j, "Gemm"));
        // By hand, BN folded into the convs: conv1 3·16·9+16, six 16→16 convs (2304+16 each), 16→32 (4608+32),
        // five 32→32 (9216+32), 32→64 (18432+64), five 64→64 (36864+64), fc 64·10+10.
        assertEquals(448 + 6 * 2320 + 4640 + 5 * 9248 + 18496 + 5 * 36928 + 650, j.get("total_params").asLong());
        // MACs per image: output pixels · cout · patch per conv, plus the fc.
        long macs = 1024L * 16 * 27 + 6 * 1024L * 16 * 144 + 256L * 32 * 144 + 5 * 256L * 32 * 288
                + 64L * 64 * 288 + 5 * 64L * 64 * 576 + 640;
        assertEquals(macs, j.get("total_macs").asLong());
    }

    private static int countOps(JsonNode j, String op) {
        int n = 0;
        for (JsonNode l : j.get("layers")) {
            n += l.get("op").asText().equals(op) ? 1 : 0;
        }
        return n;
    }

    @Test
    void evalJsonCountsCorrectPredictions() throws Exception {
        CliRun r = CliRun.of("eval", SharedData.model("resnet8_mlperftiny_cifar10.onnx").toString(), "--data",
                SharedData.cifarTest().toString(), "--limit", "300", "--batch", "64", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = JSON.readTree(r.out());
        assertEquals(300, j.get("count").asInt());
        assertEquals(j.get("top1_correct").asInt() / 300.0, j.get("top1").asDouble(), 1e-12);
        assertTrue(j.get("top1").asDouble() > 0.8, "resnet8 is 87% accurate on the full set");
        assertTrue(j.get("images_per_s").asDouble() > 0);
    }

    @Test
    void quantizeJsonAndSavedRecipe(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path out = tmp.resolve("q");
        CliRun r = CliRun.of("quantize", SharedData.model("resnet8_mlperftiny_cifar10.onnx").toString(), "--calib",
                SharedData.cifarTrain().toString(), "--calib-limit", "256", "--eval", SharedData.cifarTest().toString(),
                "--limit", "500", "--w-bits", "4", "--a-bits", "8", "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = JSON.readTree(r.out());
        for (String k : new String[] {"top1", "top1_correct", "fp32_top1", "w_bits", "a_bits", "weight_bytes", "layers",
                "activations"}) {
            assertTrue(j.has(k), "key " + k);
        }
        assertEquals(4, j.get("w_bits").asInt());
        assertEquals(256, j.get("calib_images").asInt());
        assertEquals(500, j.get("eval_images").asInt());
        assertEquals(j.get("top1_correct").asInt() / 500.0, j.get("top1").asDouble(), 1e-12);
        assertTrue(j.get("top1").asDouble() > 0.7, "W4A8 resnet8 on 500 images: " + j.get("top1"));
        assertTrue(j.get("weight_bytes").asLong() < j.get("float_weight_bytes").asLong() / 4);
        mpq.quant.QuantRecipe recipe = mpq.quant.RecipeJson.read(out.resolve("recipe.json"));
        assertEquals(j.get("layers").size(), recipe.layers().size());
        assertTrue(java.nio.file.Files.isRegularFile(out.resolve("summary.json")));
    }

    /**
     * A model with two inputs (y = a·W1 + b·W2) quantizes from one .npy array per input; an array for a name the
     * model lacks, or none for one it has, is one line.
     */
    @Test
    void quantizeCalibratesAModelWithTwoInputsFromOneArrayEach(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        mpq.Nets nets = new mpq.Nets(5);
        var init = java.util.Map.of("w1", new mpq.graph.Attributes.Constant(nets.random(0.5, 6, 4), mpq.tensor.DType.FLOAT),
                "w2", new mpq.graph.Attributes.Constant(nets.random(0.5, 3, 4), mpq.tensor.DType.FLOAT));
        var none = mpq.graph.Attributes.none();
        var g = new mpq.graph.Graph("two", java.util.List.of(
                new mpq.graph.Node("m1", "MatMul", "", java.util.List.of("a", "w1"), java.util.List.of("p"), none),
                new mpq.graph.Node("m2", "MatMul", "", java.util.List.of("b", "w2"), java.util.List.of("q"), none),
                new mpq.graph.Node("add", "Add", "", java.util.List.of("p", "q"), java.util.List.of("y"), none)),
                java.util.List.of(new mpq.graph.ValueInfo("a", mpq.tensor.DType.FLOAT, new int[] {-1, 6}),
                        new mpq.graph.ValueInfo("b", mpq.tensor.DType.FLOAT, new int[] {-1, 3})),
                java.util.List.of(new mpq.graph.ValueInfo("y", mpq.tensor.DType.FLOAT, new int[] {-1, 4})), init, 13);
        java.nio.file.Path model = tmp.resolve("two.onnx"), a = tmp.resolve("a.npy"), b = tmp.resolve("b.npy");
        mpq.onnx.OnnxModel.save(mpq.onnx.OnnxWriter.toProto(g, 8, "test"), model);
        mpq.data.Npy.write(nets.random(1, 40, 6), a);
        mpq.data.Npy.write(nets.random(1, 40, 3), b);
        CliRun r = CliRun.of("quantize", model.toString(), "--calib", "a=" + a + ",b=" + b, "--batch", "16", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = JSON.readTree(r.out());
        assertEquals(40, j.get("calib_images").asInt());
        assertEquals(2, j.get("layers").size());
        assertEquals(2, j.get("activations").size(), "both inputs quantized: " + j.get("activations"));
        CliRun missing = CliRun.of("quantize", model.toString(), "--calib", "a=" + a);
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("no array for") && missing.err().contains("input 'b' (float [?, 3])"), missing.err());
        CliRun extra = CliRun.of("quantize", model.toString(), "--calib", "a=" + a + ",b=" + b + ",c=" + b);
        assertEquals(2, extra.code());
        assertTrue(extra.err().contains("has no input 'c'"), extra.err());
    }

    @Test
    void compareTabulatesEveryCell() throws Exception {
        CliRun r = CliRun.of("compare", SharedData.model("resnet8_mlperftiny_cifar10.onnx").toString(), "--calib",
                SharedData.cifarTrain().toString(), "--calib-limit", "128", "--eval", SharedData.cifarTest().toString(),
                "--limit", "200", "--configs", "W8A8,W4A8", "--estimators", "minmax,entropy", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = JSON.readTree(r.out());
        assertEquals(4, j.get("results").size());
        assertEquals("W4A8", j.get("results").get(2).get("config").asText());
        assertEquals("minmax", j.get("results").get(2).get("estimator").asText());
        assertTrue(j.get("results").get(0).get("top1").asDouble() > 0.7);
    }

    @Test
    void hessianTraceJson() throws Exception {
        CliRun r = CliRun.of("hessian", SharedData.model("resnet8_mlperftiny_cifar10.onnx").toString(), "--calib",
                SharedData.cifarTrain().toString(), "--calib-limit", "32", "--metric", "trace", "--max-iter", "3",
                "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = JSON.readTree(r.out());
        assertEquals(10, j.get("layers").size(), "resnet8 has 9 convolutions and a Gemm");
        JsonNode first = j.get("layers").get(0);
        assertEquals("conv0", first.get("name").asText());
        assertEquals(432, first.get("params").asInt());
        assertTrue(first.has("trace") && first.has("std_error") && first.has("trace_per_param"));
        assertEquals(3, first.get("iterations").asInt());
    }

    @Test
    void searchWritesBitsRecipeAndReport(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path out = tmp.resolve("s");
        CliRun r = CliRun.of("search", SharedData.model("resnet8_mlperftiny_cifar10.onnx").toString(), "--calib",
                SharedData.cifarTrain().toString(), "--calib-limit", "32", "--metric", "mse", "--allocator", "ilp",
                "--avg-w-bits", "4.5", "--eval", SharedData.cifarTest().toString(), "--limit", "200", "--report-limit",
                "64", "--tie-adds", "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = JSON.readTree(r.out());
        for (String k : new String[] {"top1", "weight_bytes", "bops", "bits", "search_seconds"}) {
            assertTrue(j.has(k), "key " + k);
        }
        assertEquals(10, j.get("bits").size());
        assertEquals("ort-x86", j.get("target").asText());
        assertEquals(7, j.get("bits").get("conv0").get("w").asInt(), "the first layer stays at 8 bits, which the "
                + "default target takes as 7 with 8-bit inputs");
        // resnet8 has two blocks whose last conv and 1x1 shortcut conv meet at one Add
        assertEquals(2, j.get("ties").size(), j.get("ties").toString());
        for (JsonNode group : j.get("ties")) {
            assertEquals(2, group.size());
            assertEquals(j.get("bits").get(group.get(0).asText()).get("w").asInt(),
                    j.get("bits").get(group.get(1).asText()).get("w").asInt(), "tied layers share bits: " + group);
        }
        JsonNode budget = j.get("budgets").get(0);
        assertTrue(budget.get("used").asDouble() <= budget.get("limit").asDouble());
        String html = java.nio.file.Files.readString(out.resolve("report.html"));
        assertEquals(3, html.split("<svg", -1).length - 1);
        assertTrue(java.nio.file.Files.isRegularFile(out.resolve("bits.json")));
        assertTrue(java.nio.file.Files.isRegularFile(out.resolve("recipe.json")));
    }

    @Test
    void quantizeExportsAModelOrtRunsAsSimulatedAndABrokenRecipeLeavesNoFile(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path model = SharedData.model("resnet8_mlperftiny_cifar10.onnx");
        byte[] before = java.nio.file.Files.readAllBytes(model);
        java.nio.file.Path file = tmp.resolve("r8_w4.onnx");
        CliRun r = CliRun.of("quantize", model.toString(), "--calib", SharedData.cifarTrain().toString(), "--calib-limit",
                "32", "--w-bits", "4", "--eval", SharedData.cifarTest().toString(), "--limit", "200", "--out",
                tmp.resolve("q").toString(), "--export", file.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode e = JSON.readTree(r.out()).get("export");
        assertEquals(21, e.get("opset").asInt(), "4-bit weights are stored as int4");
        assertEquals(200, e.get("verify_images").asInt());
        assertTrue(Math.abs(e.get("top1_difference_images").asInt()) <= 2, e.toString());
        assertTrue(java.nio.file.Files.isRegularFile(tmp.resolve("r8_w4.recipe.json")));
        assertTrue(java.util.Arrays.equals(before, java.nio.file.Files.readAllBytes(model)), "the input model is unchanged");

        // The same recipe through 'mpq export' gives the same file.
        java.nio.file.Path again = tmp.resolve("again.onnx");
        r = CliRun.of("export", model.toString(), "--recipe", tmp.resolve("q/recipe.json").toString(), "-o",
                again.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(java.util.Arrays.equals(java.nio.file.Files.readAllBytes(file), java.nio.file.Files.readAllBytes(again)));

        // A recipe naming a weight the model lacks: exit 2, a message naming it, no output and no temporary file.
        String recipe = java.nio.file.Files.readString(tmp.resolve("q/recipe.json"));
        java.nio.file.Path broken = tmp.resolve("broken.json");
        java.nio.file.Files.writeString(broken, recipe.replaceFirst("\"weight\" *: *\"([^\"]+)\"", "\"weight\":\"nope\""));
        java.nio.file.Path out = tmp.resolve("out").resolve("x.onnx");
        java.nio.file.Files.createDirectories(out.getParent());
        r = CliRun.of("export", model.toString(), "--recipe", broken.toString(), "-o", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("'nope'"), r.err());
        try (var files = java.nio.file.Files.list(out.getParent())) {
            assertEquals(0, files.count(), "nothing written");
        }
    }

    @Test
    void demoRunsOnTheBuiltInExampleAndItsRowsAreItsCommands(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        CliRun r = CliRun.of("demo", "--out", tmp.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = JSON.readTree(r.out());
        JsonNode rows = j.get("rows");
        assertEquals(9, rows.size(), rows.toString());
        double fp = rows.get(0).get("top1").asDouble();
        assertTrue(fp >= 0.88, "the example model is trained: " + fp);
        assertTrue(rows.get(1).get("top1").asDouble() >= fp - 0.01, "W8A8 keeps the accuracy: " + rows.get(1));
        assertTrue(java.nio.file.Files.isRegularFile(java.nio.file.Path.of(j.get("report").asText())));
        assertTrue(java.nio.file.Files.isRegularFile(java.nio.file.Path.of(j.get("exported").asText())));
        // What a user deploys is what mpq measured: ONNX Runtime on the export, to the image, on any x86 CPU.
        int exportedRow = -1;
        for (int i = 0; i < rows.size(); i++) {
            exportedRow = rows.get(i).get("what").asText().contains("exported") ? i : exportedRow;
        }
        assertTrue(exportedRow > 0, rows.toString());
        assertEquals(rows.get(exportedRow - 1).get("top1_correct").asInt(), rows.get(exportedRow).get("top1_correct")
                .asInt(), "the exported model in ONNX Runtime against the simulation it exports: " + rows);
        // A row's command, run on its own, gives the row's figure.
        JsonNode w4 = rows.get(2);
        assertTrue(w4.get("command").asText().startsWith("./mpq quantize"), w4.toString());
        String[] args = w4.get("command").asText().substring("./mpq ".length()).split(" ");
        CliRun again = CliRun.of(java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                java.util.stream.Stream.of("--json")).toArray(String[]::new));
        assertEquals(0, again.code(), again.err());
        assertEquals(w4.get("top1_correct").asInt(), JSON.readTree(again.out()).get("top1_correct").asInt());
    }
}
