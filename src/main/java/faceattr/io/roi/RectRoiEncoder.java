package faceattr.io.roi;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;

/**
 * Encodes a {@link RectRoi} as an ImageJ {@code .roi} file: the bytes ImageJ 1.54p's
 * {@code RoiEncoder.saveAsByteArray} writes for {@code new Roi(x, y, width, height)} (the double
 * constructor) with that name, position and properties, under ImageJ's default settings (no
 * default stroke width, fill colour or group).
 *
 * <p>Layout (big-endian; offsets from ImageJ's {@code RoiDecoder}): a 64-byte header, a 64-byte
 * second header, then the name and the properties text as UTF-16 code units. Rectangles from the
 * double constructor always carry sub-pixel bounds, even integer ones: the header holds integer
 * bounds (x and y truncated, width and height rounded up and at least 1, each kept to 16 bits) and
 * option 128 (sub-pixel resolution) says that x, y, width and height follow as floats.
 */
public final class RectRoiEncoder {
    /** The file version ImageJ writes since 1.52t. */
    public static final int VERSION = 228;
    static final int SUB_PIXEL_RESOLUTION = 128;
    private static final int HEADER_SIZE = 64;
    private static final int HEADER2_SIZE = 64;
    private static final byte TYPE_RECT = 1;
    // header offsets
    private static final int VERSION_OFFSET = 4;
    private static final int TYPE = 6;
    private static final int TOP = 8;
    private static final int LEFT = 10;
    private static final int BOTTOM = 12;
    private static final int RIGHT = 14;
    private static final int XD = 18;
    private static final int YD = 22;
    private static final int WIDTHD = 26;
    private static final int HEIGHTD = 30;
    private static final int OPTIONS = 50;
    private static final int POSITION = 56;
    private static final int HEADER2_OFFSET = 60;
    // second-header offsets
    private static final int C_POSITION = 4;
    private static final int Z_POSITION = 8;
    private static final int T_POSITION = 12;
    private static final int NAME_OFFSET = 16;
    private static final int NAME_LENGTH = 20;
    private static final int PROPS_OFFSET = 40;
    private static final int PROPS_LENGTH = 44;

    private RectRoiEncoder() {
    }

    /**
     * @param roi the rectangle
     * @return the content of its {@code .roi} file
     */
    public static byte[] encode(RectRoi roi) {
        String name = roi.name();
        String props = propertiesText(roi.properties());
        int nameAt = HEADER_SIZE + HEADER2_SIZE;
        int propsAt = nameAt + 2 * name.length();
        ByteBuffer buf = ByteBuffer.allocate(propsAt + 2 * props.length()); // zero-filled, big-endian
        buf.put(new byte[] {'I', 'o', 'u', 't'});
        buf.putShort(VERSION_OFFSET, (short) VERSION);
        buf.put(TYPE, TYPE_RECT);
        // ImageJ's integer bounds: truncated origin, rounded-up size of at least 1, wrapped to 16 bits
        int left = (int) roi.x();
        int top = (int) roi.y();
        int width = Math.max(1, (int) Math.ceil(roi.width()));
        int height = Math.max(1, (int) Math.ceil(roi.height()));
        buf.putShort(TOP, (short) top);
        buf.putShort(LEFT, (short) left);
        buf.putShort(BOTTOM, (short) (top + height));
        buf.putShort(RIGHT, (short) (left + width));
        // The float size is the difference of the float corners, as ImageJ takes it from its polygon.
        float x0 = (float) roi.x();
        float y0 = (float) roi.y();
        buf.putFloat(XD, x0);
        buf.putFloat(YD, y0);
        buf.putFloat(WIDTHD, (float) (roi.x() + roi.width()) - x0);
        buf.putFloat(HEIGHTD, (float) (roi.y() + roi.height()) - y0);
        buf.putShort(OPTIONS, (short) SUB_PIXEL_RESOLUTION);
        buf.putInt(POSITION, roi.position());
        buf.putInt(HEADER2_OFFSET, HEADER_SIZE);
        buf.putInt(HEADER_SIZE + C_POSITION, roi.c());
        buf.putInt(HEADER_SIZE + Z_POSITION, roi.z());
        buf.putInt(HEADER_SIZE + T_POSITION, roi.t());
        if (!name.isEmpty()) {
            buf.putInt(HEADER_SIZE + NAME_OFFSET, nameAt);
            buf.putInt(HEADER_SIZE + NAME_LENGTH, name.length());
            putChars(buf, nameAt, name);
        }
        if (!props.isEmpty()) {
            buf.putInt(HEADER_SIZE + PROPS_OFFSET, propsAt);
            buf.putInt(HEADER_SIZE + PROPS_LENGTH, props.length());
            putChars(buf, propsAt, props);
        }
        return buf.array();
    }

    /**
     * @param properties ROI properties
     * @return ImageJ's text of them: {@code key: value\n} per property, keys sorted; empty when none
     */
    static String propertiesText(Map<String, String> properties) {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(properties).forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
        return sb.toString();
    }

    private static void putChars(ByteBuffer buf, int at, String s) {
        for (int i = 0; i < s.length(); i++) {
            buf.putChar(at + 2 * i, s.charAt(i));
        }
    }
}
