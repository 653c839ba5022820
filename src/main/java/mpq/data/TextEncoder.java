package mpq.data;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mpq.base.BadInputException;
import mpq.graph.ValueInfo;
import mpq.tensor.DType;
import mpq.tensor.Tensor;

/**
 * Sentences to a transformer's inputs: a model's tokenizer.json (Hugging Face's tokenizers library, through DJL)
 * gives token ids, the attention mask and token type ids, truncated to maxLength and padded to the longest sentence
 * of the batch; each is handed over as the model input of that name declares.
 */
public final class TextEncoder implements AutoCloseable {
    /** The input names BERT-style models use for the three encodings. */
    public static final String IDS = "input_ids", MASK = "attention_mask", TYPES = "token_type_ids";

    private final HuggingFaceTokenizer tokenizer;
    private final Path file;

    private TextEncoder(HuggingFaceTokenizer tokenizer, Path file) {
        this.tokenizer = tokenizer;
        this.file = file;
    }

    public static TextEncoder open(Path tokenizerJson, int maxLength) {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new BadInputException(tokenizerJson + ": no such file (--tokenizer takes a tokenizer.json)");
        }
        try {
            return new TextEncoder(HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of("maxLength",
                    Integer.toString(maxLength), "truncation", "true", "padding", "false")), tokenizerJson);
        } catch (RuntimeException | java.io.IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            throw new BadInputException(tokenizerJson + ": not a Hugging Face tokenizer.json (" + why + ")");
        }
    }

    /** The model inputs for these sentences, by the names the model declares (input_ids, attention_mask, …). */
    public Map<String, Tensor> encode(List<String> sentences, List<ValueInfo> modelInputs) {
        Encoding[] enc = tokenizer.batchEncode(sentences);
        int n = enc.length, len = 1;
        for (Encoding e : enc) {
            len = Math.max(len, e.getIds().length);
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (ValueInfo in : modelInputs) {
            long[] v = new long[n * len];
            for (int i = 0; i < n; i++) {
                long[] row = switch (in.name()) {
                    case IDS -> enc[i].getIds();
                    case MASK -> enc[i].getAttentionMask();
                    case TYPES -> enc[i].getTypeIds();
                    default -> throw new BadInputException("model input '" + in.name() + "' is none of " + IDS + ", "
                            + MASK + ", " + TYPES + ": mpq cannot make it from text (" + file + ")");
                };
                System.arraycopy(row, 0, v, i * len, row.length);   // padding: zeros (id 0, mask 0)
            }
            Tensor t = new Tensor(DType.INT64, new int[] {n, len}, v);
            out.put(in.name(), in.type() == DType.INT64 ? t : t.to(in.type()));
        }
        return out;
    }

    /** The attention mask as floats, [sentences · tokens] row by row (1 for a token, 0 for padding), to pool over. */
    public static float[] mask(Map<String, Tensor> inputs) {
        Tensor m = inputs.get(MASK);
        if (m == null) {
            throw new BadInputException("the model takes no " + MASK + " input, so sentence embeddings cannot be pooled");
        }
        float[] f = new float[m.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = m.getLong(i);
        }
        return f;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
