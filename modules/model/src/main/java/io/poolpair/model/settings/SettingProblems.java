package io.poolpair.model.settings;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.poolpair.model.topology.Origin;
import io.poolpair.model.topology.Problem;

import java.util.List;

/**
 * Reading settings from HOCON with one problem per bad key, naming the file and line the value came from
 * (reference.conf, a topology's {@code settings} section, or a system property): the parts every settings
 * reader of the model shares.
 */
public final class SettingProblems {

    private SettingProblems() {}

    /** Reads one value; a bad one becomes a problem naming {@code prefix + key}, and the fallback is returned. */
    public interface Getter<T> { T get(); }

    public static <T> T get(List<Problem> problems, Config c, String prefix, String key, Getter<T> g, T fallback) {
        try {
            return g.get();
        } catch (ConfigException e) {
            problems.add(problem(c, prefix, key, oneLine(e.getMessage())));
            return fallback;
        }
    }

    /** A problem at the file and line of {@code key}'s value (or "settings", line 0, when it has none). */
    public static Problem problem(Config c, String prefix, String key, String message) {
        int line = 0;
        String file = "settings";
        try {
            if (c.hasPath(key)) {
                var o = c.getValue(key).origin();
                line = Math.max(0, o.lineNumber());
                if (o.filename() != null) file = o.filename();
                else if (o.resource() != null) file = o.resource();
                else if (o.description() != null) file = o.description().replaceFirst(": \\d+(-\\d+)?$", "");
            }
        } catch (ConfigException ignored) {
            // keep the defaults
        }
        return Problem.error(new Origin(file, line), prefix + key, message);
    }

    /** The last part of a Typesafe Config message, on one line. */
    public static String oneLine(String s) {
        if (s == null) return "invalid value";
        int colon = s.lastIndexOf(": ");
        String m = colon >= 0 ? s.substring(colon + 2) : s;
        return m.replace('\n', ' ');
    }
}
