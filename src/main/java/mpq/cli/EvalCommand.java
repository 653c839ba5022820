package mpq.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import mpq.data.Dataset;
import mpq.data.Datasets;
import mpq.eval.EvalResult;
import mpq.eval.Evaluator;
import mpq.eval.InferenceEngine;
import mpq.eval.MpqEngine;
import mpq.eval.OrtEngine;
import mpq.graph.ValueInfo;
import mpq.data.ModelInput;
import mpq.data.SentencePairs;
import mpq.data.TextEncoder;
import mpq.eval.SentenceSimilarity;
import mpq.onnx.OnnxModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "eval", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Accuracy of a model on a labelled dataset: top-1, top-5, mean cross-entropy and images/s; with "
                + "--tokenizer, a sentence embedder on scored sentence pairs: Spearman's correlation of the cosine "
                + "similarities with the gold scores.",
                "",
                "Example (CIFAR-10, the shared models' preprocessing):",
                "  mpq eval resnet20_cifar10.onnx --data test_batch.bin --scale 255 \\",
                "      --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225",
                "Example (sentence embeddings, STS Benchmark):",
                "  mpq eval all-minilm-l6-v2.onnx --data sts-dev.csv --tokenizer all-minilm-l6-v2-tokenizer.json", ""})
final class EvalCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "D", description = "Labelled data: a CIFAR-10 .bin file, "
            + "an IDX file (labels from its sibling), an image folder with one sub-folder per class, a label file (.txt: "
            + "'path label' per line, paths relative to it), or a .npy array.")
    Path data;

    @Option(names = "--engine", paramLabel = "E", description = "mpq (default) or ort: run the same evaluation in "
            + "ONNX Runtime as a reference.")
    String engine = "mpq";

    @Option(names = "--predictions", paramLabel = "FILE", description = "Write each example's predicted class, one "
            + "line 'index class' per example in data order (to compare two engines or models image by image).")
    Path predictions;

    @Mixin
    TextOptions textOptions;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        new CommandFiles().reads(model, data).writes(predictions).check();
        if (!engine.equals("mpq") && !engine.equals("ort")) {
            throw new mpq.base.BadInputException("--engine must be mpq or ort, got '" + engine + "'");
        }
        OnnxModel m = modelOptions.load(model);
        if (textOptions.text()) {
            return similarity(m);
        }
        var pre = dataOptions.preprocess();
        ValueInfo in = ModelInput.single(m.graph(), model.toString());
        EvalResult r;
        try (Dataset d = ModelInput.open(data, dataOptions.format, dataOptions.imageOptions(), in, model.toString(), pre)) {
            try (InferenceEngine e = engine.equals("ort") ? new OrtEngine(model, common.threads())
                    : new MpqEngine(m.graph(), common.threads())) {
                r = Evaluator.evaluate(e, d, pre, dataOptions.batch(), dataOptions.limit(), new ConsoleProgress());
            }
        }
        if (predictions != null) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < r.count(); i++) {
                sb.append(i).append(' ').append(r.predicted()[i]).append('\n');
            }
            mpq.base.AtomicFiles.write(predictions, o -> o.write(sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        if (common.json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("model", model.toString());
            j.put("data", data.toString());
            j.put("engine", r.engine());
            j.put("count", r.count());
            j.put("top1", r.top1());
            j.put("top1_correct", r.top1Correct());
            j.put("top5", r.top5());
            j.put("top5_correct", r.top5Correct());
            j.put("mean_cross_entropy", r.meanCrossEntropy());
            j.put("non_finite", r.nonFinite());
            j.put("images_per_s", r.imagesPerSecond());
            j.put("seconds", r.seconds());
            j.put("batch", dataOptions.batch());
            j.put("threads", common.threads());
            Output.json(j);
        } else {
            Output.human().printf("%s on %s (%s, %d images)%n", model.getFileName(), data.getFileName(), r.engine(), r.count());
            Output.human().printf("top-1 %.2f%% (%d/%d)   top-5 %.2f%%   cross-entropy %.4f   %.0f images/s%n",
                    100 * r.top1(), r.top1Correct(), r.count(), 100 * r.top5(), r.meanCrossEntropy(), r.imagesPerSecond());
        }
        return 0;
    }

    /** The STS task: sentence pairs through the model, Spearman of the cosine similarities with the gold scores. */
    private int similarity(OnnxModel m) {
        if (predictions != null) {
            throw new mpq.base.BadInputException("--predictions is for classifiers; the STS task has no classes");
        }
        SentencePairs pairs = SentencePairs.read(data);
        SentenceSimilarity.Result r;
        try (TextEncoder text = textOptions.open();
             InferenceEngine e = engine.equals("ort") ? new OrtEngine(model, common.threads())
                     : new MpqEngine(m.graph(), common.threads())) {
            r = SentenceSimilarity.evaluate(e, m.graph().inputs(), pairs, text, dataOptions.batch(), dataOptions.limit(),
                    new ConsoleProgress());
        }
        if (common.json) {
            Output.json(Output.fields("model", model.toString(), "data", data.toString(), "engine", r.engine(),
                    "pairs", r.pairs(), "spearman", r.spearman(), "non_finite", r.nonFinite(), "pairs_per_s",
                    r.seconds() > 0 ? r.pairs() / r.seconds() : 0, "seconds", r.seconds(), "batch", dataOptions.batch(),
                    "threads", common.threads()));
        } else {
            Output.human().printf("%s on %s (%s, %d pairs)%n", model.getFileName(), data.getFileName(), r.engine(), r.pairs());
            Output.human().printf("Spearman %.4f   %.1f pairs/s%n", r.spearman(),
                    r.seconds() > 0 ? r.pairs() / r.seconds() : 0);
        }
        return 0;
    }
}
