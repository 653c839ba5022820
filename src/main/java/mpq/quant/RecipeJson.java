package mpq.quant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mpq.base.AtomicFiles;
import mpq.base.BadInputException;
import mpq.deploy.Target;
import mpq.deploy.Targets;

/**
 * A {@link QuantRecipe} as JSON ("recipe.json"): per layer its weight grid with every scale, per activation its grid,
 * scale and zero point, corrected biases, embedding tables, SPARQ windows and learned weight integers. Scales are written with enough digits
 * to read back the same float.
 */
public final class RecipeJson {
    private RecipeJson() {}

    public static final String FORMAT = "mpq-recipe";
    public static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The recipe as a JSON tree; extra entries (model name, settings) may be added by the caller. */
    public static ObjectNode toJson(QuantRecipe r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("target", r.target().name());
        ArrayNode layers = root.putArray("layers");
        for (QuantRecipe.LayerQuant l : r.layers()) {
            ObjectNode o = layers.addObject();
            o.put("name", l.name());
            o.put("op", l.opType());
            if (l.depthwise()) {
                o.put("depthwise", true);
            }
            o.put("weight", l.weight());
            o.put("input", l.input());
            o.put("w_bits", l.weightBits());
            o.put("a_bits", l.actBits());
            o.put("weight_estimator", l.weightEstimator());
            o.set("weight_quant", params(l.weightParams()));
        }
        ArrayNode acts = root.putArray("activations");
        for (QuantRecipe.ActivationQuant a : r.activations()) {
            ObjectNode o = acts.addObject();
            o.put("value", a.value());
            o.put("estimator", a.estimator());
            o.set("quant", params(a.params()));
        }
        ObjectNode biases = root.putObject("biases");
        for (Map.Entry<String, float[]> e : r.biases().entrySet()) {
            ArrayNode b = biases.putArray(e.getKey());
            for (float v : e.getValue()) {
                b.add(v);
            }
        }
        if (!r.embeddings().isEmpty()) {
            ArrayNode tables = root.putArray("embeddings");
            for (QuantRecipe.EmbeddingQuant e : r.embeddings()) {
                ObjectNode o = tables.addObject();
                o.put("table", e.table());
                o.put("bits", e.bits());
                o.put("method", e.method().label());
            }
        }
        if (r.sparq() != null) {
            ObjectNode o = root.putObject("sparq");
            o.put("bits", r.sparq().bits());
            o.put("windows", r.sparq().placements().label());
            o.put("round", r.sparq().rounding().label());
            o.put("vsparq", r.sparq().pairs());
        }
        if (!r.weightLevels().isEmpty()) {
            ObjectNode levels = root.putObject("weight_levels");
            for (Map.Entry<String, int[]> e : r.weightLevels().entrySet()) {
                levels.set(e.getKey(), levels(e.getValue()));
            }
        }
        if (!r.extraPoints().isEmpty()) {
            ObjectNode points = root.putObject("extra_points");
            for (Map.Entry<String, List<QuantRecipe.ExtraPoint>> e : r.extraPoints().entrySet()) {
                ArrayNode list = points.putArray(e.getKey());
                for (QuantRecipe.ExtraPoint p : e.getValue()) {
                    ObjectNode o = list.addObject();
                    o.put("channel", p.channel());
                    o.put("scale", p.scale());
                    o.set("levels", levels(p.levels()));
                }
            }
        }
        return root;
    }

