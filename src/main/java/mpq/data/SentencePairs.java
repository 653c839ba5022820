package mpq.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import mpq.base.BadInputException;

/**
 * Scored sentence pairs in the STS Benchmark's layout: tab-separated genre, file, year, id, gold score, sentence 1,
 * sentence 2 (extra trailing fields ignored). Fields are not quoted — sentences may hold '"' — so the file is split
 * at tabs only.
 */
public record SentencePairs(String name, List<Pair> pairs) {
    public record Pair(double score, String first, String second) {}

    private static final int FIELDS = 7;

    public static SentencePairs read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new BadInputException(file + ": no such file");
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read (" + e.getMessage() + ")");
        }
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length < FIELDS) {
                throw new BadInputException(file + ":" + (i + 1) + ": " + f.length + " tab-separated field"
                        + (f.length == 1 ? "" : "s") + ", expected at least " + FIELDS
                        + " (genre, file, year, id, score, sentence 1, sentence 2)");
            }
            double score;
            try {
                score = Double.parseDouble(f[4].strip());
            } catch (NumberFormatException e) {
                throw new BadInputException(file + ":" + (i + 1) + ": score '" + f[4] + "' is not a number");
            }
            pairs.add(new Pair(score, f[5], f[6]));
        }
        if (pairs.isEmpty()) {
            throw new BadInputException(file + ": no sentence pairs");
        }
        return new SentencePairs(file.getFileName().toString(), List.copyOf(pairs));
    }

    /** True for a file mpq reads as sentence pairs (.csv or .tsv). */
    public static boolean isPairsFile(Path file) {
        String n = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return n.endsWith(".csv") || n.endsWith(".tsv");
    }

    /** Every sentence, first and second of each pair in turn (for calibration). */
    public List<String> sentences() {
        List<String> s = new ArrayList<>(2 * pairs.size());
        for (Pair p : pairs) {
            s.add(p.first());
            s.add(p.second());
        }
        return s;
    }
}
