package mpq.quant;

import mpq.tensor.Tensor;

/**
 * Learned rounding of one layer's weights (AdaRound, Nagel et al. 2020): each weight w with its channel's step s
 * becomes s·clamp(⌊w/s⌋ + h(v), lo, hi), where h(v) = clip(σ(v)·(ζ − γ) + γ, 0, 1) is a soft choice between floor
 * (0) and ceil (1). v starts where h(v) is the fractional part of w/s, so the soft weights start at w itself (clamped);
 * the regulariser Σ 1 − |2h − 1|^β pushes every h to 0 or 1 as β falls; at the end the choice is hard, h ≥ ½.
 */
public final class AdaRound {
    /** The stretch of the rectified sigmoid (the paper's ζ and γ). */
    static final float ZETA = 1.1f, GAMMA = -0.1f;

    private final QuantParams params;
    private final int[] shape;
    private final float[] step, lo, hi, floor;   // per element: the channel's step and limits, ⌊w/s⌋
    private final Tensor v;                       // the learned variables, one per weight

    public AdaRound(QuantParams params, Tensor w) {
        this.params = params;
        this.shape = w.shape();
        int n = w.size();
        int[] channel = params.channelOf(shape);
        step = new float[n];
        lo = new float[n];
        hi = new float[n];
        floor = new float[n];
        v = Tensor.zeros(shape);
        float[] x = w.data(), vd = v.data();
        for (int i = 0; i < n; i++) {
            int c = channel[i];
            step[i] = params.scale(c);
            lo[i] = params.lowSteps(c);
            hi[i] = params.highSteps(c);
            float r = x[i] / step[i];
            floor[i] = (float) Math.floor(r);
            double rest = r - floor[i];   // in [0, 1): h(v) = rest ⇔ σ(v) = (rest − γ) / (ζ − γ)
            vd[i] = (float) -Math.log((ZETA - GAMMA) / (rest - GAMMA) - 1);
        }
    }

    /** The variables the optimiser changes. */
    public Tensor variables() {
        return v;
    }

    /** The soft rounding h(v) of one variable. */
    static float soft(float v) {
        float h = sigmoid(v) * (ZETA - GAMMA) + GAMMA;
        return Math.min(1, Math.max(0, h));
    }

    /** Writes the soft-rounded weights into out (at least as long as the weight). */
    public void softWeights(float[] out) {
        float[] vd = v.data();
        for (int i = 0; i < floor.length; i++) {
            out[i] = step[i] * Math.min(hi[i], Math.max(lo[i], floor[i] + soft(vd[i])));
        }
    }

    /**
     * The gradient with respect to the variables, into grad: the weights' gradient dw through the soft rounding
     * (zero where h or the grid limit saturates), plus λ times the regulariser's gradient at this β (none when λ is 0).
     *
     * @return the regulariser's value Σ 1 − |2h − 1|^β (times λ)
     */
    public double gradient(float[] dw, float[] grad, double lambda, double beta) {
        float[] vd = v.data();
        double reg = 0;
        for (int i = 0; i < floor.length; i++) {
            float s = sigmoid(vd[i]);
            float hRaw = s * (ZETA - GAMMA) + GAMMA;
            float dhdv = hRaw > 0 && hRaw < 1 ? s * (1 - s) * (ZETA - GAMMA) : 0;
            float h = Math.min(1, Math.max(0, hRaw));
            float q = floor[i] + h;
            float g = q > lo[i] && q < hi[i] ? dw[i] * step[i] : 0;
            if (lambda > 0) {
                double d = 2 * h - 1, a = Math.abs(d);
                reg += 1 - Math.pow(a, beta);
                g += (float) (-lambda * beta * Math.pow(a, beta - 1) * Math.signum(d) * 2);
            }
            grad[i] = g * dhdv;
        }
        return lambda * reg;
    }

    /** The hard choice: the stored integers q (zero point included), each ⌊w/s⌋ or ⌊w/s⌋ + 1 within the grid. */
    public int[] levels() {
        float[] vd = v.data();
        int[] channel = params.channelOf(shape);
        int[] q = new int[floor.length];
        for (int i = 0; i < q.length; i++) {
            float r = floor[i] + (soft(vd[i]) >= 0.5f ? 1 : 0);
            q[i] = (int) Math.min(hi[i], Math.max(lo[i], r)) + params.zeroPoint(channel[i]);
        }
        return q;
    }

    /** The share of weights whose hard choice differs from rounding to nearest. */
    public double changedFraction(Tensor w) {
        return (double) changed(params, levels(), w) / w.size();
    }

    /** How many of the stored integers q differ from w rounded to nearest on the grid of p. */
    static int changed(QuantParams p, int[] q, Tensor w) {
        Tensor nearest = p.levels(w);
        int changed = 0;
        for (int i = 0; i < q.length; i++) {
            changed += q[i] != (int) nearest.get(i) ? 1 : 0;
        }
        return changed;
    }

    private static float sigmoid(float x) {
        return (float) (1 / (1 + Math.exp(-x)));
    }
}
