package faceattr.io.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import faceattr.engine.OrtNet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The graph writer: what it writes parses as ONNX, and ONNX Runtime computes what the graph says. */
class OnnxGraphTest {

    private static byte[] addAndMatMul() {
        OnnxGraph g = new OnnxGraph("t");
        String x = g.input("x", "batch", 3);
        String b = g.floats("b", new float[] {1, 2, 3}, 3);
        String w = g.floats("w", new float[] {1, 0, 0, 1, 2, 3}, 3, 2); // (3, 2)
        String y = g.node("Add", List.of(x, b));
        String z = g.node("MatMul", List.of(y, w));
        String s = g.node("Softmax", z, OnnxGraph.Attr.i("axis", 1));
        g.output(z, "z", "batch", 2);
        g.output(s, "p", "batch", 2);
        g.metadata("labels", "a,b");
        return g.toBytes();
    }

    @Test
    void writesAModelProtoWithOpsetMetadataAndNamedBatchAxis() throws Exception {
        OnnxMl.ModelProto m = OnnxMl.ModelProto.parseFrom(addAndMatMul());
        assertEquals(OnnxGraph.IR_VERSION, m.getIrVersion());
        assertEquals(OnnxGraph.OPSET, m.getOpsetImport(0).getVersion());
        assertEquals("labels", m.getMetadataProps(0).getKey());
        assertEquals("a,b", m.getMetadataProps(0).getValue());
        assertEquals("batch", m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
        assertEquals(List.of("z", "p"), m.getGraph().getOutputList().stream().map(OnnxMl.ValueInfoProto::getName)
                .toList());
        assertEquals(2, m.getGraph().getInitializerCount());
    }

    @Test
    void onnxRuntimeComputesTheGraph() throws Exception {
        try (OrtNet net = OrtNet.open(addAndMatMul(), "test graph")) {
            // rows (0,0,0) and (1,-2,0): + b = (1,2,3), (2,0,3); times w = (1*1+2*0+3*2, 1*0+2*1+3*3)
            OrtNet.Outputs out = net.run(new float[] {0, 0, 0, 1, -2, 0}, 2, 3);
            assertArrayEquals(new float[] {7, 11, 8, 9}, out.get(0), 1e-6f);
            assertArrayEquals(new long[] {2, 2}, out.shapes().get(0));
            float[] p = out.get(1);
            assertEquals(1 / (1 + Math.exp(4)), p[0], 1e-6);
            assertEquals(1.0, p[2] + p[3], 1e-6);
        }
    }

    @Test
    void refusesUnknownInputsAndWrongSizes() {
        OnnxGraph g = new OnnxGraph("t");
        g.input("x", 1);
        assertThrows(IllegalArgumentException.class, () -> g.node("Relu", "y"));
        assertThrows(IllegalArgumentException.class, () -> g.floats("w", new float[3], 2, 2));
        assertThrows(IllegalArgumentException.class, () -> g.input("x", 1));
    }

    @Test
    void aShapeTheGraphDoesNotTakeIsAClearError() throws Exception {
        try (OrtNet net = OrtNet.open(addAndMatMul(), "test graph")) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> net.run(new float[4], 1, 4));
            assertTrue(e.getMessage().startsWith("test graph failed on ONNX Runtime for input [1, 4]"), e.getMessage());
        }
    }
}
