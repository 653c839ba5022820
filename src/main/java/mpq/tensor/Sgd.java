package mpq.tensor;

import java.util.ArrayList;
import java.util.List;

/** Stochastic gradient descent with momentum and weight decay: v ← μv + g + λw, w ← w − η·v. */
public final class Sgd implements Optimizer {
    private final double momentum, weightDecay;
    private double lr;
    private final List<float[]> velocity = new ArrayList<>();

    public Sgd(double lr, double momentum, double weightDecay) {
        if (!(lr > 0) || momentum < 0 || momentum >= 1 || weightDecay < 0) {
            throw new IllegalArgumentException("need lr > 0, 0 ≤ momentum < 1, weight decay ≥ 0");
        }
        this.lr = lr;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    @Override
    public void step(List<Tensor> params, List<Tensor> grads) {
        while (velocity.size() < params.size()) {
            velocity.add(new float[params.get(velocity.size()).size()]);
        }
        for (int p = 0; p < params.size(); p++) {
            float[] w = params.get(p).data(), g = grads.get(p).data(), v = velocity.get(p);
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (momentum * v[i] + g[i] + weightDecay * w[i]);
                w[i] -= (float) (lr * v[i]);
            }
        }
    }

    @Override
    public void setLearningRate(double lr) {
        if (!(lr > 0)) {
            throw new IllegalArgumentException("need lr > 0, got " + lr);
        }
        this.lr = lr;
    }
}
