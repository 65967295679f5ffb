package io.poolpair.model.scenario;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.poolpair.model.check.Comparison;
import io.poolpair.model.check.Figure;
import io.poolpair.model.dr.SiteLink;
import io.poolpair.model.event.EventTypes;
import io.poolpair.model.topology.InvalidInputException;
import io.poolpair.model.topology.Origin;
import io.poolpair.model.topology.Problem;
import io.poolpair.model.topology.Role;
import io.poolpair.model.topology.Topology;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads scenario files (HOCON, docs/scenarios.md) and checks them against a topology. */
public final class ScenarioLoader {

    private static final Set<String> ACTIONS = Set.of("note", "wait", "kill", "hang", "restart", "kill-pool",
            "hang-pool", "restart-pool", "heal", "heal-pool", "heal-all", "admin", "await", "kill-site", "heal-site",
            "fail-backend", "heal-backend", "query", "fail-file-server", "heal-file-server", "expect-none", "cut-link",
            "slow-link", "heal-link");
    /**
     * {@code expect} is an action of its own ({@code { expect = pool-quorum-lost, ... }}) and a modifier of
     * {@code admin} ({@code expect = refused}): a step whose only action-like key is {@code expect} is an expectation.
     */
    private static final String EXPECT = "expect";
    private static final Set<String> MODIFIERS = Set.of("pool", "server", "edge", "force", "disaster", "within", "component",
            EXPECT, "text", "delay", "equals", "at-most", "at-least");
    private static final List<String> COMPARISONS = List.of("equals", "at-most", "at-least");
    private static final Set<String> TOP = Set.of("format-version", "name", "description", "time-scale", "steps");

    private ScenarioLoader() {}

