package mpq.graph;

import mpq.tensor.DType;
import static mpq.graph.TinyGraphs.attrs;
import static mpq.graph.TinyGraphs.c;
import static mpq.graph.TinyGraphs.ints;
import static mpq.graph.TinyGraphs.run;
import static mpq.graph.TinyGraphs.s;
import static mpq.graph.TinyGraphs.t;
import static mpq.graph.TinyGraphs.x;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import mpq.base.BadInputException;
import mpq.graph.exec.Executor;
import mpq.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Every op the engine runs, on small cases computed by hand. */
class OpsTest {
    private static final float TOL = 1e-5f;

    static void check(int[] shape, float[] expected, Tensor got) {
        assertArrayEquals(shape, got.shape(), "shape");
        assertArrayEquals(expected, Arrays.copyOf(got.to(DType.FLOAT).data(), got.size()), TOL);
    }

    static Tensor seq(int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = i + 1;
        }
        return t;
    }

    static Tensor ones(int... shape) {
        Tensor t = Tensor.zeros(shape);
        Arrays.fill(t.data(), 1f);
        return t;
    }

    // ---- Conv -------------------------------------------------------------------------------------------------

    @Test
    void convValidWithBias() {
        Tensor y = run("Conv", attrs(), x("x", seq(1, 1, 3, 3)), c("w", ones(1, 1, 2, 2)), c("b", t(s(1), 1f)));
        check(s(1, 1, 2, 2), new float[] {13, 17, 25, 29}, y);
    }

    @Test
    void convPaddedStride2() {
        Tensor y = run("Conv", attrs("pads", new int[] {1, 1, 1, 1}, "strides", new int[] {2, 2}),
                x("x", seq(1, 1, 3, 3)), c("w", ones(1, 1, 3, 3)));
        check(s(1, 1, 2, 2), new float[] {12, 16, 24, 28}, y);
    }

    @Test
    void convAsymmetricPads() {
        Tensor y = run("Conv", attrs("pads", new int[] {0, 0, 1, 1}, "strides", new int[] {2, 2}),
                x("x", seq(1, 1, 3, 3)), c("w", ones(1, 1, 2, 2)));
        check(s(1, 1, 2, 2), new float[] {12, 9, 15, 9}, y);
    }

    @Test
    void convAutoPadSameUpperAndLower() {
        Tensor up = run("Conv", attrs("auto_pad", "SAME_UPPER", "strides", new int[] {2, 2}),
                x("x", seq(1, 1, 3, 3)), c("w", ones(1, 1, 2, 2)));
        check(s(1, 1, 2, 2), new float[] {12, 9, 15, 9}, up);
        Tensor low = run("Conv", attrs("auto_pad", "SAME_LOWER", "strides", new int[] {2, 2}),
                x("x", seq(1, 1, 3, 3)), c("w", ones(1, 1, 2, 2)));
        check(s(1, 1, 2, 2), new float[] {1, 5, 11, 28}, low);
    }

    @Test
    void convDilation() {
        Tensor y = run("Conv", attrs("dilations", new int[] {2, 2}), x("x", seq(1, 1, 3, 3)), c("w", ones(1, 1, 2, 2)));
        check(s(1, 1, 1, 1), new float[] {20}, y);
    }

    @Test
    void convChannelsMix() {
        Tensor y = run("Conv", attrs(), x("x", seq(1, 2, 1, 2)), c("w", t(s(2, 2, 1, 1), 1, 1, 1, -1)));
        check(s(1, 2, 1, 2), new float[] {4, 6, -2, -2}, y);
    }

    @Test
    void convGroupsAndDepthwise() {
        Tensor g = run("Conv", attrs("group", 2), x("x", seq(1, 2, 2, 2)), c("w", t(s(2, 1, 1, 1), 2, 3)));
        check(s(1, 2, 2, 2), new float[] {2, 4, 6, 8, 15, 18, 21, 24}, g);
        Tensor in = Tensor.zeros(1, 2, 3, 3);
        for (int i = 0; i < 9; i++) {
            in.data()[i] = i + 1;
            in.data()[9 + i] = 1;
        }
        Tensor dw = run("Conv", attrs("group", 2, "pads", new int[] {1, 1, 1, 1}), x("x", in), c("w", ones(2, 1, 3, 3)));
        check(s(1, 2, 3, 3), new float[] {12, 21, 16, 27, 45, 33, 24, 39, 28, 4, 6, 4, 6, 9, 6, 4, 6, 4}, dw);
    }

    @Test
    void conv1d() {
        Tensor y = run("Conv", attrs(), x("x", t(s(1, 1, 4), 1, 2, 3, 4)), c("w", t(s(1, 1, 2), 1, -1)));
        check(s(1, 1, 3), new float[] {-1, -1, -1}, y);
    }

    @Test
    void convWithRuntimeWeights() {
        Tensor y = run("Conv", attrs(), x("x", seq(1, 1, 3, 3)), x("w", ones(1, 1, 2, 2)));
        check(s(1, 1, 2, 2), new float[] {12, 16, 24, 28}, y);
    }

    @Test
    void convRejectsChannelMismatch() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> run("Conv", attrs(), x("x", seq(1, 3, 3, 3)), c("w", ones(1, 2, 2, 2))));
        assertEquals(true, e.getMessage().contains("3 channels"), e.getMessage());
    }

    // ---- normalisation and activations -----------------------------------------------------------------------

    @Test
    void batchNormInference() {
        Tensor y = run("BatchNormalization", attrs("epsilon", 0f), x("x", seq(1, 2, 1, 2)), c("s", t(s(2), 1, 2)),
                c("b", t(s(2), 0, 1)), c("m", t(s(2), 1, 2)), c("v", t(s(2), 4, 1)));
        check(s(1, 2, 1, 2), new float[] {0, 0.5f, 3, 5}, y);
    }

    @Test
    void activations() {
        check(s(3), new float[] {0, 0, 2}, run("Relu", attrs(), x("x", t(s(3), -1, 0, 2))));
        check(s(2), new float[] {-0.1f, 2}, run("LeakyRelu", attrs("alpha", 0.1f), x("x", t(s(2), -1, 2))));
        check(s(2), new float[] {0.5f, 0.75f}, run("Sigmoid", attrs(), x("x", t(s(2), 0, (float) Math.log(3)))));
        check(s(3), new float[] {0.7f, 0, 1}, run("HardSigmoid", attrs(), x("x", t(s(3), 1, -5, 5))));
        check(s(4), new float[] {3, 0, 2f / 3, 0}, run("HardSwish", attrs(), x("x", t(s(4), 3, 0, 1, -4))));
        check(s(2), new float[] {0, 0.7615942f}, run("Tanh", attrs(), x("x", t(s(2), 0, 1))));
        check(s(2), new float[] {-1, 2}, run("Identity", attrs(), x("x", t(s(2), -1, 2))));
    }

    @Test
    void clipByInputsAndByAttributes() {
        check(s(3), new float[] {0, 0.5f, 1}, run("Clip", attrs(), 13, x("x", t(s(3), -1, 0.5f, 2)),
                c("lo", Tensor.scalar(0)), c("hi", Tensor.scalar(1))));
        check(s(3), new float[] {-1, 0.5f, 1}, run("Clip", attrs(), 13, x("x", t(s(3), -1, 0.5f, 2)), null,
                c("hi", Tensor.scalar(1))));
        check(s(3), new float[] {0, 0.5f, 1}, run("Clip", attrs("min", 0f, "max", 1f), 6, x("x", t(s(3), -1, 0.5f, 2))));
    }

    // ---- binary ops with broadcasting ----------------------------------------------------------------------

    @Test
    void broadcastingArithmetic() {
        check(s(2, 3), new float[] {11, 22, 33, 14, 25, 36},
                run("Add", attrs(), x("a", seq(2, 3)), c("b", t(s(3), 10, 20, 30))));
        check(s(2, 3), new float[] {0, -1, -2, 1, 0, -1},
                run("Sub", attrs(), x("a", t(s(2, 1), 1, 2)), c("b", t(s(1, 3), 1, 2, 3))));
        check(s(2, 2), new float[] {2, 4, 6, 8}, run("Mul", attrs(), x("a", seq(2, 2)), c("b", Tensor.scalar(2))));
        check(s(2), new float[] {2, 3}, run("Div", attrs(), x("a", t(s(2), 6, 9)), c("b", t(s(1), 3))));
        check(s(2, 2), new float[] {2, 4, 6, 8}, run("Add", attrs(), x("a", seq(2, 2)), x("b", seq(2, 2))));
    }

    @Test
    void incompatibleBroadcastIsRefusedWithBothShapes() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> run("Add", attrs(), x("a", seq(2, 3)), x("b", seq(2, 2))));
        assertEquals(true, e.getMessage().contains("[2, 3]") && e.getMessage().contains("[2, 2]"), e.getMessage());
    }

    // ---- movement ops ------------------------------------------------------------------------------------------

    @Test
    void sliceWithStepsAndNegativeStep() {
        Tensor x = Tensor.zeros(3, 4);
        for (int i = 0; i < 12; i++) {
            x.data()[i] = i;
        }
        check(s(2, 2), new float[] {1, 3, 9, 11}, run("Slice", attrs(), x("x", x), ints("st", 0, 1), ints("en", 3, 4),
                ints("ax", 0, 1), ints("sp", 2, 2)));
        check(s(1, 4), new float[] {7, 6, 5, 4}, run("Slice", attrs(), x("x", x), ints("st", 1, -1),
                ints("en", 2, Long.MIN_VALUE), ints("ax", 0, 1), ints("sp", 1, -1)));
        check(s(3, 2), new float[] {2, 3, 6, 7, 10, 11}, run("Slice", attrs("starts", new int[] {-2},
                "ends", new int[] {Integer.MAX_VALUE}, "axes", new int[] {1}), 9, x("x", x)));
    }

    @Test
    void padModes() {
        Tensor x = t(s(1, 3), 1, 2, 3);
        check(s(1, 7), new float[] {9, 9, 1, 2, 3, 9, 9}, run("Pad", attrs(), x("x", x), ints("p", 0, 2, 0, 2),
                c("v", Tensor.scalar(9))));
        check(s(1, 7), new float[] {3, 2, 1, 2, 3, 2, 1}, run("Pad", attrs("mode", "reflect"), x("x", x),
                ints("p", 0, 2, 0, 2)));
        check(s(1, 7), new float[] {1, 1, 1, 2, 3, 3, 3}, run("Pad", attrs("mode", "edge"), x("x", x),
                ints("p", 0, 2, 0, 2)));
        check(s(3, 2), new float[] {0, 0, 2, 3, 0, 0}, run("Pad", attrs(), x("x", x), ints("p", 1, -1, 1, 0)));
        check(s(1, 4), new float[] {0, 1, 2, 3}, run("Pad", attrs("pads", new int[] {0, 1, 0, 0}), 2, x("x", x)));
    }

    @Test
    void concatReshapeFlattenTransposeSqueeze() {
        check(s(1, 3), new float[] {1, 2, 7}, run("Concat", attrs("axis", 1), x("a", t(s(1, 2), 1, 2)),
                x("b", t(s(1, 1), 7))));
        check(s(2, 3), new float[] {1, 2, 5, 3, 4, 6}, run("Concat", attrs("axis", -1), x("a", seq(2, 2)),
                c("b", t(s(2, 1), 5, 6))));
        assertArrayEquals(s(2, 12), run("Reshape", attrs(), x("x", seq(2, 3, 4)), ints("s", 0, -1)).shape());
        assertArrayEquals(s(6, 4), run("Flatten", attrs("axis", 2), x("x", seq(2, 3, 4))).shape());
        check(s(3, 2), new float[] {1, 4, 2, 5, 3, 6}, run("Transpose", attrs(), x("x", seq(2, 3))));
        Tensor p = run("Transpose", attrs("perm", new int[] {1, 2, 0}), x("x", seq(2, 1, 3)));
        check(s(1, 3, 2), new float[] {1, 4, 2, 5, 3, 6}, p);
        assertArrayEquals(s(2, 3), run("Squeeze", attrs(), x("x", seq(2, 1, 3)), ints("a", 1)).shape());
        assertArrayEquals(s(2, 3), run("Squeeze", attrs(), x("x", seq(1, 2, 1, 3))).shape());
        assertArrayEquals(s(1, 2, 3, 1), run("Unsqueeze", attrs(), x("x", seq(2, 3)), ints("a", 0, 3)).shape());
        assertArrayEquals(s(1, 2, 3), run("Unsqueeze", attrs("axes", new int[] {0}), 11, x("x", seq(2, 3))).shape());
        check(s(2, 2), new float[] {1, 2, 3, 4}, run("Reshape", attrs(), x("x", seq(4)), ints("s", 2, 2)));
    }

    @Test
    void gatherAlongAxis() {
        check(s(3, 2), new float[] {2, 1, 4, 3, 6, 5}, run("Gather", attrs("axis", 1), x("x", seq(3, 2)),
                ints("i", 1, -2)));
    }

    // ---- pooling -------------------------------------------------------------------------------------------------

    @Test
    void maxPool() {
        Tensor x = Tensor.zeros(1, 1, 4, 4);
        for (int i = 0; i < 16; i++) {
            x.data()[i] = i;
        }
        check(s(1, 1, 2, 2), new float[] {5, 7, 13, 15}, run("MaxPool", attrs("kernel_shape", new int[] {2, 2},
                "strides", new int[] {2, 2}), x("x", x)));
        // ceil_mode keeps a last, partial window: 4 → (4 - 3)/2 + 1 = 1 floor, 2 ceil.
        check(s(1, 1, 2, 2), new float[] {10, 11, 14, 15}, run("MaxPool", attrs("kernel_shape", new int[] {3, 3},
                "strides", new int[] {2, 2}, "ceil_mode", 1), x("x", x)));
    }

    @Test
    void averagePoolPadding() {
        Tensor x = t(s(1, 1, 2, 2), 1, 2, 3, 4);
        check(s(1, 1, 3, 3), new float[] {1, 1.5f, 2, 2, 2.5f, 3, 3, 3.5f, 4},
                run("AveragePool", attrs("kernel_shape", new int[] {2, 2}, "pads", new int[] {1, 1, 1, 1}), x("x", x)));
        check(s(1, 1, 3, 3), new float[] {0.25f, 0.75f, 0.5f, 1, 2.5f, 1.5f, 0.75f, 1.75f, 1},
                run("AveragePool", attrs("kernel_shape", new int[] {2, 2}, "pads", new int[] {1, 1, 1, 1},
                        "count_include_pad", 1), x("x", x)));
    }

    @Test
    void globalAveragePool() {
        check(s(1, 2, 1, 1), new float[] {2.5f, 6.5f}, run("GlobalAveragePool", attrs(), x("x", seq(1, 2, 2, 2))));
    }

    // ---- matrix products and softmax ---------------------------------------------------------------------------

    @Test
    void gemmTransposedWithBias() {
        Tensor y = run("Gemm", attrs("transB", 1, "alpha", 2f), x("a", seq(2, 3)),
                c("b", t(s(2, 3), 1, 0, 0, 0, 1, 0)), c("c", t(s(2), 10, 20)));
        check(s(2, 2), new float[] {12, 24, 18, 30}, y);
        Tensor ta = run("Gemm", attrs("transA", 1, "beta", 0.5f), x("a", t(s(2, 1), 1, 2)),
                c("b", t(s(2, 1), 3, 4)), c("c", Tensor.scalar(2)));
        check(s(1, 1), new float[] {12}, ta);
    }

    @Test
    void matMulBatchedAndVector() {
        check(s(2, 1, 1), new float[] {3, 7}, run("MatMul", attrs(), x("a", seq(2, 1, 2)), c("b", ones(2, 1))));
        check(s(2), new float[] {4, 6}, run("MatMul", attrs(), x("a", t(s(2), 1, 1)), c("b", seq(2, 2))));
        Tensor a = seq(2, 2, 3);
        Tensor big = run("MatMul", attrs(), x("a", a), x("b", ones(1, 3, 5)));
        assertArrayEquals(s(2, 2, 5), big.shape());
        assertEquals(6f, big.get(0), TOL);
        assertEquals(33f, big.get(19), TOL);
    }

    @Test
    void softmaxAxisSemanticsByOpset() {
        check(s(1, 2), new float[] {0.25f, 0.75f}, run("Softmax", attrs(), x("x", t(s(1, 2), 0, (float) Math.log(3)))));
        float l3 = (float) Math.log(3);
        // opset 11 flattens from axis 1: all four values share one normalisation.
        check(s(1, 2, 2), new float[] {0.125f, 0.375f, 0.125f, 0.375f},
                run("Softmax", attrs(), 11, x("x", t(s(1, 2, 2), 0, l3, 0, l3))));
        check(s(1, 2, 2), new float[] {0.25f, 0.75f, 0.25f, 0.75f},
                run("Softmax", attrs(), 13, x("x", t(s(1, 2, 2), 0, l3, 0, l3))));
    }

    @Test
    void logSoftmaxHardmaxAndGelu() {
        float l3 = (float) Math.log(3);
        check(s(1, 2), new float[] {(float) Math.log(0.25), (float) Math.log(0.75)},
                run("LogSoftmax", attrs(), 13, x("x", t(s(1, 2), 0, l3))));
        check(s(2, 3), new float[] {0, 1, 0, 1, 0, 0}, run("Hardmax", attrs(), 13, x("x", t(s(2, 3), 1, 5, 2, 7, 7, 3))));
        // Φ(1) = 0.8413447, so gelu(1) = 0.8413447 and gelu(−1) = −0.1586553; the tanh form is 0.841192 at 1.
        check(s(2), new float[] {0.8413447f, -0.1586553f}, run("Gelu", attrs(), 20, x("x", t(s(2), 1, -1))));
        check(s(1), new float[] {0.841192f}, run("Gelu", attrs("approximate", "tanh"), 20, x("x", t(s(1), 1))));
    }

    @Test
    void layerNormalizationByHand() {
        // Rows [1, 2, 3] and [2, 2, 2]: mean 2 and variance 2/3, then mean 2 and variance 0 (only ε remains).
        double r = 1 / Math.sqrt(2.0 / 3 + 1e-5);
        check(s(2, 3), new float[] {(float) (-r * 2 + 1), 1, (float) (r * 2 + 1), 1, 1, 1},
                run("LayerNormalization", attrs(), 17, x("x", t(s(2, 3), 1, 2, 3, 2, 2, 2)), x("g", t(s(3), 2, 2, 2)),
                        x("b", t(s(3), 1, 1, 1))));
    }

    @Test
    void resizeLinearHalfPixelAndNearest() {
        // [0, 10] upsampled ×2, half_pixel: sources −0.25, 0.25, 0.75, 1.25 → clamped at the edges → 0, 2.5, 7.5, 10.
        check(s(1, 1, 1, 4), new float[] {0, 2.5f, 7.5f, 10}, run("Resize", attrs("mode", "linear"), 13,
                x("x", t(s(1, 1, 1, 2), 0, 10)), x("roi", t(s(0))), x("scales", t(s(4), 1, 1, 1, 2))));
        check(s(1, 1, 1, 4), new float[] {0, 0, 10, 10}, run("Resize", attrs("mode", "nearest"), 13,
                x("x", t(s(1, 1, 1, 2), 0, 10)), x("roi", t(s(0))), x("scales", t(s(4), 1, 1, 1, 2))));
    }

    @Test
    void einsumContractsTracesAndTransposes() {
        check(s(2, 2), new float[] {19, 22, 43, 50}, run("Einsum", attrs("equation", "ij,jk->ik"), 12,
                x("a", t(s(2, 2), 1, 2, 3, 4)), x("b", t(s(2, 2), 5, 6, 7, 8))));
        check(s(), new float[] {5}, run("Einsum", attrs("equation", "ii"), 12, x("a", t(s(2, 2), 1, 2, 3, 4))));
        check(s(3, 2), new float[] {1, 4, 2, 5, 3, 6}, run("Einsum", attrs("equation", "ij->ji"), 12,
                x("a", t(s(2, 3), 1, 2, 3, 4, 5, 6))));
    }

    @Test
    void negativeLogLikelihoodWithWeightsAndIgnoredLabels() {
        // log-probabilities of 3 examples over 2 classes; labels 1, 0 and 2 (ignored); class weights 2, 1.
        TinyGraphs.In logp = x("x", t(s(3, 2), -1, -2, -3, -4, -5, -6));
        check(s(), new float[] {(2f * 1 + 3 * 2) / (1 + 2)}, run("NegativeLogLikelihoodLoss",
                attrs("ignore_index", 2L), 13, logp, ints("t", 1, 0, 2), x("w", t(s(2), 2, 1))));
        check(s(3), new float[] {2, 3, 6}, run("NegativeLogLikelihoodLoss", attrs("reduction", "none"), 13,
                logp, ints("t", 1, 0, 1)));
    }

    @Test
    void threeDimensionalConvolutionAndPooling() {
        // A 2 × 2 × 2 volume of ones under a 2 × 2 × 2 kernel of ones: one output of 8; max-pooling 1…8 gives 8.
        check(s(1, 1, 1, 1, 1), new float[] {8}, run("Conv", attrs(), 13, x("x", t(s(1, 1, 2, 2, 2), 1, 1, 1, 1, 1, 1, 1, 1)),
                x("w", t(s(1, 1, 2, 2, 2), 1, 1, 1, 1, 1, 1, 1, 1))));
        check(s(1, 1, 1, 1, 1), new float[] {8}, run("MaxPool", attrs("kernel_shape", new int[] {2, 2, 2}), 13,
                x("x", t(s(1, 1, 2, 2, 2), 1, 2, 3, 4, 5, 6, 7, 8))));
    }

    // ---- constants and the shape chains exporters emit -----------------------------------------------------

    @Test
    void constantForms() {
        check(s(), new float[] {2.5f}, run("Constant", attrs("value_float", 2.5f)));
        check(s(3), new float[] {1, 2, 3}, run("Constant", attrs("value_ints", new long[] {1, 2, 3})));
        check(s(2), new float[] {4, 5}, run("Constant", attrs("value",
                new Attributes.Constant(t(s(2), 4, 5), DType.FLOAT))));
    }

    @Test
    void shapeGatherCastChainFoldsToAConstantReshape() {
        // y = Reshape(x, Concat(Unsqueeze(Cast(Gather(Shape(x), 0))), [-1]))  →  [N, rest]
        List<Node> nodes = List.of(
                node("Shape", List.of("x"), "s"),
                node("Gather", List.of("s", "zero"), "n"),
                node("Cast", List.of("n"), "nf", "to", 7L),
                node("Div", List.of("nf", "two"), "half"),
                node("Mul", List.of("half", "two"), "n2"),
                node("Unsqueeze", List.of("n2", "axes0"), "n1"),
                node("Concat", List.of("n1", "minus1"), "shape", "axis", 0L),
                node("Reshape", List.of("x", "shape"), "y"));
        Map<String, Attributes.Constant> inits = Map.of(
                "zero", new Attributes.Constant(Tensor.scalar(0), DType.INT64),
                "two", new Attributes.Constant(Tensor.scalar(2), DType.INT64),
                "axes0", new Attributes.Constant(t(s(1), 0), DType.INT64),
                "minus1", new Attributes.Constant(t(s(1), -1), DType.INT64));
        Graph g = new Graph("chain", nodes, List.of(new ValueInfo("x", DType.FLOAT, s(-1, 3, 2))),
                List.of(new ValueInfo("y", DType.FLOAT, s(-1, -1))), inits, 13);
        try (Executor ex = new Executor(g, 1)) {
            // Batch 4: 4 / 2 · 2 = 4, so the shape is [4, -1]. With an odd batch the integer division truncates
            // (5 / 2 · 2 = 4) and the reshape must fail, which the last assertion checks.
            Tensor y = ex.run(seq(4, 3, 2));
            check(s(4, 6), Arrays.copyOf(seq(4, 3, 2).data(), 24), y);
            var plan = ex.plan(Map.of("x", s(4, 3, 2)));
            assertEquals(7, plan.nodes().stream().filter(n -> n.folded()).count(), "all shape arithmetic folded");
            assertThrows(BadInputException.class, () -> ex.run(seq(5, 3, 2)), "5 / 2 truncates to 2: reshape fails");
        }
    }

    private static Node node(String op, List<String> in, String out, Object... attrKv) {
        return new Node(out, op, "", in, List.of(out), new Attributes(TinyGraphs.attrs(attrKv)));
    }

    @Test
    void unsupportedOpsAreListedOncePerTypeWithANode() {
        List<Node> nodes = List.of(node("Relu", List.of("x"), "a"), node("TfIdfVectorizer", List.of("a"), "b"),
                node("TfIdfVectorizer", List.of("b"), "c"), node("StringNormalizer", List.of("c"), "d"));
        Graph g = new Graph("u", nodes, List.of(new ValueInfo("x", DType.FLOAT, s(1))),
                List.of(new ValueInfo("d", DType.FLOAT, s(1))), Map.of(), 13);
        BadInputException e = assertThrows(BadInputException.class, () -> new Executor(g, 1));
        assertEquals("unsupported ops: StringNormalizer (node 'd'), TfIdfVectorizer (node 'b')", e.getMessage());
    }
}
