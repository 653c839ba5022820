package mpq.deploy;

import java.util.List;
import mpq.base.BadInputException;

/** The deployment targets mpq knows, by name. */
public final class Targets {
    private Targets() {}

    /** Any x86-64 CPU running ONNX Runtime: no VNNI assumed, so 8-bit inputs take at most 7-bit weights. */
    public static final Target ORT_X86 = new Target("ort-x86", "ONNX Runtime on any x86-64 CPU: without VNNI its "
            + "uint8×int8 kernels add products in pairs into saturating int16, so layers with 8-bit inputs get at "
            + "most 7-bit weights (depthwise convolutions, whose kernel is exact, keep 8)", 16);

    /** x86-64 CPUs with AVX512-VNNI or AVX-VNNI, where ONNX Runtime accumulates every product exactly. */
    public static final Target ORT_X86_VNNI = new Target("ort-x86-vnni", "ONNX Runtime on x86-64 CPUs with "
            + "AVX512-VNNI or AVX-VNNI: products accumulate exactly in int32, so 8-bit weights keep their full range "
            + "(on a CPU without VNNI such a model computes something else)", 0);

    public static final Target DEFAULT = ORT_X86;

    public static final List<Target> ALL = List.of(ORT_X86, ORT_X86_VNNI);

    public static java.util.Optional<Target> find(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** The named target; an unknown name is the user's error. */
    public static Target byName(String name) {
        return find(name).orElseThrow(() -> new BadInputException("unknown target '" + name + "'; known: " + names()));
    }

    public static String names() {
        return String.join(", ", ALL.stream().map(Target::name).toList());
    }
}
