package mpq.data;

import java.nio.file.Path;
import java.util.Arrays;
import mpq.base.BadInputException;
import mpq.graph.Graph;
import mpq.graph.ValueInfo;

/** How a model's single input relates to a dataset's examples. */
public final class ModelInput {
    private ModelInput() {}

    public static ValueInfo single(Graph g, String modelName) {
        if (g.inputs().size() != 1) {
            throw new BadInputException(modelName + ": mpq evaluates models with one input; this one has "
                    + g.inputs().size());
        }
        return g.inputs().getFirst();
    }

    /** The model's example shape (input without the batch axis); unknown dimensions are -1. */
    public static int[] itemShape(ValueInfo in) {
        int[] d = in.dims();
        return d.length == 0 ? new int[0] : Arrays.copyOfRange(d, 1, d.length);
    }

    /** Refuses data whose examples do not have the shape the model reads. */
    public static void checkFits(Dataset data, ValueInfo in, String modelName) {
        int[] want = itemShape(in);
        int[] got = data.itemShape();
        boolean ok = want.length == got.length;
        for (int i = 0; ok && i < want.length; i++) {
            ok = want[i] < 0 || want[i] == got[i];
        }
        if (!ok) {
            throw new BadInputException(data.name() + ": examples have shape " + Arrays.toString(got) + " but "
                    + modelName + " input '" + in.name() + "' expects " + in.shapeString() + " (batch axis first)");
        }
    }

    /**
     * Opens a dataset for a model's input: the format given (null: from the name), the examples' shape and the
     * preprocessing's channel count checked; closed again when a check fails.
     */
    public static Dataset open(Path file, String format, ImageOptions images, ValueInfo in, String modelName,
                               Preprocess pre) {
        Dataset d = Datasets.open(file, format, itemShape(in), images);
        try {
            checkFits(d, in, modelName);
            pre.check(d.itemShape(), d.name());
            return d;
        } catch (RuntimeException e) {
            try {
                d.close();
            } catch (java.io.IOException ignored) {
                // the check's message is the one that matters
            }
            throw e;
        }
    }
}
