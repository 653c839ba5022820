package mpq.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import mpq.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The MLP's gradients and the DDPG agent learning a one-step task. */
class DdpgTest {
    @Test
    void mlpInputGradientMatchesFiniteDifferences() {
        try (Mlp m = new Mlp(3, new int[] {8}, 1, true, 0.5, 1e-3, new SplittableRandom(1))) {
            float[] x = {0.3f, -0.7f, 0.9f};
            m.forward(new Tensor(new int[] {1, 3}, x.clone()));
            float[] g = m.backward(Tensor.of(new int[] {1, 1}, 1f)).data().clone();
            for (int i = 0; i < 3; i++) {
                float[] up = x.clone(), down = x.clone();
                up[i] += 1e-2f;
                down[i] -= 1e-2f;
                double d = (m.forward(new Tensor(new int[] {1, 3}, up)).data()[0]
                        - m.forward(new Tensor(new int[] {1, 3}, down)).data()[0]) / 2e-2;
                assertEquals(d, g[i], 1e-3 + 1e-2 * Math.abs(d), "input " + i);
            }
        }
    }

    /**
     * A contextual bandit: the state is a context c ∈ {0, 1}, the best action 0.2 for c = 0 and 0.8 for c = 1, the
     * reward −(a − best)², one step per episode. After training on noisy actions the actor's actions are near the
     * best ones for both contexts (a fresh actor gives about 0.5 for both).
     */
    @Test
    void learnsTheBestActionOfEachContext() {
        SplittableRandom rnd = new SplittableRandom(3);
        Ddpg.Settings s = new Ddpg.Settings(new int[] {32, 32}, 3e-3, 1e-2, 0.05, 1.0, 32, 500);
        try (Ddpg agent = new Ddpg(2, s, 5)) {
            for (int i = 0; i < 1500; i++) {
                int c = rnd.nextInt(2);
                float[] state = {c, 1 - c};
                double a = Math.min(1, Math.max(0, agent.act(state) + 0.3 * rnd.nextGaussian()));
                double best = c == 0 ? 0.2 : 0.8;
                agent.remember(state, a, -(a - best) * (a - best), state, true);
                agent.update();
            }
            double a0 = agent.act(new float[] {0, 1}), a1 = agent.act(new float[] {1, 0});
            assertTrue(Math.abs(a0 - 0.2) < 0.1 && Math.abs(a1 - 0.8) < 0.1, "actions " + a0 + ", " + a1);
        }
    }
}
