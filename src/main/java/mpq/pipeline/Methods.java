package mpq.pipeline;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import mpq.base.Method;
import mpq.base.Registry;
import mpq.hardware.CostModels;
import mpq.quant.Refiners;
import mpq.quant.Representations;
import mpq.search.Allocators;
import mpq.sensitivity.Metrics;

/**
 * Every method mpq has, of every kind, from the kinds' own registries (each next to its interface: a new method is
 * one class plus one line there). Names are unique across kinds, so a name alone says what it is.
 */
public final class Methods {
    private Methods() {}

    public static final List<Registry<?>> REGISTRIES = List.of(Metrics.REGISTRY, Allocators.REGISTRY,
            Refiners.REGISTRY, Representations.REGISTRY, CostModels.REGISTRY);

    /** All methods, kind by kind in the order above. */
    public static List<Method> all() {
        List<Method> all = REGISTRIES.stream().flatMap(r -> r.methods().stream()).toList();
        Map<String, Method> seen = new HashMap<>();
        for (Method m : all) {
            Method before = seen.put(m.name(), m);
            if (before != null) {
                throw new IllegalStateException("'" + m.name() + "' names both a " + before.kind().label + " and a "
                        + m.kind().label);
            }
        }
        return all;
    }

    public static Stream<Method> of(Method.Kind kind) {
        return all().stream().filter(m -> m.kind() == kind);
    }
}
