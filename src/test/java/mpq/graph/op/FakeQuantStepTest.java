package mpq.graph.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import mpq.graph.Attributes;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.graph.ValueInfo;
import mpq.graph.exec.Backprop;
import mpq.graph.exec.Executor;
import mpq.tensor.DType;
import mpq.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** mpq.FakeQuant with its step as an input: the same forward as the attribute, and the step's gradient (LSQ). */
class FakeQuantStepTest {
    private static final float ATTRIBUTE = 0.25f;
    private static final long QMIN = 0, QMAX = 15, ZERO = 3;

    private static Node node(boolean stepInput) {
        Attributes a = new Attributes(Map.of("scales", new float[] {ATTRIBUTE}, "zero_points", new long[] {ZERO},
                "qmin", QMIN, "qmax", QMAX));
        return new Node("fq", Ops.FAKE_QUANT, Ops.MPQ_DOMAIN, stepInput ? List.of("x", "s") : List.of("x"),
                List.of("y"), a);
    }

    private static Graph graph(boolean stepInput, float step) {
        Map<String, Attributes.Constant> init = new LinkedHashMap<>();
        if (stepInput) {
            init.put("s", new Attributes.Constant(new Tensor(new int[] {1}, new float[] {step}), DType.FLOAT));
        }
        return new Graph("g", List.of(node(stepInput)), List.of(new ValueInfo("x", DType.FLOAT, new int[] {-1})),
                List.of(new ValueInfo("y", DType.FLOAT, new int[0])), init, 13);
    }

    private static Tensor data() {
        SplittableRandom r = new SplittableRandom(4);
        Tensor x = Tensor.zeros(500);
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] = (float) (r.nextDouble() * 6 - 2);   // some below the grid, some above
        }
        return x;
    }

    @Test
    void theInputStepReplacesTheAttribute() {
        Tensor x = data();
        try (Executor a = new Executor(graph(false, 0), 1); Executor b = new Executor(graph(true, ATTRIBUTE), 1)) {
            Tensor ya = a.run(x).copy(), yb = b.run(x);
            for (int i = 0; i < x.size(); i++) {
                assertEquals(ya.get(i), yb.get(i), 0.0);
            }
        }
        try (Executor c = new Executor(graph(true, 0.5f), 1)) {
            assertEquals(0.5f * (QMAX - ZERO), c.run(Tensor.of(new int[] {1}, new float[] {100})).get(0), 0.0);
        }
    }

    @Test
    void theStepGradientIsRoundedMinusExactInsideAndTheLimitOutside() {
        float step = 0.3f;
        Tensor x = data();
        Tensor dy = data();
        try (Backprop bp = new Backprop(graph(true, step), List.of("s"), false, 1)) {
            bp.forward(x);
            bp.backward(Map.of("y", dy));
            double want = 0;
            for (int i = 0; i < x.size(); i++) {
                double v = x.get(i) / step, lo = QMIN - ZERO, hi = QMAX - ZERO;
                want += dy.get(i) * (v < lo ? lo : v > hi ? hi : Math.rint(v) - v);
            }
            assertEquals(want, bp.gradient("s").get(0), 1e-3 * Math.abs(want) + 1e-4);
        }
    }

    @Test
    void aStepThatIsNotPositiveIsRefused() {
        try (Executor e = new Executor(graph(true, -1f), 1)) {
            Exception ex = assertThrows(mpq.base.BadInputException.class, () -> e.run(data()));
            assertEquals(true, ex.getMessage().contains("'fq'") && ex.getMessage().contains("got -1.0"),
                    ex.getMessage());
        }
    }
}
