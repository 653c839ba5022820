package mpq.quant;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mpq.data.Batches;
import mpq.graph.Graph;
import mpq.graph.Node;
import mpq.tensor.ChannelPairs;
import mpq.tensor.FakeQuant;
import mpq.tensor.Shapes;
import mpq.tensor.Tensor;

/**
 * What SPARQ's windows meet in each windowed layer's input, measured on data through the quantized model: how many
 * of the 8-bit levels are zero, how many pairs are both zero (a vSPARQ multiplier idles) or have one zero (the other
 * value keeps 2n bits), and how many values the windows change.
 */
public final class SparqStatistics {
    private SparqStatistics() {}

    /**
     * One windowed layer's input.
     *
     * @param zeros       fraction of values that are zero
     * @param zeroPairs   fraction of pairs (adjacent input channels, as vSPARQ takes them) whose two values are zero
     * @param onePairs    fraction of pairs with exactly one zero
     * @param changed     fraction of values the windows changed (dropped non-zero bits)
     */
    public record Layer(String layer, String input, long values, double zeros, double zeroPairs, double onePairs,
                        double changed) {}

    /** Each windowed layer of r (in recipe order) on data, run through quantized (r's simulated graph). */
    public static List<Layer> measure(Graph quantized, QuantRecipe r, Batches data, int threads) {
        List<QuantRecipe.LayerQuant> layers = r.windowedLayers();
        if (layers.isEmpty()) {
            return List.of();
        }
        Map<String, Node> byName = new HashMap<>();
        for (Node n : quantized.nodes()) {
            byName.put(WeightLayer.nameOf(n), n);
        }
        Map<String, Node> producers = new HashMap<>();
        for (Node n : quantized.nodes()) {
            n.outputs().forEach(o -> producers.put(o, n));
        }
        // Per layer: the 8-bit value its window reads, and how values pair in it.
        Map<String, String> levelsOf = new LinkedHashMap<>();
        Map<String, Counts> counts = new LinkedHashMap<>();
        for (QuantRecipe.LayerQuant l : layers) {
            Node layer = byName.get(l.name());
            Node window = producers.get(layer.input(0));
            levelsOf.put(l.name(), window.input(0));
            WeightLayer wl = WeightLayer.of(layer, quantized.initializers());
            QuantParams p = r.activation(l.input()).params();
            counts.put(l.name(), new Counts(p, r.sparq(), wl.inputChannelAxis(), wl.inputGroupChannels(quantized)));
        }
        Calibration.passes(quantized, java.util.Set.copyOf(levelsOf.values()), data, threads, (ex, part) -> {
            for (Map.Entry<String, String> e : levelsOf.entrySet()) {
                counts.get(e.getKey()).add(ex.value(e.getValue()));
            }
        });
        List<Layer> out = new ArrayList<>();
        for (QuantRecipe.LayerQuant l : layers) {
            Counts c = counts.get(l.name());
            out.add(new Layer(l.name(), l.input(), c.values, (double) c.zeros / Math.max(1, c.values),
                    (double) c.zeroPairs / Math.max(1, c.pairs), (double) c.onePairs / Math.max(1, c.pairs),
                    (double) c.changed / Math.max(1, c.values)));
        }
        return out;
    }

    /** Running counts over one layer's input. */
    private static final class Counts {
        final float scale;
        final int qmax, axis, groupChannels;
        final boolean paired;
        final int[] table, pairTable;
        long values, zeros, pairs, zeroPairs, onePairs, changed;

        Counts(QuantParams p, SparqWindows w, int axis, int groupChannels) {
            this.scale = p.scale(0);
            this.qmax = p.grid().qmax();
            this.axis = axis;
            this.groupChannels = groupChannels;
            table = w.table(p.grid().bits());
            pairTable = w.pairTable(p.grid().bits());
            paired = w.pairs();
        }

        void add(Tensor t) {
            float[] x = t.data();
            int[] s = t.shape();
            int a = Shapes.axis(axis, s.length), channels = s[a];
            int outer = Shapes.size(java.util.Arrays.copyOfRange(s, 0, a));
            int inner = Shapes.size(java.util.Arrays.copyOfRange(s, a + 1, s.length));
            ChannelPairs cp = new ChannelPairs(outer, channels, inner, groupChannels > 0 ? groupChannels : channels);
            for (int o = 0; o < outer; o++) {
                cp.forEach(o, (i, j) -> {
                    int p = level(x[i]);
                    if (j < 0) {
                        count(p, table);
                        return;
                    }
                    int q = level(x[j]);
                    pairs++;
                    zeroPairs += p == 0 && q == 0 ? 1 : 0;
                    onePairs += (p == 0) != (q == 0) ? 1 : 0;
                    count(p, q == 0 && paired ? pairTable : table);
                    count(q, p == 0 && paired ? pairTable : table);
                });
            }
        }

        private void count(int level, int[] t) {
            values++;
            zeros += level == 0 ? 1 : 0;
            changed += t[level] != level ? 1 : 0;
        }

        private int level(float v) {
            return (int) FakeQuant.level(v, scale, 0, qmax);
        }
    }
}
