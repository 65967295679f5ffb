package io.poolpair.model.topology;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Function;

/**
 * Reads a topology file (HOCON, format-version 1, documented in docs/topology.md) into a {@link Topology}.
 *
 * <p>The loader checks structure only: syntax, required fields, types, enum values, unknown keys and number
 * ranges. Every problem found is collected, each with the line of the offending value, and thrown together as an
 * {@link InvalidInputException}. Cross-references and product rules (unknown sites, pairing, capacity, ...) are
 * checked by {@link TopologyValidator}.
 *
 * <p>Nothing outside the file takes part: substitutions ({@code ${...}}) resolve against the file itself only,
 * never against system properties or environment variables.
 */
public final class TopologyLoader {

    /** Classpath location of the built-in default topology. */
    public static final String DEFAULT_RESOURCE = "poolpair/default-topology.conf";
    /** The name under which the built-in default topology is reported. */
    public static final String DEFAULT_DISPLAY_NAME = "default-topology.conf";

    /** The only file format this loader reads. */
    public static final int FORMAT_VERSION = 1;

    /** Top-level sections read elsewhere (the emulator settings, by the app); the loader ignores them. */
    static final Set<String> RESERVED_TOP_LEVEL = Set.of("settings");

    static final List<String> TOP_LEVEL_KEYS =
            List.of("format-version", "product-version", "cms-pool", "sites", "pools", "placement");
    static final List<String> PLACEMENT_KEYS = List.of("nodes");
    static final List<String> NODE_KEYS = List.of("name", "site", "servers");
    /** Node names become folder names and cluster roles: a letter or digit, then letters, digits, '.', '_', '-'. */
    static final java.util.regex.Pattern NODE_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    static final List<String> SITE_KEYS = List.of("name");
    static final List<String> SERVER_KEYS = List.of("name", "site", "standby");
    /** Pool keys, which are also the keys of {@link PoolSpec#fieldOrigins()}. */
    public static final List<String> POOL_KEYS = List.of("name", "role", "edition", "site", "servers", "users",
            "routing-groups", "collocated-mediation", "calls", "remote-users", "file-store", "backup-pool",
            "backend-mode", "next-hop");

    /** Routing groups per Front End when routing-groups is not given. */
    public static final int DEFAULT_ROUTING_GROUPS_PER_SERVER = 20;

    /**
     * Where the top-level fields of loaded topologies were written. {@link Topology} has no per-field origins
     * (only {@link PoolSpec} has), so the loader keeps them here, weakly, for {@link #fieldOrigin}.
     */
    private static final Map<Topology, Map<String, Origin>> TOP_LEVEL_ORIGINS =
            Collections.synchronizedMap(new WeakHashMap<>());

    private TopologyLoader() {}

    /**
     * Where a top-level field ("format-version", "product-version", "cms-pool", "sites", "pools") of a topology
     * read by this loader was written; the topology's own origin when unknown (e.g. a topology built in code).
     */
    public static Origin fieldOrigin(Topology topology, String field) {
        Map<String, Origin> origins = TOP_LEVEL_ORIGINS.get(topology);
        Origin origin = origins == null ? null : origins.get(field);
        return origin != null ? origin : topology.origin();
    }

