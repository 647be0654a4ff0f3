package faceattr.curate;

import faceattr.core.FaceAttrException;
import faceattr.labels.LabelSet;
import faceattr.labels.Target;
import faceattr.labels.Task;
import java.util.List;
import java.util.function.Predicate;

/**
 * The keyboard logic of the review window, without any GUI so that it is tested headless:
 * Tab / Shift+Tab move between faces of the current view, Up / Down choose the attribute, a digit
 * sets a class (1 = first class), typed digits then Enter set the age, Enter alone accepts the
 * face's labels, Delete toggles "not a face", Ctrl+Z / Ctrl+Y undo and redo, S cycles the order
 * and F the filter. {@link #LEGEND} is shown in the window.
 */
public final class ReviewController {
    /** The key legend, one line per key. */
    public static final List<String> LEGEND = List.of(
            "Tab / Shift+Tab: next / previous face",
            "Up / Down: choose the attribute",
            "1-9: set the class (age: type the years, then Enter)",
            "Enter: accept the labels as correct",
            "Delete: not a face (again: undo the mark)",
            "Ctrl+Z / Ctrl+Y: undo / redo",
            "S: order (detection, lowest confidence, age uncertainty)",
            "F: filter (all, unreviewed, reviewed, same value as the selected face)");

    private static final Task[] ATTRIBUTES = Task.values();
    private static final String[] FILTER_NAMES = {"all", "unreviewed", "reviewed", "same value"};

    private final ReviewSession session;
    private ReviewSession.Order order = ReviewSession.Order.LOWEST_CONFIDENCE;
    private int filter;
    /** For the "same value" filter: the attribute and class chosen when it was switched on. */
    private Task valueAttribute;
    private int valueClass = -1;
    /** The face selected last while the view was not empty. */
    private int lastSelected = -1;
    private List<Integer> view;
    private int position;
    private int attribute = Task.GENDER.ordinal();
    private final StringBuilder typed = new StringBuilder();
    private String message = "";

    /** @param session the session to edit */
    public ReviewController(ReviewSession session) {
        this.session = session;
        refresh();
    }

    private Predicate<ReviewFace> filterPredicate() {
        return switch (filter) {
            case 1 -> ReviewSession.Filters.unreviewed();
            case 2 -> ReviewSession.Filters.reviewed();
            case 3 -> valueClass < 0 ? ReviewSession.Filters.all()
                    : ReviewSession.Filters.value(valueAttribute, valueClass);
            default -> ReviewSession.Filters.all();
        };
    }

    private void refresh() {
        Integer current = view == null || view.isEmpty() ? null : view.get(Math.min(position, view.size() - 1));
        view = session.view(order, filterPredicate());
        position = current == null || !view.contains(current) ? Math.min(position, Math.max(0, view.size() - 1))
                : view.indexOf(current);
        if (!view.isEmpty()) {
            lastSelected = view.get(position);
        }
    }

    /** @return the faces shown, as indices into the session's faces, in order */
    public List<Integer> view() {
        return view;
    }

    /** @return the selected face's index in the session, or -1 when the view is empty */
    public int selectedFace() {
        return view.isEmpty() ? -1 : view.get(position);
    }

    /** @return the selected attribute */
    public Task attribute() {
        return ATTRIBUTES[attribute];
    }

    /** @return the digits typed for an age, not yet entered */
    public String typed() {
        return typed.toString();
    }

    /** @return the order */
    public ReviewSession.Order order() {
        return order;
    }

    /** @return the filter's name */
    public String filterName() {
        return filter == 3 && valueClass >= 0 ? valueAttribute.key() + " = "
                + valueAttribute.space().className(valueClass) : FILTER_NAMES[filter];
    }

    /** @return the last message (an error, or what the last key did) */
    public String message() {
        return message;
    }

    /** Tab. */
    public void next() {
        typed.setLength(0);
        if (!view.isEmpty()) {
            position = (position + 1) % view.size();
            lastSelected = view.get(position);
        }
    }

    /** Shift+Tab. */
    public void previous() {
        typed.setLength(0);
        if (!view.isEmpty()) {
            position = (position - 1 + view.size()) % view.size();
            lastSelected = view.get(position);
        }
    }

    /** Up. */
    public void up() {
        typed.setLength(0);
        attribute = (attribute - 1 + ATTRIBUTES.length) % ATTRIBUTES.length;
    }

    /** Down. */
    public void down() {
        typed.setLength(0);
        attribute = (attribute + 1) % ATTRIBUTES.length;
    }

    /**
     * A digit key.
     *
     * @param d 0 to 9
     */
    public void digit(int d) {
        int face = selectedFace();
        if (face < 0) {
            return;
        }
        if (attribute() == Task.AGE) {
            if (typed.length() < 3) {
                typed.append(d);
            }
            message = "age: " + typed + " (Enter to set)";
            return;
        }
        int cls = d - 1;
        if (cls < 0 || !attribute().space().isIndex(cls)) {
            message = attribute().key() + " has classes 1 to " + attribute().space().size();
            return;
        }
        edit(() -> session.setClass(face, attribute(), cls), attribute().key() + " = "
                + attribute().space().className(cls));
    }

    /** Enter: sets the typed age, or accepts the face's labels. */
    public void enter() {
        int face = selectedFace();
        if (face < 0) {
            return;
        }
        if (typed.length() > 0) {
            int years = Integer.parseInt(typed.toString());
            typed.setLength(0);
            if (years > 120) {
                message = "an age must be 0 to 120";
                return;
            }
            edit(() -> session.setAge(face, years), "age = " + years);
            return;
        }
        edit(() -> session.accept(face), "accepted");
        if (selectedFace() == face) {
            next(); // still shown (no "unreviewed" filter): move on; otherwise the next one is selected already
        }
    }

    /** Delete: toggles "not a face". */
    public void delete() {
        int face = selectedFace();
        if (face >= 0) {
            boolean now = !session.faces().get(face).notAFace();
            edit(() -> session.setNotAFace(face, now), now ? "marked not a face" : "a face again");
        }
    }

    /** Ctrl+Z. */
    public void undo() {
        edit(session::undo, "undone");
    }

    /** Ctrl+Y. */
    public void redo() {
        edit(session::redo, "redone");
    }

    /** S. */
    public void cycleOrder() {
        ReviewSession.Order[] all = ReviewSession.Order.values();
        order = all[(order.ordinal() + 1) % all.length];
        refresh();
        message = "order: " + order.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    /** F. */
    public void cycleFilter() {
        filter = (filter + 1) % FILTER_NAMES.length;
        if (filter == 3) {
            // Same value as the selected face, for the selected class attribute (not age).
            int face = selectedFace() >= 0 ? selectedFace() : lastSelected;
            LabelSet l = face < 0 || attribute() == Task.AGE ? LabelSet.NONE : session.faces().get(face).labels();
            Target t = Target.of(attribute());
            if (!l.has(t)) {
                filter = 0;
            } else {
                valueAttribute = attribute();
                valueClass = l.index(t);
            }
        }
        refresh();
        message = "filter: " + filterName();
    }

    @FunctionalInterface
    private interface Edit {
        void run() throws FaceAttrException;
    }

    private void edit(Edit e, String done) {
        try {
            e.run();
            message = done;
        } catch (FaceAttrException ex) {
            message = ex.getMessage();
        }
        refresh();
    }
}
