package faceattr.io.safetensors;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The content of a safetensors file as read: named tensors, in the order of their data in the
 * file, and the free-form string metadata of the header. Immutable.
 */
public final class SafeTensorsFile {
    /** The reserved header key of the free-form metadata; no tensor may have this name. */
    public static final String METADATA_KEY = "__metadata__";

    private final Path file;
    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;

    SafeTensorsFile(Path file, LinkedHashMap<String, Tensor> tensors, LinkedHashMap<String, String> metadata) {
        this.file = file;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /** @return the file it was read from, or null when parsed from bytes without one */
    public Path file() {
        return file;
    }

    /** @return the tensors by name, in data order (unmodifiable) */
    public Map<String, Tensor> tensors() {
        return tensors;
    }

    /** @return the tensor names, in data order */
    public Set<String> names() {
        return tensors.keySet();
    }

    /**
     * @param name a tensor name
     * @return the tensor, or null when the file has none of that name
     */
    public Tensor tensor(String name) {
        return tensors.get(name);
    }

    /** @return the header's {@code __metadata__}, empty when absent (unmodifiable) */
    public Map<String, String> metadata() {
        return metadata;
    }
}
