package mpq.graph.op;

import java.util.List;
import mpq.graph.Attributes;
import mpq.graph.Op;
import mpq.graph.ValueMeta;
import mpq.tensor.ChannelPairs;
import mpq.tensor.FakeQuant;
import mpq.tensor.Parallel;
import mpq.tensor.Tensor;

/**
 * mpq.LevelTable: the levels of an already fake-quantized tensor (x = q·scale, q in [0, table length)) mapped
 * through an integer table, y = table[q]·scale — the bit windows of SPARQ. With pair_table, values go in pairs of
 * adjacent channels along axis (channels 2k and 2k + 1 at the same position, within groups of group_channels): a
 * value whose partner is zero is mapped through pair_table instead. A channel without a partner (the last of an odd
 * group) goes alone. Attributes: scale, table, and optionally pair_table, axis (default 1), group_channels (default:
 * all channels one group). The gradient passes straight through.
 */
final class LevelTableOp implements Op {
    static final String TYPE = "LevelTable";

    private final float scale;
    private final int[] table, pairTable;
    private final int axisAttr, groupAttr;
    private ChannelPairs pairs;
    private int size;

    LevelTableOp(Attributes a) {
        scale = a.getFloat("scale", Float.NaN);
        table = a.getInts("table", null);
        pairTable = a.getInts("pair_table", null);
        if (!(scale > 0) || Float.isInfinite(scale)) {
            throw new IllegalArgumentException("attribute 'scale' must be positive and finite, got " + scale);
        }
        if (table == null || table.length < 2) {
            throw new IllegalArgumentException("attribute 'table' needs at least 2 levels");
        }
        if (pairTable != null && pairTable.length != table.length) {
            throw new IllegalArgumentException("attribute 'pair_table' has " + pairTable.length + " levels, 'table' "
                    + table.length);
        }
        axisAttr = a.getInt("axis", 1);
        groupAttr = a.getInt("group_channels", 0);
    }

    @Override
    public List<ValueMeta> infer(List<ValueMeta> in) {
        ValueMeta x = Args.input(in, 0, "X");
        int[] s = x.shape();
        size = x.size();
        if (pairTable != null) {
            int channels = s[mpq.tensor.Shapes.axis(axisAttr, s.length)];
            int[] layout = Args.axisLayout(s, axisAttr, channels, "");
            pairs = new ChannelPairs(layout[0], channels, layout[2], groupAttr <= 0 ? channels : groupAttr);
        }
        return List.of(ValueMeta.of(s, x.type()));
    }

    @Override
    public void forward(Tensor[] in, Tensor[] out, Parallel par) {
        float[] x = in[0].data(), y = out[0].data();
        if (pairTable == null) {
            int chunk = 1 << 14, chunks = (size + chunk - 1) / chunk;
            par.forEach(chunks, (w, c) -> {
                for (int i = c * chunk, end = Math.min(size, i + chunk); i < end; i++) {
                    y[i] = table[level(x[i])] * scale;
                }
            });
            return;
        }
        par.forEach(pairs.outer(), (w, o) -> pairs.forEach(o, (i, j) -> {
            int a = level(x[i]);
            if (j < 0) {
                y[i] = table[a] * scale;
                return;
            }
            int b = level(x[j]);
            y[i] = (b == 0 ? pairTable[a] : table[a]) * scale;
            y[j] = (a == 0 ? pairTable[b] : table[b]) * scale;
        }));
    }

    private int level(float v) {
        return (int) FakeQuant.level(v, scale, 0, table.length - 1);
    }

    @Override
    public void backward(Tensor[] in, Tensor[] out, Tensor[] gradOut, Tensor[] gradIn, Parallel par) {
        float[] dy = gradOut[0].data(), dx = gradIn[0].data();
        for (int i = 0; i < dx.length; i++) {
            dx[i] += dy[i];
        }
    }
}
