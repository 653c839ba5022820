package mpq.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import mpq.SharedData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An output that resolves to one of the command's inputs is refused before any work, and the input is untouched. */
class OutputsOverInputsTest {
    @TempDir
    Path tmp;

    private Path model, recipe;
    private byte[] modelBytes;

    @BeforeEach
    void quantizeOnce() throws IOException {
        model = Files.copy(SharedData.model("resnet8_mlperftiny_cifar10.onnx"), tmp.resolve("m.onnx"));
        modelBytes = Files.readAllBytes(model);
        CliRun q = CliRun.of("quantize", model.toString(), "--calib", SharedData.cifarTrain().toString(),
                "--calib-limit", "16", "--out", tmp.resolve("q").toString());
        assertEquals(0, q.code(), q.err());
        recipe = tmp.resolve("q/recipe.json");
    }

    private void assertRefused(CliRun r, String output) throws IOException {
        assertEquals(2, r.code(), r.err());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("mpq: error: " + output + ": this output is also an input"), err);
        assertArrayEquals(modelBytes, Files.readAllBytes(model), "the input model is byte-identical");
    }

    @Test
    void exportOverItsOwnModel() throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("link.onnx"), model.getFileName());
        Path hard = Files.createLink(tmp.resolve("hard.onnx"), model);
        for (Path out : new Path[] {model, link, hard, tmp.resolve("./q/../m.onnx")}) {
            assertRefused(CliRun.of("export", model.toString(), "--recipe", recipe.toString(), "-o", out.toString()),
                    out.toString());
        }
    }

    @Test
    void exportWhoseRecipeBesideItIsTheRecipeRead() throws IOException {
        Path r = Files.copy(recipe, tmp.resolve("x.recipe.json"));
        byte[] before = Files.readAllBytes(r);
        CliRun run = CliRun.of("export", model.toString(), "--recipe", r.toString(), "-o", tmp.resolve("x.onnx").toString());
        assertEquals(2, run.code(), run.err());
        assertTrue(run.err().contains(r + ": this output is also an input"), run.err());
        assertArrayEquals(before, Files.readAllBytes(r));
    }

    @Test
    void otherCommandsToo() throws IOException {
        String calib = SharedData.cifarTrain().toString();
        assertRefused(CliRun.of("eval", model.toString(), "--data", SharedData.cifarTest().toString(), "--limit", "8",
                "--predictions", model.toString()), model.toString());
        assertRefused(CliRun.of("quantize", model.toString(), "--calib", calib, "--export", model.toString()),
                model.toString());
        assertRefused(CliRun.of("distill", model.toString(), "-o", model.toString()), model.toString());
        Path dir = tmp.resolve("q");
        CliRun q = CliRun.of("quantize", model.toString(), "--calib", recipe.toString(), "--out", dir.toString());
        assertEquals(2, q.code(), q.err());
        assertTrue(q.err().contains(recipe + ": this output is also an input"), q.err());
    }
}
