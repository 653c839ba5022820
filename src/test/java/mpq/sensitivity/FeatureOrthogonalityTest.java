package mpq.sensitivity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import mpq.Nets;
import mpq.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Linear CKA's defining properties, and OMPQ's importance from it. */
class FeatureOrthogonalityTest {
    @Test
    void ckaIsOneForTheSameFeaturesScaledOrPermutedAndSmallForUnrelatedOnes() {
        Nets n = new Nets(7);
        Tensor x = n.random(1.0, 32, 40);
        float[] scaled = x.data().clone(), permuted = new float[x.size()];
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] *= 3.5f;
        }
        for (int e = 0; e < 32; e++) {   // the feature axis reversed: an orthogonal transform
            for (int f = 0; f < 40; f++) {
                permuted[e * 40 + f] = x.data()[e * 40 + 39 - f];
            }
        }
        Tensor other = n.random(1.0, 32, 40);
        double[][] c = FeatureOrthogonality.cka(new double[][][] {FeatureOrthogonality.centredGram(x, 32),
                FeatureOrthogonality.centredGram(Tensor.of(new int[] {32, 40}, scaled), 32),
                FeatureOrthogonality.centredGram(Tensor.of(new int[] {32, 40}, permuted), 32),
                FeatureOrthogonality.centredGram(other, 32)});
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(1.0, c[i][j], 1e-9, i + " vs " + j);
            }
        }
        assertTrue(c[0][3] < 0.6 && c[0][3] > 0, "unrelated random features: " + c[0][3]);
        assertEquals(c[0][3], c[3][0]);
    }

    @Test
    void importanceIsTheMeanOfThetaOverTheLayerAndThoseAfterIt() {
        double[] gamma = {1, 2, 0.5};
        double beta = 0.7;
        double t0 = Math.exp(-0.7), t1 = Math.exp(-1.4), t2 = Math.exp(-0.35);
        assertArrayEquals(new double[] {(t0 + t1 + t2) / 3, (t1 + t2) / 2, t2}, OmpqMetric.importance(gamma, beta),
                1e-12);
    }
}
