package mpq.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import mpq.base.BadInputException;
import mpq.tensor.Shapes;
import mpq.tensor.Tensor;

/**
 * Preprocessed model inputs held in memory as batches: the calibration data that observers, sensitivity metrics and
 * refiners run over, whether read from a dataset or distilled from the model.
 */
public final class Batches {
    private final List<Tensor> batches;
    private final List<Map<String, Tensor>> named;   // for a model with several inputs: per batch, by input name
    private final List<int[]> labels;   // per batch, or null for unlabelled data
    private final String source;

    public Batches(List<Tensor> batches, String source) {
        this(batches, null, source);
    }

    /** Batches with their labels (one int[] per batch), or labels null for unlabelled data. */
    public Batches(List<Tensor> batches, List<int[]> labels, String source) {
        if (batches.isEmpty()) {
            throw new BadInputException(source + ": the calibration set is empty");
        }
        if (labels != null && labels.size() != batches.size()) {
            throw new IllegalArgumentException("one label array per batch");
        }
        this.batches = List.copyOf(batches);
        this.named = null;
        this.labels = labels == null ? null : List.copyOf(labels);
        this.source = source;
    }

    private Batches(String source, List<Map<String, Tensor>> named) {
        if (named.isEmpty()) {
            throw new BadInputException(source + ": the calibration set is empty");
        }
        this.named = List.copyOf(named);
        this.batches = List.of();
        this.labels = null;
        this.source = source;
    }

