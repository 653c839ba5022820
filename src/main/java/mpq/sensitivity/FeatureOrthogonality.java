package mpq.sensitivity;

import mpq.tensor.Tensor;

/**
 * Linear CKA between the feature maps of layers on the same examples: per layer the centred Gram matrix
 * K̃ = H X Xᵀ H of its features X (one row per example, flattened), and between two layers
 * ⟨K̃_i, K̃_j⟩ / (‖K̃_i‖ ‖K̃_j‖), in [0, 1] — 1 when one layer's features are an orthogonal transform and scaling of
 * the other's, near 0 when they are unrelated.
 */
final class FeatureOrthogonality {
    private FeatureOrthogonality() {}

    /** The centred Gram matrix [n × n] of the first n examples of features [N, …]. */
    static double[][] centredGram(Tensor features, int n) {
        float[] x = features.data();
        int d = features.size() / features.dim(0);
        double[][] k = new double[n][n];
        for (int a = 0; a < n; a++) {
            for (int b = 0; b <= a; b++) {
                double s = 0;
                for (int i = a * d, j = b * d, end = i + d; i < end; i++, j++) {
                    s += (double) x[i] * x[j];
                }
                k[a][b] = s;
                k[b][a] = s;
            }
        }
        double[] rowMean = new double[n];
        double mean = 0;
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                rowMean[a] += k[a][b] / n;
            }
            mean += rowMean[a] / n;
        }
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                k[a][b] += mean - rowMean[a] - rowMean[b];   // K symmetric: row and column means agree
            }
        }
        return k;
    }

    /** The linear CKA of every pair of layers from their centred Gram matrices. */
    static double[][] cka(double[][][] grams) {
        int l = grams.length;
        double[] norm = new double[l];
        for (int i = 0; i < l; i++) {
            norm[i] = Math.sqrt(dot(grams[i], grams[i]));
        }
        double[][] c = new double[l][l];
        for (int i = 0; i < l; i++) {
            for (int j = 0; j <= i; j++) {
                double v = norm[i] == 0 || norm[j] == 0 ? 0 : dot(grams[i], grams[j]) / (norm[i] * norm[j]);
                c[i][j] = v;
                c[j][i] = v;
            }
        }
        return c;
    }

    private static double dot(double[][] a, double[][] b) {
        double s = 0;
        for (int r = 0; r < a.length; r++) {
            for (int c = 0; c < a.length; c++) {
                s += a[r][c] * b[r][c];
            }
        }
        return s;
    }
}
