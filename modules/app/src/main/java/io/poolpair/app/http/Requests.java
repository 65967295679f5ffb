package io.poolpair.app.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.poolpair.model.dr.SiteLink;
import io.poolpair.model.scenario.AdminVerb;
import io.poolpair.model.scenario.FaultKind;
import io.poolpair.model.scenario.Scenario;
import io.poolpair.model.scenario.ScenarioLoader;
import io.poolpair.model.scenario.Step;
import io.poolpair.model.time.Durations;
import io.poolpair.model.topology.Origin;
import io.poolpair.model.topology.PoolSpec;
import io.poolpair.model.topology.Problem;
import io.poolpair.model.topology.Role;
import io.poolpair.model.topology.Topology;
import io.poolpair.runtime.deploy.EmbeddedDeployment;
import io.poolpair.runtime.pool.PoolProtocol.Reply;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The bodies of the control plane's POST requests, read and checked against the topology before anything
 * reaches the emulation. A body that does not hold is a {@link BadRequest}: one line that starts with the
 * field at fault ({@code server: no server named 'a-fe9' in ...}).
 */
final class Requests {

    /** Fault kinds of {@code POST /api/faults}, as in a scenario. */
    static final List<String> FAULTS = List.of("kill", "hang", "restart", "kill-pool", "hang-pool", "restart-pool", "kill-site",
            "fail-backend", "fail-file-server", "cut-link", "slow-link");

    static final List<String> COMPONENTS = List.of("primary", "mirror", "witness");

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Requests() {}

