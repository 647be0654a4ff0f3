package faceattr.model;

import faceattr.labels.Task;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Tasks that share one branch of the network (the backbone stages after the branch point, one
 * token attention and their heads).
 *
 * @param name a short name used in parameter names and reports: lower-case letters, digits, '_'
 * @param tasks the tasks of the branch, not empty; kept in {@link Task} order, unmodifiable
 */
public record TaskGroup(String name, Set<Task> tasks) {

    /** Validates and freezes the task set. */
    public TaskGroup {
        if (name == null || !name.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("task group name must be lower-case letters, digits or '_', got '"
                    + name + "'");
        }
        if (tasks == null || tasks.isEmpty()) {
            throw new IllegalArgumentException("task group '" + name + "' has no tasks");
        }
        tasks = Collections.unmodifiableSet(EnumSet.copyOf(tasks));
    }

    /**
     * @param name the group's name
     * @param first a task
     * @param more further tasks
     * @return the group
     */
    public static TaskGroup of(String name, Task first, Task... more) {
        return new TaskGroup(name, EnumSet.of(first, more));
    }

    /**
     * The default grouping: one branch per natural group, i.e. {@code age} (AGE + AGE_GROUP),
     * {@code gender}, {@code race}, {@code emotion}.
     *
     * @return the groups, in {@link Task} order
     */
    public static List<TaskGroup> eachOwnBranch() {
        return List.of(of("age", Task.AGE, Task.AGE_GROUP), of("gender", Task.GENDER), of("race", Task.RACE),
                of("emotion", Task.EMOTION));
    }

    /**
     * Parses a grouping such as {@code age+age_group,gender,race,emotion} (branches separated by
     * commas, tasks of a branch by '+'). A branch may be named explicitly, {@code face=gender+race};
     * otherwise it takes the natural group of its first task when that is unique, else the task
     * keys joined by '_'.
     *
     * @param spec the specification
     * @return the groups in the order given
     * @throws IllegalArgumentException on unknown tasks or empty groups
     */
    public static List<TaskGroup> parse(String spec) {
        List<TaskGroup> groups = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            String name = null;
            int eq = p.indexOf('=');
            if (eq >= 0) {
                name = p.substring(0, eq).trim();
                p = p.substring(eq + 1);
            }
            EnumSet<Task> tasks = EnumSet.noneOf(Task.class);
            for (String t : p.split("\\+")) {
                if (!t.isBlank()) {
                    tasks.add(Task.parse(t));
                }
            }
            if (tasks.isEmpty()) {
                throw new IllegalArgumentException("empty task group in '" + spec + "'");
            }
            if (name == null) {
                name = defaultName(tasks);
            }
            groups.add(new TaskGroup(name, tasks));
        }
        return groups;
    }

    private static String defaultName(Set<Task> tasks) {
        String natural = null;
        for (Task t : tasks) {
            if (natural == null) {
                natural = t.naturalGroup();
            } else if (!natural.equals(t.naturalGroup())) {
                natural = null;
                break;
            }
        }
        if (natural != null) {
            return natural;
        }
        StringBuilder sb = new StringBuilder();
        for (Task t : tasks) {
            sb.append(sb.length() == 0 ? "" : "_").append(t.key());
        }
        return sb.toString();
    }

    /** @return the specification that {@link #parse} reads back, e.g. {@code age=age+age_group} */
    public String spec() {
        StringBuilder sb = new StringBuilder(name).append('=');
        boolean first = true;
        for (Task t : tasks) {
            sb.append(first ? "" : "+").append(t.key());
            first = false;
        }
        return sb.toString();
    }
}
