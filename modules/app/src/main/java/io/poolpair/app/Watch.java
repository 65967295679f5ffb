package io.poolpair.app;

import io.poolpair.model.topology.InvalidInputException;
import io.poolpair.model.topology.Problem;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The engine of {@code poolpair watch} (docs/watch.md): reads every node folder's {@code events.jsonl} (and, with
 * membership, {@code cluster.jsonl}) under a cluster run folder, merges the records by wall time (ties: node name,
 * then events before membership, then the order read), filters them, drops records already printed from another
 * node's file, and hands each printed line to a {@link Sink}.
 *
 * <p>{@link #printAll()} reads what is there and prints it in order. {@link #follow} keeps reading: node folders and
 * files that appear later are picked up, a last line not yet ended by a newline waits for the rest, and every record is
 * held for the merge delay (from when it was read) so that lines of other nodes written in the same moment come out
 * in order: once a record has been held that long, it goes out with every record held that sorts before it. A record
 * read more than the merge delay after a later one went out is printed when it comes, out of order. A malformed line is an error in {@link #printAll()} and a warning, once, while following.
 */
final class Watch {

    /** Files of a node folder. */
    static final String EVENTS_FILE = "events.jsonl";
    static final String MEMBERSHIP_FILE = "cluster.jsonl";
    static final String NODE_FILE = "node.json";

    /** Default merge delay (ms). */
    static final long DEFAULT_MERGE_DELAY_MS = 300;
    /** How often files are read again while following (ms). */
    static final long POLL_MS = 100;
    /** Warnings about malformed lines per file, at most; then one line says the rest are skipped silently. */
    static final int WARNINGS_PER_FILE = 10;

    /** What the watch prints to. */
    interface Sink {
        /** A timeline line. */
        void line(String line);

        /** A warning (a malformed line skipped while following). */
        void warning(String warning);

        /** Called after each batch of lines, so a console can flush. */
        default void flush() {}
    }

    /**
     * @param folder      the cluster run folder: one sub-folder per node
     * @param membership  also read each node's {@code cluster.jsonl}
     * @param nodes       only these node folders (empty: every one)
     * @param pools       only events of these pools (empty: every record; membership has no pool)
     * @param kinds       only records whose type starts with one of these (empty: every one)
     * @param mergeDelayMs how long a record is held while following, for lines of other nodes to catch up
     * @param colour      ANSI colours
     * @param zone        the time zone of the printed wall times
     */
    record Settings(Path folder, boolean membership, Set<String> nodes, Set<String> pools, List<String> kinds,
                    long mergeDelayMs, boolean colour, ZoneId zone) {
        Settings {
            nodes = Set.copyOf(nodes);
            pools = Set.copyOf(pools);
            kinds = List.copyOf(kinds);
        }
    }

    private final Settings settings;
    private final Sink sink;
    private final LongSupplier nanoTime;
    /** Files read, by path, in the order found. */
    private final Map<Path, Tail> tails = new LinkedHashMap<>();
    /** Per record key, how many copies were printed (the most any one node's files hold so far). */
    private final Map<String, Integer> printed = new HashMap<>();
    /** Per node and record key, how many copies that node's files held so far. */
    private final Map<String, Integer> perNode = new HashMap<>();
    private final PriorityQueue<Held> held = new PriorityQueue<>((a, b) -> WatchLine.compare(a.line, b.line));
    private final CountDownLatch stopped = new CountDownLatch(1);
    private int nodeWidth = 4;
    private long seq;

    /** Records read, in the order read, to find those held for the merge delay already. */
    private final ArrayDeque<Held> byArrival = new ArrayDeque<>();

    private static final class Held {
        final WatchLine line;
        final long readNanos;
        boolean printed;

        Held(WatchLine line, long readNanos) {
            this.line = line;
            this.readNanos = readNanos;
        }
    }

    Watch(Settings settings, Sink sink) {
        this(settings, sink, System::nanoTime);
    }

    Watch(Settings settings, Sink sink, LongSupplier nanoTime) {
        this.settings = settings;
        this.sink = sink;
        this.nanoTime = nanoTime;
    }

    /**
     * Checks the folder: it exists and holds at least one node folder (a sub-folder with {@code events.jsonl},
     * {@code cluster.jsonl} or {@code node.json}).
     *
     * @throws IllegalArgumentException one line saying what is wrong
     */
    static void check(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException(folder + ": " + (Files.exists(folder) ? "not a folder" : "no such folder")
                    + " (give the folder of a cluster run, such as runs/cluster/latest, which scripts/cluster up makes)");
        }
        if (nodeFolders(folder).isEmpty()) {
            throw new IllegalArgumentException(folder + ": no node folders (no sub-folder with " + EVENTS_FILE + ", "
                    + MEMBERSHIP_FILE + " or " + NODE_FILE + "): not the folder of a cluster run; a single-JVM run prints"
                    + " its timeline itself");
        }
    }

    /** The node folders under {@code folder}, sorted by name. */
    static List<Path> nodeFolders(Path folder) {
        TreeSet<Path> out = new TreeSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder)) {
            for (Path p : ds) {
                if (p.getFileName().toString().startsWith(".") || !Files.isDirectory(p)) continue;
                if (Files.exists(p.resolve(EVENTS_FILE)) || Files.exists(p.resolve(MEMBERSHIP_FILE))
                        || Files.exists(p.resolve(NODE_FILE))) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            return List.of(); // the folder went away or cannot be listed: nothing to read now
        }
        return new ArrayList<>(out);
    }

    /**
     * Reads every file to its end and prints every record in order. A last line without its newline is taken as it
     * is; when {@code live} (nodes still write) and it does not parse, it is skipped as a line being written.
     *
     * @throws InvalidInputException at the first malformed line ({@code FILE:LINE: field: message})
     */
    void printAll(boolean live) {
        check(settings.folder());
        discover();
        for (Tail t : tails.values()) {
            t.read(true, live ? End.SKIP_MALFORMED : End.TAKE);
        }
        drain();
    }

    /** What a read does with a last line not ended by a newline. */
    private enum End { WAIT, TAKE, SKIP_MALFORMED }

    /**
     * Follows the folder until {@link #stop()} or until {@code keepGoing} says no (asked about once a second), then
     * reads what is left and prints it. Blocks.
     */
    void follow(BooleanSupplier keepGoing) {
        check(settings.folder());
        long nextCheck = nanoTime.getAsLong() + TimeUnit.SECONDS.toNanos(1);
        while (true) {
            poll();
            try {
                if (stopped.await(POLL_MS, TimeUnit.MILLISECONDS)) break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (nanoTime.getAsLong() - nextCheck >= 0) {
                nextCheck = nanoTime.getAsLong() + TimeUnit.SECONDS.toNanos(1);
                if (!keepGoing.getAsBoolean()) break;
            }
        }
        discover();
        for (Tail t : tails.values()) t.read(false, End.TAKE);
        drain();
    }

    /** Ends {@link #follow} (from any thread). */
    void stop() {
        stopped.countDown();
    }

    /** One round of following: new folders and files, new complete lines, and the lines held long enough. */
    void poll() {
        discover();
        for (Tail t : tails.values()) t.read(false, End.WAIT);
        long now = nanoTime.getAsLong();
        long delay = TimeUnit.MILLISECONDS.toNanos(settings.mergeDelayMs());
        // the latest (in merge order) of the records held for the merge delay: it and every record before it go out
        WatchLine upTo = null;
        while (!byArrival.isEmpty() && now - byArrival.peek().readNanos >= delay) {
            Held h = byArrival.poll();
            if (!h.printed && (upTo == null || WatchLine.compare(h.line, upTo) > 0)) upTo = h.line;
        }
        if (upTo == null) return;
        while (!held.isEmpty() && WatchLine.compare(held.peek().line, upTo) <= 0) {
            Held h = held.poll();
            h.printed = true;
            print(h.line);
        }
        sink.flush();
    }

    private void drain() {
        while (!held.isEmpty()) print(held.poll().line);
        byArrival.clear();
        sink.flush();
    }

    private void print(WatchLine l) {
        sink.line(l.format(nodeWidth, settings.zone(), settings.colour()));
    }

    /** Finds node folders and their files not yet read. */
    private void discover() {
        for (Path dir : nodeFolders(settings.folder())) {
            String node = dir.getFileName().toString();
            if (!settings.nodes().isEmpty() && !settings.nodes().contains(node)) continue;
            nodeWidth = Math.max(nodeWidth, node.length());
            add(dir.resolve(EVENTS_FILE), node, WatchLine.EVENTS);
            if (settings.membership()) add(dir.resolve(MEMBERSHIP_FILE), node, WatchLine.MEMBERSHIP);
        }
    }

    private void add(Path file, String node, int source) {
        if (!tails.containsKey(file) && Files.isRegularFile(file)) tails.put(file, new Tail(file, node, source));
    }

    /** A record read: filtered, then de-duplicated, then held for the merge. */
    private void accept(WatchLine l) {
        if (!settings.pools().isEmpty() && (l.pool() == null || !settings.pools().contains(l.pool()))) return;
        if (!settings.kinds().isEmpty() && settings.kinds().stream().noneMatch(k -> l.type().startsWith(k))) return;
        // the k-th copy of a record in one node's files is printed only when no node's files had k copies before:
        // a record written by several nodes prints once, a record one node wrote twice prints twice
        int k = perNode.merge(l.node() + '\u0000' + l.key(), 1, Integer::sum);
        if (printed.getOrDefault(l.key(), 0) >= k) return;
        printed.put(l.key(), k);
        Held h = new Held(l, nanoTime.getAsLong());
        held.add(h);
        byArrival.add(h);
    }

    /** One file being read: where it is, and the start of a line not yet ended. */
    private final class Tail {
        private final Path file;
        private final String node;
        private final int source;
        private long offset;
        private long lineNo;
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        private int warnings;

        Tail(Path file, String node, int source) {
            this.file = file;
            this.node = node;
            this.source = source;
        }

        /**
         * Reads what was appended since the last read. Complete lines are parsed; an unended last line waits for the
         * rest, or is taken as it is ({@code end}). Malformed lines throw when {@code strict}, else are warned about.
         */
        void read(boolean strict, End end) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = ch.size();
                if (size < offset) { // truncated or replaced: start again
                    sink.warning(file + ": warning: the file got shorter; reading it again from the start");
                    offset = 0;
                    lineNo = 0;
                    partial.reset();
                }
                ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
                while (offset < size) {
                    buf.clear();
                    int n = ch.read(buf, offset);
                    if (n <= 0) break;
                    offset += n;
                    byte[] a = buf.array();
                    int from = 0;
                    for (int i = 0; i < n; i++) {
                        if (a[i] == '\n') {
                            partial.write(a, from, i - from);
                            line(strict, false);
                            from = i + 1;
                        }
                    }
                    partial.write(a, from, n - from);
                }
            } catch (NoSuchFileException e) {
                return; // removed meanwhile: nothing more from it
            } catch (IOException e) {
                if (strict) throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage());
                warn(file + ": warning: cannot read: " + e.getMessage());
                return;
            }
            if (end != End.WAIT && partial.size() > 0) line(strict, end == End.SKIP_MALFORMED);
        }

        private void line(boolean strict, boolean skipMalformed) {
            lineNo++;
            String text = partial.toString(StandardCharsets.UTF_8);
            partial.reset();
            if (text.isBlank()) return;
            try {
                accept(WatchLine.parse(text, file.toString(), lineNo, node, source, seq++));
            } catch (WatchLine.Malformed m) {
                if (skipMalformed) return; // the line nodes are still writing
                if (strict) throw new InvalidInputException(m.problem);
                Problem p = m.problem;
                warn(Problem.warning(p.origin(), p.field(), p.message() + "; line skipped").format());
            }
        }

        private void warn(String w) {
            warnings++;
            if (warnings <= WARNINGS_PER_FILE) sink.warning(w);
            if (warnings == WARNINGS_PER_FILE) {
                sink.warning(file + ": warning: " + WARNINGS_PER_FILE + " problems; more in this file are skipped without a word");
            }
        }
    }
}
