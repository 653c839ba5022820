package mpq.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import mpq.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Top-k and cross-entropy of logits, and of probabilities when the model ends in a Softmax. */
class ScoresTest {
    @Test
    void logitsAndProbabilitiesGiveTheSameCrossEntropy() {
        // Logits [0, ln 3] and the probabilities softmax makes of them, [0.25, 0.75]; labels 1 and 0.
        float l3 = (float) Math.log(3);
        Scores logits = Scores.of(Tensor.of(new int[] {2, 2}, 0, l3, 0, l3), new int[] {1, 0}, "test");
        Scores probs = Scores.of(Tensor.of(new int[] {2, 2}, 0.25f, 0.75f, 0.25f, 0.75f), new int[] {1, 0}, "test");
        double want = -Math.log(0.75) - Math.log(0.25);
        assertEquals(want, logits.crossEntropySum(), 1e-6);
        assertEquals(want, probs.crossEntropySum(), 1e-6);
        assertEquals(1, logits.top1());
        assertArrayEquals(new int[] {1, 1}, probs.predicted());
    }
}
