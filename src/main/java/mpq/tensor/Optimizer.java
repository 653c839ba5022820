package mpq.tensor;

import java.util.List;

/** Updates parameters in place from their gradients, one step at a time (the list order must stay the same). */
public interface Optimizer {
    void step(List<Tensor> params, List<Tensor> grads);

    /** Changes the learning rate for the following steps (schedules: decay, warm-up). */
    void setLearningRate(double lr);
}
