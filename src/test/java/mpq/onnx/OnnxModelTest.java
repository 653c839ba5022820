package mpq.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import mpq.SharedData;
import mpq.base.BadInputException;
import mpq.tensor.DType;
import mpq.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxModelTest {
    @TempDir
    Path tmp;

    @Test
    void loadThenSaveKeepsEveryByte() throws IOException {
        Path src = SharedData.model("resnet20_cifar10_bn.onnx");
        OnnxModel m = OnnxModel.load(src);
        Path out = tmp.resolve("copy.onnx");
        OnnxModel.save(m.proto(), out);
        assertArrayEquals(Files.readAllBytes(src), Files.readAllBytes(out));
    }

    @Test
    void unknownFieldsSurviveARoundTrip() throws IOException {
        Onnx.ModelProto base = OnnxModel.load(SharedData.model("resnet8_mlperftiny_cifar10.onnx")).proto();
        // A field number this schema does not declare, as a newer ONNX version might add.
        UnknownFieldSet extra = UnknownFieldSet.newBuilder().addField(977,
                UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8("future")).build()).build();
        Onnx.ModelProto withUnknown = base.toBuilder().setUnknownFields(extra).build();
        Path f = tmp.resolve("unknown.onnx");
        Files.write(f, withUnknown.toByteArray());
        Path out = tmp.resolve("resaved.onnx");
        OnnxModel.save(OnnxModel.load(f).proto(), out);
        assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(out));
        assertEquals("future", Onnx.ModelProto.parseFrom(Files.readAllBytes(out)).getUnknownFields().getField(977)
                .getLengthDelimitedList().getFirst().toStringUtf8());
    }

    @Test
    void typedFieldsAndRawDataDecodeAlike() {
        Onnx.TensorProto typed = Onnx.TensorProto.newBuilder().setName("t").setDataType(7).addDims(3)
                .addInt64Data(-2).addInt64Data(0).addInt64Data(5).build();
        Onnx.TensorProto raw = Onnx.TensorProto.newBuilder().setName("t").setDataType(3).addDims(3)
                .setRawData(ByteString.copyFrom(new byte[] {-2, 0, 5})).build();
        Onnx.TensorProto u8 = Onnx.TensorProto.newBuilder().setName("t").setDataType(2).addDims(3)
                .addInt32Data(254).addInt32Data(0).addInt32Data(5).build();
        Onnx.TensorProto dbl = Onnx.TensorProto.newBuilder().setName("t").setDataType(11).addDims(3)
                .addDoubleData(-2).addDoubleData(0).addDoubleData(5).build();
        float[] want = {-2, 0, 5};
        assertArrayEquals(want, TensorCodec.decode(typed, "t").tensor().to(DType.FLOAT).data());
        assertEquals(DType.INT64, TensorCodec.decode(typed, "t").type());
        assertArrayEquals(want, TensorCodec.decode(raw, "t").tensor().to(DType.FLOAT).data());
        assertArrayEquals(new float[] {254, 0, 5}, TensorCodec.decode(u8, "t").tensor().to(DType.FLOAT).data());
        assertArrayEquals(want, TensorCodec.decode(dbl, "t").tensor().to(DType.FLOAT).data());
        float[] f = {1.5f, -3f};
        var enc = TensorCodec.encodeFloat("w", mpq.tensor.Tensor.of(new int[] {2}, f));
        assertArrayEquals(f, TensorCodec.decode(enc, "w").tensor().data());
    }

    @Test
    void externalDataIsRefusedByName() {
        Onnx.TensorProto ext = Onnx.TensorProto.newBuilder().setName("big").setDataType(1).addDims(2)
                .setDataLocation(Onnx.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(Onnx.StringStringEntryProto.newBuilder().setKey("location").setValue("weights.bin"))
                .build();
        BadInputException e = assertThrows(BadInputException.class, () -> TensorCodec.decode(ext, "initializer 'big'"));
        assertEquals(true, e.getMessage().contains("'big'") && e.getMessage().contains("weights.bin"), e.getMessage());
    }

    @Test
    void rawDataOfTheWrongLengthIsRefused() {
        Onnx.TensorProto bad = Onnx.TensorProto.newBuilder().setName("w").setDataType(1).addDims(4)
                .setRawData(ByteString.copyFrom(new byte[7])).build();
        assertThrows(BadInputException.class, () -> TensorCodec.decode(bad, "initializer 'w'"));
    }
}
