package mpq.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import mpq.SharedData;
import mpq.data.Batch;
import mpq.data.CifarDataset;
import mpq.onnx.OnnxModel;
import mpq.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** mpq's logits on real models equal ONNX Runtime's on the same 256 CIFAR-10 test images. */
class SharedModelsTest {

    @ParameterizedTest
    @ValueSource(strings = {"resnet20_cifar10.onnx", "resnet20_cifar10_bn.onnx", "resnet32_cifar10.onnx",
            "resnet32_cifar10_bn.onnx", "resnet8_mlperftiny_cifar10.onnx"})
    void logitsMatchOnnxRuntime(String file) throws Exception {
        Path model = SharedData.model(file);
        OnnxModel m = OnnxModel.load(model);
        double worst = 0;
        try (CifarDataset data = new CifarDataset(SharedData.cifarTest());
             MpqEngine mpq = new MpqEngine(m.graph(), 2);
             OrtEngine ort = new OrtEngine(model, 2)) {
            // Two batches of different sizes, so two plans (and the batch-split path) are exercised.
            for (int[] range : new int[][] {{0, 200}, {200, 256}}) {
                Batch b = data.read(range[0], range[1]);
                Tensor x = SharedData.preprocessFor(file).apply(b.inputs());
                Tensor ours = mpq.run(x), ref = ort.run(x);
                assertArrayEquals(ref.shape(), ours.shape());
                for (int i = 0; i < ref.size(); i++) {
                    worst = Math.max(worst, Math.abs(ref.get(i) - ours.get(i)));
                }
            }
        }
        System.out.printf("%s: max |logit difference| to ONNX Runtime over 256 images = %.2e%n", file, worst);
        assertTrue(worst <= 1e-4, file + ": largest logit difference to ONNX Runtime " + worst);
    }
}
