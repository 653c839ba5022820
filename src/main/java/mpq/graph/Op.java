package mpq.graph;

import java.util.List;
import mpq.tensor.Parallel;
import mpq.tensor.Tensor;

/**
 * One node's computation, created per node (and per plan) with its attributes already parsed.
 *
 * <p>{@link #infer} is called once when a plan is built, with the inputs' shapes and types and, for constant
 * inputs, their values; ops that need a constant (a Reshape's shape, a Conv's weights for packing) take it there.
 * {@link #forward} then runs for every batch. Every tensor handed to forward has at least
 * {@link mpq.tensor.Conv2d#slack()} readable elements past its end.
 */
public interface Op {
    /** Shapes and types of the outputs; an omitted optional input is null. Throws IllegalArgumentException on bad input. */
    List<ValueMeta> infer(List<ValueMeta> inputs);

    /** Computes the outputs (preallocated with the inferred shapes) from the inputs (null where omitted). */
    void forward(Tensor[] inputs, Tensor[] outputs, Parallel par);

    /** True when output 0 is input 0's data under another shape, so no copy or forward call is needed. */
    default boolean outputAliasesInput() {
        return false;
    }

    /** Multiply-accumulates of one forward call at the planned shapes (0 for ops that do none worth counting). */
    default long macs() {
        return 0;
    }

    /**
     * Adds to gradIn[i] the gradient of the loss with respect to input i, given the forward call's inputs and
     * outputs and the gradients of the outputs (gradOut, same shapes as the outputs). gradIn[i] is null where no
     * gradient is wanted (constants, integer inputs). Called only on ops planned without a fused ReLU. Ops that
     * cannot be differentiated throw.
     */
    default void backward(Tensor[] in, Tensor[] out, Tensor[] gradOut, Tensor[] gradIn, Parallel par) {
        throw new UnsupportedOperationException("no backward pass for " + getClass().getSimpleName());
    }

    /**
     * True for ops whose output is piecewise linear in their data input, with pieces chosen per element or window
     * (ReLU, LeakyReLU, Clip, MaxPool). Such ops can run on frozen pieces: see {@link #forwardOnPieces}.
     */
    default boolean piecewiseLinear() {
        return false;
    }

    /**
     * The forward pass on the linear pieces that a reference input selects (a ReLU passes x where the reference
     * was positive, whatever x is). With pieces frozen, a function of the weights is smooth around the reference,
     * so finite differences of gradients give the Hessian that automatic differentiation defines. The backward pass
     * on frozen pieces is {@link #backward} called with the reference as the input.
     */
    default void forwardOnPieces(Tensor[] reference, Tensor[] in, Tensor[] out, Parallel par) {
        forward(in, out, par);
    }

    /** Asks the op to apply a ReLU to its output itself; returns false when it cannot. */
    default boolean fuseRelu() {
        return false;
    }
}
