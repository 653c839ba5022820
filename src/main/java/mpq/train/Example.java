package mpq.train;

import mpq.data.Preprocess;

/** Facts of the built-in example shared by its trainer and the demo. */
public final class Example {
    private Example() {}

    /** Fashion-MNIST pixels 0–255 scaled to [0, 1] and normalised with the training set's mean and deviation. */
    /** Test images in the demo's evaluation subset, and training images for its calibration. */
    public static final int TEST_SUBSET = 1000, CALIB_SUBSET = 512;

    /** File names of the subsets (labels: the sibling "labels-idx1" files). */
    public static final String TEST_FILE = "fashion-test1000-images-idx3-ubyte.gz",
            CALIB_FILE = "fashion-train512-images-idx3-ubyte.gz";

    /** The trained model's file name. */
    public static final String MODEL_FILE = "fashion_resnet.onnx";

    public static final Preprocess PREPROCESS = new Preprocess(255f, new float[] {0.2860f}, new float[] {0.3530f});
}
