package mpq.data;

import mpq.base.BadInputException;

/**
 * How images become model inputs. With neither option, each image's shorter side is scaled to the model's input and
 * the centre cropped to it. With {@code resize} S (or a crop fraction F), the centred square of F × the shorter side
 * is cut out first (F = 0.875 is the ImageNet convention and the default with S; 1.0 keeps the whole shorter side),
 * then scaled bilinearly to S × S. {@code labelOffset} is added to every label (1 for TF-slim models whose class 0
 * is "background").
 *
 * @param resize S, or 0 when not given
 * @param cropFraction F in (0, 1], or 0 when not given
 */
public record ImageOptions(int resize, double cropFraction, int labelOffset) {
    public static final ImageOptions DEFAULT = new ImageOptions(0, 0, 0);

    /** The ImageNet convention, the crop fraction when only --resize is given. */
    public static final double IMAGENET_CROP = 0.875;

    public ImageOptions {
        if (resize < 0) {
            throw new BadInputException("--resize must be positive, got " + resize);
        }
        if (cropFraction < 0 || cropFraction > 1 || Double.isNaN(cropFraction)) {
            throw new BadInputException("--crop-fraction must be in (0, 1], got " + cropFraction);
        }
    }

    /** True when the centred square crop and square resize apply (either option given). */
    public boolean squareCrop() {
        return resize > 0 || cropFraction > 0;
    }

    public double crop() {
        return cropFraction > 0 ? cropFraction : IMAGENET_CROP;
    }
}
