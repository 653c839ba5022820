package mpq.sensitivity;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The nearest positive semi-definite matrix (in Frobenius norm) to a symmetric one: its eigendecomposition with the
 * negative eigenvalues set to 0 (EJML's symmetric eigensolver). CLADO applies it to its quadratic model, so that no
 * combination of choices can look better than quantizing nothing and the programme is convex.
 */
final class PsdProjection {
    private PsdProjection() {}

    static double[][] project(double[][] a) {
        int n = a.length;
        if (n == 0) {
            return new double[0][0];
        }
        DMatrixRMaj m = new DMatrixRMaj(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                m.set(i, j, 0.5 * (a[i][j] + a[j][i]));
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
        if (!eig.decompose(m)) {
            throw new IllegalStateException("the eigendecomposition of a " + n + " × " + n + " matrix failed");
        }
        double[][] out = new double[n][n];
        for (int e = 0; e < eig.getNumberOfEigenvalues(); e++) {
            double lambda = eig.getEigenvalue(e).getReal();
            if (lambda <= 0) {
                continue;
            }
            DMatrixRMaj v = eig.getEigenVector(e);
            for (int i = 0; i < n; i++) {
                double vi = lambda * v.get(i, 0);
                for (int j = 0; j < n; j++) {
                    out[i][j] += vi * v.get(j, 0);
                }
            }
        }
        return out;
    }
}
