package mpq.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import mpq.base.AtomicFiles;
import mpq.base.BadInputException;
import mpq.graph.Attributes;
import mpq.onnx.proto.Onnx.TensorProto;
import mpq.tensor.DType;
import mpq.tensor.Tensor;

/** Tensors in files: a serialized ONNX TensorProto (.pb, as in ONNX's test data). */
public final class TensorFiles {
    private TensorFiles() {}

    /** A named tensor of a declared type read from a file. */
    public record Named(String name, Tensor tensor, DType type) {}

    public static Named readPb(Path file) {
        TensorProto t;
        try {
            t = TensorProto.parseFrom(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new BadInputException(file + ": no such file");
        } catch (IOException e) {
            throw new BadInputException(file + ": not a serialized ONNX TensorProto (" + e.getMessage() + ")");
        }
        Attributes.Constant c = TensorCodec.decode(t, file.toString());
        return new Named(t.getName(), c.tensor(), c.type());
    }

    /** Writes a tensor as a TensorProto of its own type with the given name, through a temporary file. */
    public static void writePb(Path file, String name, Tensor t) {
        byte[] bytes = TensorCodec.encode(name, new Attributes.Constant(t, t.type())).toByteArray();
        AtomicFiles.write(file, out -> out.write(bytes));
    }
}