    /** Input the control plane refuses (HTTP 400): the message is one line that names the field. */
    static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequest(String field, String message) {
            super(field + ": " + message, null, false, false);
        }
    }

    /** A checked change to the deployment: what it is, and the facade call that makes it. */
    record Action(String what, Function<EmbeddedDeployment, Reply> call) {}

    /** The body as a JSON object; a blank body is an empty object when {@code blankAllowed}. */
    static ObjectNode object(String body, boolean blankAllowed) {
        if (body == null || body.isBlank()) {
            if (blankAllowed) return JSON.createObjectNode();
            throw new BadRequest("body", "empty: send a JSON object, for example {\"fault\":\"kill\",\"server\":\"a-fe1\"}");
        }
        JsonNode n;
        try {
            n = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new BadRequest("body", "malformed JSON" + where + ": " + oneLine(e.getOriginalMessage()));
        }
        if (n == null || n.isMissingNode()) {
            if (blankAllowed) return JSON.createObjectNode();
            throw new BadRequest("body", "empty: send a JSON object");
        }
        if (!n.isObject()) throw new BadRequest("body", "must be a JSON object, got " + kind(n));
        return (ObjectNode) n;
    }

    /** {@code POST /api/faults}: {@code {"fault": KIND, ...}}. */
    static Action fault(ObjectNode o, Topology t) {
        String kind = string(o, "fault", true);
        if (!FAULTS.contains(kind)) {
            throw new BadRequest("fault", "'" + kind + "' is not one of " + String.join(", ", FAULTS));
        }
        switch (kind) {
            case "kill", "hang", "restart" -> {
                only(o, kind, "fault", "server");
                String server = server(o, t, kind);
                FaultKind f = FaultKind.parse(kind);
                return new Action(kind + " " + server, d -> d.inject(server, f));
            }
            case "kill-pool", "hang-pool", "restart-pool" -> {
                only(o, kind, "fault", "pool");
                String pool = pool(o, t, false);
                FaultKind f = FaultKind.parse(kind.substring(0, kind.indexOf('-')));
                return new Action(kind + " " + pool, d -> d.injectPool(pool, f));
            }
            case "kill-site" -> {
                only(o, kind, "fault", "site");
                String site = site(o, t);
                return new Action(kind + " " + site, d -> d.siteFault(site, true));
            }
            case "fail-backend" -> {
                only(o, kind, "fault", "pool", "component");
                String pool = pool(o, t, true);
                String component = component(o);
                return new Action(kind + " " + pool + " " + component, d -> d.backEndFault(pool, component, true));
            }
            case "fail-file-server" -> {
                only(o, kind, "fault", "pool", "server");
                String pool = pool(o, t, true);
                int server = fileServer(o);
                return new Action(kind + " " + pool + " " + server, d -> d.fileServerFault(pool, server, true));
            }
            default -> {
                boolean slow = kind.equals("slow-link");
                if (slow) only(o, kind, "fault", "sites", "delay");
                else only(o, kind, "fault", "sites");
                String[] sites = sites(o, t);
                SiteLink link = slow ? SiteLink.slow(delay(o)) : SiteLink.CUT;
                return new Action(kind + " " + sites[0] + " " + sites[1], d -> d.siteLink(sites[0], sites[1], link));
            }
        }
    }

    /**
     * {@code POST /api/heal}: the shape says what to heal. {@code {"server"}} a server, {@code {"pool"}} every server
     * of a pool, {@code {"site"}} a site (servers and back ends), {@code {"pool","component"}} a back-end component,
     * {@code {"pool","server":N}} a file server, {@code {"sites":[A,B]}} a site link.
     */
    static Action heal(ObjectNode o, Topology t) {
        if (o.has("sites")) {
            only(o, "a site link heal", "sites");
            String[] sites = sites(o, t);
            return new Action("heal-link " + sites[0] + " " + sites[1], d -> d.siteLink(sites[0], sites[1], SiteLink.UP));
        }
        if (o.has("site")) {
            only(o, "a site heal", "site");
            String site = site(o, t);
            return new Action("heal-site " + site, d -> d.siteFault(site, false));
        }
        if (o.has("pool") && o.has("component")) {
            only(o, "a back-end heal", "pool", "component");
            String pool = pool(o, t, true);
            String component = component(o);
            return new Action("heal-backend " + pool + " " + component, d -> d.backEndFault(pool, component, false));
        }
        if (o.has("pool") && o.has("server")) {
            only(o, "a file-server heal", "pool", "server");
            String pool = pool(o, t, true);
            int server = fileServer(o);
            return new Action("heal-file-server " + pool + " " + server, d -> d.fileServerFault(pool, server, false));
        }
        if (o.has("pool")) {
            only(o, "a pool heal", "pool");
            String pool = pool(o, t, false);
            return new Action("heal-pool " + pool, d -> d.healPool(pool));
        }
        if (o.has("server")) {
            only(o, "a server heal", "server");
            String server = server(o, t, "heal");
            return new Action("heal " + server, d -> d.heal(server));
        }
        if (!o.isEmpty()) {
            throw new BadRequest(o.properties().iterator().next().getKey(), "unknown field: a heal takes server, pool, site, pool and component, pool and"
                    + " server (a file server), or sites");
        }
        throw new BadRequest("body", "say what to heal: {\"server\":..}, {\"pool\":..}, {\"site\":..}, {\"pool\":..,\"component\":..},"
                + " {\"pool\":..,\"server\":1}, or {\"sites\":[..,..]}; POST /reset heals every server and site link");
    }

    /** {@code POST /reset}: heal-all; it takes no body (or an empty object). */
    static Action reset(String body) {
        ObjectNode o = object(body, true);
        if (!o.isEmpty()) throw new BadRequest(o.properties().iterator().next().getKey(), "unknown field: reset takes none");
        return new Action("heal-all", EmbeddedDeployment::healAll);
    }

    /** {@code POST /api/admin/VERB}: the verb's arguments and options, checked as a scenario's admin step is. */
    static Action admin(String verbName, ObjectNode o, Topology t) {
        AdminCall call = adminCall(verbName, o, t);
        return new Action(call.verb().label() + (call.args().isEmpty() ? "" : " " + call.args()), d -> d.admin(call.verb(), call.args()));
    }

    /** An admin verb and its arguments, checked as a scenario step's are (names, roles, booleans). */
    record AdminCall(AdminVerb verb, Map<String, String> args) {}

    static AdminCall adminCall(String verbName, ObjectNode o, Topology t) {
        AdminVerb verb = AdminVerb.parse(verbName);
        if (verb == null) throw new BadRequest("verb", "no admin verb '" + verbName + "' (one of " + AdminVerb.allowed() + ")");
        List<String> takes = new ArrayList<>(verb.required());
        takes.addAll(verb.options());
        Map<String, String> args = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : o.properties()) {
            String k = e.getKey();
            JsonNode v = e.getValue();
            if (!takes.contains(k)) {
                throw new BadRequest(k, "unknown field: " + verb.label() + (takes.isEmpty() ? " takes no arguments" : " takes "
                        + String.join(", ", takes)));
            }
            if (k.equals("force") || k.equals("disaster")) {
                if (!v.isBoolean()) throw new BadRequest(k, "must be true or false, got " + kind(v));
                args.put(k, String.valueOf(v.booleanValue()));
            } else {
                args.put(k, string(o, k, true));
            }
        }
        for (String k : verb.required()) {
            if (!args.containsKey(k)) {
                throw new BadRequest(k, "missing: " + verb.label() + " needs " + String.join(" and ", verb.required()));
            }
        }
        Scenario one = new Scenario("http", null, null, List.of(new Step.Admin(verb, args, false, Origin.NONE)), "http");
        for (Problem p : ScenarioLoader.validate(one, t)) {
            String field = p.field().startsWith("steps[0].") ? p.field().substring("steps[0].".length()) : "body";
            throw new BadRequest(field, p.message());
        }
        return new AdminCall(verb, args);
    }

    private static void only(ObjectNode o, String what, String... allowed) {
        List<String> ok = List.of(allowed);
        for (Map.Entry<String, JsonNode> e : o.properties()) {
            String k = e.getKey();
            if (!ok.contains(k)) throw new BadRequest(k, "unknown field: " + what + " takes " + String.join(", ", ok));
        }
    }

    private static String string(ObjectNode o, String field, boolean required) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            if (required) throw new BadRequest(field, "missing");
            return null;
        }
        if (!v.isTextual()) throw new BadRequest(field, "must be a string, got " + kind(v));
        if (v.textValue().isBlank()) throw new BadRequest(field, "must not be empty");
        return v.textValue();
    }

    private static String server(ObjectNode o, Topology t, String kind) {
        String name = string(o, "server", true);
        if (t.poolOfServer(name).isEmpty()) {
            String hint = t.pool(name).isPresent()
                    ? " ('" + name + "' is a pool: use " + (kind.equals("heal") ? "{\"pool\":\"" + name + "\"}" : kind + "-pool") + ")"
                    : "";
            throw new BadRequest("server", "no server named '" + name + "' in " + t.file() + hint);
        }
        return name;
    }

    private static String pool(ObjectNode o, Topology t, boolean frontEnd) {
        String name = string(o, "pool", true);
        Optional<PoolSpec> p = t.pool(name);
        if (p.isEmpty() || (frontEnd && p.get().role() != Role.FRONT_END)) {
            throw new BadRequest("pool", "no " + (frontEnd ? "Front End " : "") + "pool named '" + name + "' in " + t.file()
                    + (p.isPresent() ? " ('" + name + "' is " + p.get().role().label() + ")" : ""));
        }
        return name;
    }

    private static String site(ObjectNode o, Topology t) {
        String name = string(o, "site", true);
        checkSite(t, "site", name);
        return name;
    }

    private static void checkSite(Topology t, String field, String name) {
        if (t.sites().stream().noneMatch(s -> s.name().equals(name))) {
            throw new BadRequest(field, "no site named '" + name + "' in " + t.file());
        }
    }

    private static String[] sites(ObjectNode o, Topology t) {
        JsonNode v = o.get("sites");
        if (v == null || v.isNull()) throw new BadRequest("sites", "missing: two site names, for example [\"site-a\",\"site-b\"]");
        if (!v.isArray() || v.size() != 2 || !v.get(0).isTextual() || !v.get(1).isTextual()) {
            throw new BadRequest("sites", "must be two site names, for example [\"site-a\",\"site-b\"]");
        }
        String a = v.get(0).textValue();
        String b = v.get(1).textValue();
        checkSite(t, "sites", a);
        checkSite(t, "sites", b);
        if (a.equals(b)) throw new BadRequest("sites", "a site link joins two different sites, got " + a + " twice");
        return new String[] {a, b};
    }

    private static String component(ObjectNode o) {
        String c = o.has("component") ? string(o, "component", true) : "primary";
        if (!COMPONENTS.contains(c)) throw new BadRequest("component", "'" + c + "' is not one of " + String.join(", ", COMPONENTS));
        return c;
    }

    private static int fileServer(ObjectNode o) {
        JsonNode v = o.get("server");
        if (v == null || v.isNull()) return 1;
        if (!v.isInt() || (v.intValue() != 1 && v.intValue() != 2)) {
            throw new BadRequest("server", "file server must be 1 or 2, got " + (v.isNumber() ? v.asText() : kind(v)));
        }
        return v.intValue();
    }

    private static long delay(ObjectNode o) {
        String s = string(o, "delay", false);
        if (s == null) throw new BadRequest("delay", "missing: slow-link needs a delay, for example \"30s\" (emulated)");
        long ms;
        try {
            ms = ConfigFactory.empty().withValue("d", ConfigValueFactory.fromAnyRef(s)).getDuration("d").toMillis();
        } catch (ConfigException e) {
            throw new BadRequest("delay", "not a duration: '" + s + "' (write for example 30s, 2m, 500ms)");
        }
        if (ms <= 0) throw new BadRequest("delay", "must be > 0, got " + Durations.format(ms));
        return ms;
    }

    private static String kind(JsonNode n) {
        if (n.isTextual()) return "the string \"" + oneLine(n.textValue()) + "\"";
        if (n.isNumber()) return "the number " + n.asText();
        if (n.isBoolean()) return n.asText();
        if (n.isNull()) return "null";
        if (n.isArray()) return "an array";
        return "an object";
    }

    /** The first line of a message, at most 600 characters. */
    static String oneLine(String s) {
        if (s == null) return "";
        String line = s.strip().lines().findFirst().orElse("");
        return line.length() > 600 ? line.substring(0, 600) + "..." : line;
    }
}
