package faceattr.model;

import ai.djl.nn.Parameter;
import java.util.Map;

/** A block that knows the torchvision state_dict keys of its parameters. */
interface TorchvisionMapped {
    /**
     * Adds this block's parameters with their torchvision keys.
     *
     * @param prefix the torchvision key prefix of this block, e.g. {@code features.4.block.2}
     * @param out parameter (by identity) to torchvision key
     */
    void mapTorchvision(String prefix, Map<Parameter, String> out);
}