    /** Learned weight integers, base64 of int8 (when every one fits) or little-endian int16. */
    private static ObjectNode levels(int[] q) {
        boolean int8 = java.util.Arrays.stream(q).allMatch(v -> v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(q.length * (int8 ? 1 : 2))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int v : q) {
            if (int8) {
                b.put((byte) v);
            } else {
                b.putShort((short) v);
            }
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("type", int8 ? "int8" : "int16");
        o.put("count", q.length);
        o.put("base64", java.util.Base64.getEncoder().encodeToString(b.array()));
        return o;
    }

    private static int[] levels(JsonNode o) {
        String type = text(o, "type");
        if (!type.equals("int8") && !type.equals("int16")) {
            throw new IllegalArgumentException("weight levels of type '" + type + "'; expected int8 or int16");
        }
        byte[] bytes = java.util.Base64.getDecoder().decode(text(o, "base64"));
        int width = type.equals("int8") ? 1 : 2, count = integer(o, "count");
        if (bytes.length != count * width) {
            throw new IllegalArgumentException(bytes.length + " bytes of weight levels for " + count + " " + type
                    + " values");
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int[] q = new int[count];
        for (int i = 0; i < count; i++) {
            q[i] = width == 1 ? b.get() : b.getShort();
        }
        return q;
    }

    private static ObjectNode params(QuantParams p) {
        ObjectNode o = JSON.createObjectNode();
        o.put("bits", p.grid().bits());
        o.put("signed", p.grid().signed());
        o.put("symmetric", p.symmetric());
        o.put("axis", p.axis());
        o.put("qmin", p.grid().qmin());
        o.put("qmax", p.grid().qmax());
        ArrayNode s = o.putArray("scales");
        for (float v : p.scales()) {
            s.add(v);
        }
        ArrayNode z = o.putArray("zero_points");
        for (int v : p.zeroPoints()) {
            z.add(v);
        }
        return o;
    }

    public static void write(ObjectNode json, Path file) {
        AtomicFiles.write(file, out -> JSON.writeValue(out, json));
    }

    public static QuantRecipe read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new BadInputException(file + ": no such file");
        } catch (IOException e) {
            throw new BadInputException(file + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (root == null || !FORMAT.equals(root.path("format").asText())) {
            throw new BadInputException(file + ": not an mpq recipe (expected \"format\": \"" + FORMAT + "\")");
        }
        try {
            List<QuantRecipe.LayerQuant> layers = new ArrayList<>();
            for (JsonNode o : root.path("layers")) {
                layers.add(new QuantRecipe.LayerQuant(text(o, "name"), text(o, "op"), o.path("depthwise").asBoolean(false),
                        text(o, "weight"),
                        text(o, "input"), integer(o, "w_bits"), integer(o, "a_bits"), params(o.get("weight_quant")),
                        text(o, "weight_estimator")));
            }
            List<QuantRecipe.ActivationQuant> acts = new ArrayList<>();
            for (JsonNode o : root.path("activations")) {
                acts.add(new QuantRecipe.ActivationQuant(text(o, "value"), params(o.get("quant")), text(o, "estimator")));
            }
            Map<String, float[]> biases = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.path("biases").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                float[] b = new float[e.getValue().size()];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (float) e.getValue().get(i).asDouble();
                }
                biases.put(e.getKey(), b);
            }
            List<QuantRecipe.EmbeddingQuant> tables = new ArrayList<>();
            for (JsonNode o : root.path("embeddings")) {
                tables.add(new QuantRecipe.EmbeddingQuant(text(o, "table"), integer(o, "bits"),
                        RowwiseQuantizer.Method.of(text(o, "method"))));
            }
            JsonNode w = root.get("sparq");
            SparqWindows sparq = w == null ? null : new SparqWindows(integer(w, "bits"),
                    SparqWindows.Placements.of(text(w, "windows")), SparqWindows.Rounding.of(text(w, "round")),
                    w.path("vsparq").asBoolean(true));
            Map<String, int[]> weightLevels = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.path("weight_levels").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (layers.stream().noneMatch(l -> l.name().equals(e.getKey()))) {
                    throw new IllegalArgumentException("weight levels for '" + e.getKey() + "', which is no layer");
                }
                weightLevels.put(e.getKey(), levels(e.getValue()));
            }
            Map<String, List<QuantRecipe.ExtraPoint>> extra = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.path("extra_points").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (layers.stream().noneMatch(l -> l.name().equals(e.getKey()))) {
                    throw new IllegalArgumentException("extra points for '" + e.getKey() + "', which is no layer");
                }
                List<QuantRecipe.ExtraPoint> list = new ArrayList<>();
                for (JsonNode o : e.getValue()) {
                    float scale = (float) o.path("scale").asDouble(Double.NaN);
                    if (!(scale > 0) || Float.isInfinite(scale)) {
                        throw new IllegalArgumentException("extra point of '" + e.getKey() + "': scale must be "
                                + "positive and finite");
                    }
                    list.add(new QuantRecipe.ExtraPoint(integer(o, "channel"), scale, levels(o.get("levels"))));
                }
                extra.put(e.getKey(), list);
            }
            return new QuantRecipe(layers, acts, biases, target(root, layers, acts), tables, sparq, weightLevels,
                    extra);
        } catch (IllegalArgumentException | NullPointerException | BadInputException e) {
            throw new BadInputException(file + ": malformed recipe (" + e.getMessage() + ")");
        }
    }

    /**
     * The recipe's target; recipes written before targets existed have none and get the narrowest one their grids
     * fit (ort-x86 unless some layer has 8-bit weights with 8-bit inputs).
     */
    private static Target target(JsonNode root, List<QuantRecipe.LayerQuant> layers,
                                 List<QuantRecipe.ActivationQuant> acts) {
        JsonNode t = root.get("target");
        if (t != null) {
            return Targets.find(t.asText()).orElseThrow(() -> new IllegalArgumentException("unknown target '"
                    + t.asText() + "'; known: " + Targets.names()));
        }
        QuantRecipe exact = new QuantRecipe(layers, acts, Map.of(), Targets.ORT_X86_VNNI);
        return exact.saturatingOn(Targets.DEFAULT).isEmpty() ? Targets.DEFAULT : Targets.ORT_X86_VNNI;
    }

    private static QuantParams params(JsonNode o) {
        if (o == null) {
            throw new IllegalArgumentException("missing quantization parameters");
        }
        IntGrid grid = new IntGrid(integer(o, "bits"), o.path("signed").asBoolean());
        JsonNode s = o.path("scales"), z = o.path("zero_points");
        float[] scales = new float[s.size()];
        int[] zps = new int[z.size()];
        for (int i = 0; i < scales.length; i++) {
            scales[i] = (float) s.get(i).asDouble();
        }
        for (int i = 0; i < zps.length; i++) {
            zps[i] = z.get(i).asInt();
        }
        return new QuantParams(grid, o.path("symmetric").asBoolean(), scales, zps, integer(o, "axis"));
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' must be a string");
        }
        return v.asText();
    }

    private static int integer(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.canConvertToInt()) {
            throw new IllegalArgumentException("field '" + field + "' must be an integer");
        }
        return v.asInt();
    }
}
