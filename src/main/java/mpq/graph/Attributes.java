package mpq.graph;

import mpq.tensor.DType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import mpq.tensor.Tensor;

/**
 * A node's attributes by name. Values are Long, Float, String, long[], float[], String[] or {@link Constant}
 * (a tensor attribute). Getters take a default for optional attributes and throw for missing required ones.
 */
public final class Attributes {
    /**
     * A tensor of a declared element type (an initializer, a tensor attribute): the tensor is held in that type, so
     * one given as floats with integer values for an integer type is converted here.
     */
    public record Constant(Tensor tensor, DType type) {
        public Constant {
            tensor = tensor.to(type);
        }
    }

    private final Map<String, Object> values;

    public Attributes(Map<String, Object> values) {
        for (Map.Entry<String, Object> e : values.entrySet()) {
            // Java's other number types would read as an attribute of no known kind: a bug in mpq, not in a model.
            if (e.getValue() instanceof Number && !(e.getValue() instanceof Long || e.getValue() instanceof Float)
                    || e.getValue() instanceof int[] || e.getValue() instanceof double[]) {
                throw new IllegalStateException("attribute '" + e.getKey() + "' held as "
                        + e.getValue().getClass().getSimpleName() + "; attributes hold long, float and their arrays");
            }
        }
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public static Attributes none() {
        return new Attributes(Map.of());
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public Set<String> names() {
        return values.keySet();
    }

    public Object raw(String name) {
        return values.get(name);
    }

    /**
     * The kind of an attribute as ONNX names it (int, float, string, tensor, ints, floats, strings), "other" for the
     * kinds mpq keeps opaque (graphs, sparse tensors), or null when absent.
     */
    public String kind(String name) {
        Object v = values.get(name);
        return switch (v) {
            case null -> null;
            case Long l -> "int";
            case Float f -> "float";
            case String t -> "string";
            case Constant c -> "tensor";
            case long[] l -> "ints";
            case float[] f -> "floats";
            case String[] t -> "strings";
            default -> "other";
        };
    }

    /** The value when present and of the kind asked for, null when absent; the wrong kind is an error. */
    private <T> T typed(String name, Class<T> type, String kind) {
        Object v = values.get(name);
        if (v == null) {
            return null;
        }
        if (!type.isInstance(v)) {
            throw new IllegalArgumentException("attribute '" + name + "' is " + article(kind(name)) + ", expected "
                    + article(kind));
        }
        return type.cast(v);
    }

    private static String article(String kind) {
        return switch (kind) {
            case "int", "ints", "other" -> "an " + kind;
            default -> "a " + kind;
        };
    }

    public long getLong(String name, long dflt) {
        Long v = typed(name, Long.class, "int");
        return v == null ? dflt : v;
    }

    public int getInt(String name, int dflt) {
        long v = getLong(name, dflt);
        if (v != (int) v) {
            throw new IllegalArgumentException("attribute '" + name + "' is " + v + ", outside the 32-bit range");
        }
        return (int) v;
    }

    public float getFloat(String name, float dflt) {
        Float v = typed(name, Float.class, "float");
        return v == null ? dflt : v;
    }

    public String getString(String name, String dflt) {
        String v = typed(name, String.class, "string");
        return v == null ? dflt : v;
    }

    /** An integer list, or dflt (may be null) when absent. */
    public long[] getLongs(String name, long[] dflt) {
        long[] v = typed(name, long[].class, "ints");
        return v == null ? dflt : v.clone();
    }

    public int[] getInts(String name, int[] dflt) {
        long[] v = getLongs(name, null);
        if (v == null) {
            return dflt;
        }
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] != (int) v[i]) {
                throw new IllegalArgumentException("attribute '" + name + "' holds " + v[i] + ", outside the 32-bit range");
            }
            out[i] = (int) v[i];
        }
        return out;
    }

    public float[] getFloats(String name, float[] dflt) {
        float[] v = typed(name, float[].class, "floats");
        return v == null ? dflt : v.clone();
    }

    public Constant getTensor(String name) {
        return typed(name, Constant.class, "tensor");
    }
}