    /** Reads and checks a topology file; the file name in problems is {@code file} as given. */
    public static Topology load(Path file) {
        String display = file.toString();
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(Problem.error(new Origin(display, 0), "file",
                    Files.exists(file) ? "not a regular file" : "file not found"));
        }
        if (!Files.isReadable(file)) {
            throw new InvalidInputException(Problem.error(new Origin(display, 0), "file", "file is not readable"));
        }
        Config config;
        try {
            config = ConfigFactory.parseFile(file.toFile(), parseOptions(display));
        } catch (ConfigException e) {
            throw new InvalidInputException(syntaxProblem(e, display));
        }
        return read(config, display);
    }

    /** Parses topology text; {@code fileName} is used in problems and as {@link Topology#file()}. */
    public static Topology parse(String text, String fileName) {
        Config config;
        try {
            config = ConfigFactory.parseString(text, parseOptions(fileName));
        } catch (ConfigException e) {
            throw new InvalidInputException(syntaxProblem(e, fileName));
        }
        return read(config, fileName);
    }

    /** Reads a topology from the classpath (e.g. {@link #DEFAULT_RESOURCE}), reported as {@code displayName}. */
    public static Topology loadResource(String resourcePath, String displayName) {
        String path = resourcePath.startsWith("/") ? resourcePath.substring(1) : resourcePath;
        ClassLoader loader = TopologyLoader.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(path)) {
            if (in == null) {
                throw new InvalidInputException(Problem.error(new Origin(displayName, 0), "file",
                        "resource not found on the classpath: " + path));
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), displayName);
        } catch (IOException e) {
            throw new InvalidInputException(Problem.error(new Origin(displayName, 0), "file",
                    "cannot read resource " + path + ": " + oneLine(String.valueOf(e.getMessage()))));
        }
    }

    /** The built-in default topology ({@link #DEFAULT_RESOURCE}). */
    public static Topology loadDefault() {
        return loadResource(DEFAULT_RESOURCE, DEFAULT_DISPLAY_NAME);
    }

    // ------------------------------------------------------------------------------------------------------

    private static ConfigParseOptions parseOptions(String display) {
        return ConfigParseOptions.defaults()
                .setOriginDescription(display)
                .setSyntax(ConfigSyntax.CONF)
                .setAllowMissing(false);
    }

    private static Topology read(Config parsed, String file) {
        Config config;
        try {
            // substitutions may refer to the file itself only: no system properties, no environment
            config = parsed.resolve(ConfigResolveOptions.defaults().setUseSystemEnvironment(false));
        } catch (ConfigException e) {
            throw new InvalidInputException(syntaxProblem(e, file));
        }
        Reader reader = new Reader(file);
        Topology topology = reader.topology(config.root());
        if (!reader.problems.isEmpty()) {
            List<Problem> sorted = new ArrayList<>(reader.problems);
            sorted.sort(Comparator.comparingInt(p -> p.origin().line()));
            throw new InvalidInputException(sorted);
        }
        return topology;
    }

    static Problem syntaxProblem(ConfigException e, String file) {
        ConfigOrigin origin = e.origin();
        String message = String.valueOf(e.getMessage());
        if (origin != null) {
            String prefix = origin.description() + ": ";
            if (message.startsWith(prefix)) message = message.substring(prefix.length());
        }
        return Problem.error(new Origin(file, line(origin)), "syntax", oneLine(message));
    }

    static String oneLine(String s) {
        return s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }

    private static int line(ConfigOrigin origin) {
        return origin == null || origin.lineNumber() < 0 ? 0 : origin.lineNumber();
    }

    /** Walks the parsed tree, collecting problems. */
    private static final class Reader {
        final String file;
        final List<Problem> problems = new ArrayList<>();

        Reader(String file) { this.file = file; }

        Origin at(ConfigValue v) { return new Origin(file, Math.max(line(v.origin()), 0)); }

        void error(Origin origin, String field, String message) {
            problems.add(Problem.error(origin, field, message));
        }

        Topology topology(ConfigObject root) {
            Origin rootOrigin = new Origin(file, Math.max(1, line(root.origin())));
            checkKeys(root, TOP_LEVEL_KEYS, "", RESERVED_TOP_LEVEL);

            Integer formatVersion = integer(root, "format-version", "format-version", true, rootOrigin, null);
            if (formatVersion != null && formatVersion != FORMAT_VERSION) {
                error(at(root.get("format-version")), "format-version",
                        "unsupported format-version " + formatVersion + "; this version of Poolpair reads format-version "
                                + FORMAT_VERSION);
            }
            ProductVersion version = productVersion(root, rootOrigin);
            String cmsPool = string(root, "cms-pool", "cms-pool", true, rootOrigin, null);

            List<Site> sites = new ArrayList<>();
            ConfigList siteList = list(root, "sites", "sites", rootOrigin);
            if (siteList != null) {
                for (int i = 0; i < siteList.size(); i++) {
                    Site site = site(siteList.get(i), "sites[" + i + "]");
                    if (site != null) sites.add(site);
                }
            }

            List<PoolSpec> pools = new ArrayList<>();
            ConfigList poolList = list(root, "pools", "pools", rootOrigin);
            if (poolList != null) {
                for (int i = 0; i < poolList.size(); i++) {
                    PoolSpec pool = pool(poolList.get(i), "pools[" + i + "]",
                            version == null ? ProductVersion.SFB_2015 : version);
                    if (pool != null) pools.add(pool);
                }
            }
            Placement placement = null;
            ConfigValue placementValue = value(root, "placement");
            if (placementValue != null) placement = placement(placementValue);

            if (!problems.isEmpty()) return null;
            Topology topology = new Topology(file, formatVersion, version, sites, pools, cmsPool, rootOrigin, placement);
            Map<String, Origin> origins = new LinkedHashMap<>();
            for (String key : TOP_LEVEL_KEYS) {
                ConfigValue v = value(root, key);
                if (v != null) origins.put(key, at(v));
            }
            TOP_LEVEL_ORIGINS.put(topology, Map.copyOf(origins));
            return topology;
        }

        Placement placement(ConfigValue v) {
            if (v.valueType() != ConfigValueType.OBJECT) {
                error(at(v), "placement", "expected an object placement { nodes = [ ... ] } but found " + describe(v));
                return null;
            }
            ConfigObject o = (ConfigObject) v;
            checkKeys(o, PLACEMENT_KEYS, "placement.", Set.of());
            List<NodeSpec> nodes = new ArrayList<>();
            ConfigList list = list(o, "nodes", "placement.nodes", at(o));
            if (list != null) {
                for (int i = 0; i < list.size(); i++) {
                    NodeSpec node = node(list.get(i), "placement.nodes[" + i + "]");
                    if (node != null) nodes.add(node);
                }
            }
            return new Placement(nodes, at(o));
        }

        NodeSpec node(ConfigValue v, String path) {
            if (v.valueType() != ConfigValueType.OBJECT) {
                error(at(v), path, "expected a node object { name = ..., site = ..., servers = [ ... ] } but found "
                        + describe(v));
                return null;
            }
            ConfigObject o = (ConfigObject) v;
            int before = problems.size();
            checkKeys(o, NODE_KEYS, path + ".", Set.of());
            Map<String, Origin> origins = new LinkedHashMap<>();
            String name = name(o, path, at(o));
            if (name != null) {
                origins.put("name", at(o.get("name")));
                if (!NODE_NAME.matcher(name).matches()) {
                    error(at(o.get("name")), path + ".name", "node name '" + name + "' may only hold letters, digits, "
                            + "'.', '_' and '-', starting with a letter or digit (it names the node's folder)");
                }
            }
            String site = string(o, "site", path + ".site", true, at(o), origins);
            List<String> servers = new ArrayList<>();
            List<Origin> serverOrigins = new ArrayList<>();
            ConfigValue sv = value(o, "servers");
            if (sv != null && sv.valueType() != ConfigValueType.LIST) {
                error(at(sv), path + ".servers", "expected a list of server names [ \"a-fe1\", ... ] but found " + describe(sv));
            } else if (sv != null) {
                origins.put("servers", at(sv));
                ConfigList list = (ConfigList) sv;
                for (int j = 0; j < list.size(); j++) {
                    ConfigValue item = list.get(j);
                    String field = path + ".servers[" + j + "]";
                    if (item.valueType() != ConfigValueType.STRING) {
                        error(at(item), field, "expected a server name (a string) but found " + describe(item));
                    } else if (((String) item.unwrapped()).isBlank()) {
                        error(at(item), field, "server name must not be empty");
                    } else {
                        servers.add(((String) item.unwrapped()).strip());
                        serverOrigins.add(at(item));
                    }
                }
            }
            if (problems.size() > before || name == null || site == null) return null;
            return new NodeSpec(name, site, servers, at(o), serverOrigins, origins);
        }

        ProductVersion productVersion(ConfigObject root, Origin rootOrigin) {
            ConfigValue v = root.get("product-version");
            if (v == null || v.valueType() == ConfigValueType.NULL) {
                error(rootOrigin, "product-version", "missing required field (\"2015\" or \"2019\")");
                return null;
            }
            String text;
            if (v.valueType() == ConfigValueType.STRING || v.valueType() == ConfigValueType.NUMBER) {
                text = String.valueOf(v.unwrapped()).strip();
            } else {
                error(at(v), "product-version", "expected \"2015\" or \"2019\" but found " + describe(v));
                return null;
            }
            ProductVersion version = ProductVersion.parse(text);
            if (version == null) {
                error(at(v), "product-version", "unknown product-version '" + text + "'; allowed: "
                        + allowed(ProductVersion.values(), ProductVersion::label));
            }
            return version;
        }

        Site site(ConfigValue v, String path) {
            if (v.valueType() != ConfigValueType.OBJECT) {
                error(at(v), path, "expected an object { name = \"...\" } but found " + describe(v));
                return null;
            }
            ConfigObject o = (ConfigObject) v;
            checkKeys(o, SITE_KEYS, path + ".", Set.of());
            String name = name(o, path, at(v));
            return name == null ? null : new Site(name, at(o.get("name")));
        }

        PoolSpec pool(ConfigValue v, String path, ProductVersion version) {
            if (v.valueType() != ConfigValueType.OBJECT) {
                error(at(v), path, "expected a pool object { name = ..., role = ..., ... } but found " + describe(v));
                return null;
            }
            ConfigObject o = (ConfigObject) v;
            Origin poolOrigin = at(o);
            int before = problems.size();
            checkKeys(o, POOL_KEYS, path + ".", Set.of());
            Map<String, Origin> origins = new LinkedHashMap<>();

            String name = name(o, path, poolOrigin);
            if (name != null) origins.put("name", at(o.get("name")));
            Role role = enumeration(o, "role", path, true, poolOrigin, origins, Role.values(), Role::label, Role::parse);
            Edition edition = enumeration(o, "edition", path, false, poolOrigin, origins, Edition.values(),
                    Edition::label, Edition::parse);
            if (edition == null) edition = Edition.ENTERPRISE;
            String site = string(o, "site", path + ".site", true, poolOrigin, origins);

            List<ServerSpec> servers = new ArrayList<>();
            ConfigList serverList = list(o, "servers", path + ".servers", poolOrigin);
            if (serverList != null) {
                origins.put("servers", at(serverList));
                for (int i = 0; i < serverList.size(); i++) {
                    ServerSpec server = server(serverList.get(i), path + ".servers[" + i + "]");
                    if (server != null) servers.add(server);
                }
            }

            Integer users = integer(o, "users", path + ".users", false, poolOrigin, origins);
            checkMin(o, "users", path, users, 0);
            Integer routingGroups = integer(o, "routing-groups", path + ".routing-groups", false, poolOrigin, origins);
            checkMin(o, "routing-groups", path, routingGroups, 1);
            Boolean collocated = bool(o, "collocated-mediation", path + ".collocated-mediation", origins);
            Integer calls = integer(o, "calls", path + ".calls", false, poolOrigin, origins);
            checkMin(o, "calls", path, calls, 0);
            Integer remoteUsers = integer(o, "remote-users", path + ".remote-users", false, poolOrigin, origins);
            checkMin(o, "remote-users", path, remoteUsers, 0);
            String fileStore = string(o, "file-store", path + ".file-store", false, poolOrigin, origins);
            String backupPool = string(o, "backup-pool", path + ".backup-pool", false, poolOrigin, origins);
            BackendMode backend = enumeration(o, "backend-mode", path, false, poolOrigin, origins,
                    BackendMode.values(), BackendMode::label, BackendMode::parse);
            String nextHop = string(o, "next-hop", path + ".next-hop", false, poolOrigin, origins);

            if (problems.size() > before || name == null || role == null || site == null) return null;
            return new PoolSpec(name, role, edition, site, servers,
                    users == null ? 0 : users,
                    routingGroups == null ? defaultRoutingGroups(servers.size()) : routingGroups,
                    collocated == null ? role == Role.FRONT_END : collocated,
                    calls == null ? 0 : calls,
                    remoteUsers == null ? 0 : remoteUsers,
                    fileStore, backupPool,
                    backend == null ? defaultBackendMode(role, edition, version) : backend,
                    nextHop, poolOrigin, origins);
        }

        ServerSpec server(ConfigValue v, String path) {
            if (v.valueType() == ConfigValueType.STRING) {
                String name = ((String) v.unwrapped()).strip();
                if (name.isEmpty()) {
                    error(at(v), path, "server name must not be empty");
                    return null;
                }
                return new ServerSpec(name, null, false, at(v));
            }
            if (v.valueType() != ConfigValueType.OBJECT) {
                error(at(v), path, "expected a server name or an object { name = ..., site = ..., standby = ... } "
                        + "but found " + describe(v));
                return null;
            }
            ConfigObject o = (ConfigObject) v;
            int before = problems.size();
            checkKeys(o, SERVER_KEYS, path + ".", Set.of());
            String name = name(o, path, at(o));
            String site = string(o, "site", path + ".site", false, at(o), null);
            Boolean standby = bool(o, "standby", path + ".standby", null);
            if (problems.size() > before || name == null) return null;
            return new ServerSpec(name, site, standby != null && standby, at(o));
        }

        /** A required, non-blank "name" field. */
        String name(ConfigObject o, String path, Origin parent) {
            String name = string(o, "name", path + ".name", true, parent, null);
            if (name != null && name.isEmpty()) {
                error(at(o.get("name")), path + ".name", "name must not be empty");
                return null;
            }
            return name;
        }

        void checkKeys(ConfigObject o, List<String> allowed, String prefix, Set<String> ignored) {
            List<Map.Entry<String, ConfigValue>> entries = new ArrayList<>(o.entrySet());
            entries.sort(Comparator.comparingInt(e -> line(e.getValue().origin())));
            for (Map.Entry<String, ConfigValue> e : entries) {
                String key = e.getKey();
                if (allowed.contains(key) || ignored.contains(key)) continue;
                String suggestion = closest(key, allowed);
                error(at(e.getValue()), prefix + key, "unknown field '" + key + "'"
                        + (suggestion != null ? " (did you mean '" + suggestion + "'?)" : "")
                        + "; allowed: " + String.join(", ", allowed));
            }
        }

        /** The value of key, or null when absent or null (HOCON {@code null} means "not set"). */
        static ConfigValue value(ConfigObject o, String key) {
            ConfigValue v = o.get(key);
            return v == null || v.valueType() == ConfigValueType.NULL ? null : v;
        }

        String string(ConfigObject o, String key, String path, boolean required, Origin parent,
                      Map<String, Origin> origins) {
            ConfigValue v = value(o, key);
            if (v == null) {
                if (required) error(parent, path, "missing required field '" + key + "'");
                return null;
            }
            if (v.valueType() != ConfigValueType.STRING) {
                error(at(v), path, "expected a string but found " + describe(v));
                return null;
            }
            if (origins != null) origins.put(key, at(v));
            return ((String) v.unwrapped()).strip();
        }

        Integer integer(ConfigObject o, String key, String path, boolean required, Origin parent,
                        Map<String, Origin> origins) {
            ConfigValue v = value(o, key);
            if (v == null) {
                if (required) error(parent, path, "missing required field '" + key + "'");
                return null;
            }
            if (v.valueType() != ConfigValueType.NUMBER) {
                error(at(v), path, "expected a whole number but found " + describe(v));
                return null;
            }
            Number n = (Number) v.unwrapped();
            if (n instanceof Double || n instanceof Float) {
                double d = n.doubleValue();
                if (d != Math.rint(d)) {
                    error(at(v), path, "expected a whole number but found " + v.render());
                    return null;
                }
            }
            double d = n.doubleValue();
            if (d > Integer.MAX_VALUE || d < Integer.MIN_VALUE) {
                error(at(v), path, "number " + v.render() + " is out of range (at most " + Integer.MAX_VALUE + ")");
                return null;
            }
            if (origins != null) origins.put(key, at(v));
            return n.intValue();
        }

        Boolean bool(ConfigObject o, String key, String path, Map<String, Origin> origins) {
            ConfigValue v = value(o, key);
            if (v == null) return null;
            if (v.valueType() != ConfigValueType.BOOLEAN) {
                error(at(v), path, "expected true or false but found " + describe(v));
                return null;
            }
            if (origins != null) origins.put(key, at(v));
            return (Boolean) v.unwrapped();
        }

        ConfigList list(ConfigObject o, String key, String path, Origin parent) {
            ConfigValue v = value(o, key);
            if (v == null) {
                error(parent, path, "missing required field '" + key + "'");
                return null;
            }
            if (v.valueType() != ConfigValueType.LIST) {
                error(at(v), path, "expected a list [ ... ] but found " + describe(v));
                return null;
            }
            ConfigList list = (ConfigList) v;
            if (list.isEmpty()) {
                error(at(v), path, "must not be empty");
                return null;
            }
            return list;
        }

        <E> E enumeration(ConfigObject o, String key, String poolPath, boolean required, Origin parent,
                          Map<String, Origin> origins, E[] values, Function<E, String> label,
                          Function<String, E> parser) {
            String path = poolPath + "." + key;
            ConfigValue v = value(o, key);
            if (v == null) {
                if (required) {
                    error(parent, path, "missing required field '" + key + "'; allowed: " + allowed(values, label));
                }
                return null;
            }
            if (v.valueType() != ConfigValueType.STRING) {
                error(at(v), path, "expected one of " + allowed(values, label) + " but found " + describe(v));
                return null;
            }
            String text = ((String) v.unwrapped()).strip();
            E e = parser.apply(text);
            if (e == null) {
                error(at(v), path, "unknown " + key + " '" + text + "'; allowed: " + allowed(values, label));
                return null;
            }
            origins.put(key, at(v));
            return e;
        }

        void checkMin(ConfigObject o, String key, String poolPath, Integer value, int min) {
            if (value != null && value < min) {
                error(at(o.get(key)), poolPath + "." + key, (min == 1 ? "must be at least 1" : "must not be negative")
                        + ", got " + value);
            }
        }
    }

    static int defaultRoutingGroups(int servers) {
        return Math.max(1, DEFAULT_ROUTING_GROUPS_PER_SERVER * servers);
    }

    /**
     * The back-end mode used when a pool does not name one: none for Standard Edition and for pools without a
     * Back End (Edge, Director, Mediation); for Enterprise Front End and Persistent Chat pools, mirroring with a
     * witness in 2015 and an AlwaysOn Availability Group in 2019.
     */
    public static BackendMode defaultBackendMode(Role role, Edition edition, ProductVersion version) {
        if (edition == Edition.STANDARD) return BackendMode.NONE;
        if (role != Role.FRONT_END && role != Role.PERSISTENT_CHAT) return BackendMode.NONE;
        return version == ProductVersion.SFB_2019 ? BackendMode.ALWAYSON_AG : BackendMode.MIRRORING_WITNESS;
    }

    private static <E> String allowed(E[] values, Function<E, String> label) {
        List<String> labels = new ArrayList<>();
        for (E e : values) labels.add(label.apply(e));
        return String.join(", ", labels);
    }

    private static String describe(ConfigValue v) {
        String type = switch (v.valueType()) {
            case OBJECT -> "an object";
            case LIST -> "a list";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case STRING -> "a string";
        };
        if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST) return type;
        String rendered = oneLine(v.render(ConfigRenderOptions.concise()));
        if (rendered.length() > 40) rendered = rendered.substring(0, 37) + "...";
        return type + " (" + rendered + ")";
    }

    /** The allowed key closest to a misspelt one (edit distance at most 2, or a third of its length). */
    static String closest(String key, List<String> allowed) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : allowed) {
            int d = distance(key, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        int limit = Math.max(2, key.length() / 3);
        return bestDistance <= limit ? best : null;
    }

    /** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
