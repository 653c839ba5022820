package mpq.quant;

import java.util.Set;
import java.util.function.Predicate;

/** Fresh value names for what the passes add. */
public final class Names {
    private Names() {}

    /** base, or base_2, base_3, … — the first that is not taken. */
    public static String fresh(String base, Predicate<String> taken) {
        String name = base;
        for (int i = 2; taken.test(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }

    /** The same, for names kept in a set, and the name taken into it. */
    public static String fresh(String base, Set<String> taken) {
        String name = fresh(base, taken::contains);
        taken.add(name);
        return name;
    }
}
