package mpq.search;

/**
 * One layer's candidates (e.g. weight bit-widths), each with the sensitivity the allocator minimises and its cost in
 * every resource of the problem (cost[resource][option]).
 */
public record LayerOptions(String name, int[] bits, double[] sensitivity, double[][] cost) {
    public LayerOptions {
        if (bits.length == 0 || sensitivity.length != bits.length) {
            throw new IllegalArgumentException(name + ": need one sensitivity per option");
        }
        for (double[] c : cost) {
            if (c.length != bits.length) {
                throw new IllegalArgumentException(name + ": need one cost per option and resource");
            }
        }
        bits = bits.clone();
        sensitivity = sensitivity.clone();
        double[][] copy = new double[cost.length][];
        for (int r = 0; r < cost.length; r++) {
            copy[r] = cost[r].clone();
        }
        cost = copy;
    }

    public int options() {
        return bits.length;
    }
}
