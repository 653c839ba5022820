package mpq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import mpq.SharedData;
import mpq.onnx.ModelEdits;
import mpq.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken variants of ResNet-20 (one field changed, as a user's tool would break it): every command that reads one
 * stops with one line naming the tensor or node and what was expected, exit 2; none reports NaN outputs as accuracy.
 */
class HostileModelsTest {
    @TempDir
    Path tmp;

    private static ModelEdits resnet20() throws IOException {
        return ModelEdits.of(SharedData.model("resnet20_cifar10.onnx"));
    }

    private static void assertOneLineError(CliRun r, String... mustContain) {
        assertEquals(2, r.code(), "exit code; stderr was: " + r.err());
        String last = r.err().strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("mpq: error: "), r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), "no stack trace: " + r.err());
        for (String s : mustContain) {
            assertTrue(last.contains(s), "'" + s + "' in: " + last);
        }
    }

    private static String[] eval(Path model, String... more) {
        String[] base = {"eval", model.toString(), "--data", SharedData.cifarTest().toString(), "--limit", "64"};
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void infiniteWeightIsRefusedByEveryCommand() throws IOException {
        ModelEdits m = resnet20();
        String w = m.inputOfFirst("Conv", 1);
        Path f = m.withFloat(w, 5, Float.POSITIVE_INFINITY).writeTo(tmp.resolve("inf.onnx"));
        String calib = SharedData.cifarTrain().toString();
        for (String[] args : new String[][] {eval(f), {"inspect", f.toString()},
                {"quantize", f.toString(), "--calib", calib, "--calib-limit", "16"},
                {"bench", f.toString(), "--batch", "1"}}) {
            assertOneLineError(CliRun.of(args), "initializer '" + w + "'", "1 non-finite value", "Infinity",
                    "[0, 0, 1, 2]", "--allow-non-finite");
        }
    }

    @Test
    void nanOutputsAllowedAreCountedWrong() throws IOException {
        ModelEdits m = resnet20();
        Path f = m.withFloat(m.inputOfFirst("Gemm", 1), 7, Float.NaN).writeTo(tmp.resolve("nan.onnx"));
        CliRun r = CliRun.of(eval(f, "--allow-non-finite", "--json"));
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(64, j.get("non_finite").asInt());
        assertEquals(0, j.get("top1_correct").asInt(), "a NaN output is never a right answer");
        assertEquals(0, j.get("top5_correct").asInt());
        assertTrue(r.err().contains("64 of 64 examples gave NaN or Inf outputs"), r.err());
    }

    @Test
    void quantizingNonFiniteWeightsNamesTheLayer() throws IOException {
        ModelEdits m = resnet20();
        String w = m.inputOfFirst("Gemm", 1);
        Path f = m.withFloat(w, 7, Float.NaN).writeTo(tmp.resolve("nan.onnx"));
        assertOneLineError(CliRun.of("quantize", f.toString(), "--calib", SharedData.cifarTrain().toString(),
                "--calib-limit", "16", "--allow-non-finite"), "weight '" + w + "'", "NaN or Inf");
        Path g = m.withFloat(m.inputOfFirst("Conv", 1), 0, Float.NEGATIVE_INFINITY).writeTo(tmp.resolve("inf.onnx"));
        assertOneLineError(CliRun.of("quantize", g.toString(), "--calib", SharedData.cifarTrain().toString(),
                "--calib-limit", "16", "--allow-non-finite"), "calibration: value '/Relu_output_0'", "NaN or Inf");
    }

    @Test
    void dimsLargerThanAnyTensor() throws IOException {
        ModelEdits m = resnet20();
        String w = m.inputOfFirst("Conv", 1);
        Path f = m.withDims(w, Integer.MAX_VALUE, Integer.MAX_VALUE).writeTo(tmp.resolve("huge.onnx"));
        assertOneLineError(CliRun.of(eval(f)), "initializer '" + w + "'", "[2147483647, 2147483647]");
    }

    @Test
    void dimsThatClaimMoreThanTheDataHoldIsCheckedBeforeAllocating() throws IOException {
        ModelEdits m = resnet20();
        String w = m.inputOfFirst("Conv", 1);
        // 4 GiB of floats claimed: refused from the data's length, without trying to allocate them
        Path f = m.withDims(w, 1L << 30).writeTo(tmp.resolve("big.onnx"));
        assertOneLineError(CliRun.of(eval(f)), "initializer '" + w + "'", "1728 bytes of raw data",
                "[1073741824] needs 4294967296");
        Path g = m.withDims(w, 16, 3, 3, 4).writeTo(tmp.resolve("short.onnx"));
        assertOneLineError(CliRun.of(eval(g)), "initializer '" + w + "'", "truncated");
    }

    @Test
    void negativePads() throws IOException {
        Path f = resnet20().withAttribute("Conv", ModelEdits.ints("pads", -100, -100, -100, -100))
                .writeTo(tmp.resolve("pads.onnx"));
        assertOneLineError(CliRun.of(eval(f)), "node '/conv1/Conv' (Conv)", "pads [-100, -100, -100, -100]",
                "at least 0");
    }

    @Test
    void attributeOfTheWrongKind() throws IOException {
        Path f = resnet20().withAttribute("Conv", ModelEdits.string("strides", "2,2")).writeTo(tmp.resolve("s.onnx"));
        for (String[] args : new String[][] {eval(f), {"inspect", f.toString()}}) {
            assertOneLineError(CliRun.of(args), "node '/conv1/Conv' (Conv)", "attribute 'strides' is string, expected ints");
        }
        Path g = resnet20().withAttribute("Conv", ModelEdits.ints("strides", 0, 1)).writeTo(tmp.resolve("z.onnx"));
        assertOneLineError(CliRun.of(eval(g)), "node '/conv1/Conv' (Conv)", "strides [0, 1]", "below 1");
        Path h = resnet20().withAttribute("Conv", Onnx.AttributeProto.newBuilder().setName("group")
                .setType(Onnx.AttributeProto.AttributeType.INT).setI(0).build()).writeTo(tmp.resolve("g.onnx"));
        assertOneLineError(CliRun.of(eval(h)), "node '/conv1/Conv' (Conv)", "group is 0");
    }

    @Test
    void cyclesAndAxesStayOneLineErrors() throws IOException {
        ModelEdits m = resnet20();
        Onnx.NodeProto relu = m.firstNode("Relu");
        Onnx.GraphProto.Builder g = m.proto().getGraph().toBuilder();
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (g.getNode(i).getName().equals(relu.getName())) {
                g.setNode(i, relu.toBuilder().setInput(0, relu.getOutput(0)));
            }
        }
        Path cycle = tmp.resolve("cycle.onnx");
        java.nio.file.Files.write(cycle, m.proto().toBuilder().setGraph(g).build().toByteArray());
        assertOneLineError(CliRun.of(eval(cycle)), relu.getName());
        Path axis = m.withAttribute("Flatten", Onnx.AttributeProto.newBuilder().setName("axis")
                .setType(Onnx.AttributeProto.AttributeType.INT).setI(9).build()).writeTo(tmp.resolve("axis.onnx"));
        assertOneLineError(CliRun.of(eval(axis)), "'/Flatten' (Flatten)", "9");
    }
}
