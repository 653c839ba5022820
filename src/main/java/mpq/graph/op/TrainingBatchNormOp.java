package mpq.graph.op;

import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Parallel;
import mpq.tensor.Tensor;

/**
 * ONNX BatchNormalization with training_mode = 1: normalised by the batch's own statistics (as mpq.BatchNormTrain,
 * which it runs), and writing the updated running statistics, running = input · momentum + batch · (1 − momentum)
 * (the batch variance is the biased one, as the ONNX reference computes it).
 */
final class TrainingBatchNormOp implements Op {
    private final BatchNormTrainOp batchStatistics;
    private final float momentum;
    private final int outputs;

    TrainingBatchNormOp(Attributes a, int outputs) {
        this.batchStatistics = new BatchNormTrainOp(a);
        this.momentum = a.getFloat("momentum", 0.9f);
        this.outputs = outputs;
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        Args.requirePerChannel(in, Args.input(in, 0, "X").shape()[1], "scale", "B", "input_mean", "input_var");
        List<ValueMeta> out = batchStatistics.infer(in.subList(0, 3));
        return out.subList(0, Math.max(1, Math.min(3, outputs)));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        Tensor[] stats = {out[0], Tensor.zeros(in[3].shape()), Tensor.zeros(in[4].shape())};
        batchStatistics.forward(new Tensor[] {in[0], in[1], in[2]}, stats, par);
        for (int k = 1; k < out.length && k < 3; k++) {
            if (out[k] == null) {
                continue;
            }
            float[] running = in[k + 2].data(), batch = stats[k].data(), y = out[k].data();
            for (int c = 0, n = in[k + 2].size(); c < n; c++) {
                y[c] = running[c] * momentum + batch[c] * (1 - momentum);
            }
        }
    }
}
