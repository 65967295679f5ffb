package io.poolpair.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.poolpair.model.event.EventTypes;
import io.poolpair.runtime.journal.EventJson;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code poolpair watch [FOLDER]}: the failover events of a multi-node run as one timeline, every line prefixed with
 * the node whose {@code events.jsonl} it comes from (docs/watch.md). The work is {@link Watch}'s.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Print the events of every node of a cluster run (each node folder's events.jsonl, and with "
                + "--membership its cluster.jsonl) as one timeline in wall-time order, each line prefixed with its node. "
                + "Follows the files while the run's nodes are alive. Exit 0, or 2 on bad input.")
final class WatchCommand implements Callable<Integer> {

    /** The membership types of cluster.jsonl (docs/cluster.md), for checking --kind. */
    static final List<String> MEMBERSHIP_TYPES = List.of("self-up", "self-removed", "member-joined", "member-weakly-up",
            "member-up", "member-left", "member-exited", "member-downed", "member-removed", "member-unreachable",
            "member-reachable", "dc-unreachable", "dc-reachable");

    @Parameters(index = "0", arity = "0..1", paramLabel = "FOLDER", defaultValue = "runs/cluster/latest",
            description = "a cluster run folder, one sub-folder per node (default: ${DEFAULT-VALUE}, the last scripts/cluster up)")
    Path folder;

    @Option(names = "--follow", negatable = true, description = "keep following the files, new node folders too "
            + "(default: while a node of the run is alive; --no-follow: print what is there and exit)")
    Boolean follow;

    @Option(names = "--membership", description = "also each node's cluster.jsonl (membership, printed dim)")
    boolean membership;

    @Option(names = "--node", paramLabel = "NAME", split = ",", description = "only this node's files (repeatable)")
    List<String> nodes = new ArrayList<>();

    @Option(names = "--pool", paramLabel = "NAME", split = ",", description = "only events of this pool (repeatable)")
    List<String> pools = new ArrayList<>();

    @Option(names = "--kind", paramLabel = "PREFIX", split = ",",
            description = "only records whose type starts with PREFIX, e.g. server-, admin-verb, member- (repeatable)")
    List<String> kinds = new ArrayList<>();

    @Option(names = "--color", negatable = true, description = "ANSI colours (default: when standard output is a "
            + "terminal and NO_COLOR is not set; --no-color: never)")
    Boolean color;

    @Option(names = "--merge-delay", paramLabel = "MS", defaultValue = "" + Watch.DEFAULT_MERGE_DELAY_MS,
            description = "while following, hold each line this long so that other nodes' lines of the same moment "
                    + "come out in order (default: ${DEFAULT-VALUE})")
    long mergeDelayMs;

    @Option(names = "--utc", description = "print wall times in UTC (default: the local time zone)")
    boolean utc;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (mergeDelayMs < 0 || mergeDelayMs > 60_000) {
            throw new IllegalArgumentException("--merge-delay: " + mergeDelayMs + " ms is not between 0 and 60000");
        }
        for (String k : kinds) {
            boolean known = EventTypes.ALL.stream().anyMatch(t -> t.startsWith(k))
                    || MEMBERSHIP_TYPES.stream().anyMatch(t -> t.startsWith(k));
            if (k.isEmpty() || !known) {
                throw new IllegalArgumentException("--kind: '" + k + "' starts no event or membership type (e.g. server-, "
                        + "primary-moved, admin-verb, pool-, users-moved, member-, dc-)");
            }
        }
        Watch.check(folder);
        boolean live = live(folder);
        boolean following = follow != null ? follow : live;
        if (!following) {
            List<String> names = Watch.nodeFolders(folder).stream().map(p -> p.getFileName().toString()).toList();
            for (String n : nodes) {
                if (!names.contains(n)) {
                    throw new IllegalArgumentException("--node: no node folder '" + n + "' in " + folder + " (nodes: "
                            + String.join(", ", names) + ")");
                }
            }
        }
        boolean colour = color != null ? color : System.console() != null && blank(System.getenv("NO_COLOR"));
        Watch.Settings s = new Watch.Settings(folder, membership, new LinkedHashSet<>(nodes), Set.copyOf(pools), kinds,
                mergeDelayMs, colour, utc ? ZoneOffset.UTC : ZoneId.systemDefault());
        Watch.Sink sink = new Watch.Sink() {
            @Override
            public void line(String line) {
                out.println(line);
            }

            @Override
            public void warning(String warning) {
                out.flush();
                err.println(colour ? WatchLine.YELLOW + "watch: " + warning + WatchLine.RESET : "watch: " + warning);
                err.flush();
            }

            @Override
            public void flush() {
                out.flush();
            }
        };
        Watch watch = new Watch(s, sink);
        if (!following) {
            watch.printAll(live);
            return Main.EXIT_OK;
        }
        // Ctrl-C: print what is held, then exit
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            watch.stop();
            try {
                done.await(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "poolpair-watch-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            watch.follow(follow != null ? () -> true : () -> live(folder));
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it is what stopped us
            }
        }
        return Main.EXIT_OK;
    }

    private static boolean blank(String s) {
        return s == null || s.isEmpty();
    }

    /**
     * Whether a node of the run is alive: a PID of the folder's {@code nodes.tsv} (scripts/cluster) or of a node
     * folder's {@code node.json} (poolpair node) is a running process.
     */
    static boolean live(Path folder) {
        for (long pid : pids(folder)) {
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) return true;
        }
        return false;
    }

    private static List<Long> pids(Path folder) {
        List<Long> out = new ArrayList<>();
        Path tsv = folder.resolve("nodes.tsv");
        try {
            if (Files.isRegularFile(tsv)) {
                for (String line : Files.readAllLines(tsv)) {
                    String[] f = line.split("\t");
                    if (f.length > 2 && f[2].matches("\\d{1,18}")) out.add(Long.parseLong(f[2]));
                }
            }
        } catch (IOException e) {
            // unreadable: the node folders may still say
        }
        for (Path dir : Watch.nodeFolders(folder)) {
            Path nodeJson = dir.resolve(Watch.NODE_FILE);
            if (!Files.isRegularFile(nodeJson)) continue;
            try {
                JsonNode n = EventJson.mapper().readTree(nodeJson.toFile());
                if (n != null && n.path("pid").canConvertToLong() && n.path("pid").asLong() > 0) out.add(n.path("pid").asLong());
            } catch (IOException e) {
                // being written, or not ours: skip it
            }
        }
        return out;
    }
}
