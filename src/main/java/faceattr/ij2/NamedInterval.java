package faceattr.ij2;

import java.util.Objects;
import net.imglib2.AbstractWrappedInterval;
import net.imglib2.Interval;
import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import org.scijava.Named;

/**
 * An image with a name: the pixels of another interval (not copied) and the name the {@code image}
 * column of the rows carries, as a Fiji Dataset carries its title.
 *
 * @param <T> the pixel type
 */
public final class NamedInterval<T> extends AbstractWrappedInterval<RandomAccessibleInterval<T>>
        implements RandomAccessibleInterval<T>, Named {
    private String name;

    /**
     * @param source the pixels
     * @param name the name, may be null
     */
    public NamedInterval(RandomAccessibleInterval<T> source, String name) {
        super(Objects.requireNonNull(source, "source"));
        this.name = name;
    }

    /** @return the wrapped pixels */
    public RandomAccessibleInterval<T> delegate() {
        return sourceInterval;
    }

    @Override
    public RandomAccess<T> randomAccess() {
        return sourceInterval.randomAccess();
    }

    @Override
    public RandomAccess<T> randomAccess(Interval interval) {
        return sourceInterval.randomAccess(interval);
    }

    @Override
    public T getType() {
        return sourceInterval.getType();
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public void setName(String name) {
        this.name = name;
    }

    @Override
    public String toString() {
        return "NamedInterval[" + name + ", " + IntervalImages.describe(dimensionsAsLongArray(), getType()) + "]";
    }
}
