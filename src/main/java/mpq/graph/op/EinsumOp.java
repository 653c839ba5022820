package mpq.graph.op;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.Parallel;
import mpq.tensor.Shapes;
import mpq.tensor.Tensor;

/**
 * Einsum: terms of index letters (and "..." for leading broadcast axes), "->" and the output's letters, or without
 * "->" the letters that occur once, in alphabetical order. Every combination of index values is visited once and
 * the product of the inputs added into the output: a direct loop, correct for any equation (diagonals, traces,
 * sums, contractions), not tuned for speed.
 */
final class EinsumOp implements Op {
    private final String equation;
    private int[] outShape;
    private int[] extent;           // per index letter (and per ellipsis axis), its size
    private int[][] inputIndex;     // per input, per axis: which index
    private int[] outputIndex;      // per output axis: which index

    EinsumOp(Attributes a) {
        this.equation = a.getString("equation", "").replace(" ", "");
        if (equation.isEmpty()) {
            throw new IllegalArgumentException("Einsum needs an equation");
        }
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        String[] sides = equation.split("->", -1);
        String[] terms = sides[0].split(",", -1);
        if (terms.length != in.size()) {
            throw new IllegalArgumentException("equation '" + equation + "' has " + terms.length + " terms for "
                    + in.size() + " inputs");
        }
        int ellipsisRank = 0;
        for (int i = 0; i < terms.length; i++) {
            if (terms[i].contains("...")) {
                ellipsisRank = Math.max(ellipsisRank, in.get(i).rank() - (terms[i].length() - 3));
            }
        }
        // Index names: letters as themselves, ellipsis axes as '0', '1', …
        Map<Character, Integer> size = new LinkedHashMap<>();
        inputIndex = new int[terms.length][];
        List<Character> names = new ArrayList<>();
        List<List<Character>> perInput = new ArrayList<>();
        for (int i = 0; i < terms.length; i++) {
            List<Character> axes = expand(terms[i], in.get(i).rank(), ellipsisRank);
            int[] shape = in.get(i).shape();
            if (axes.size() != shape.length) {
                throw new IllegalArgumentException("term '" + terms[i] + "' does not fit input " + i + " of shape "
                        + Shapes.toString(shape));
            }
            for (int d = 0; d < shape.length; d++) {
                char c = axes.get(d);
                Integer s = size.get(c);
                if (s == null || s == 1) {
                    size.put(c, shape[d]);
                } else if (shape[d] != s && shape[d] != 1) {
                    throw new IllegalArgumentException("index '" + c + "' is " + s + " in one place and " + shape[d]
                            + " in another");
                }
                if (!names.contains(c)) {
                    names.add(c);
                }
            }
            perInput.add(axes);
        }
        List<Character> out;
        if (sides.length > 1) {
            out = expand(sides[1], -1, ellipsisRank);
        } else {
            out = new ArrayList<>();
            for (int e = 0; e < ellipsisRank; e++) {
                out.add((char) ('0' + e));
            }
            List<Character> once = new ArrayList<>();
            for (char c : names) {
                long count = perInput.stream().mapToLong(l -> l.stream().filter(x -> x == c).count()).sum();
                if (Character.isLetter(c) && count == 1) {
                    once.add(c);
                }
            }
            once.sort(null);
            out.addAll(once);
        }
        extent = new int[names.size()];
        for (int k = 0; k < extent.length; k++) {
            extent[k] = size.get(names.get(k));
        }
        for (int i = 0; i < terms.length; i++) {
            inputIndex[i] = perInput.get(i).stream().mapToInt(names::indexOf).toArray();
        }
        outputIndex = new int[out.size()];
        outShape = new int[out.size()];
        for (int d = 0; d < out.size(); d++) {
            outputIndex[d] = names.indexOf(out.get(d));
            if (outputIndex[d] < 0) {
                throw new IllegalArgumentException("output index '" + out.get(d) + "' is in no input");
            }
            outShape[d] = extent[outputIndex[d]];
        }
        return List.of(ValueMeta.of(outShape, in.getFirst().type()));
    }

    /** A term's axes as index names, its "..." standing for the last rank − (letters) of ellipsisRank axes. */
    private static List<Character> expand(String term, int rank, int ellipsisRank) {
        List<Character> axes = new ArrayList<>();
        int dots = term.indexOf("...");
        String letters = term.replace("...", "");
        int here = dots < 0 ? 0 : rank < 0 ? ellipsisRank : rank - letters.length();
        for (int i = 0; i < term.length(); i++) {
            if (i == dots) {
                for (int e = ellipsisRank - here; e < ellipsisRank; e++) {
                    axes.add((char) ('0' + e));
                }
                i += 2;
            } else {
                axes.add(term.charAt(i));
            }
        }
        return axes;
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        float[] y = out[0].data();
        java.util.Arrays.fill(y, 0, out[0].size(), 0f);
        int n = extent.length;
        long combos = 1;
        for (int e : extent) {
            combos *= e;
        }
        int[][] strides = new int[in.length][];
        for (int i = 0; i < in.length; i++) {
            strides[i] = broadcastStrides(in[i].shape(), inputIndex[i], n);
        }
        int[] outStrides = broadcastStrides(outShape, outputIndex, n);
        int[] idx = new int[n];
        for (long c = 0; c < combos; c++) {
            double p = 1;
            for (int i = 0; i < in.length; i++) {
                int off = 0;
                for (int k = 0; k < n; k++) {
                    off += idx[k] * strides[i][k];
                }
                p *= in[i].data()[off];
            }
            int o = 0;
            for (int k = 0; k < n; k++) {
                o += idx[k] * outStrides[k];
            }
            y[o] += (float) p;
            for (int k = n - 1; k >= 0 && ++idx[k] == extent[k]; k--) {
                idx[k] = 0;
            }
        }
    }

    /** Per index, the step in a tensor's storage (summed where an index repeats, a diagonal; 0 where size 1 or absent). */
    private static int[] broadcastStrides(int[] shape, int[] axisIndex, int n) {
        int[] s = new int[n];
        int[] st = Shapes.strides(shape);
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] != 1) {
                s[axisIndex[d]] += st[d];
            }
        }
        return s;
    }
}
