/**
 * The training loss of the multi-task network: {@link faceattr.model.loss.MultiTaskLoss} turns the
 * five logit arrays and a batch's partially labelled {@link faceattr.model.loss.Labels} into a
 * masked, weighted total with per-task values for logging. Task weights are fixed or learned
 * ({@link faceattr.model.loss.UncertaintyWeighting}, a DJL block a trainer optimises); class weights
 * for imbalanced tasks come from {@link faceattr.model.loss.ClassWeights}. See {@code docs/model.md}
 * for the defaults and why.
 * <p>May depend on: labels.
 */
package faceattr.model.loss;
