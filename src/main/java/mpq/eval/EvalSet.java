package mpq.eval;

import java.io.IOException;
import java.nio.file.Path;
import mpq.base.BadInputException;
import mpq.base.Progress;
import mpq.data.Dataset;
import mpq.data.ImageOptions;
import mpq.data.ModelInput;
import mpq.data.Preprocess;
import mpq.graph.Graph;
import mpq.graph.ValueInfo;

/**
 * A labelled dataset opened for a model's input, with its preprocessing, batch size and the number of examples to
 * use (0: all): what every evaluation of a command or a pipeline stage runs on.
 */
public final class EvalSet implements AutoCloseable {
    private final Dataset data;
    private final Preprocess pre;
    private final int batch, limit;
    private final Progress progress;

    public EvalSet(Dataset data, Preprocess pre, int batch, int limit, Progress progress) {
        this.data = data;
        this.pre = pre;
        this.batch = batch;
        this.limit = limit;
        this.progress = progress;
    }

    /** Opens a data file for a model's input (format null: from the name) and checks that it fits. */
    public static EvalSet open(Path path, String format, ImageOptions images, ValueInfo in, String modelName,
                               Preprocess pre, int batch, int limit, Progress progress) {
        return new EvalSet(ModelInput.open(path, format, images, in, modelName, pre), pre, batch, limit, progress);
    }

    public Dataset data() {
        return data;
    }

    /** The examples an evaluation uses: the limit, or all. */
    public int examples() {
        return limit > 0 ? Math.min(limit, data.size()) : data.size();
    }

    /** Top-1 and more of a graph on the examples. */
    public EvalResult evaluate(Graph g, int threads) {
        return evaluate(g, threads, limit);
    }

    /** The same on the first n examples (0: all). */
    public EvalResult evaluate(Graph g, int threads, int n) {
        try (MpqEngine e = new MpqEngine(g, threads)) {
            return Evaluator.evaluate(e, data, pre, batch, n, progress);
        }
    }

    /** mpq running g against ONNX Runtime running the model file, on the examples. */
    public Agreement agreement(Graph g, Path onnxFile, int threads) {
        try (MpqEngine a = new MpqEngine(g, threads); OrtEngine b = new OrtEngine(onnxFile, threads)) {
            return Agreement.measure(a, b, data, pre, batch, limit, progress);
        }
    }

    @Override
    public void close() {
        try {
            data.close();
        } catch (IOException e) {
            throw new BadInputException(data.name() + ": " + e.getMessage());
        }
    }
}
