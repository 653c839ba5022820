package mpq.pipeline;

import java.nio.file.Path;
import mpq.deploy.Target;
import mpq.eval.Agreement;

/**
 * What an export wrote and, when it was checked, how ONNX Runtime running the file compares with the simulation.
 *
 * @param packedWeightBytes the parameters packed by their bit-widths (the file adds scales, the graph, int8 storage
 *                          of 5–7-bit weights)
 * @param saturatesPairSums with a check: whether this machine's ONNX Runtime adds uint8×int8 products in pairs into
 *                          saturating int16; null without one
 * @param warning           with a check: why this machine may not run the model as simulated, or null
 * @param check             the comparison on the check data, or null
 * @param notInFile         what of the recipe standard ONNX cannot hold, so the file runs without it (the check then
 *                          compares with the simulation without it too), or null
 */
public record ExportReport(Path file, Path recipe, int opset, int irVersion, int quantizeLinear, int dequantizeLinear,
                           long packedWeightBytes, long fileBytes, Target target, Boolean saturatesPairSums,
                           String warning, Agreement check, String notInFile) {}
