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
}
