package mpq.graph.op;

import mpq.graph.Attributes;

/**
 * The window attributes shared by Conv and the pooling ops (kernel, strides, dilations, pads, auto_pad),
 * resolved for an input of one or two spatial dimensions. One spatial dimension is treated as height 1.
 */
record SpatialAttrs(int kh, int kw, int sh, int sw, int dh, int dw, int padTop, int padLeft, int padBottom,
                    int padRight) {

    /** Resolves the attributes for input spatial size h × w; kernel comes from the weights when not an attribute. */
    static SpatialAttrs resolve(Attributes a, int spatialRank, int h, int w, int[] kernelFromWeights) {
        if (spatialRank < 1 || spatialRank > 2) {
            throw new IllegalArgumentException("only 1-D and 2-D windows are supported, got " + spatialRank
                    + " spatial dimensions");
        }
        int[] k = a.getInts("kernel_shape", kernelFromWeights);
        if (k == null || k.length != spatialRank) {
            throw new IllegalArgumentException("kernel_shape must have " + spatialRank + " values");
        }
        int[] s = a.getInts("strides", Args.ones(spatialRank));
        int[] d = a.getInts("dilations", Args.ones(spatialRank));
        int[] p = a.getInts("pads", new int[2 * spatialRank]);
        if (s.length != spatialRank || d.length != spatialRank || p.length != 2 * spatialRank) {
            throw new IllegalArgumentException("strides/dilations need " + spatialRank + " values and pads "
                    + 2 * spatialRank);
        }
        Args.checkWindow(k, s, d, p);
        String autoPad = a.getString("auto_pad", "NOTSET");
        int[] in = spatialRank == 1 ? new int[] {w} : new int[] {h, w};
        int[] begin = new int[spatialRank];
        int[] end = new int[spatialRank];
        for (int i = 0; i < spatialRank; i++) {
            switch (autoPad) {
                case "NOTSET" -> {
                    begin[i] = p[i];
                    end[i] = p[i + spatialRank];
                }
                case "VALID" -> { }
                case "SAME_UPPER", "SAME_LOWER" -> {
                    int out = (in[i] + s[i] - 1) / s[i];
                    int total = Math.max(0, (out - 1) * s[i] + (k[i] - 1) * d[i] + 1 - in[i]);
                    int small = total / 2;
                    begin[i] = autoPad.equals("SAME_UPPER") ? small : total - small;
                    end[i] = total - begin[i];
                }
                default -> throw new IllegalArgumentException("unknown auto_pad '" + autoPad + "'");
            }
        }
        if (spatialRank == 1) {
            return new SpatialAttrs(1, k[0], 1, s[0], 1, d[0], 0, begin[0], 0, end[0]);
        }
        return new SpatialAttrs(k[0], k[1], s[0], s[1], d[0], d[1], begin[0], begin[1], end[0], end[1]);
    }
}
