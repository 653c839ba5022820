package mpq.cli;

import java.util.ArrayList;
import java.util.List;
import mpq.deploy.Target;
import mpq.deploy.Targets;
import mpq.quant.Lapq;
import mpq.quant.QuantConfig;
import mpq.quant.Reconstruction;
import mpq.quant.Refiners;
import mpq.quant.SparqWindows;
import picocli.CommandLine.Option;

/**
 * Quantization choices shared by the commands that quantize: the deployment target, granularity, first/last policy,
 * refiners, embedding tables, SPARQ windows.
 */
final class QuantOptions {
    @Option(names = "--target", paramLabel = "T", description = "The runtime the model is quantized for, so that what "
            + "mpq simulates is what it computes: ort-x86 (default: ONNX Runtime on any x86-64 CPU; without VNNI its "
            + "integer kernels add uint8×int8 products in pairs into saturating int16, so layers with 8-bit inputs get "
            + "at most 7-bit weights, depthwise convolutions excepted) or ort-x86-vnni (CPUs with AVX512-VNNI or AVX-VNNI: full 8-bit weights; on a CPU "
            + "without VNNI such a model computes something else).")
    String target = Targets.DEFAULT.name();

    @Option(names = "--per-tensor", description = "One weight scale per tensor instead of one per output channel.")
    boolean perTensor;

