package mpq.cli;

import java.io.IOException;
import java.nio.file.Path;
import mpq.base.BadInputException;
import mpq.base.Progress;
import mpq.data.Dataset;
import mpq.data.Preprocess;
import mpq.eval.EvalResult;
import mpq.eval.Evaluator;
import mpq.eval.MpqEngine;
import mpq.graph.Graph;
import mpq.graph.ValueInfo;

/** A labelled dataset opened for a model's input, evaluated with the command line's preprocessing and batching. */
final class EvalSet implements AutoCloseable {
    private final Path path;
    private final Dataset data;
    private final Preprocess pre;
    private final DataOptions options;
    private final Progress progress;

    private EvalSet(Path path, Dataset data, Preprocess pre, DataOptions options, Progress progress) {
        this.path = path;
        this.data = data;
        this.pre = pre;
        this.options = options;
        this.progress = progress;
    }

    static EvalSet open(Path path, ValueInfo in, String modelName, DataOptions options, Preprocess pre,
                        Progress progress) {
        return new EvalSet(path, ModelInput.open(path, options, in, modelName, pre), pre, options, progress);
    }

    /** Top-1 and more of a graph on the first --limit examples (all when it is 0). */
    EvalResult evaluate(Graph g, int threads) {
        return evaluate(g, threads, options.limit());
    }

    EvalResult evaluate(Graph g, int threads, int limit) {
        try (MpqEngine e = new MpqEngine(g, threads)) {
            return Evaluator.evaluate(e, data, pre, options.batch(), limit, progress);
        }
    }

    /** mpq running g against ONNX Runtime running the model file, on the first --limit examples. */
    mpq.eval.Agreement agreement(Graph g, Path onnxFile, int threads) {
        try (MpqEngine a = new MpqEngine(g, threads); mpq.eval.OrtEngine b = new mpq.eval.OrtEngine(onnxFile, threads)) {
            return mpq.eval.Agreement.measure(a, b, data, pre, options.batch(), options.limit(), progress);
        }
    }

    @Override
    public void close() {
        try {
            data.close();
        } catch (IOException e) {
            throw new BadInputException(path + ": " + e.getMessage());
        }
    }
}
