package faceattr.model;

import faceattr.io.onnx.OnnxGraph;
import faceattr.engine.Autograd;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * MobileNetV3's bottleneck ("bneck"): optional 1x1 expansion, kxk depthwise conv (carrying the
 * stride), optional squeeze-and-excitation, linear 1x1 projection; identity shortcut when the
 * stride is 1 and the widths match. Children {@code block0, block1, ...} in torchvision's
 * {@code block.0, block.1, ...} order.
 */
final class InvertedResidual extends AbstractBlock implements TorchvisionMapped, OnnxWritable {
    private final List<Block> parts = new ArrayList<>();
    private final boolean residual;

    InvertedResidual(MobileNetV3Large.Layer l) {
        super((byte) 1);
        ConvBn.Act act = l.hardswish() ? ConvBn.Act.HARDSWISH : ConvBn.Act.RELU;
        if (l.expanded() != l.in()) {
            add(new ConvBn(l.expanded(), 1, 1, 1, act));
        }
        add(new ConvBn(l.expanded(), l.kernel(), l.stride(), l.expanded(), act));
        if (l.se()) {
            add(new SqueezeExcite(l.expanded(), l.squeeze()));
        }
        add(new ConvBn(l.out(), 1, 1, 1, ConvBn.Act.NONE));
        residual = l.stride() == 1 && l.in() == l.out();
    }

    private void add(Block b) {
        parts.add(addChildBlock("block" + parts.size(), b));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        NDArray x = inputs.singletonOrThrow();
        NDArray y = x;
        for (Block b : parts) {
            NDArray next = b.forward(ps, new NDList(y), training).singletonOrThrow();
            if (y != x && next != y && !Autograd.isRecording()) {
                y.close(); // frozen inference: intermediate maps are dead, give the memory back at once
            }
            y = next;
        }
        if (!residual) {
            return new NDList(y);
        }
        if (Autograd.isRecording()) {
            return new NDList(y.add(x));
        }
        return new NDList(y.addi(x)); // y is our own temporary and carries no graph
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] s = inputShapes;
        for (Block b : parts) {
            s = b.getOutputShapes(s);
        }
        return s;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] s = inputShapes;
        for (Block b : parts) {
            b.initialize(manager, dataType, s);
            s = b.getOutputShapes(s);
        }
    }

    @Override
    public String toOnnx(OnnxGraph g, String x) {
        String y = x;
        for (Block b : parts) {
            y = ((OnnxWritable) b).toOnnx(g, y);
        }
        return residual ? g.node("Add", java.util.List.of(y, x)) : y;
    }

    @Override
    public void mapTorchvision(String prefix, Map<Parameter, String> out) {
        for (int j = 0; j < parts.size(); j++) {
            ((TorchvisionMapped) parts.get(j)).mapTorchvision(prefix + ".block." + j, out);
        }
    }
}
