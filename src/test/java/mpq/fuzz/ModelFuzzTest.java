package mpq.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import mpq.Nets;
import mpq.SharedData;
import mpq.base.BadInputException;
import mpq.base.Progress;
import mpq.data.Batches;
import mpq.eval.MpqEngine;
import mpq.export.QdqExport;
import mpq.graph.Graph;
import mpq.onnx.OnnxModel;
import mpq.onnx.OnnxWriter;
import mpq.onnx.proto.Onnx.ModelProto;
import mpq.quant.PostTrainingQuantizer;
import mpq.quant.QuantConfig;
import mpq.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of real models: every mutated file either runs (load, a forward pass, and for some cases
 * quantization and QDQ export) or fails with the one-line user error, {@link BadInputException} — never another
 * exception, an OutOfMemoryError or a hang. The normal suite runs a few hundred cases; the long run is
 * {@code ./build test -Dtest=ModelFuzzTest -Dmpq.fuzz.cases=10000} (seed: -Dmpq.fuzz.seed).
 */
class ModelFuzzTest {
    private static final int CASES = Integer.getInteger("mpq.fuzz.cases", 300);
    private static final long SEED = Long.getLong("mpq.fuzz.seed", 1);
    private static final long SECONDS_PER_CASE = 60;

    @TempDir
    Path tmp;

    private enum Outcome { RAN, CLEAN_ERROR, CRASH, HANG }

    @Test
    void mutatedModelsRunOrFailCleanly() throws Exception {
        Map<String, ModelProto> models = new LinkedHashMap<>();
        models.put("residual (in code)", OnnxWriter.toProto(Nets.residual(3, true), 8, "fuzz"));
        for (String f : List.of("resnet8_mlperftiny_cifar10.onnx", "resnet20_cifar10.onnx", "resnet20_cifar10_bn.onnx")) {
            Path p = SharedData.ROOT.resolve("models").resolve(f);
            if (Files.isRegularFile(p)) {
                models.put(f, ModelProto.parseFrom(Files.readAllBytes(p)));
            } else {
                System.out.println("fuzz: " + p + " not found (../shared is absent); fuzzing the in-code model only");
            }
        }
        List<String> names = new ArrayList<>(models.keySet());
        ModelMutator mutator = new ModelMutator(SEED);
        java.util.Random pick = new java.util.Random(SEED + 1);
        Map<Outcome, Integer> totals = new java.util.EnumMap<>(Outcome.class);
        Map<String, Integer> errorKinds = new java.util.TreeMap<>();
        List<String> failures = new ArrayList<>();
        ExecutorService worker = newWorker();
        long start = System.nanoTime();
        try {
            for (int c = 0; c < CASES; c++) {
                String name = names.get(pick.nextInt(names.size()));
                ModelMutator.Case mutated = mutator.mutate(models.get(name));
                boolean quantize = pick.nextInt(5) == 0, allowNonFinite = pick.nextInt(4) == 0;
                Path file = tmp.resolve("case.onnx");
                Files.write(file, mutated.bytes());
                Future<?> f = worker.submit(() -> {
                    runCase(file, quantize, allowNonFinite);
                    return null;
                });
                Outcome o;
                String detail = null;
                try {
                    f.get(SECONDS_PER_CASE, TimeUnit.SECONDS);
                    o = Outcome.RAN;
                } catch (TimeoutException e) {
                    f.cancel(true);
                    worker.shutdownNow();
                    worker = newWorker();
                    o = Outcome.HANG;
                    detail = "no answer in " + SECONDS_PER_CASE + " s";
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable t = e.getCause();
                    if (t instanceof BadInputException b && b.getMessage() != null && !b.getMessage().isBlank()
                            && !b.getMessage().contains("\n")) {
                        o = Outcome.CLEAN_ERROR;
                        errorKinds.merge(kind(b.getMessage()), 1, Integer::sum);
                    } else {
                        o = Outcome.CRASH;
                        detail = t + " at " + java.util.Arrays.stream(t.getStackTrace())
                                .filter(frame -> frame.getClassName().startsWith("mpq.")).limit(3).toList();
                    }
                }
                totals.merge(o, 1, Integer::sum);
                if (detail != null) {
                    failures.add("case " + c + " (" + name + (quantize ? ", quantized" : "") + "): " + mutated.description()
                            + "\n    " + detail);
                }
            }
        } finally {
            worker.shutdownNow();
        }
        System.out.printf("fuzz: %d cases (seed %d) in %.0f s: %d ran, %d clean errors, %d crashes, %d hangs%n", CASES,
                SEED, (System.nanoTime() - start) / 1e9, totals.getOrDefault(Outcome.RAN, 0),
                totals.getOrDefault(Outcome.CLEAN_ERROR, 0), totals.getOrDefault(Outcome.CRASH, 0),
                totals.getOrDefault(Outcome.HANG, 0));
        errorKinds.forEach((k, v) -> System.out.printf("fuzz:   %5d  %s%n", v, k));
        failures.forEach(s -> System.out.println("fuzz: FAILED " + s));
        assertEquals(List.of(), failures, "mutated models that neither ran nor failed with a one-line user error");
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-case");
            t.setDaemon(true);
            return t;
        });
    }

    /** Load, one forward pass on two random examples of the original input's shape, optionally quantize and export. */
    private static void runCase(Path file, boolean quantize, boolean allowNonFinite) {
        Graph g = OnnxModel.load(file, allowNonFinite).graph();
        int[] shape = g.inputs().isEmpty() ? new int[] {2, 3, 32, 32} : g.inputs().getFirst().dims();
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shape[i] < 1 || shape[i] > 64 ? (i == 0 ? 2 : 8) : shape[i];
        }
        Tensor x = new Nets(7).random(1.0, shape);
        try (MpqEngine e = new MpqEngine(g, 1)) {
            e.run(x);
        }
        if (quantize) {
            var r = PostTrainingQuantizer.run(g, QuantConfig.standard(), new Batches(List.of(x), "fuzz"), 1, Progress.NONE);
            OnnxWriter.toProto(QdqExport.apply(r.floatGraph(), r.recipe()).graph(), 8, "fuzz");
        }
    }

    /** The message with names and numbers blanked, to count kinds of error. */
    private static String kind(String message) {
        String k = message.replaceAll("'[^']*'", "'…'").replaceAll("\\[[^\\]]*\\]", "[…]").replaceAll("-?\\d+", "N");
        return k.length() > 110 ? k.substring(0, 110) + "…" : k;
    }
}
