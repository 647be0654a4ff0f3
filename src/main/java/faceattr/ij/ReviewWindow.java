package faceattr.ij;

import faceattr.curate.ReviewController;
import faceattr.curate.ReviewFace;
import faceattr.curate.ReviewSession;
import faceattr.labels.LabelSet;
import faceattr.labels.Target;
import faceattr.labels.Task;
import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.Component;
import java.awt.Dimension;
import java.awt.Font;
import java.awt.GridLayout;
import java.awt.KeyboardFocusManager;
import java.awt.event.KeyEvent;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import java.awt.image.BufferedImage;
import java.util.Locale;
import java.util.Map;
import javax.swing.BorderFactory;
import javax.swing.DefaultListModel;
import javax.swing.ImageIcon;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JList;
import javax.swing.JOptionPane;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.ListCellRenderer;
import javax.swing.WindowConstants;

/**
 * Review Face Labels: aligned thumbnails of the image's faces with their labels and confidences,
 * edited from the keyboard ({@link ReviewController}; the legend is shown at the bottom). Every
 * edit goes at once to the ROI, the Results table and the overlay ({@link ReviewBridge}) and to
 * the autosave file; closing while the last save failed asks first.
 */
public final class ReviewWindow extends JFrame {
    private static final long serialVersionUID = 1L;
    private final transient ReviewSession session;
    private final transient ReviewController controller;
    private final transient Map<String, BufferedImage> thumbnails;
    private final DefaultListModel<Integer> model = new DefaultListModel<>();
    private final JList<Integer> list = new JList<>(model);
    private final JPanel attributes = new JPanel(new GridLayout(0, 1, 2, 2));
    private final JLabel status = new JLabel(" ");
    /** Routes key presses to the review while this window has the focus; removed on dispose. */
    private final transient java.awt.KeyEventDispatcher dispatcher = e -> e.getID() == KeyEvent.KEY_PRESSED
            && isFocused() && key(e);

    /**
     * @param title the image title
     * @param session the session (already connected to ImageJ)
     * @param thumbnails aligned crops by ROI name
     */
    public ReviewWindow(String title, ReviewSession session, Map<String, BufferedImage> thumbnails) {
        super("Review Face Labels: " + title);
        this.session = session;
        this.controller = new ReviewController(session);
        this.thumbnails = thumbnails;
        list.setCellRenderer(new FaceRenderer());
        list.setFocusable(false);
        JPanel legend = new JPanel(new GridLayout(0, 2, 8, 0));
        legend.setBorder(BorderFactory.createTitledBorder("Keys"));
        for (String l : ReviewController.LEGEND) {
            JLabel k = new JLabel(l);
            k.setFont(k.getFont().deriveFont(Font.PLAIN, 11f));
            legend.add(k);
        }
        attributes.setBorder(BorderFactory.createTitledBorder("Selected face"));
        attributes.setPreferredSize(new Dimension(300, 200));
        JPanel bottom = new JPanel(new BorderLayout());
        bottom.add(status, BorderLayout.NORTH);
        bottom.add(legend, BorderLayout.CENTER);
        getContentPane().add(new JScrollPane(list), BorderLayout.CENTER);
        getContentPane().add(attributes, BorderLayout.EAST);
        getContentPane().add(bottom, BorderLayout.SOUTH);
        setSize(760, 560);
        setDefaultCloseOperation(WindowConstants.DO_NOTHING_ON_CLOSE);
        addWindowListener(new WindowAdapter() {
            @Override
            public void windowClosing(WindowEvent e) {
                close();
            }
        });
        // Tab and Shift+Tab belong to the review, not to focus traversal.
        setFocusTraversalKeysEnabled(false);
        KeyboardFocusManager.getCurrentKeyboardFocusManager().addKeyEventDispatcher(dispatcher);
        session.onChange(f -> refresh());
        refresh();
    }

    /** @return the controller (for tests and scripts) */
    public ReviewController controller() {
        return controller;
    }

    /**
     * Handles one key press as the legend says.
     *
     * @param e the key event
     * @return whether the key was used
     */
    public boolean key(KeyEvent e) {
        boolean ctrl = e.isControlDown() || e.isMetaDown();
        int c = e.getKeyCode();
        if (c == KeyEvent.VK_TAB) {
            if (e.isShiftDown()) {
                controller.previous();
            } else {
                controller.next();
            }
        } else if (c == KeyEvent.VK_UP) {
            controller.up();
        } else if (c == KeyEvent.VK_DOWN) {
            controller.down();
        } else if (c >= KeyEvent.VK_0 && c <= KeyEvent.VK_9 && !ctrl) {
            controller.digit(c - KeyEvent.VK_0);
        } else if (c >= KeyEvent.VK_NUMPAD0 && c <= KeyEvent.VK_NUMPAD9) {
            controller.digit(c - KeyEvent.VK_NUMPAD0);
        } else if (c == KeyEvent.VK_ENTER) {
            controller.enter();
        } else if (c == KeyEvent.VK_DELETE) {
            controller.delete();
        } else if (ctrl && c == KeyEvent.VK_Z) {
            if (e.isShiftDown()) {
                controller.redo();
            } else {
                controller.undo();
            }
        } else if (ctrl && c == KeyEvent.VK_Y) {
            controller.redo();
        } else if (c == KeyEvent.VK_S && !ctrl) {
            controller.cycleOrder();
        } else if (c == KeyEvent.VK_F && !ctrl) {
            controller.cycleFilter();
        } else {
            return false;
        }
        refresh();
        return true;
    }

