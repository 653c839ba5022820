package mpq.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import mpq.base.Method;
import mpq.pipeline.Methods;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "methods", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Every method mpq has, by kind: sensitivity metrics (--metric), allocators (--allocator), "
                + "refiners (--refine), value representations and cost models (the budget options), with what each "
                + "needs and whether compare-methods runs it by default (quick) or only when named or with --all.", ""})
final class MethodsCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        List<Method> all = Methods.all();
        if (common.json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Method m : all) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("kind", m.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
                o.put("name", m.name());
                o.put("description", m.description());
                o.put("needs", m.needs().stream().map(n -> n.description).toList());
                o.put("quick", m.quick());
                rows.add(o);
            }
            Output.json(Map.of("methods", rows));
            return 0;
        }
        var o = Output.human();
        for (Method.Kind kind : Method.Kind.values()) {
            o.printf("%s %s%n", kind.label + "s", kind.option);
            for (Method m : all.stream().filter(x -> x.kind() == kind).toList()) {
                String needs = m.needs().isEmpty() ? "" : " (needs " + String.join(", ",
                        m.needs().stream().map(n -> n.description).toList()) + ")";
                o.printf("  %-16s %s%s%s%n", m.name(), m.description(), needs, m.quick() ? "" : " [slow]");
            }
            o.println();
        }
        return 0;
    }
}
