package mpq.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Human output (stderr) and the one JSON object (stdout) that each command prints with --json. */
final class Output {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Output() {}

    static PrintStream human() {
        return System.err;
    }

    static void json(Object value) {
        try {
            System.out.println(JSON.writeValueAsString(value));
            System.out.flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes value as indented JSON to a stream (for files; {@link #json} is for stdout). */
    static void writeJson(java.io.OutputStream out, Object value) throws java.io.IOException {
        JSON.writeValue(out, value);
    }

    /**
     * A JSON object with its fields in the order given (Map.of would order them differently from run to run, and the
     * same command must print the same bytes).
     */
    static java.util.Map<String, Object> fields(Object... namesAndValues) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return m;
    }

    /** A number as a user would type it on a command line: no trailing zeros. */
    static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
                : new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }

    /** Numbers joined by commas, as list options take them. */
    static String numbers(float[] v) {
        List<String> s = new ArrayList<>();
        for (float x : v) {
            s.add(new java.math.BigDecimal(Float.toString(x)).stripTrailingZeros().toPlainString());
        }
        return String.join(",", s);
    }

    /** A plain text table: columns padded to their widest cell; numeric-looking cells right-aligned. */
    static final class Table {
        private final List<String[]> rows = new ArrayList<>();

        Table(String... header) {
            rows.add(header);
        }

        /** Widest cell a person reads; longer ones (names made by converters) keep their end, where they differ. */
        static final int MAX_CELL = 64;

        void add(Object... cells) {
            String[] r = new String[cells.length];
            for (int i = 0; i < cells.length; i++) {
                String c = String.valueOf(cells[i]);
                r[i] = c.length() > MAX_CELL ? "…" + c.substring(c.length() - MAX_CELL + 1) : c;
            }
            rows.add(r);
        }

        void print(PrintStream out) {
            int cols = rows.getFirst().length;
            int[] w = new int[cols];
            for (String[] r : rows) {
                for (int i = 0; i < cols; i++) {
                    w[i] = Math.max(w[i], r[i].length());
                }
            }
            for (int ri = 0; ri < rows.size(); ri++) {
                String[] r = rows.get(ri);
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < cols; i++) {
                    boolean right = ri > 0 && r[i].matches("[-+0-9.,%x]+");
                    String pad = " ".repeat(w[i] - r[i].length());
                    sb.append(right ? pad + r[i] : r[i] + pad).append(i + 1 < cols ? "  " : "");
                }
                out.println(sb.toString().stripTrailing());
                if (ri == 0) {
                    int total = 0;
                    for (int x : w) {
                        total += x + 2;
                    }
                    out.println("-".repeat(Math.max(0, total - 2)));
                }
            }
        }
    }
}
