package mpq.tensor;

/**
 * Pairs of adjacent channels of a tensor laid out as [outer, channels, inner]: channels 2k and 2k + 1 of each group
 * of groupChannels, at the same outer and inner position — the values a vSPARQ multiplier takes together. The last
 * channel of an odd group has no partner.
 */
public record ChannelPairs(int outer, int channels, int inner, int groupChannels) {
    /** Visits one pair by element index; partner is −1 for a channel without one. */
    public interface Visitor {
        void pair(int first, int partner);
    }

    public ChannelPairs {
        if (groupChannels <= 0 || channels % groupChannels != 0) {
            throw new IllegalArgumentException("group_channels " + groupChannels + " does not divide the " + channels
                    + " channels");
        }
    }

    /** Every pair (and lone channel) of outer block o, each element once. */
    public void forEach(int o, Visitor v) {
        for (int c = 0; c < channels; c += c % groupChannels + 1 < groupChannels ? 2 : 1) {
            int from = (o * channels + c) * inner;
            boolean paired = c % groupChannels + 1 < groupChannels;
            for (int i = from; i < from + inner; i++) {
                v.pair(i, paired ? i + inner : -1);
            }
        }
    }
}
