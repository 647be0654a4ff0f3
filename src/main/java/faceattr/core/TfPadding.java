package faceattr.core;

/**
 * TensorFlow's {@code 'same'} padding, used by the MTCNN and face-api networks this project
 * rebuilds. TF pads so that the output has {@code ceil(n / stride)} positions and puts the odd
 * extra row or column at the end (bottom, right), which PyTorch's symmetric padding cannot express.
 */
public final class TfPadding {
    private TfPadding() {
    }

    /**
     * @param n the input length along an axis
     * @param kernel the kernel size
     * @param stride the stride
     * @return {before, after}
     */
    public static int[] same(long n, int kernel, int stride) {
        long out = (n + stride - 1) / stride;
        int total = (int) Math.max((out - 1) * stride + kernel - n, 0);
        return new int[] {total / 2, total - total / 2};
    }
}
