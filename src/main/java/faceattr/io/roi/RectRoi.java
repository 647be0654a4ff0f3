package faceattr.io.roi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A rectangle ROI as the ROI Manager stores it. Coordinates: continuous pixel coordinates, origin
 * at the top-left corner of the top-left pixel (same as
 * {@code ij.gui.Roi(double x, double y, double w, double h)}).
 *
 * <p>Properties are ImageJ's ROI properties ({@code roi.setProperty(key, value)}). A key must be
 * one that ImageJ reads back unchanged: not empty, without white space, {@code :}, {@code =} or
 * {@code \}, not starting with {@code #} or {@code !}. A value must not be empty (ImageJ treats an
 * empty value as no property) and has no line break. The file stores values as written, but
 * ImageJ 1.54p reads them back through {@code java.util.Properties}: backslashes act as escapes,
 * leading spaces are dropped, and non-ASCII characters come back garbled (it decodes UTF-8 bytes as
 * ISO-8859-1) — the same as for a ROI that ImageJ itself saved.
 *
 * @param name the ROI name (also the zip entry name); may be empty, never null
 * @param x left edge
 * @param y top edge
 * @param width width, finite and not negative
 * @param height height, finite and not negative
 * @param position plain stack position from 1 ({@code roi.setPosition(n)}), 0 = unset
 * @param c hyperstack channel ({@code roi.setPosition(c, z, t)}); c, z and t all 0 = unset
 * @param z hyperstack slice
 * @param t hyperstack frame
 * @param properties the ROI properties, copied; iteration keeps the given order (the file sorts
 *     them by key, as ImageJ does)
 */
public record RectRoi(String name, double x, double y, double width, double height,
        int position, int c, int z, int t, Map<String, String> properties) {

    /** Validates and copies; see the record description for the rules. */
    public RectRoi {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(properties, "properties");
        if (!Double.isFinite(x) || !Double.isFinite(y)) {
            throw new IllegalArgumentException("ROI " + name + ": x and y must be finite, were " + x + ", " + y);
        }
        if (!(width >= 0 && height >= 0) || !Double.isFinite(width) || !Double.isFinite(height)) {
            throw new IllegalArgumentException("ROI " + name + ": width and height must be finite and not negative, were "
                    + width + ", " + height);
        }
        if (position < 0 || c < 0 || z < 0 || t < 0) {
            throw new IllegalArgumentException("ROI " + name + ": positions must not be negative, were position "
                    + position + ", c " + c + ", z " + z + ", t " + t);
        }
        if (position > 0 && (c > 0 || z > 0 || t > 0)) {
            throw new IllegalArgumentException("ROI " + name + ": set a stack position or a hyperstack position, not both"
                    + " (position " + position + ", c " + c + ", z " + z + ", t " + t + ")");
        }
        Map<String, String> copy = new LinkedHashMap<>();
        properties.forEach((key, value) -> {
            checkKey(name, key);
            checkValue(name, key, value);
            copy.put(key, value);
        });
        properties = Collections.unmodifiableMap(copy);
    }

    /**
     * @param name the ROI name
     * @param x left edge
     * @param y top edge
     * @param width width
     * @param height height
     * @return a rectangle with no position and no properties
     */
    public static RectRoi of(String name, double x, double y, double width, double height) {
        return new RectRoi(name, x, y, width, height, 0, 0, 0, 0, Map.of());
    }

    /**
     * @param n plain stack position from 1, or 0 for none
     * @return this ROI at that position, any hyperstack position cleared
     */
    public RectRoi atPosition(int n) {
        return new RectRoi(name, x, y, width, height, n, 0, 0, 0, properties);
    }

    /**
     * @param channel hyperstack channel, 0 = all
     * @param slice hyperstack slice, 0 = all
     * @param frame hyperstack frame, 0 = all
     * @return this ROI at that hyperstack position, any plain position cleared
     */
    public RectRoi atHyperstackPosition(int channel, int slice, int frame) {
        return new RectRoi(name, x, y, width, height, 0, channel, slice, frame, properties);
    }

    /**
     * @param props the properties, replacing the current ones
     * @return this ROI with those properties
     */
    public RectRoi withProperties(Map<String, String> props) {
        return new RectRoi(name, x, y, width, height, position, c, z, t, props);
    }

    private static void checkKey(String roi, String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("ROI " + roi + ": a property key is empty");
        }
        boolean readsBack = key.charAt(0) != '#' && key.charAt(0) != '!'; // else a comment line
        for (int i = 0; i < key.length() && readsBack; i++) {
            char ch = key.charAt(i);
            readsBack = !Character.isWhitespace(ch) && ch != ':' && ch != '=' && ch != '\\';
        }
        if (!readsBack) {
            throw new IllegalArgumentException("ROI " + roi + ": property key \"" + key
                    + "\" would not read back in ImageJ (no white space, ':', '=', '\\', leading '#' or '!')");
        }
    }

    private static void checkValue(String roi, String key, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("ROI " + roi + ": property " + key
                    + " has no value (ImageJ stores an empty value as no property; leave the key out)");
        }
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("ROI " + roi + ": property " + key + " contains a line break");
        }
    }
}
