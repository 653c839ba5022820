package mpq.hardware;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import mpq.base.BadInputException;

/**
 * An analytical model of a variable-precision accelerator, read from a JSON spec: how many cycles its compute array
 * takes for one layer at (w, a) bits ({@link ComputeArray}), a memory-bandwidth roofline, and energy per operation,
 * per DRAM byte and for static power. Latency is per batch of {@link #batch} examples, in ms; energy for the same
 * batch, in mJ. Only the weight layers are counted (adds, pooling and activations are small beside them).
 *
 * <p>Per layer, as a GEMM of M = batch × output positions rows, K = weights per output channel, N = output channels:
 * <ul>
 * <li>compute cycles from the array (e.g. bit-serial: w·a binary passes over tiles);</li>
 * <li>memory: weights at w bits, the input at a bits and the output at {@link #outputBits} bits cross DRAM once;
 *     latency = max(compute, memory) + a fixed per-layer overhead;</li>
 * <li>energy = operations × energy per operation + DRAM bytes × energy per byte + static power × latency.</li>
 * </ul>
 *
 * @param name        what --cost-model calls it
 * @param description one line for mpq methods
 * @param array       the compute array
 * @param clockMhz    the array's clock
 * @param batch       examples per run (1 on edge devices; larger in the cloud)
 * @param bandwidthGbPerS DRAM bandwidth, GB/s
 * @param outputBits  bits each layer's outputs are written at
 * @param layerOverheadCycles fixed cycles per layer (instruction issue, pipeline fill)
 * @param dramPjPerByte energy of one DRAM byte
 * @param staticMw    static power
 * @param sources     where the figures come from (papers; mpq's assumptions say so)
 */
public record Accelerator(String name, String description, ComputeArray array, double clockMhz, int batch,
                          double bandwidthGbPerS, int outputBits, long layerOverheadCycles, double dramPjPerByte,
                          double staticMw, List<String> sources) {
    /** The specs shipped with mpq, in src/main/resources/mpq/hardware/. */
    public static final List<String> BUILT_IN = List.of("bismo-edge", "bismo-cloud", "bitfusion-edge", "bitfusion-cloud");

    public Accelerator {
        sources = List.copyOf(sources);
        if (clockMhz <= 0 || batch < 1 || bandwidthGbPerS <= 0 || outputBits < 1 || layerOverheadCycles < 0
                || dramPjPerByte < 0 || staticMw < 0) {
            throw new BadInputException(name + ": clock, batch, bandwidth and output bits must be positive; "
                    + "overhead and energies not negative");
        }
    }

    /** The cycles of one layer at (w, a): compute or memory, whichever is longer, plus the per-layer overhead. */
    public double cycles(LayerShape layer, int w, int a) {
        double compute = array.cycles(gemm(layer), w, a);
        double bytes = dramBytes(layer, w, a);
        double memory = bytes / (bandwidthGbPerS * 1e9) * clockMhz * 1e6;
        return Math.max(compute, memory) + layerOverheadCycles;
    }

    public double latencyMs(LayerShape layer, int w, int a) {
        return cycles(layer, w, a) / (clockMhz * 1e3);
    }

    public double energyMj(LayerShape layer, int w, int a) {
        double pj = array.operationEnergyPj(gemm(layer), w, a) + dramBytes(layer, w, a) * dramPjPerByte
                + staticMw * latencyMs(layer, w, a) * 1e6;   // mW × ms = µJ = 1e6 pJ
        return pj * 1e-9;
    }

    /** Weights at w bits once per batch; each example's input at a bits and output at outputBits. */
    double dramBytes(LayerShape layer, int w, int a) {
        return (layer.params() * (double) w + batch * ((double) layer.inputs() * a + (double) layer.outputs() * outputBits))
                / 8;
    }

    /** The layer as a GEMM over the batch. */
    ComputeArray.Gemm gemm(LayerShape layer) {
        long n = Math.max(1, layer.channels());
        long k = Math.max(1, layer.params() / n);
        long m = Math.max(1, layer.macs() / Math.max(1, layer.params())) * batch;
        return new ComputeArray.Gemm(m, k, n);
    }

    /** The parameters, for mpq methods and reports. */
    public String parameters() {
        return String.format(Locale.ROOT, "%s, %.0f MHz, batch %d, %.1f GB/s, %.3g pJ/DRAM byte, %.0f mW static",
                array.describe(), clockMhz, batch, bandwidthGbPerS, dramPjPerByte, staticMw);
    }

    /** A shipped spec by name. */
    public static Accelerator builtIn(String name) {
        if (!BUILT_IN.contains(name)) {
            throw new BadInputException("unknown accelerator '" + name + "'; known: " + String.join(", ", BUILT_IN));
        }
        try (InputStream in = Accelerator.class.getResourceAsStream(name + ".json")) {
            if (in == null) {
                throw new IllegalStateException("accelerator spec " + name + ".json missing from the jar");
            }
            return parse(new ObjectMapper().readTree(in), name + ".json");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A user's spec file (e.g. a copy of a shipped one, edited). */
    public static Accelerator load(Path file) {
        try {
            return parse(new ObjectMapper().readTree(Files.readAllBytes(file)), file.toString());
        } catch (NoSuchFileException e) {
            throw new BadInputException(file + ": no such file");
        } catch (IOException e) {
            throw new BadInputException(file + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    /** Whether a parsed JSON file is an accelerator spec (it has an "array"), rather than a cost table. */
    public static boolean isSpec(JsonNode root) {
        return root.has("array");
    }

    static Accelerator parse(JsonNode root, String source) {
        JsonNode arr = root.path("array");
        String engine = arr.path("engine").asText("");
        ComputeArray array = switch (engine) {
            case "bit-serial" -> new BitSerialArray(positive(arr, "dm", source), positive(arr, "dk", source),
                    positive(arr, "dn", source), number(arr, "binary_op_pj", source));
            case "bit-fusion" -> new BitFusionArray(positive(arr, "rows", source), positive(arr, "cols", source),
                    positive(arr, "bricks_per_unit", source), arr.path("power_of_two_fusion").asBoolean(false),
                    number(arr, "brick_op_pj", source));
            default -> throw new BadInputException(source + ": array.engine must be \"bit-serial\" or \"bit-fusion\", "
                    + "got \"" + engine + "\"");
        };
        List<String> sources = new java.util.ArrayList<>();
        root.path("sources").forEach(s -> sources.add(s.asText()));
        return new Accelerator(root.path("name").asText(source), root.path("description").asText(""), array,
                number(root, "clock_mhz", source), positive(root, "batch", source),
                number(root, "bandwidth_gb_per_s", source), root.path("output_bits").asInt(8),
                root.path("layer_overhead_cycles").asLong(0), number(root, "dram_pj_per_byte", source),
                root.path("static_mw").asDouble(0), sources);
    }

    private static double number(JsonNode node, String field, String source) {
        JsonNode v = node.get(field);
        if (v == null || !v.isNumber()) {
            throw new BadInputException(source + ": \"" + field + "\" must be a number");
        }
        return v.asDouble();
    }

    private static int positive(JsonNode node, String field, String source) {
        JsonNode v = node.get(field);
        if (v == null || !v.canConvertToInt() || v.asInt() < 1) {
            throw new BadInputException(source + ": \"" + field + "\" must be a positive integer");
        }
        return v.asInt();
    }
}
