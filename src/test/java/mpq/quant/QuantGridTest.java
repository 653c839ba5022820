package mpq.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import mpq.base.BadInputException;
import mpq.graph.Attributes;
import mpq.tensor.DType;
import mpq.graph.Graph;
import mpq.graph.ValueInfo;
import mpq.graph.exec.Executor;
import mpq.tensor.FakeQuant;
import mpq.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The integer grid: QuantizeLinear/DequantizeLinear semantics, saturation, idempotence, exact zero, axes. */
class QuantGridTest {
    /** ONNX QuantizeLinear then DequantizeLinear, written from the operator definitions with Math.rint. */
    private static float onnxQdq(float x, float scale, int zp, int qmin, int qmax) {
        double q = Math.rint((double) (x / scale)) + zp;   // the division is float32, as in the runtimes
        q = Math.max(qmin, Math.min(qmax, q));
        return (float) (q - zp) * scale;                    // DequantizeLinear in float32
    }

    @Test
    void halfStepsRoundToEven() {
        QuantParams p = new QuantParams(new IntGrid(8, true), true, new float[] {0.5f}, new int[] {0}, -1);
        float[] x = {0.25f, 0.75f, 1.25f, 1.75f, -0.25f, -0.75f, -1.25f, -1.75f};
        float[] want = {0f, 1f, 1f, 2f, 0f, -1f, -1f, -2f};   // 0.5→0, 1.5→2, 2.5→2, 3.5→4 steps of 0.5
        for (int i = 0; i < x.length; i++) {
            assertEquals(want[i], p.apply(x[i], 0), 0f, "x = " + x[i]);
        }
    }

    @Test
    void agreesWithQuantizeLinearOnHalfStepsAndBeyondTheGrid() {
        float scale = 0.5f;
        for (int[] g : new int[][] {{0, 255, 128}, {0, 255, 0}, {-128, 127, 0}, {-8, 7, 3}, {0, 15, 5}}) {
            IntGrid grid = new IntGrid(Integer.numberOfTrailingZeros(g[1] - g[0] + 1), g[0] < 0);
            QuantParams p = new QuantParams(grid, false, new float[] {scale}, new int[] {g[2]}, -1);
            for (int k = -600; k <= 600; k++) {
                for (float off : new float[] {0f, 0.5f, 0.49f, 0.51f}) {
                    float x = (k + off) * scale;
                    assertEquals(onnxQdq(x, scale, g[2], g[0], g[1]), p.apply(x, 0), 0f,
                            "x = " + x + " on " + grid + " zp " + g[2]);
                }
            }
        }
    }

    @Test
    void saturatesAtTheGridEnds() {
        QuantParams p = QuantParams.of(new IntGrid(4, false), false, new Range(-1, 2));
        float lo = p.lowSteps(0) * p.scale(0), hi = p.highSteps(0) * p.scale(0);
        assertEquals(lo, p.apply(-1e6f, 0));
        assertEquals(hi, p.apply(1e6f, 0));
        assertEquals(15, p.highSteps(0) - p.lowSteps(0), 0f);
    }

    @Test
    void idempotentAndZeroExactOnEveryGrid() {
        SplittableRandom r = new SplittableRandom(11);
        for (int bits : new int[] {2, 3, 4, 5, 6, 7, 8, 16}) {
            for (boolean signed : new boolean[] {true, false}) {
                for (boolean symmetric : new boolean[] {true, false}) {
                    if (symmetric && !signed) {
                        continue;   // symmetric grids for signed data are signed
                    }
                    for (int trial = 0; trial < 20; trial++) {
                        double lo = -r.nextDouble() * 5, hi = r.nextDouble() * 5 + 1e-3;
                        QuantParams p = QuantParams.of(new IntGrid(bits, signed), symmetric, new Range(lo, hi));
                        assertEquals(0f, p.apply(0f, 0), 0f, "zero on " + p);
                        for (int i = 0; i < 200; i++) {
                            float x = (float) ((r.nextDouble() * 2 - 1) * 8);
                            float once = p.apply(x, 0);
                            assertEquals(once, p.apply(once, 0), 0f, "idempotent at " + x + " on " + p);
                        }
                    }
                }
            }
        }
    }

    @Test
    void vectorLoopMatchesTheScalarDefinition() {
        SplittableRandom r = new SplittableRandom(12);
        for (int n = 0; n < 80; n++) {
            float[] x = new float[n + 5];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) ((r.nextDouble() * 2 - 1) * 3);
                if (i % 7 == 0) {
                    x[i] = (float) (Math.round(x[i] / 0.25) * 0.25 + 0.125);   // exact half steps of 0.25
                }
            }
            float[] y = new float[x.length];
            FakeQuant.apply(x, y, 2, 2 + n, 0.25f, -8f, 7f);
            for (int i = 2; i < 2 + n; i++) {
                assertEquals(FakeQuant.quantizeDequantize(x[i], 0.25f, -8f, 7f), y[i], 0f, "n " + n + " i " + i);
            }
        }
    }

    @Test
    void perChannelParametersFollowTheirAxis() {
        float[] scales = {0.1f, 1f, 10f};
        QuantParams p = new QuantParams(new IntGrid(8, true), true, scales, new int[3], 1);
        float[] v = new float[2 * 3 * 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = 3.33f * (i - 11);
        }
        Tensor t = new Tensor(new int[] {2, 3, 4}, v);
        Tensor q = p.apply(t);
        for (int i = 0; i < v.length; i++) {
            int c = (i / 4) % 3;
            assertEquals(onnxQdq(v[i], scales[c], 0, -128, 127), q.get(i), 0f, "element " + i + " channel " + c);
        }
        // The graph op does the same along axis 1 of a run-time tensor.
        Graph g = new Graph("fq", List.of(FakeQuantPass.node("x", "y", p)),
                List.of(new ValueInfo("x", DType.FLOAT, new int[] {2, 3, 4})),
                List.of(new ValueInfo("y", DType.FLOAT, new int[0])), Map.<String, Attributes.Constant>of(), 13);
        try (Executor ex = new Executor(g, 2)) {
            Tensor y = ex.run(t);
            for (int i = 0; i < v.length; i++) {
                assertEquals(q.get(i), y.get(i), 0f, "element " + i);
            }
        }
    }

    @Test
    void bitWidthsOutsideTheSupportedSetAreRefused() {
        for (int bits : new int[] {0, 1, 9, 12, 17, 32}) {
            assertThrows(BadInputException.class, () -> new IntGrid(bits, true), "bits " + bits);
        }
        assertEquals(32767, new IntGrid(16, true).qmax());
        assertEquals(3, new IntGrid(2, false).qmax());
        assertEquals(-2, new IntGrid(2, true).qmin());
    }
}
