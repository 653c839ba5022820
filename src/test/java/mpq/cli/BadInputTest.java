package mpq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import mpq.SharedData;
import mpq.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of bad input gets one line naming the problem, exit code 2, and no stack trace. */
class BadInputTest {
    @TempDir
    Path tmp;

    private static void assertOneLineError(CliRun r, String... mustContain) {
        assertEquals(2, r.code(), "exit code; stderr was: " + r.err());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), "exactly one line: " + err);
        assertTrue(err.startsWith("mpq: error: "), err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
        for (String s : mustContain) {
            assertTrue(err.contains(s), "'" + s + "' in: " + err);
        }
    }

    @Test
    void missingModelFile() {
        Path missing = tmp.resolve("nope.onnx");
        assertOneLineError(CliRun.of("inspect", missing.toString()), missing.toString(), "no such file");
    }

    @Test
    void truncatedModel() throws IOException {
        Path model = SharedData.model("resnet20_cifar10.onnx");
        byte[] all = Files.readAllBytes(model);
        Path cut = tmp.resolve("truncated.onnx");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length / 3));
        assertOneLineError(CliRun.of("inspect", cut.toString()), cut.toString(), "truncated");
    }

    @Test
    void randomBytes() throws IOException {
        byte[] junk = new byte[4096];
        new Random(3).nextBytes(junk);
        Path f = tmp.resolve("random.onnx");
        Files.write(f, junk);
        assertOneLineError(CliRun.of("inspect", f.toString()), f.toString());
    }

    @Test
    void unsupportedOpsAreAllNamed() throws IOException {
        Onnx.ValueInfoProto x = Onnx.ValueInfoProto.newBuilder().setName("x").setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(1).setShape(Onnx.TensorShapeProto.newBuilder()
                        .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(4))))).build();
        Onnx.GraphProto g = Onnx.GraphProto.newBuilder().setName("g").addInput(x)
                .addNode(Onnx.NodeProto.newBuilder().setName("first").setOpType("StringNormalizer").addInput("x").addOutput("a"))
                .addNode(Onnx.NodeProto.newBuilder().setName("second").setOpType("Relu").addInput("a").addOutput("b"))
                .addNode(Onnx.NodeProto.newBuilder().setName("third").setOpType("TfIdfVectorizer").addInput("b").addOutput("y"))
                .addOutput(x.toBuilder().setName("y")).build();
        Onnx.ModelProto m = Onnx.ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setVersion(13)).build();
        Path f = tmp.resolve("unsupported.onnx");
        try (OutputStream o = Files.newOutputStream(f)) {
            m.writeTo(o);
        }
        assertOneLineError(CliRun.of("inspect", f.toString()), "TfIdfVectorizer (node 'third')", "StringNormalizer (node 'first')");
    }

    /** y = Gather(data float [5, 4], indices int64 [3]): a model with two inputs of different types. */
    private Path gatherModel() throws IOException {
        Onnx.ValueInfoProto data = valueInfo("data", 1, 5, 4), indices = valueInfo("indices", 7, 3);
        Onnx.GraphProto g = Onnx.GraphProto.newBuilder().setName("g").addInput(data).addInput(indices)
                .addNode(Onnx.NodeProto.newBuilder().setName("gather").setOpType("Gather").addInput("data")
                        .addInput("indices").addOutput("y"))
                .addOutput(valueInfo("y", 1, 3, 4)).build();
        Onnx.ModelProto m = Onnx.ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setVersion(13)).build();
        Path f = tmp.resolve("gather.onnx");
        try (OutputStream o = Files.newOutputStream(f)) {
            m.writeTo(o);
        }
        return f;
    }

    private static Onnx.ValueInfoProto valueInfo(String name, int elemType, int... dims) {
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
        for (int d : dims) {
            shape.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape))).build();
    }

    @Test
    void int64InputFedFloats() throws IOException {
        Path model = gatherModel(), data = tmp.resolve("data.npy"), idx = tmp.resolve("idx.npy");
        mpq.data.Npy.write(mpq.tensor.Tensor.zeros(5, 4), data);
        mpq.data.Npy.write(mpq.tensor.Tensor.of(new int[] {3}, 0, 1, 2), idx);   // float32, not int64
        assertOneLineError(CliRun.of("run", model.toString(), "--input", "data=" + data, "--input", "indices=" + idx),
                idx.toString(), "float", "'indices' is int64");
    }

    @Test
    void twoInputModelGivenOne() throws IOException {
        Path model = gatherModel(), data = tmp.resolve("data.npy");
        mpq.data.Npy.write(mpq.tensor.Tensor.zeros(5, 4), data);
        assertOneLineError(CliRun.of("run", model.toString(), "--input", "data=" + data), "takes 2 inputs",
                "missing indices int64 [3]");
    }

    @Test
    void runsAModelOnTypedInputs() throws IOException {
        Path model = gatherModel(), data = tmp.resolve("data.npy"), out = tmp.resolve("out");
        mpq.tensor.Tensor d = mpq.tensor.Tensor.zeros(5, 4);
        for (int i = 0; i < 20; i++) {
            d.data()[i] = i;
        }
        mpq.data.Npy.write(d, data);
        Path idx = tmp.resolve("idx.pb");
        mpq.onnx.TensorFiles.writePb(idx, "indices", mpq.tensor.Tensor.longs(new int[] {3}, 4, 0, 4));
        CliRun r = CliRun.of("run", model.toString(), "--input", "data=" + data, "--input", "indices=" + idx,
                "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        var y = mpq.onnx.TensorFiles.readPb(out.resolve("output_0.pb"));
        assertEquals("y", y.name());
        assertEquals(16f, y.tensor().get(0));   // row 4 of data, then row 0, then row 4
        assertEquals(0f, y.tensor().get(4));
        assertEquals(19f, y.tensor().get(11));
    }

    @Test
    void labelFileNamingAMissingImage() throws IOException {
        Path model = SharedData.model("resnet20_cifar10.onnx");
        Path labels = tmp.resolve("labels.txt");
        Files.writeString(labels, "images/missing.png 3\n");
        assertOneLineError(CliRun.of("eval", model.toString(), "--data", labels.toString()), labels + ":1:",
                "missing.png not found");
    }

    /** Four 1x28x28 IDX images with labels: data that does not fit a CIFAR model. */
    private Path mnistShapedImages() throws IOException {
        Path images = tmp.resolve("t10k-images-idx3-ubyte");
        Path labels = tmp.resolve("t10k-labels-idx1-ubyte");
        try (DataOutputStream d = new DataOutputStream(Files.newOutputStream(images))) {
            d.writeInt(0x0803);
            d.writeInt(4);
            d.writeInt(28);
            d.writeInt(28);
            d.write(new byte[4 * 28 * 28]);
        }
        try (DataOutputStream d = new DataOutputStream(Files.newOutputStream(labels))) {
            d.writeInt(0x0801);
            d.writeInt(4);
            d.write(new byte[4]);
        }
        return images;
    }

    @Test
    void dataThatDoesNotFitTheModel() throws IOException {
        Path model = SharedData.model("resnet20_cifar10.onnx");
        Path images = mnistShapedImages();
        assertOneLineError(CliRun.of("eval", model.toString(), "--data", images.toString()),
                images.toString(), "[1, 28, 28]", "[?, 3, 32, 32]");
    }

    @Test
    void calibrationDataThatDoesNotFitTheModel() throws IOException {
        Path model = SharedData.model("resnet20_cifar10.onnx");
        Path images = mnistShapedImages();
        assertOneLineError(CliRun.of("quantize", model.toString(), "--calib", images.toString()),
                images.toString(), "[1, 28, 28]", "[?, 3, 32, 32]");
    }

    @Test
    void emptyCalibrationSet() throws IOException {
        Path model = SharedData.model("resnet20_cifar10.onnx");
        Path empty = tmp.resolve("empty.bin");
        Files.write(empty, new byte[0]);
        assertOneLineError(CliRun.of("quantize", model.toString(), "--calib", empty.toString()),
                empty.toString(), "empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--w-bits=1", "--w-bits=9", "--a-bits=17", "--a-bits=0"})
    void bitsOutsideTheSupportedRange(String option) {
        Path model = SharedData.model("resnet20_cifar10.onnx");
        String value = option.substring(option.indexOf('=') + 1);
        assertOneLineError(CliRun.of("quantize", model.toString(), "--calib", SharedData.cifarTrain().toString(), option),
                option.substring(0, option.indexOf('=')), "2 to 8 or 16", "got " + value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--sparq=9|window bits must be 1 to 7", "--sparq-windows=4opt|needs --sparq",
            "--sparq=4 --sparq-windows=4opt|5opt, 3opt or 2opt", "--sparq=4 --sparq-round=up|nearest or floor",
            "--no-vsparq|needs --sparq"})
    void sparqSettingsOutsideWhatItTakes(String spec) {
        Path model = SharedData.model("resnet20_cifar10.onnx");
        List<String> args = new java.util.ArrayList<>(List.of("quantize", model.toString(), "--calib",
                SharedData.cifarTrain().toString()));
        args.addAll(List.of(spec.substring(0, spec.indexOf('|')).split(" ")));
        assertOneLineError(CliRun.of(args.toArray(String[]::new)), spec.substring(spec.indexOf('|') + 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"--recon-iters=0|--recon-iters must be at least 1, got 0",
            "--recon-batch=0|--recon-batch must be at least 1", "--recon-lambda=-1|--recon-lambda must be 0 or more",
            "--recon-act-iters=-5|--recon-act-iters must be 0 or more", "--recon-loss=l1|expected mse or fisher",
            "--refine=adaroun|unknown refiner 'adaroun'", "--sparq|use --sparq or --refine brecq, not both"})
    void reconstructionSettingsOutsideWhatItTakes(String spec) {
        Path model = SharedData.model("resnet20_cifar10.onnx");
        assertOneLineError(CliRun.of("quantize", model.toString(), "--calib", SharedData.cifarTrain().toString(),
                "--refine", "brecq", spec.substring(0, spec.indexOf('|'))), spec.substring(spec.indexOf('|') + 1));
    }

    @Test
    void hessianWithAnUnknownMetric() {
        Path model = SharedData.model("resnet20_cifar10.onnx");
        assertOneLineError(CliRun.of("hessian", model.toString(), "--calib", SharedData.cifarTrain().toString(),
                "--metric", "frobenius"), "--metric", "eig or trace", "'frobenius'");
    }

    @Test
    void searchWithAnInfeasibleBudgetNamesTheSmallestFeasibleOne() {
        Path model = SharedData.model("resnet8_mlperftiny_cifar10.onnx");
        CliRun r = CliRun.of("search", model.toString(), "--calib", SharedData.cifarTrain().toString(), "--calib-limit",
                "16", "--metric", "mse", "--allocator", "pareto", "--size", "1000");
        assertEquals(2, r.code(), r.err());
        String last = r.err().strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("mpq: error: ") && last.contains("smallest feasible size is") && last.endsWith(" bytes"), last);
    }

    @Test
    void searchWithAnUnknownMetricListsTheKnownOnes() {
        Path model = SharedData.model("resnet8_mlperftiny_cifar10.onnx");
        assertOneLineError(CliRun.of("search", model.toString(), "--calib", SharedData.cifarTrain().toString(),
                "--metric", "curvature", "--avg-w-bits", "4"), "'curvature'", "hawq, hawq-v2, zeroq-kl, mse, fisher");
    }

    @Test
    void unknownEstimatorListsTheKnownOnes() {
        Path model = SharedData.model("resnet20_cifar10.onnx");
        assertOneLineError(CliRun.of("quantize", model.toString(), "--calib", SharedData.cifarTrain().toString(),
                "--estimator", "kl"), "'kl'", "minmax, percentile, mse, aciq, entropy");
    }

    @Test
    void unknownTargetListsTheKnownOnes() {
        Path model = SharedData.model("resnet20_cifar10.onnx");
        assertOneLineError(CliRun.of("quantize", model.toString(), "--calib", SharedData.cifarTrain().toString(),
                "--target", "ort-arm"), "'ort-arm'", "ort-x86, ort-x86-vnni");
    }

    @Test
    void recipeWhoseGridsItsTargetCannotRunIsRefused() throws IOException {
        Path model = SharedData.model("resnet8_mlperftiny_cifar10.onnx");
        Path out = tmp.resolve("q");
        CliRun q = CliRun.of("quantize", model.toString(), "--calib", SharedData.cifarTrain().toString(),
                "--calib-limit", "64", "--target", "ort-x86-vnni", "--out", out.toString());
        assertEquals(0, q.code(), q.err());
        Path recipe = out.resolve("recipe.json");
        String json = Files.readString(recipe);
        assertTrue(json.contains("\"target\" : \"ort-x86-vnni\""), "the recipe names its target");
        Path edited = tmp.resolve("edited.json");
        Files.writeString(edited, json.replace("\"target\" : \"ort-x86-vnni\"", "\"target\" : \"ort-x86\""));
        assertOneLineError(CliRun.of("export", model.toString(), "--recipe", edited.toString(), "-o",
                tmp.resolve("x.onnx").toString()), edited.toString(), "target ort-x86 cannot run layer",
                "8-bit weights, 8-bit inputs");
        assertTrue(!Files.exists(tmp.resolve("x.onnx")));
        // Recipes written before targets existed get the one their grids fit.
        Path old = tmp.resolve("old.json");
        Files.writeString(old, json.replace("\"target\" : \"ort-x86-vnni\",", ""));
        assertEquals(mpq.deploy.Targets.ORT_X86_VNNI, mpq.quant.RecipeJson.read(old).target());
    }

    @Test
    void distillingAModelWithoutBatchNormSaysWhyItNeedsIt() {
        Path model = SharedData.model("resnet8_mlperftiny_cifar10.onnx");
        assertOneLineError(CliRun.of("distill", model.toString(), "-o", tmp.resolve("d.npy").toString()),
                model.toString(), "BatchNormalization", "running statistics");
        assertOneLineError(CliRun.of("quantize", model.toString(), "--calib", "distilled:0"), "distilled:N");
    }

    @Test
    void exportWithARecipeThatIsNotOne() throws IOException {
        Path model = SharedData.model("resnet8_mlperftiny_cifar10.onnx");
        Path recipe = tmp.resolve("r.json");
        Files.writeString(recipe, "{\"format\": \"something-else\"}");
        assertOneLineError(CliRun.of("export", model.toString(), "--recipe", recipe.toString(), "-o",
                tmp.resolve("x.onnx").toString()), recipe.toString(), "not an mpq recipe");
        assertTrue(!Files.exists(tmp.resolve("x.onnx")));
    }

    @Test
    void missingDataFile() {
        Path model = SharedData.model("resnet20_cifar10.onnx");
        Path missing = tmp.resolve("missing.bin");
        assertOneLineError(CliRun.of("eval", model.toString(), "--data", missing.toString()), missing.toString());
    }

    @Test
    void nonNumericMean() {
        Path model = SharedData.model("resnet20_cifar10.onnx");
        assertOneLineError(CliRun.of("eval", model.toString(), "--data", "x.bin", "--mean", "0.4,abc,0.5"),
                "--mean", "abc");
    }

    @Test
    void meanWithWrongChannelCount() {
        Path model = SharedData.model("resnet20_cifar10.onnx");
        assertOneLineError(CliRun.of("eval", model.toString(), "--data", SharedData.cifarTest().toString(),
                "--mean", "0.4,0.5", "--limit", "8"), "--mean", "3 channels");
    }

    @Test
    void verboseShowsTheStackTrace() {
        CliRun r = CliRun.of("inspect", tmp.resolve("nope.onnx").toString(), "--verbose");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("\tat "), r.err());
    }

    /** Two scored pairs in the STS Benchmark's layout (tab-separated, a '"' inside a sentence). */
    private Path pairs() throws IOException {
        Path f = tmp.resolve("pairs.csv");
        Files.writeString(f, "main-captions\tMSRvid\t2012test\t0000\t5.000\tA man is \"dancing\".\tA man dances.\n"
                + "main-captions\tMSRvid\t2012test\t0001\t1.000\tA cat sleeps.\tThe market fell.\n");
        return f;
    }

    @Test
    void tokenizerFileThatIsNotOne() throws IOException {
        Path model = SharedData.model("resnet8_mlperftiny_cifar10.onnx"), junk = tmp.resolve("tokenizer.json");
        Files.writeString(junk, "{\"this is\": \"not a tokenizer\"}");
        assertOneLineError(CliRun.of("eval", model.toString(), "--data", pairs().toString(), "--tokenizer", junk.toString()),
                junk.toString(), "not a Hugging Face tokenizer.json");
    }

    @Test
    void sentencePairRowWithTooFewColumns() throws IOException {
        Path model = SharedData.model("resnet8_mlperftiny_cifar10.onnx"), f = tmp.resolve("short.csv");
        Files.writeString(f, Files.readString(pairs()) + "main-captions\tMSRvid\t2012test\t0002\t3.0\tOnly one sentence\n");
        assertOneLineError(CliRun.of("eval", model.toString(), "--data", f.toString(), "--tokenizer",
                tmp.resolve("unused.json").toString()), f + ":3:", "6 tab-separated fields, expected at least 7");
    }

    @Test
    void embeddingBitsOnAModelWithoutEmbeddings() {
        Path model = SharedData.model("resnet8_mlperftiny_cifar10.onnx");
        assertOneLineError(CliRun.of("quantize", model.toString(), "--calib", SharedData.cifarTrain().toString(),
                "--calib-limit", "16", "--embedding-bits", "4"), "--embedding-bits 4", "no embedding table");
    }
}
