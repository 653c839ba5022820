package mpq.cli;

import java.util.Arrays;
import mpq.base.BadInputException;
import mpq.data.Dataset;
import mpq.graph.Graph;
import mpq.graph.ValueInfo;

/** How a model's single input relates to a dataset's examples. */
final class ModelInput {
    private ModelInput() {}

    static ValueInfo single(Graph g, String modelName) {
        if (g.inputs().size() != 1) {
            throw new BadInputException(modelName + ": mpq evaluates models with one input; this one has "
                    + g.inputs().size());
        }
        return g.inputs().getFirst();
    }

    /** The model's example shape (input without the batch axis); unknown dimensions are -1. */
    static int[] itemShape(ValueInfo in) {
        int[] d = in.dims();
        return d.length == 0 ? new int[0] : Arrays.copyOfRange(d, 1, d.length);
    }

    /** Refuses data whose examples do not have the shape the model reads. */
    static void checkFits(Dataset data, ValueInfo in, String modelName) {
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
}