    private void refresh() {
        model.clear();
        controller.view().forEach(model::addElement);
        int sel = controller.view().indexOf(controller.selectedFace());
        if (sel >= 0) {
            list.setSelectedIndex(sel);
            list.ensureIndexIsVisible(sel);
        }
        attributes.removeAll();
        int face = controller.selectedFace();
        if (face >= 0) {
            ReviewFace f = session.faces().get(face);
            attributes.add(new JLabel(f.roi() + (f.reviewed() ? "  (reviewed)" : "") + (f.notAFace() ? "  NOT A FACE"
                    : "")));
            for (Task a : Task.values()) {
                JLabel l = new JLabel(describe(f, a));
                if (a == controller.attribute()) {
                    l.setOpaque(true);
                    l.setBackground(new Color(255, 230, 120));
                }
                attributes.add(l);
            }
        }
        attributes.revalidate();
        attributes.repaint();
        status.setText(String.format(Locale.ROOT, "%d faces shown (filter: %s, order: %s)   %s",
                controller.view().size(), controller.filterName(),
                controller.order().name().toLowerCase(Locale.ROOT).replace('_', ' '), controller.message()));
    }

    static String describe(ReviewFace f, Task a) {
        LabelSet l = f.labels();
        if (a == Task.AGE) {
            return String.format(Locale.ROOT, "age: %s%s", l.has(Target.AGE) ? String.format(Locale.ROOT, "%.0f",
                    l.get(Target.AGE)) : "–", Double.isNaN(f.ageStd()) || f.ageStd() == 0 ? ""
                    : String.format(Locale.ROOT, " ± %.1f", f.ageStd()));
        }
        Target t = Target.of(a);
        Double p = f.confidence().get(a.key());
        return a.key() + ": " + (l.has(t) ? (l.index(t) + 1) + " " + l.text(t) : "–")
                + (p == null || p.isNaN() ? "" : String.format(Locale.ROOT, "  (p %.2f)", p));
    }

    @Override
    public void dispose() {
        KeyboardFocusManager.getCurrentKeyboardFocusManager().removeKeyEventDispatcher(dispatcher);
        super.dispose();
    }

    private void close() {
        if (session.isDirty()) {
            int answer = JOptionPane.showConfirmDialog(this, "The last edits could not be saved. Try to save them "
                    + "now?", getTitle(), JOptionPane.YES_NO_CANCEL_OPTION);
            if (answer == JOptionPane.CANCEL_OPTION || answer == JOptionPane.CLOSED_OPTION) {
                return;
            }
            if (answer == JOptionPane.YES_OPTION) {
                try {
                    session.save();
                } catch (faceattr.core.FaceAttrException ex) {
                    JOptionPane.showMessageDialog(this, ex.getMessage(), getTitle(), JOptionPane.ERROR_MESSAGE);
                    return;
                }
            }
        }
        dispose();
    }

    /** One face in the list: thumbnail, name, labels, review mark. */
    private final class FaceRenderer extends JLabel implements ListCellRenderer<Integer> {
        private static final long serialVersionUID = 1L;

        FaceRenderer() {
            setOpaque(true);
            setBorder(BorderFactory.createEmptyBorder(2, 4, 2, 4));
        }

        @Override
        public Component getListCellRendererComponent(JList<? extends Integer> l, Integer index, int i,
                boolean selected, boolean focus) {
            ReviewFace f = session.faces().get(index);
            BufferedImage t = thumbnails.get(f.roi());
            setIcon(t == null ? null : new ImageIcon(t));
            String text = "<html><b>" + f.roi() + "</b>" + (f.reviewed() ? " ✓" : "") + (f.notAFace()
                    ? " <font color=red>not a face</font>" : "") + "<br>" + ReviewBridge.label(f).replace(" ✓", "")
                    + (Double.isNaN(f.lowestConfidence()) ? "" : String.format(Locale.ROOT,
                    "<br><font color=gray>lowest p %.2f</font>", f.lowestConfidence())) + "</html>";
            setText(text);
            setBackground(selected ? new Color(200, 220, 255) : Color.WHITE);
            return this;
        }
    }

    /**
     * The thumbnails of faces: aligned crops as images for the list.
     *
     * @param crops aligned crops by ROI name
     * @return the same as AWT images
     */
    static Map<String, BufferedImage> images(Map<String, faceattr.core.RgbImage> crops) {
        Map<String, BufferedImage> out = new java.util.LinkedHashMap<>();
        crops.forEach((k, c) -> out.put(k, faceattr.io.ImageFiles.toBufferedImage(c)));
        return out;
    }

    /** @return the number of rows shown (for tests) */
    int rows() {
        return model.size();
    }

    /** @return the status line (for tests) */
    String statusText() {
        return status.getText();
    }
}