    public static Scenario load(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new InvalidInputException(Problem.error(new Origin(file.toString(), 0), "file",
                    "cannot read: " + e.getMessage()));
        }
    }

    public static Scenario loadResource(String resource, String displayName) {
        try (InputStream in = ScenarioLoader.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing resource " + resource);
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), displayName);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Scenario parse(String text, String file) {
        Config c;
        try {
            c = ConfigFactory.parseString(text, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF)
                    .setOriginDescription(file)).resolve();
        } catch (ConfigException e) {
            int line = e.origin() != null ? Math.max(0, e.origin().lineNumber()) : 0;
            String m = e.getMessage() == null ? "syntax error" : e.getMessage().replace('\n', ' ');
            int i = m.indexOf(": ");
            if (i >= 0 && m.startsWith(file)) m = m.substring(i + 2);
            throw new InvalidInputException(Problem.error(new Origin(file, line), "syntax", m));
        }
        List<Problem> problems = new ArrayList<>();
        for (String k : c.root().keySet()) {
            if (!TOP.contains(k)) problems.add(Problem.error(origin(file, c.root().get(k)), k, "unknown field '" + k
                    + "' (expected one of " + String.join(", ", new java.util.TreeSet<>(TOP)) + ")"));
        }
        if (c.hasPath("format-version") && c.getValue("format-version").unwrapped() instanceof Number n
                && n.intValue() != 1) {
            problems.add(Problem.error(origin(file, c.getValue("format-version")), "format-version",
                    "unsupported format-version " + n + " (this Poolpair reads 1)"));
        }
        String name = c.hasPath("name") ? c.getString("name") : stem(file);
        String description = c.hasPath("description") ? c.getString("description") : "";
        Double timeScale = null;
        if (c.hasPath("time-scale")) {
            try {
                timeScale = c.getDouble("time-scale");
                if (timeScale <= 0) problems.add(Problem.error(origin(file, c.getValue("time-scale")), "time-scale", "must be > 0"));
            } catch (ConfigException e) {
                problems.add(Problem.error(origin(file, c.getValue("time-scale")), "time-scale", "must be a number"));
            }
        }
        List<Step> steps = new ArrayList<>();
        if (!c.hasPath("steps")) {
            problems.add(Problem.error(new Origin(file, 1), "steps", "missing: a scenario needs a list of steps"));
        } else if (c.getValue("steps").valueType() != ConfigValueType.LIST) {
            problems.add(Problem.error(origin(file, c.getValue("steps")), "steps", "must be a list of step objects"));
        } else {
            ConfigList list = c.getList("steps");
            for (int i = 0; i < list.size(); i++) {
                ConfigValue v = list.get(i);
                String field = "steps[" + i + "]";
                if (v.valueType() != ConfigValueType.OBJECT) {
                    problems.add(Problem.error(origin(file, v), field, "must be an object such as { kill = \"a-fe1\" }"));
                    continue;
                }
                Step s = step((ConfigObject) v, file, field, problems);
                if (s != null) steps.add(s);
            }
        }
        if (!problems.isEmpty()) throw new InvalidInputException(problems);
        return new Scenario(name, description, timeScale, steps, file);
    }

    private static Step step(ConfigObject o, String file, String field, List<Problem> problems) {
        Origin at = origin(file, o);
        String action = null;
        for (String k : o.keySet()) {
            if (ACTIONS.contains(k)) {
                if (action != null) {
                    problems.add(Problem.error(origin(file, o.get(k)), field + "." + k, "a step has one action; found '"
                            + action + "' and '" + k + "'"));
                    return null;
                }
                action = k;
            } else if (!MODIFIERS.contains(k)) {
                problems.add(Problem.error(origin(file, o.get(k)), field + "." + k, "unknown field '" + k
                        + "' (actions: " + actionList() + ")"));
                return null;
            }
        }
        if (action == null && o.containsKey(EXPECT)) {
            action = EXPECT;
        } else if (action != null && !action.equals("admin") && o.containsKey(EXPECT)) {
            problems.add(Problem.error(origin(file, o.get(EXPECT)), field + "." + EXPECT, "a step has one action; found '" + action
                    + "' and 'expect' (expect is an action of its own, and a modifier of admin only)"));
            return null;
        }
        if (action == null) {
            problems.add(Problem.error(at, field, "no action (one of " + actionList() + ")"));
            return null;
        }
        ConfigValue v = o.get(action);
        Origin vo = origin(file, v);
        String f = field + "." + action;
        try {
            switch (action) {
                case "note":
                    return new Step.Note(str(v), vo);
                case "wait":
                    return new Step.Wait(duration(v, f, vo, problems), vo);
                case "kill", "hang", "restart":
                    return new Step.Fault(FaultKind.parse(action), str(v), false, vo);
                case "kill-pool", "hang-pool", "restart-pool":
                    return new Step.Fault(FaultKind.parse(action.substring(0, action.indexOf('-'))), str(v), true, vo);
                case "heal":
                    return new Step.Heal(str(v), false, vo);
                case "heal-pool":
                    return new Step.Heal(str(v), true, vo);
                case "heal-all":
                    return new Step.HealAll(vo);
                case "query": {
                    String what = str(v);
                    if (!List.of("backup-status", "pool-fabric-state", "users", "status").contains(what)) {
                        problems.add(Problem.error(vo, f, "'" + what + "' is not one of backup-status, pool-fabric-state, users, status"));
                        return null;
                    }
                    String pool = o.containsKey("pool") ? str(o.get("pool")) : null;
                    if (what.equals("pool-fabric-state") && pool == null) {
                        problems.add(Problem.error(vo, field + ".pool", "query pool-fabric-state needs a pool"));
                        return null;
                    }
                    return new Step.Query(what, pool, vo);
                }
                case "fail-file-server", "heal-file-server": {
                    String srv = o.containsKey("server") ? str(o.get("server")) : "1";
                    if (!srv.equals("1") && !srv.equals("2")) {
                        problems.add(Problem.error(origin(file, o.get("server")), field + ".server", "file server must be 1 or 2, got '" + srv + "'"));
                        return null;
                    }
                    return new Step.FileServerFault(str(v), Integer.parseInt(srv), action.startsWith("fail"), vo);
                }
                case "kill-site":
                    return new Step.SiteFault(str(v), true, vo);
                case "heal-site":
                    return new Step.SiteFault(str(v), false, vo);
                case "fail-backend", "heal-backend": {
                    String comp = o.containsKey("component") ? str(o.get("component")) : "primary";
                    if (!List.of("primary", "mirror", "witness").contains(comp)) {
                        problems.add(Problem.error(origin(file, o.get("component")), field + ".component",
                                "'" + comp + "' is not one of primary, mirror, witness"));
                        return null;
                    }
                    return new Step.BackEndFault(str(v), comp, action.startsWith("fail"), vo);
                }
                case "admin": {
                    AdminVerb verb = AdminVerb.parse(str(v));
                    if (verb == null) {
                        problems.add(Problem.error(vo, f, "unknown admin verb '" + str(v) + "' (one of " + AdminVerb.allowed() + ")"));
                        return null;
                    }
                    Map<String, String> args = new LinkedHashMap<>();
                    for (String k : List.of("pool", "server", "edge", "force", "disaster")) {
                        if (!o.containsKey(k)) continue;
                        if (!verb.required().contains(k) && !verb.options().contains(k)) {
                            problems.add(Problem.error(origin(file, o.get(k)), field + "." + k, "admin verb " + verb.label()
                                    + " takes no '" + k + "' (it takes " + String.join(", ", concat(verb.required(), verb.options())) + ")"));
                            return null;
                        }
                        args.put(k, str(o.get(k)));
                    }
                    for (String k : verb.required()) {
                        if (!args.containsKey(k)) {
                            problems.add(Problem.error(vo, field + "." + k, "admin verb " + verb.label() + " needs a " + k));
                            return null;
                        }
                    }
                    boolean expectRefused = false;
                    if (o.containsKey("expect")) {
                        String e = str(o.get("expect"));
                        if (!e.equals("refused") && !e.equals("ok")) {
                            problems.add(Problem.error(origin(file, o.get("expect")), field + ".expect", "must be ok or refused, got '" + e + "'"));
                            return null;
                        }
                        expectRefused = e.equals("refused");
                    }
                    return new Step.Admin(verb, args, expectRefused, vo);
                }
                case "await": {
                    String type = str(v);
                    if (!EventTypes.ALL.contains(type)) {
                        problems.add(Problem.error(vo, f, "unknown event type '" + type + "' (see docs/events.md)"));
                        return null;
                    }
                    long within = 60_000;
                    if (o.containsKey("within")) within = duration(o.get("within"), field + ".within", origin(file, o.get("within")), problems);
                    return new Step.Await(type, o.containsKey("pool") ? str(o.get("pool")) : null,
                            o.containsKey("server") ? str(o.get("server")) : null,
                            o.containsKey("text") ? str(o.get("text")) : null, within, vo);
                }
                case EXPECT, "expect-none":
                    return expectation(o, action.equals("expect-none"), file, field, problems);
                case "cut-link", "slow-link", "heal-link":
                    return siteLink(o, action, file, field, problems);
                default:
                    return null;
            }
        } catch (ConfigException e) {
            problems.add(Problem.error(vo, f, "must be a string"));
            return null;
        }
    }

    /**
     * {@code expect} / {@code expect-none}: an event type gives an event expectation (pool, server, text,
     * within); a figure name gives an end-of-run figure expectation (pool, and one of equals, at-most, at-least).
     */
    private static Step expectation(ConfigObject o, boolean none, String file, String field, List<Problem> problems) {
        String action = none ? "expect-none" : EXPECT;
        ConfigValue v = o.get(action);
        Origin vo = origin(file, v);
        String name = str(v);
        if (EventTypes.ALL.contains(name)) {
            for (String k : COMPARISONS) {
                if (o.containsKey(k)) {
                    problems.add(Problem.error(origin(file, o.get(k)), field + "." + k, "'" + k + "' compares an end-of-run figure ("
                            + Figure.allowed() + "); '" + name + "' is an event type, expected with pool, server, text, within"));
                    return null;
                }
            }
            long within = 60_000;
            if (o.containsKey("within")) within = duration(o.get("within"), field + ".within", origin(file, o.get("within")), problems);
            return new Step.ExpectEvent(none, name, o.containsKey("pool") ? str(o.get("pool")) : null,
                    o.containsKey("server") ? str(o.get("server")) : null, o.containsKey("text") ? str(o.get("text")) : null, within, vo);
        }
        Figure figure = Figure.parse(name);
        if (figure == null) {
            problems.add(Problem.error(vo, field + "." + action, "unknown event type or figure '" + name + "' (event types: see"
                    + " docs/events.md; figures: " + Figure.allowed() + ")"));
            return null;
        }
        if (none) {
            problems.add(Problem.error(vo, field + "." + action, "expect-none takes an event type; '" + name
                    + "' is a figure: write { expect = " + name + ", equals = 0 }"));
            return null;
        }
        for (String k : List.of("server", "text", "within")) {
            if (o.containsKey(k)) {
                problems.add(Problem.error(origin(file, o.get(k)), field + "." + k, "a figure expectation takes pool and one of "
                        + String.join(", ", COMPARISONS) + ", not '" + k + "' ('" + name + "' is checked at the end of the run)"));
                return null;
            }
        }
        List<String> given = COMPARISONS.stream().filter(o::containsKey).toList();
        if (given.size() != 1) {
            problems.add(Problem.error(vo, field, given.isEmpty()
                    ? "figure expectation " + name + " needs one of " + String.join(", ", COMPARISONS) + " (e.g. equals = 0)"
                    : "figure expectation " + name + " takes one comparison; found " + String.join(" and ", given)));
            return null;
        }
        String key = given.get(0);
        ConfigValue cv = o.get(key);
        Origin co = origin(file, cv);
        double value;
        if (figure.isDuration()) {
            int before = problems.size();
            value = duration(cv, field + "." + key, co, problems);
            if (problems.size() > before) return null;
        } else {
            Object u = cv.unwrapped();
            if (!(u instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() != Math.rint(n.doubleValue())) {
                problems.add(Problem.error(co, field + "." + key, name + " is a count: give a whole number >= 0, got '" + u + "'"));
                return null;
            }
            value = n.doubleValue();
        }
        String pool = o.containsKey("pool") ? str(o.get("pool")) : null;
        if (pool != null && !figure.perPool()) {
            problems.add(Problem.error(origin(file, o.get("pool")), field + ".pool", name + " is measured for the whole run: it takes no pool"));
            return null;
        }
        return new Step.ExpectFigure(figure, pool, Comparison.parse(key), value, vo);
    }

    /** {@code cut-link}, {@code slow-link} (with {@code delay}) or {@code heal-link} = [two site names]. */
    private static Step siteLink(ConfigObject o, String action, String file, String field, List<Problem> problems) {
        ConfigValue v = o.get(action);
        Origin vo = origin(file, v);
        String f = field + "." + action;
        List<String> sites = new ArrayList<>();
        int elements = -1;
        if (v.valueType() == ConfigValueType.LIST) {
            elements = ((ConfigList) v).size();
            for (ConfigValue x : (ConfigList) v) {
                if (x.valueType() == ConfigValueType.STRING) sites.add((String) x.unwrapped());
            }
        }
        if (elements != 2 || sites.size() != 2) {
            problems.add(Problem.error(vo, f, "must be a list of two site names, e.g. [\"site-a\", \"site-b\"]"));
            return null;
        }
        if (sites.get(0).equals(sites.get(1))) {
            problems.add(Problem.error(vo, f, "a site link joins two different sites; got '" + sites.get(0) + "' twice"));
            return null;
        }
        boolean slow = action.equals("slow-link");
        if (!slow && o.containsKey("delay")) {
            problems.add(Problem.error(origin(file, o.get("delay")), field + ".delay", "only slow-link takes a delay"));
            return null;
        }
        SiteLink link = action.equals("cut-link") ? SiteLink.CUT : SiteLink.UP;
        if (slow) {
            if (!o.containsKey("delay")) {
                problems.add(Problem.error(vo, field + ".delay", "slow-link needs a delay, e.g. delay = 30s (emulated)"));
                return null;
            }
            int before = problems.size();
            long d = duration(o.get("delay"), field + ".delay", origin(file, o.get("delay")), problems);
            if (problems.size() > before) return null;
            if (d <= 0) {
                problems.add(Problem.error(origin(file, o.get("delay")), field + ".delay", "must be > 0"));
                return null;
            }
            link = SiteLink.slow(d);
        }
        return new Step.SiteLinkFault(sites.get(0), sites.get(1), link, vo);
    }

    private static String actionList() {
        java.util.TreeSet<String> all = new java.util.TreeSet<>(ACTIONS);
        all.add(EXPECT);
        return String.join(", ", all);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static String str(ConfigValue v) {
        Object u = v.unwrapped();
        if (u instanceof String || u instanceof Number || u instanceof Boolean) return String.valueOf(u);
        throw new ConfigException.WrongType(v.origin(), "value", "string", v.valueType().name());
    }

    private static long duration(ConfigValue v, String field, Origin o, List<Problem> problems) {
        try {
            Duration d = ConfigFactory.empty().withValue("d", v).getDuration("d");
            if (d.isNegative()) {
                problems.add(Problem.error(o, field, "must not be negative"));
                return 0;
            }
            return d.toMillis();
        } catch (ConfigException e) {
            problems.add(Problem.error(o, field, "not a duration: '" + v.unwrapped() + "' (write e.g. 10s, 2m, 500ms)"));
            return 0;
        }
    }

    private static Origin origin(String file, ConfigValue v) {
        return new Origin(file, v.origin() == null ? 0 : Math.max(0, v.origin().lineNumber()));
    }

    private static String stem(String file) {
        String n = Path.of(file).getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    /** Checks every server, pool and admin target named by the scenario against the topology. */
    public static List<Problem> validate(Scenario s, Topology t) {
        List<Problem> p = new ArrayList<>();
        for (int i = 0; i < s.steps().size(); i++) {
            Step step = s.steps().get(i);
            String field = "steps[" + i + "]";
            if (step instanceof Step.Fault f) {
                checkTarget(t, f.target(), f.pool(), f.origin(), field, p);
            } else if (step instanceof Step.Heal h) {
                checkTarget(t, h.target(), h.pool(), h.origin(), field, p);
            } else if (step instanceof Step.Admin a) {
                checkAdmin(t, a, field, p);
            } else if (step instanceof Step.Query q && q.pool() != null) {
                var ps = t.pool(q.pool());
                if (ps.isEmpty() || ps.get().role() != Role.FRONT_END) {
                    p.add(Problem.error(q.origin(), field + ".pool", "no Front End pool named '" + q.pool() + "' in " + t.file()));
                }
            } else if (step instanceof Step.SiteFault sf) {
                if (t.sites().stream().noneMatch(x -> x.name().equals(sf.site()))) {
                    p.add(Problem.error(sf.origin(), field, "no site named '" + sf.site() + "' in " + t.file()));
                }
            } else if (step instanceof Step.FileServerFault ff) {
                var ps = t.pool(ff.pool());
                if (ps.isEmpty() || ps.get().role() != Role.FRONT_END) {
                    p.add(Problem.error(ff.origin(), field, "no Front End pool named '" + ff.pool() + "' in " + t.file()));
                }
            } else if (step instanceof Step.BackEndFault bf) {
                var ps = t.pool(bf.pool());
                if (ps.isEmpty() || ps.get().role() != Role.FRONT_END) {
                    p.add(Problem.error(bf.origin(), field, "no Front End pool named '" + bf.pool() + "' in " + t.file()));
                }
            } else if (step instanceof Step.ExpectEvent x) {
                if (x.pool() != null && t.pool(x.pool()).isEmpty()) {
                    p.add(Problem.error(x.origin(), field + ".pool", "no pool named '" + x.pool() + "' in " + t.file()));
                }
                if (x.server() != null && t.poolOfServer(x.server()).isEmpty()) {
                    p.add(Problem.error(x.origin(), field + ".server", "no server named '" + x.server() + "' in " + t.file()));
                }
            } else if (step instanceof Step.ExpectFigure x) {
                if (x.pool() != null) {
                    var ps = t.pool(x.pool());
                    if (ps.isEmpty() || ps.get().role() != Role.FRONT_END) {
                        p.add(Problem.error(x.origin(), field + ".pool", "no Front End pool named '" + x.pool() + "' in " + t.file()
                                + " (figures are per home pool of users)"));
                    }
                }
            } else if (step instanceof Step.SiteLinkFault l) {
                for (String site : List.of(l.siteA(), l.siteB())) {
                    if (t.sites().stream().noneMatch(x -> x.name().equals(site))) {
                        p.add(Problem.error(l.origin(), field, "no site named '" + site + "' in " + t.file()));
                    }
                }
            } else if (step instanceof Step.Await w) {
                {
                    if (w.pool() != null && t.pool(w.pool()).isEmpty()) {
                        p.add(Problem.error(w.origin(), field + ".pool", "no pool named '" + w.pool() + "' in " + t.file()));
                    }
                    if (w.server() != null && t.poolOfServer(w.server()).isEmpty()) {
                        p.add(Problem.error(w.origin(), field + ".server", "no server named '" + w.server() + "' in " + t.file()));
                    }
                }
            }
        }
        return p;
    }

    private static void checkAdmin(Topology t, Step.Admin a, String field, List<Problem> p) {
        for (Map.Entry<String, String> e : a.args().entrySet()) {
            String k = e.getKey();
            String v = e.getValue();
            switch (k) {
                case "pool" -> {
                    var ps = t.pool(v);
                    boolean pchat = a.verb() == AdminVerb.PERSISTENT_CHAT_FAILOVER || a.verb() == AdminVerb.PERSISTENT_CHAT_FAILBACK;
                    boolean ok = ps.isPresent() && (pchat ? ps.get().role() == Role.PERSISTENT_CHAT : (ps.get().role() == Role.FRONT_END
                            || (a.verb() == AdminVerb.SET_EDGE_NEXT_HOP && ps.get().role() == Role.DIRECTOR)));
                    if (ps.isEmpty()) p.add(Problem.error(a.origin(), field + ".pool", "no pool named '" + v + "' in " + t.file()));
                    else if (!ok) p.add(Problem.error(a.origin(), field + ".pool", a.verb().label()
                            + (pchat ? " acts on Persistent Chat pools" : " acts on Front End pools") + "; '" + v + "' is "
                            + ps.get().role().label()));
                }
                case "server" -> {
                    var ps = t.poolOfServer(v);
                    if (ps.isEmpty()) p.add(Problem.error(a.origin(), field + ".server", "no server named '" + v + "' in " + t.file()));
                    else if (ps.get().role() != Role.FRONT_END) p.add(Problem.error(a.origin(), field + ".server",
                            a.verb().label() + " acts on Front End servers; '" + v + "' is in " + ps.get().role().label()
                                    + " pool " + ps.get().name()));
                }
                case "edge" -> {
                    var ps = t.pool(v);
                    if (ps.isEmpty() || ps.get().role() != Role.EDGE) {
                        p.add(Problem.error(a.origin(), field + ".edge", "no Edge pool named '" + v + "' in " + t.file()));
                    }
                }
                case "force", "disaster" -> {
                    if (!v.equals("true") && !v.equals("false")) {
                        p.add(Problem.error(a.origin(), field + "." + k, "must be true or false, got '" + v + "'"));
                    }
                }
                default -> { }
            }
        }
    }

    private static void checkTarget(Topology t, String target, boolean pool, Origin o, String field, List<Problem> p) {
        if (pool) {
            if (t.pool(target).isEmpty()) p.add(Problem.error(o, field, "no pool named '" + target + "' in " + t.file()));
        } else if (t.poolOfServer(target).isEmpty()) {
            String hint = t.pool(target).isPresent() ? " ('" + target + "' is a pool: use the -pool form of the step)" : "";
            p.add(Problem.error(o, field, "no server named '" + target + "' in " + t.file() + hint));
        }
    }
}