    @Option(names = "--keep-first-last", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Keep the first and last layers (weights and inputs) at 8 bits (default: on; "
                    + "--no-keep-first-last quantizes them like the rest).")
    boolean keepFirstLast;

    @Option(names = "--refine", split = ",", paramLabel = "NAME", description = "Refiners to run after quantization, "
            + "in order (mpq methods lists them): bias-correction, adaround (learned rounding, layer by layer), "
            + "brecq (learned rounding on blocks found in the graph, then activation steps), lapq (clipping ranges "
            + "optimised jointly on the task loss).")
    List<String> refine = List.of();

    @Option(names = "--recon-iters", paramLabel = "N", description = "adaround/brecq: rounding iterations per layer or "
            + "block (default: " + Reconstruction.Settings.ITERATIONS + "; the papers use 10,000–20,000).")
    int reconIters = Reconstruction.Settings.ITERATIONS;

    @Option(names = "--recon-act-iters", paramLabel = "N", description = "adaround/brecq: iterations learning the "
            + "steps of each unit's activations below 8 bits, after its rounding (default: "
            + Reconstruction.Settings.ACT_ITERATIONS + "; 0 keeps the estimator's steps).")
    int reconActIters = Reconstruction.Settings.ACT_ITERATIONS;

    @Option(names = "--recon-batch", paramLabel = "B", description = "adaround/brecq: calibration examples per "
            + "iteration (default: " + Reconstruction.Settings.BATCH + ").")
    int reconBatch = Reconstruction.Settings.BATCH;

    @Option(names = "--recon-lambda", paramLabel = "L", description = "adaround/brecq: weight of the regulariser that "
            + "drives every rounding to floor or ceil (default: " + Reconstruction.Settings.LAMBDA + ").")
    double reconLambda = Reconstruction.Settings.LAMBDA;

    @Option(names = "--recon-loss", paramLabel = "L", description = "adaround/brecq: mse (squared error of the unit's "
            + "output; default) or fisher (each element weighted by the squared gradient of the float network's "
            + "cross-entropy there; needs labels).")
    String reconLoss = "mse";

    @Option(names = "--recon-seed", paramLabel = "S", description = "adaround/brecq: seed of the batch draws "
            + "(default: 0).")
    long reconSeed;

    @Option(names = "--lapq-loss", paramLabel = "L", description = "lapq: ce (cross-entropy with the calibration "
            + "labels), kl (to the float model's outputs: for unlabelled data) or auto (default: ce when the "
            + "calibration data has labels, else kl). Calibrate on training data: LAPQ fits the ranges to it.")
    String lapqLoss = Lapq.Loss.AUTO.label;

    @Option(names = "--lapq-sweeps", paramLabel = "N", description = "lapq: Powell sweeps, each a line search along "
            + "every quantizer's scale (default: " + Lapq.Settings.SWEEPS + "; 0 stops after the Lp initialisation).")
    int lapqSweeps = Lapq.Settings.SWEEPS;

    @Option(names = "--lapq-examples", paramLabel = "N", description = "lapq: calibration examples the loss is "
            + "measured on, the first N (default: " + Lapq.Settings.EXAMPLES + ").")
    int lapqExamples = Lapq.Settings.EXAMPLES;

    @Option(names = "--multipoint", paramLabel = "F", description = "Multipoint quantization: output channels whose "
            + "output error is largest take extra points on the layer's grid (w ≈ Σ a_i v_i), up to F × the layer's "
            + "channels per layer below 8 bits, e.g. 0.1 (default: 0, none). Each extra point is one more output "
            + "channel of the same bits; the size counts them. Per-channel weights only.")
    double multipoint;

    @Option(names = "--bias-correction", description = "The same as --refine bias-correction: each layer's bias "
            + "absorbs the mean shift quantization causes, measured on the calibration data.")
    boolean biasCorrection;

    @Option(names = "--embedding-bits", paramLabel = "B", description = "Quantize every embedding table (a Gather of a "
            + "float initializer, e.g. a transformer's word embeddings) row by row to B bits (1 to 8; default: float).")
    int embeddingBits;

    @Option(names = "--embedding-method", paramLabel = "M", description = "How embedding rows are quantized: minmax "
            + "(each row's range), greedy (the range shrunk from either end while the row's error falls, up to 16%%; "
            + "default) or codebook (2^B float16 centroids per row by k-means).")
    String embeddingMethod = "greedy";

    @Option(names = "--sparq", arity = "0..1", fallbackValue = "4", paramLabel = "N", description = "SPARQ: every "
            + "layer that reads an unsigned (post-ReLU) 8-bit activation reads each value through an N-bit window of "
            + "its bits, anchored at its leading one (N = 4 when --sparq is given without a number; 1 to 7). "
            + "The exported model is the 8-bit one: ONNX cannot express the windows.")
    Integer sparq;

    @Option(names = "--sparq-windows", paramLabel = "SET", description = "Where a window may sit (named for 4-bit "
            + "windows of 8-bit values): 5opt (every position: [7:4] [6:3] [5:2] [4:1] [3:0]; default), 3opt "
            + "([7:4] [5:2] [3:0]) or 2opt ([7:4] [3:0]).")
    String sparqWindows;

    @Option(names = "--sparq-round", paramLabel = "R", description = "The bits below the window: nearest (rounded to "
            + "nearest-even, clamped to the window; default) or floor (truncated).")
    String sparqRound;

    @Option(names = "--vsparq", negatable = true, defaultValue = "true", fallbackValue = "true", description = "vSPARQ "
            + "pairing (default: on): values go in pairs of adjacent input channels; when one is zero, the other "
            + "takes a 2N-bit window (exact at N = 4). --no-vsparq windows every value alone.")
    boolean vsparq;

    /** The SPARQ windows the options ask for, or null without --sparq. */
    SparqWindows sparq() {
        if (sparq == null) {
            String given = sparqWindows != null ? "--sparq-windows " + sparqWindows
                    : sparqRound != null ? "--sparq-round " + sparqRound : !vsparq ? "--no-vsparq" : null;
            if (given != null) {
                throw new mpq.base.BadInputException(given + " needs --sparq N (the window bits)");
            }
            return null;
        }
        return new SparqWindows(sparq,
                sparqWindows == null ? SparqWindows.DEFAULT.placements() : SparqWindows.Placements.of(sparqWindows),
                sparqRound == null ? SparqWindows.DEFAULT.rounding() : SparqWindows.Rounding.of(sparqRound), vsparq);
    }

    Target target() {
        return Targets.byName(target);
    }

    /** --refine with --bias-correction added (once). */
    List<String> refiners() {
        List<String> r = new ArrayList<>(refine);
        if (biasCorrection && !r.contains(Refiners.BIAS_CORRECTION)) {
            r.add(Refiners.BIAS_CORRECTION);
        }
        return r;
    }

    /** Uniform bits with these choices and the given estimators (weights, activations). */
    QuantConfig config(int wBits, int aBits, String weightEstimator, String actEstimator) {
        if (embeddingBits < 0 || embeddingBits > 8) {
            throw new mpq.base.BadInputException("--embedding-bits must be 1 to 8, got " + embeddingBits);
        }
        return new QuantConfig(new QuantConfig.LayerSpec(wBits, aBits, !perTensor, weightEstimator, actEstimator),
                keepFirstLast, List.of(), refiners(), target()).withEmbeddings(embeddingBits,
                mpq.quant.RowwiseQuantizer.Method.of(embeddingMethod)).withSparq(sparq())
                .withReconstruction(reconstruction()).withLapq(lapq()).withMultipoint(multipoint);
    }

    Lapq.Settings lapq() {
        return new Lapq.Settings(Lapq.Loss.of(lapqLoss), lapqSweeps, lapqExamples);
    }

    Reconstruction.Settings reconstruction() {
        return new Reconstruction.Settings(reconIters, reconBatch, reconLambda, Reconstruction.Loss.of(reconLoss),
                reconActIters, reconSeed);
    }

    /** The command-line options that restate these choices (defaults left out), for printing reproducible commands. */
    List<String> options() {
        List<String> o = new ArrayList<>();
        if (!target.equals(Targets.DEFAULT.name())) {
            o.addAll(List.of("--target", target));
        }
        if (perTensor) {
            o.add("--per-tensor");
        }
        if (embeddingBits > 0) {
            o.addAll(List.of("--embedding-bits", Integer.toString(embeddingBits), "--embedding-method", embeddingMethod));
        }
        if (!keepFirstLast) {
            o.add("--no-keep-first-last");
        }
        if (sparq() != null) {
            o.addAll(List.of(sparq().describe().split(" ")));
        }
        if (multipoint > 0) {
            o.addAll(List.of("--multipoint", Double.toString(multipoint)));
        }
        if (!refiners().isEmpty()) {
            o.addAll(List.of("--refine", String.join(",", refiners())));
        }
        if (refiners().contains(Refiners.ADAROUND) || refiners().contains(Refiners.BRECQ)) {
            Reconstruction.Settings r = reconstruction(), d = Reconstruction.Settings.defaults();
            if (r.iterations() != d.iterations()) {
                o.addAll(List.of("--recon-iters", Integer.toString(r.iterations())));
            }
            if (r.actIterations() != d.actIterations()) {
                o.addAll(List.of("--recon-act-iters", Integer.toString(r.actIterations())));
            }
            if (r.batch() != d.batch()) {
                o.addAll(List.of("--recon-batch", Integer.toString(r.batch())));
            }
            if (r.lambda() != d.lambda()) {
                o.addAll(List.of("--recon-lambda", Double.toString(r.lambda())));
            }
            if (r.loss() != d.loss()) {
                o.addAll(List.of("--recon-loss", r.loss().label));
            }
            if (r.seed() != d.seed()) {
                o.addAll(List.of("--recon-seed", Long.toString(r.seed())));
            }
        }
        if (refiners().contains(Refiners.LAPQ)) {
            Lapq.Settings l = lapq(), d = Lapq.Settings.defaults();
            if (l.loss() != d.loss()) {
                o.addAll(List.of("--lapq-loss", l.loss().label));
            }
            if (l.sweeps() != d.sweeps()) {
                o.addAll(List.of("--lapq-sweeps", Integer.toString(l.sweeps())));
            }
            if (l.examples() != d.examples()) {
                o.addAll(List.of("--lapq-examples", Integer.toString(l.examples())));
            }
        }
        return o;
    }
}
