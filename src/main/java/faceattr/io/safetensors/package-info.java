/**
 * The safetensors tensor file format (the format of Hugging Face's {@code safetensors} package),
 * read and written from its published description: {@link faceattr.io.safetensors.SafeTensorsReader}
 * reads any file of the supported dtypes (converting F16, BF16 and F64 to float32) and rejects
 * every malformed one with a {@link faceattr.core.FaceAttrException} naming the file;
 * {@link faceattr.io.safetensors.SafeTensorsWriter} writes F32 and I64 tensors. Both share the
 * header's JSON form. Used for model parameters so they can be inspected with standard tools.
 * <p>May depend on: core, io.
 */
package faceattr.io.safetensors;
