package mpq.cli;

import java.nio.file.Path;
import mpq.base.BadInputException;
import mpq.data.TextEncoder;
import picocli.CommandLine.Option;

/** How sentences become a transformer's inputs: --tokenizer, --max-length. */
final class TextOptions {
    @Option(names = "--tokenizer", paramLabel = "FILE", description = "The model's tokenizer.json: the data are "
            + "sentence pairs (STS Benchmark layout, tab-separated: genre, file, year, id, score, sentence 1, sentence 2) "
            + "and the task is their similarity (mean-pooled, normalised embeddings; Spearman with the gold scores).")
    Path tokenizer;

    @Option(names = "--max-length", paramLabel = "N", description = "Tokens per sentence at most (default: ${DEFAULT-VALUE}).")
    int maxLength = 128;

    boolean text() {
        return tokenizer != null;
    }

    TextEncoder open() {
        if (maxLength < 2) {
            throw new BadInputException("--max-length must be at least 2, got " + maxLength);
        }
        return TextEncoder.open(tokenizer, maxLength);
    }
}
