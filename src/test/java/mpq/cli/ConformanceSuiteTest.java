package mpq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import mpq.onnx.TensorFiles;
import mpq.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX's backend test cases (Debian's libonnx-testdata; `.ci/run` installs it): `mpq conformance --out` over the four
 * folders, its pass counts checked against the outputs it wrote — compared with the expected ones here, by this
 * test's own rule, not mpq's — and against the counts the README states, which may only rise.
 */
class ConformanceSuiteTest {
    private static final Path DATA = Path.of("/usr/share/libonnx-testdata/data");
    private static final List<String> FOLDERS = List.of("node", "pytorch-converted", "pytorch-operator", "simple");

    @TempDir
    Path tmp;

    @Test
    void passesAtLeastWhatTheReadmeStatesAsCheckedFromTheWrittenOutputs() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(DATA.resolve("node")),
                "skipped: " + DATA + " not found (apt-get install libonnx-testdata)");
        Map<String, Integer> stated = readmeCounts();
        assertEquals(FOLDERS, List.copyOf(stated.keySet()), "the README's conformance table names the four folders");
        List<String> args = new ArrayList<>(List.of("conformance"));
        FOLDERS.forEach(f -> args.add(DATA.resolve(f).toString()));
        args.addAll(List.of("--out", tmp.toString(), "--json"));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.code(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        for (String folder : FOLDERS) {
            int reported = json.get("folders").get(DATA.resolve(folder).toString()).path("PASSED").asInt();
            int checked = 0;
            try (Stream<Path> cases = Files.list(DATA.resolve(folder))) {
                for (Path c : cases.filter(p -> Files.isRegularFile(p.resolve("model.onnx"))).toList()) {
                    checked += outputsMatch(c, tmp.resolve(c.getFileName().toString())) ? 1 : 0;
                }
            }
            assertEquals(checked, reported, folder + ": cases whose written outputs match vs cases reported passed");
            assertTrue(checked >= stated.get(folder), folder + ": " + checked + " pass, the README states "
                    + stated.get(folder));
        }
    }

    /** The README's table: | `folder` | cases | passed | … |. */
    private static Map<String, Integer> readmeCounts() throws IOException {
        Map<String, Integer> counts = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^\\| `(node|pytorch-converted|pytorch-operator|simple)` \\| \\d+ \\| (\\d+) \\|")
                .matcher(Files.readString(Path.of("README.md")));
        while (m.find()) {
            counts.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        return counts;
    }

    /** Every expected output of every data set has a written twin of the same type and shape and close values. */
    private static boolean outputsMatch(Path testCase, Path written) throws IOException {
        List<Path> sets;
        try (Stream<Path> s = Files.list(testCase)) {
            sets = s.filter(p -> p.getFileName().toString().startsWith("test_data_set_")).sorted().toList();
        }
        for (Path set : sets) {
            for (int k = 0; Files.exists(set.resolve("output_" + k + ".pb")); k++) {
                Path got = written.resolve(set.getFileName().toString()).resolve("output_" + k + ".pb");
                if (!Files.exists(got) || !close(TensorFiles.readPb(set.resolve("output_" + k + ".pb")).tensor(),
                        TensorFiles.readPb(got).tensor())) {
                    return false;
                }
            }
        }
        return !sets.isEmpty();
    }

    private static boolean close(Tensor want, Tensor got) {
        if (!Arrays.equals(want.shape(), got.shape())) {
            return false;
        }
        boolean bfloat16Bits = want.type() == mpq.tensor.DType.UINT16 && got.type() == mpq.tensor.DType.BFLOAT16;
        if (want.type() != got.type() && !bfloat16Bits) {
            return false;
        }
        for (int i = 0; i < want.size(); i++) {
            if (want.isFloat() || bfloat16Bits) {
                double w = bfloat16Bits ? Float.intBitsToFloat((int) want.getLong(i) << 16) : want.getDouble(i);
                double g = got.getDouble(i);
                boolean ok = Double.isNaN(w) ? Double.isNaN(g) : w == g || Math.abs(w - g) <= 1e-5 + 1e-3 * Math.abs(w);
                if (!ok) {
                    return false;
                }
            } else if (want.getLong(i) != got.getLong(i)) {
                return false;
            }
        }
        return true;
    }
}
