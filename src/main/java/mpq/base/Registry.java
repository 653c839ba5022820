package mpq.base;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The methods of one kind by name: each entry is what people read of it ({@link Method}) and how to make one. A new
 * method is a class plus one {@link #add} line in its kind's registry; commands, {@code mpq methods} and comparisons
 * find it there.
 */
public final class Registry<T> {
    private final Method.Kind kind;
    private final List<Entry<T>> entries = new ArrayList<>();

    public record Entry<T>(Method method, Supplier<T> factory) {}

    public Registry(Method.Kind kind) {
        this.kind = kind;
    }

    public Registry<T> add(String name, String description, List<Method.Need> needs, boolean quick, Supplier<T> factory) {
        if (entries.stream().anyMatch(e -> e.method().name().equals(name))) {
            throw new IllegalStateException(kind.label + " '" + name + "' registered twice");
        }
        entries.add(new Entry<>(new Method(kind, name, description, needs, quick), factory));
        return this;
    }

    public Method.Kind kind() {
        return kind;
    }

    public List<Method> methods() {
        return entries.stream().map(Entry::method).toList();
    }

    public List<String> names() {
        return entries.stream().map(e -> e.method().name()).toList();
    }

    /** The named method's description; an unknown name is the user's error, listing the known ones. */
    public Method method(String name) {
        return entry(name).method();
    }

    /** A new instance of the named method. */
    public T create(String name) {
        return entry(name).factory().get();
    }

    private Entry<T> entry(String name) {
        for (Entry<T> e : entries) {
            if (e.method().name().equals(name)) {
                return e;
            }
        }
        throw new BadInputException("unknown " + kind.label + " '" + name + "'; known: " + String.join(", ", names()));
    }
}
