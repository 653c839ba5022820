package mpq.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A process stopped in the middle of a write leaves neither the output nor its temporary file behind. */
class AtomicFilesTest {
    @TempDir
    Path tmp;

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.toList();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT"})
    void signalMidWriteLeavesNothing(String signal) throws Exception {
        Path target = tmp.resolve("out.bin");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), SlowWrite.class.getName(),
                target.toString()).redirectErrorStream(true).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("writing", r.readLine(), "the child started writing");
            assertEquals(1, files().size(), "a temporary file while the write is in progress: " + files());
            assertTrue(files().getFirst().getFileName().toString().endsWith(".tmp"));
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start();
            assertEquals(0, kill.waitFor());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the child ends on SIG" + signal);
        } finally {
            p.destroyForcibly();
        }
        assertEquals(List.of(), files(), "no partial output, no temporary file");
        assertFalse(Files.exists(target));
    }
}