    /**
     * Calibration data for a model with several inputs: one array [N, …] per input name, all with the same N; up
     * to limit examples (all when limit ≤ 0, else a random sample drawn with the seed, in order), in batches.
     */
    public static Batches ofInputs(Map<String, Tensor> arrays, int limit, int batchSize, long seed, String source) {
        int size = -1;
        for (Map.Entry<String, Tensor> e : arrays.entrySet()) {
            int n = e.getValue().rank() == 0 ? 0 : e.getValue().dim(0);
            if (size >= 0 && n != size) {
                throw new BadInputException(source + ": input '" + e.getKey() + "' has " + n + " examples, the others "
                        + size);
            }
            size = n;
        }
        if (size <= 0) {
            throw new BadInputException(source + ": the calibration set is empty");
        }
        if (batchSize < 1) {
            throw new BadInputException("the batch size must be at least 1, got " + batchSize);
        }
        int n = limit > 0 ? Math.min(limit, size) : size;
        int[] picked = pick(size, n, seed);
        List<Map<String, Tensor>> out = new ArrayList<>();
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            Map<String, Tensor> batch = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : arrays.entrySet()) {
                Tensor all = e.getValue();
                int item = all.size() / size;
                int[] shape = all.shape().clone();
                shape[0] = to - from;
                Tensor t = Tensor.zeros(all.type(), shape, 0);
                for (int i = from; i < to; i++) {
                    all.copyRange(picked[i] * item, t, (i - from) * item, item);
                }
                batch.put(e.getKey(), t);
            }
            out.add(batch);
        }
        return new Batches(source, out);
    }

    /**
     * Calibration inputs for a transformer: up to limit sentences (all when limit ≤ 0, else a random sample drawn with
     * the seed, in order), tokenized in batches, each padded to its longest sentence.
     */
    public static Batches ofSentences(List<String> sentences, TextEncoder text, List<mpq.graph.ValueInfo> inputs,
                                      int limit, int batchSize, long seed, String source) {
        if (sentences.isEmpty()) {
            throw new BadInputException(source + ": the calibration set is empty");
        }
        if (batchSize < 1) {
            throw new BadInputException("the batch size must be at least 1, got " + batchSize);
        }
        int n = limit > 0 ? Math.min(limit, sentences.size()) : sentences.size();
        int[] picked = pick(sentences.size(), n, seed);
        List<Map<String, Tensor>> out = new ArrayList<>();
        for (int from = 0; from < n; from += batchSize) {
            List<String> batch = new ArrayList<>();
            for (int i = from; i < Math.min(n, from + batchSize); i++) {
                batch.add(sentences.get(picked[i]));
            }
            out.add(text.encode(batch, inputs));
        }
        return new Batches(source, out);
    }

    /**
     * Up to limit examples of a dataset (all when limit ≤ 0), preprocessed, in batches of batchSize. When the limit
     * is below the dataset's size the examples are a random sample drawn with the seed, kept in file order.
     */
    public static Batches sample(Dataset d, Preprocess pre, int limit, int batchSize, long seed) {
        if (d.size() == 0) {
            throw new BadInputException(d.name() + ": the calibration set is empty");
        }
        if (batchSize < 1) {
            throw new BadInputException("the batch size must be at least 1, got " + batchSize);
        }
        int n = limit > 0 ? Math.min(limit, d.size()) : d.size();
        int[] picked = pick(d.size(), n, seed);
        int item = Shapes.size(d.itemShape());
        List<Tensor> out = new ArrayList<>();
        List<int[]> outLabels = d.hasLabels() ? new ArrayList<>() : null;
        try {
            for (int from = 0; from < n; from += batchSize) {
                int to = Math.min(n, from + batchSize);
                int[] shape = new int[d.itemShape().length + 1];
                shape[0] = to - from;
                System.arraycopy(d.itemShape(), 0, shape, 1, d.itemShape().length);
                float[] data = new float[(to - from) * item];
                int[] lab = new int[to - from];
                for (int i = from; i < to; ) {
                    int run = 1;   // read consecutive picks in one go
                    while (i + run < to && picked[i + run] == picked[i] + run) {
                        run++;
                    }
                    Batch b = d.read(picked[i], picked[i] + run);
                    System.arraycopy(b.inputs().data(), 0, data, (i - from) * item, run * item);
                    if (b.labels() != null) {
                        System.arraycopy(b.labels(), 0, lab, i - from, run);
                    }
                    i += run;
                }
                out.add(pre.apply(new Tensor(shape, data)));
                if (outLabels != null) {
                    outLabels.add(lab);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Batches(out, outLabels, d.name());
    }

    /** n distinct indices of [0, size), sorted; all of them when n == size. */
    static int[] pick(int size, int n, long seed) {
        int[] all = new int[size];
        for (int i = 0; i < size; i++) {
            all[i] = i;
        }
        if (n == size) {
            return all;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {   // partial Fisher–Yates shuffle
            int j = i + rnd.nextInt(size - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        int[] picked = Arrays.copyOf(all, n);
        Arrays.sort(picked);
        return picked;
    }

    /** The same examples in the element type a model input declares (raw pixels as uint8, say); this if already so. */
    public Batches as(mpq.tensor.DType type) {
        if (named != null || batches.stream().allMatch(b -> b.type() == type)) {
            return this;
        }
        return new Batches(batches.stream().map(b -> b.to(type)).toList(), labels, source);
    }

    /** Where the examples came from, for messages and reports. */
    public String source() {
        return source;
    }

    /** The batches of a single-input model's examples; refused for several inputs (see {@link #inputs}). */
    public List<Tensor> list() {
        if (named != null) {
            throw new BadInputException(source + ": calibration data for a model with several inputs serves "
                    + "calibration and bias correction; this step takes a model with one input");
        }
        return batches;
    }

    /** How many batches. */
    public int batches() {
        return named != null ? named.size() : batches.size();
    }

    /** Batch i as model inputs by name; singleInput names a single-input model's input. */
    public Map<String, Tensor> inputs(int i, String singleInput) {
        return named != null ? named.get(i) : Map.of(singleInput, batches.get(i));
    }

    public boolean hasLabels() {
        return labels != null;
    }

    /** Labels of batch i; throws when the data has none. */
    public int[] labels(int i) {
        if (labels == null) {
            throw new BadInputException(source + ": has no labels, which this needs");
        }
        return labels.get(i);
    }

    /** The first limit examples (all when there are no more), in the same batches, the last one cut; labels kept. */
    public Batches first(int limit) {
        return range(0, limit);
    }

    /** The examples after the first skip, in the same batches, the first one cut; labels kept. */
    public Batches after(int skip) {
        if (skip >= examples()) {
            throw new IllegalArgumentException("no examples after the first " + skip + " of " + examples());
        }
        return range(skip, Integer.MAX_VALUE);
    }

    /** Examples [from, to) in the same batches, cut at both ends. */
    private Batches range(int from, int to) {
        List<Tensor> single = new java.util.ArrayList<>();
        List<Map<String, Tensor>> byName = new java.util.ArrayList<>();
        List<int[]> cut = new java.util.ArrayList<>();
        int start = 0;
        for (int b = 0; b < batches() && start < to; b++) {
            int size = named != null ? named.get(b).values().iterator().next().dim(0) : batches.get(b).dim(0);
            int lo = Math.max(from, start) - start, hi = (int) Math.min((long) to, (long) start + size) - start;
            start += size;
            if (lo >= hi) {
                continue;
            }
            if (named != null) {
                Map<String, Tensor> part = new java.util.LinkedHashMap<>();
                named.get(b).forEach((k, v) -> part.put(k, v.slice0(lo, hi)));
                byName.add(part);
            } else {
                single.add(batches.get(b).slice0(lo, hi));
            }
            if (labels != null) {
                cut.add(Arrays.copyOfRange(labels.get(b), lo, hi));
            }
        }
        return named != null ? new Batches(source, byName) : new Batches(single, labels == null ? null : cut, source);
    }

    /** Number of examples over all batches. */
    public int examples() {
        int n = 0;
        for (int i = 0; i < batches(); i++) {
            n += named != null ? named.get(i).values().iterator().next().dim(0) : batches.get(i).dim(0);
        }
        return n;
    }
}
