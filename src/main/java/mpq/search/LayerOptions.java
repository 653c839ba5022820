package mpq.search;

import java.util.List;
import mpq.quant.Bits;

/**
 * One layer's candidates, (weight bits, input activation bits) cells, each with the sensitivity the allocator
 * minimises and its cost in every resource of the problem (cost[resource][option]).
 */
public record LayerOptions(String name, List<Bits> cells, double[] sensitivity, double[][] cost) {
    public LayerOptions {
        cells = List.copyOf(cells);
        if (cells.isEmpty() || sensitivity.length != cells.size()) {
            throw new IllegalArgumentException(name + ": need one sensitivity per option");
        }
        for (double[] c : cost) {
            if (c.length != cells.size()) {
                throw new IllegalArgumentException(name + ": need one cost per option and resource");
            }
        }
        sensitivity = sensitivity.clone();
        double[][] copy = new double[cost.length][];
        for (int r = 0; r < cost.length; r++) {
            copy[r] = cost[r].clone();
        }
        cost = copy;
    }

    public int options() {
        return cells.size();
    }
}
