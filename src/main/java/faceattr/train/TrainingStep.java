package faceattr.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import faceattr.core.FaceAttrException;
import faceattr.core.RgbImage;
import faceattr.engine.Autograd;
import faceattr.engine.Engines;
import faceattr.labels.LabelSet;
import faceattr.labels.Task;
import faceattr.model.ModelConfig;
import faceattr.model.MultiTaskNet;
import faceattr.model.loss.LossResult;
import faceattr.model.loss.MultiTaskLoss;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One optimisation step: forward, the masked multi-task loss, backward, global gradient-norm
 * clipping and the AdamW update. A non-finite loss or gradient norm stops training before the
 * weights are touched, so the checkpoint and the best model never hold NaNs.
 */
final class TrainingStep {
    private final MultiTaskNet net;
    private final ModelConfig config;
    private final ParameterStore ps;
    private final MultiTaskLoss loss;
    private final AdamW adam;
    private final double clipNorm;
    private final NDManager manager;

    /**
     * @param net the network, prepared for training
     * @param ps its parameter store
     * @param loss the loss
     * @param adam the optimizer
     * @param clipNorm the largest global gradient norm, 0 for no clipping
     * @param manager the parent of each step's arrays
     */
    TrainingStep(MultiTaskNet net, ParameterStore ps, MultiTaskLoss loss, AdamW adam, double clipNorm,
            NDManager manager) {
        this.net = net;
        this.config = net.config();
        this.ps = ps;
        this.loss = loss;
        this.adam = adam;
        this.clipNorm = clipNorm;
        this.manager = manager;
    }

    /**
     * @param crops the batch's crops (augmented)
     * @param labels their labels
     * @param lr the learning rate of this step
     * @param epoch the epoch from 0, for the message when the values stop being finite
     * @param batch the batch from 0 within the epoch, likewise
     * @param parts receives the loss of each task the batch has labels for
     * @return the batch's loss
     * @throws FaceAttrException when the loss or the gradients are not finite
     */
    double run(List<RgbImage> crops, List<LabelSet> labels, double lr, int epoch, int batch,
            Map<String, Double> parts) throws FaceAttrException {
        try (NDManager sub = manager.newSubManager()) {
            NDArray x = Batches.input(sub, crops, config.inputSize());
            float value;
            try (GradientCollector gc = Engines.engine().newGradientCollector()) {
                NDList logits = net.forward(ps, new NDList(x), true);
                LossResult r = loss.compute(Batches.allTasks(logits, config, sub), Batches.targets(labels, config));
                NDArray total = r.total();
                value = total.getFloat();
                for (Task t : config.tasks()) {
                    if (r.labelled(t) > 0) {
                        parts.put(t.key(), (double) r.loss(t).getFloat());
                    }
                }
                if (!Float.isFinite(value)) {
                    throw diverged("loss", value, epoch, batch);
                }
                gc.backward(total);
            }
            List<Pair<String, Parameter>> trained = new ArrayList<>();
            double norm = gradientNorm(trained, sub);
            if (!Double.isFinite(norm)) {
                throw diverged("gradients", norm, epoch, batch);
            }
            update(trained, clipNorm > 0 && norm > clipNorm ? clipNorm / norm : 1, lr);
            return value;
        }
    }

    /** Collects the trained parameters; returns the global norm of their gradients. */
    private double gradientNorm(List<Pair<String, Parameter>> trained, NDManager sub) {
        NDList norms = new NDList();
        for (Pair<String, Parameter> p : net.getParameters()) {
            if (p.getValue().requiresGradient()) {
                trained.add(p);
                NDArray g = p.getValue().getArray().getGradient();
                NDArray square = g.square(); // lives in the weights' manager: closed here
                NDArray sq = square.sum();
                sq.attach(sub);
                square.close();
                g.close();
                norms.add(sq);
            }
        }
        return Math.sqrt(NDArrays.stack(norms).sum().getFloat());
    }

    private void update(List<Pair<String, Parameter>> trained, double scale, double lr) {
        adam.nextStep();
        try (Autograd.Scope noGrad = Autograd.disable()) {
            for (Pair<String, Parameter> p : trained) {
                NDArray w = p.getValue().getArray();
                NDArray g = w.getGradient();
                if (scale != 1) {
                    g.muli(scale);
                }
                adam.update(p.getKey(), w, g, lr);
                // PyTorch accumulates gradients; DJL's collector zeroes only arrays of its system
                // manager, not these, so each step clears its own (or a resumed run would differ).
                g.subi(g);
                g.close();
            }
        }
    }

    private static FaceAttrException diverged(String what, double value, int epoch, int batch) {
        return new FaceAttrException(null, "the " + what + " became " + (float) value + " at epoch " + (epoch + 1)
                + ", batch " + (batch + 1) + "; training stopped (the last checkpoint and the best model are kept). "
                + "Lower the learning rate (--lr) or check the data.", null);
    }
}
