package mpq.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.model.embedding.onnx.OnnxEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import mpq.base.Progress;
import mpq.data.Batches;
import mpq.data.TextEncoder;
import mpq.graph.Graph;
import mpq.onnx.OnnxModel;
import mpq.pipeline.Deployment;
import mpq.quant.PostTrainingQuantizer;
import mpq.quant.QuantConfig;
import mpq.quant.RowwiseQuantizer;
import mpq.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real consumer of mpq's exports: all-MiniLM-L6-v2 (from the LangChain4j jar on the test class path), quantized
 * W8A8 with 4-bit greedy embedding tables and exported, loads in LangChain4j's OnnxEmbeddingModel and gives the
 * embeddings that ONNX Runtime gives on the same file directly, fed by mpq's tokenizer.
 */
class LangChain4jConsumerTest {
    @TempDir
    Path tmp;

    private Path resource(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/" + name)) {
            Path p = tmp.resolve(name);
            Files.copy(in, p);
            return p;
        }
    }

    @Test
    void exportedMiniLmRunsInLangChain4jAsInOnnxRuntime() throws IOException {
        Path model = resource("all-minilm-l6-v2.onnx"), tokenizer = resource("all-minilm-l6-v2-tokenizer.json");
        List<String> sentences = List.of("A man is playing a guitar.", "A woman is slicing an onion.",
                "The quick brown fox jumps over the lazy dog.", "Stocks fell sharply on Monday.",
                "Two dogs run through a snowy field.", "She reads a book in the \"quiet\" library.");
        Path out = tmp.resolve("m.onnx");
        Graph g = OnnxModel.load(model).graph();
        try (TextEncoder text = TextEncoder.open(tokenizer, 128)) {
            Batches calib = Batches.ofSentences(sentences, text, g.inputs(), 0, 3, 0, "sentences");
            QuantConfig cfg = QuantConfig.uniform(8, 8).withEmbeddings(4, RowwiseQuantizer.Method.GREEDY);
            PostTrainingQuantizer.Result r = PostTrainingQuantizer.run(g, cfg, calib, 2, Progress.NONE);
            Deployment.export(r.floatGraph(), r.recipe(), model.toString(), out, false, null, 2);

            OnnxEmbeddingModel langchain = new OnnxEmbeddingModel(out, tokenizer, PoolingMode.MEAN);
            try (OrtEngine ort = new OrtEngine(out, 1)) {
                for (String s : sentences) {
                    float[] theirs = langchain.embed(s).content().vector();
                    Map<String, Tensor> x = text.encode(List.of(s), g.inputs());
                    float[] ours = SentenceSimilarity.embeddings(ort.run(x), TextEncoder.mask(x), 1)[0];
                    assertEquals(ours.length, theirs.length);
                    double dot = 0, norm = 0;
                    for (int i = 0; i < ours.length; i++) {
                        dot += ours[i] * theirs[i];
                        norm += (double) theirs[i] * theirs[i];
                    }
                    double cosine = dot / Math.sqrt(norm);   // ours is unit length
                    assertTrue(cosine > 0.99999, s + ": cosine " + cosine + " between LangChain4j's and ONNX Runtime's");
                }
            }
        }
    }
}
