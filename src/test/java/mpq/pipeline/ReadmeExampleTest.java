package mpq.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mpq.SharedData;
import mpq.data.Batches;
import mpq.data.Dataset;
import mpq.data.Datasets;
import mpq.data.Preprocess;
import mpq.eval.EvalResult;
import mpq.eval.Evaluator;
import mpq.graph.Graph;
import mpq.onnx.OnnxModel;
import mpq.quant.QuantConfig;
import org.junit.jupiter.api.Test;

/** The README's Java example is this code, word for word, and it runs: a whole search in the library. */
class ReadmeExampleTest {
    /** Runs the README's example (between the markers, as it is printed there). */
    static void example() throws IOException {
        // README example start
        Graph model = OnnxModel.load(Path.of("../shared/models/resnet20_cifar10.onnx")).graph();
        Preprocess pre = new Preprocess(255, new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
        try (Dataset train = Datasets.open(Path.of("../shared/data/cifar10/train_subset.bin"));
             Dataset test = Datasets.open(Path.of("../shared/data/cifar10/test_batch.bin"))) {
            Batches calib = Batches.sample(train, pre, 512, 128, 0);
            SearchSpec spec = SearchSpec.defaults().withBudget(new BudgetSpec.SizeOfUniform(4));
            SearchResult r = MixedPrecisionSearch.run(model, calib, QuantConfig.standard(), spec);
            EvalResult e = Evaluator.evaluate(r.quantized(), test, pre);
            System.out.printf("%s%ntop-1 %.2f%%, %,d weight bytes%n", r.bits(), 100 * e.top1(), r.weightBytes());
        }
        // README example end
    }

    @Test
    void theReadmeShowsThisCodeAndItRuns() throws IOException {
        List<String> source = Files.readAllLines(Path.of("src/test/java/mpq/pipeline/ReadmeExampleTest.java"));
        int from = source.indexOf("        // README example start"), to = source.indexOf("        // README example end");
        String code = String.join("\n", source.subList(from + 1, to).stream().map(l -> l.substring(8)).toList());
        String readme = Files.readString(Path.of("README.md"));
        assertTrue(readme.contains("```java\n" + code + "\n```"), "README.md shows the example as it is here:\n" + code);
        assertTrue(code.lines().count() <= 10, "a complete search in at most 10 lines");

        SharedData.model("resnet20_cifar10.onnx");   // the example reads ../shared: skip where it is absent
        SharedData.cifarTrain();
        SharedData.cifarTest();
        PrintStream before = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            example();
        } finally {
            System.setOut(before);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
        assertTrue(printed.contains("/layer1/layer1.0/conv1/Conv=W"), printed);
        double top1 = Double.parseDouble(printed.replaceAll("(?s).*top-1 ([0-9.]+)%.*", "$1"));
        assertTrue(top1 > 88 && top1 < 92, "a 4-bit-sized mixed ResNet-20 keeps most of its 91.73%: " + top1);
        assertEquals(2, printed.lines().count());
    }
}
