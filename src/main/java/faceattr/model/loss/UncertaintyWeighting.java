package faceattr.model.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import faceattr.labels.Task;

/**
 * Learned task weights by homoscedastic uncertainty (Kendall, Gal and Cipolla, CVPR 2018):
 * {@code L = sum_t f_t * (exp(-s_t) * L_t + s_t)} with one learnable {@code s_t = log sigma_t^2}
 * per {@link Task}. A task whose loss stays large gets a larger {@code s_t}, hence a smaller
 * weight, while the {@code + s_t} term keeps the weights from collapsing to zero; at the optimum
 * {@code exp(-s_t) = 1 / L_t}.
 *
 * <p>{@code f_t} is a constant factor per task and batch, given with the input: the fixed task
 * weight times 1 when the batch has labels for the task and 0 when not. A task absent from a
 * batch thus contributes exactly 0 and its {@code s_t} gets exactly zero gradient; without this
 * the {@code + s_t} term alone would drive {@code s_t} down on every batch without that task.
 *
 * <p>This is a DJL block so a trainer can optimise its parameter with the network's: input
 * {@code (losses (T), factors (T))}, output {@code (total (scalar), effective weights f_t * exp(-s_t) (T))}. Initialise it like any block, e.g.
 * {@code initialize(manager, DataType.FLOAT32, new Shape(T), new Shape(T))}; the parameter
 * starts at {@code s_t = 0} (weight 1) unless another start is given.
 */
public final class UncertaintyWeighting extends AbstractBlock {
    private static final byte VERSION = 1;
    /** Name of the parameter holding {@code s_t}, one entry per task in {@link Task} order. */
    public static final String PARAMETER = "log_variance";

    private final Parameter logVariance;

    /** Creates the block with every {@code s_t = 0}, i.e. every weight 1 at the start. */
    public UncertaintyWeighting() {
        this(0f);
    }

    /**
     * @param initialLogVariance the start value of every {@code s_t}
     */
    public UncertaintyWeighting(float initialLogVariance) {
        super(VERSION);
        logVariance = addParameter(Parameter.builder().setName(PARAMETER).setType(Parameter.Type.OTHER)
                .optShape(new Shape(Task.values().length)).optInitializer(new ConstantInitializer(initialLogVariance))
                .build());
    }

    /** @return the parameter {@code s} of shape (T), T = number of tasks */
    public Parameter logVarianceParameter() {
        return logVariance;
    }

    /**
     * @return the current {@code s_t}, in {@link Task} order
     * @throws IllegalStateException before the block is initialised
     */
    public float[] logVariances() {
        if (!logVariance.isInitialized()) {
            throw new IllegalStateException("the uncertainty weighting is not initialised");
        }
        return logVariance.getArray().toFloatArray();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray losses = inputs.get(0);
        NDArray factors = inputs.get(1);
        NDArray s = ps.getValue(logVariance, losses.getDevice(), training);
        // An op's result joins its first operand's manager, here the parameter's, which lives as
        // long as the network: move exp(-s) to the batch's manager so that every result is freed
        // with the batch (otherwise each training step left 10 arrays behind).
        NDArray precision = s.neg();
        precision.attach(losses.getManager());
        precision = precision.exp();
        NDArray perTask = losses.mul(precision).add(s);
        return new NDList(perTask.mul(factors).sum(), precision.mul(factors));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(), new Shape(Task.values().length)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // No child blocks; the parameter is initialised by AbstractBaseBlock.
    }
}
