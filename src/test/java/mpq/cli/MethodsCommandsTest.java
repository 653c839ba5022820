package mpq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashSet;
import java.util.Set;
import mpq.SharedData;
import org.junit.jupiter.api.Test;

/** mpq methods, compare-methods, and searches over (w, a) cells. */
class MethodsCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void methodsListsEveryKindWithUniqueNames() throws Exception {
        CliRun r = CliRun.of("methods", "--json");
        assertEquals(0, r.code(), r.err());
        Set<String> names = new HashSet<>(), kinds = new HashSet<>();
        for (JsonNode m : JSON.readTree(r.out()).get("methods")) {
            assertTrue(names.add(m.get("name").asText()), "unique: " + m.get("name"));
            kinds.add(m.get("kind").asText());
            assertTrue(!m.get("description").asText().isBlank());
        }
        assertEquals(Set.of("metric", "allocator", "refiner", "representation", "cost-model"), kinds);
        assertTrue(names.containsAll(Set.of("hawq", "hawq-v2", "zeroq-kl", "mse", "fisher", "ilp", "pareto", "greedy",
                "bias-correction", "uniform", "size", "bops", "haq", "bismo-edge", "bismo-cloud", "bitfusion-edge",
                "bitfusion-cloud")), names.toString());
        CliRun bad = CliRun.of("quantize", SharedData.model("resnet8_mlperftiny_cifar10.onnx").toString(), "--calib",
                SharedData.cifarTrain().toString(), "--refine", "adaroundd");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("unknown refiner 'adaroundd'; known: bias-correction"), bad.err());
    }

    @Test
    void compareMethodsRunsEveryPairWithinTheBudgetsAndEachRowIsItsCommand() throws Exception {
        String model = SharedData.model("resnet8_mlperftiny_cifar10.onnx").toString();
        CliRun r = CliRun.of("compare-methods", model, "--calib", SharedData.cifarTrain().toString(), "--calib-limit",
                "32", "--eval", SharedData.cifarTest().toString(), "--limit", "200", "--metrics", "fisher,mse",
                "--allocators", "ilp,pareto,greedy", "--avg-w-bits", "5", "--bops", "2", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = JSON.readTree(r.out());
        assertEquals(2, j.get("budgets").size());
        assertEquals(4, j.get("rows").size(), "ilp and greedy for each metric");
        assertEquals(2, j.get("skipped").size(), "pareto takes one budget");
        assertTrue(j.get("skipped").get(0).get("reason").asText().contains("exactly one budget"));
        for (JsonNode row : j.get("rows")) {
            for (int b = 0; b < 2; b++) {
                assertTrue(row.get("budgets_used").get(b).asDouble() <= j.get("budgets").get(b).get("limit").asDouble(),
                        row.toString());
            }
            assertTrue(row.get("command").asText().startsWith("./mpq search " + model));
        }
        assertEquals(5, j.get("uniform").size());
        // A row's command, run on its own, gives the row.
        JsonNode row = j.get("rows").get(1);
        String[] args = row.get("command").asText().substring("./mpq ".length()).split(" ");
        CliRun again = CliRun.of(java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                java.util.stream.Stream.of("--json")).toArray(String[]::new));
        assertEquals(0, again.code(), again.err());
        JsonNode s = JSON.readTree(again.out());
        assertEquals(row.get("top1_correct").asInt(), s.get("top1_correct").asInt());
        assertEquals(row.get("weight_bytes").asLong(), s.get("weight_bytes").asLong());
    }

    @Test
    void searchOverActivationBitsGivesLayersThatShareAnInputOneWidth() throws Exception {
        String model = SharedData.model("resnet8_mlperftiny_cifar10.onnx").toString();
        CliRun r = CliRun.of("search", model, "--calib", SharedData.cifarTrain().toString(), "--calib-limit", "32",
                "--metric", "fisher", "--bits", "2,4,8", "--a-bits", "4,8", "--bops", "1.6", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = JSON.readTree(r.out());
        JsonNode bits = j.get("bits");
        assertTrue(j.get("bops").asDouble() <= 1.6e9, j.get("bops").toString());
        for (String edge : new String[] {"conv0", "fc"}) {
            assertEquals(7, bits.get(edge).get("w").asInt(), edge + ": 8 bits, 7 on ort-x86 with 8-bit inputs");
            assertEquals(8, bits.get(edge).get("a").asInt());
        }
        // conv3 and its 1x1 shortcut conv5 read the first block's output; conv6 and conv8 the second's.
        assertEquals(bits.get("conv3").get("a").asInt(), bits.get("conv5").get("a").asInt());
        assertEquals(bits.get("conv6").get("a").asInt(), bits.get("conv8").get("a").asInt());
        Set<Integer> widths = new HashSet<>();
        bits.forEach(b -> widths.add(b.get("a").asInt()));
        assertTrue(Set.of(4, 8).containsAll(widths), widths.toString());
        JsonNode t = j.get("sensitivities");
        assertEquals("[2,4,8,2,4,7]", t.get("bits").toString(), "3 × 2 cells; W8A8 is W7A8 on the default target");
        assertEquals("[4,4,4,8,8,8]", t.get("a_bits").toString());
    }

    @Test
    void haqSearchesWithinAnAcceleratorsLatencyBudget() throws Exception {
        String model = SharedData.model("resnet8_mlperftiny_cifar10.onnx").toString();
        CliRun r = CliRun.of("search", model, "--calib", SharedData.cifarTrain().toString(), "--calib-limit", "64",
                "--allocator", "haq", "--episodes", "6", "--haq-warmup", "3", "--haq-reward-examples", "32",
                "--bits", "2,4,8", "--a-bits", "4,8", "--cost-model", "bitfusion-edge", "--latency-fraction", "0.7",
                "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = JSON.readTree(r.out());
        JsonNode b = j.get("budgets").get(0);
        assertEquals("latency", b.get("resource").asText());
        assertEquals("ms", b.get("unit").asText());
        assertTrue(b.get("used").asDouble() <= b.get("limit").asDouble(), b.toString());
        JsonNode acc = j.get("accelerators").get(0);
        assertEquals("bitfusion-edge", acc.get("name").asText());
        assertEquals(b.get("used").asDouble(), acc.get("latency_ms").asDouble(), 1e-9);
        assertEquals(0.7, b.get("limit").asDouble() / acc.get("w8a8_latency_ms").asDouble(), 1e-9);
        assertTrue(r.err().contains("reward: top-1 on the last 32 calibration examples"), r.err());
        assertEquals(j.get("bits").get("conv3").get("a").asInt(), j.get("bits").get("conv5").get("a").asInt());

        CliRun none = CliRun.of("search", model, "--calib", SharedData.cifarTrain().toString(), "--latency-fraction",
                "0.6");
        assertEquals(2, none.code());
        assertTrue(none.err().contains("--latency-fraction needs --cost-model"), none.err());
        CliRun unknown = CliRun.of("search", model, "--calib", SharedData.cifarTrain().toString(), "--energy", "1",
                "--cost-model", "tpu-v9");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("'tpu-v9' is neither a known cost model"), unknown.err());
    }

    @Test
    void profileWritesACostTableThatASearchBudgetsOn(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        String model = SharedData.model("resnet8_mlperftiny_cifar10.onnx").toString();
        String table = tmp.resolve("ort.json").toString();
        CliRun p = CliRun.of("profile", model, "--engine", "ort", "--runs", "5", "--seconds", "0.002", "--threads", "1",
                "-o", table, "--json");
        assertEquals(0, p.code(), p.err());
        JsonNode t = JSON.readTree(java.nio.file.Path.of(table).toFile());
        assertEquals("latency", t.get("resource").asText());
        JsonNode conv0 = t.get("layers").get("conv0"), forms = t.get("forms").get("conv0");
        assertEquals(49, conv0.size(), "w2..8 × a2..8");
        assertEquals(forms.get("int4").asDouble(), conv0.get("w3a5").asDouble());
        assertEquals(forms.get("int8").asDouble(), conv0.get("w6a5").asDouble());
        CliRun s = CliRun.of("search", model, "--calib", SharedData.cifarTrain().toString(), "--calib-limit", "32",
                "--metric", "fisher", "--cost-table", table, "--latency-fraction", "1.5", "--json");
        assertEquals(0, s.code(), s.err());
        JsonNode b = JSON.readTree(s.out()).get("budgets").get(0);
        assertEquals("latency", b.get("resource").asText());
        assertTrue(b.get("used").asDouble() <= b.get("limit").asDouble(), b.toString());
    }
}
