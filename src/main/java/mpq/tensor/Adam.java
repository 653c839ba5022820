package mpq.tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Adam (Kingma and Ba): running means of the gradient and of its square, bias-corrected, w ← w − η·m̂ / (√v̂ + ε).
 */
public final class Adam implements Optimizer {
    private final double beta1, beta2, eps;
    private double lr;
    private final List<float[]> m = new ArrayList<>(), v = new ArrayList<>();
    private int t;

    public Adam(double lr) {
        this(lr, 0.9, 0.999, 1e-8);
    }

    public Adam(double lr, double beta1, double beta2, double eps) {
        if (!(lr > 0) || beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1 || !(eps > 0)) {
            throw new IllegalArgumentException("need lr > 0, 0 ≤ β1, β2 < 1, ε > 0");
        }
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    @Override
    public void step(List<Tensor> params, List<Tensor> grads) {
        while (m.size() < params.size()) {
            m.add(new float[params.get(m.size()).size()]);
            v.add(new float[params.get(v.size()).size()]);
        }
        t++;
        double c1 = 1 - Math.pow(beta1, t), c2 = 1 - Math.pow(beta2, t);
        for (int p = 0; p < params.size(); p++) {
            float[] w = params.get(p).data(), g = grads.get(p).data(), mp = m.get(p), vp = v.get(p);
            for (int i = 0; i < mp.length; i++) {
                mp[i] = (float) (beta1 * mp[i] + (1 - beta1) * g[i]);
                vp[i] = (float) (beta2 * vp[i] + (1 - beta2) * g[i] * g[i]);
                w[i] -= (float) (lr * (mp[i] / c1) / (Math.sqrt(vp[i] / c2) + eps));
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
