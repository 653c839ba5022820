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

    public long getLong(String name, long dflt) {
        return values.get(name) instanceof Long v ? v : dflt;
    }

    public int getInt(String name, int dflt) {
        return Math.toIntExact(getLong(name, dflt));
    }

    public float getFloat(String name, float dflt) {
        return values.get(name) instanceof Float v ? v : dflt;
    }

    public String getString(String name, String dflt) {
        return values.get(name) instanceof String v ? v : dflt;
    }

    /** An integer list, or dflt (may be null) when absent. */
    public long[] getLongs(String name, long[] dflt) {
        return values.get(name) instanceof long[] v ? v.clone() : dflt;
    }

    public int[] getInts(String name, int[] dflt) {
        long[] v = getLongs(name, null);
        if (v == null) {
            return dflt;
        }
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.toIntExact(v[i]);
        }
        return out;
    }

    public float[] getFloats(String name, float[] dflt) {
        return values.get(name) instanceof float[] v ? v.clone() : dflt;
    }

    public Constant getTensor(String name) {
        return values.get(name) instanceof Constant c ? c : null;
    }
}
