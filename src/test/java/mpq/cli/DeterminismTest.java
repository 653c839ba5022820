package mpq.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mpq.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same command with the same --seed and --threads writes byte-identical recipes, exports, reports and JSON
 * (the wall times in the JSON aside).
 */
class DeterminismTest {
    @TempDir
    Path tmp;

    /**
     * Runs the command twice, each time in a new JVM (hash orders of Java's immutable collections change from one JVM
     * to the next, never within one), with the same paths; returns the files it wrote and its JSON, per run.
     */
    private List<Map<String, byte[]>> twice(List<String> outputs, String... args) throws IOException, InterruptedException {
        List<Map<String, byte[]>> runs = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            // The class path a user runs with: mpq and its runtime dependencies, without the test scope's.
            String classPath = Path.of("target/classes").toAbsolutePath() + java.io.File.pathSeparator
                    + Files.readString(Path.of("target/runtime-classpath.txt")).strip();
            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-cp", classPath,
                    Main.class.getName()));
            command.addAll(List.of(args));
            Path stdout = tmp.resolve("stdout.json");
            Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            assertEquals(0, p.waitFor(), "exit code of " + String.join(" ", args));
            String out = Files.readString(stdout);
            Map<String, byte[]> files = new LinkedHashMap<>();
            for (String o : outputs) {
                byte[] bytes = Files.readAllBytes(tmp.resolve(o));
                // summary.json and bits.json are the command's JSON, wall times included; recipes hold none
                boolean timed = o.endsWith("summary.json") || o.endsWith("bits.json");
                files.put(o, timed ? new ObjectMapper().writeValueAsBytes(withoutTimings(new ObjectMapper().readTree(bytes)))
                        : bytes);
                Files.delete(tmp.resolve(o));
            }
            files.put("stdout (timings removed)", new ObjectMapper().writeValueAsBytes(withoutTimings(
                    new ObjectMapper().readTree(out))));
            runs.add(files);
        }
        return runs;
    }

    private static JsonNode withoutTimings(JsonNode n) {
        if (n instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String f : names) {
                if (f.endsWith("seconds") || f.endsWith("per_s") || f.equals("stages")) {
                    o.remove(f);
                } else {
                    withoutTimings(o.get(f));
                }
            }
        } else if (n != null && n.isArray()) {
            n.forEach(DeterminismTest::withoutTimings);
        }
        return n;
    }

    private static void assertSame(List<Map<String, byte[]>> runs) {
        for (String f : runs.get(0).keySet()) {
            assertArrayEquals(runs.get(0).get(f), runs.get(1).get(f), f + " differs between two identical runs");
        }
    }

    @Test
    void quantizeTwiceWritesTheSameBytes() throws Exception {
        String model = SharedData.model("resnet8_mlperftiny_cifar10.onnx").toString();
        assertSame(twice(List.of("q/recipe.json", "q/summary.json", "q.onnx", "q.recipe.json"), "quantize", model,
                "--calib", SharedData.cifarTrain().toString(), "--calib-limit", "64", "--w-bits", "4",
                "--bias-correction", "--seed", "3", "--threads", "2", "--out", tmp.resolve("q").toString(),
                "--export", tmp.resolve("q.onnx").toString(), "--eval", SharedData.cifarTest().toString(), "--limit",
                "128", "--json"));
    }

    @Test
    void searchTwiceWritesTheSameBytes() throws Exception {
        String model = SharedData.model("resnet8_mlperftiny_cifar10.onnx").toString();
        assertSame(twice(List.of("s/recipe.json", "s/bits.json", "s/report.html", "s.onnx", "s.recipe.json"), "search",
                model, "--calib", SharedData.cifarTrain().toString(), "--calib-limit", "64", "--metric", "mse",
                "--avg-w-bits", "5", "--no-cache", "--seed", "3", "--threads", "2", "--out", tmp.resolve("s").toString(),
                "--export", tmp.resolve("s.onnx").toString(), "--eval", SharedData.cifarTest().toString(), "--limit",
                "128", "--report-limit", "128", "--json"));
    }
}
