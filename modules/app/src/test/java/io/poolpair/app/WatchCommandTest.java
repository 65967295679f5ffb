package io.poolpair.app;

import io.poolpair.cluster.MembershipEvent;
import io.poolpair.cluster.MembershipJournal;
import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.AdminVerbStarted;
import io.poolpair.model.event.FailoverEvent.PrimaryMoved;
import io.poolpair.model.event.FailoverEvent.ServerDown;
import io.poolpair.model.event.FailoverEvent.ServerSuspected;
import io.poolpair.model.event.FailoverEvent.ServerUp;
import io.poolpair.model.event.Where;
import io.poolpair.model.time.Time;
import io.poolpair.runtime.journal.EventBus;
import io.poolpair.runtime.journal.EventJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code poolpair watch}: node files merged by wall time, following appended lines and new node folders, filters,
 * de-duplication, colours, and bad input as one line with exit 2. Events are written with the runtime's own codec
 * ({@link EventJson}), so the files are what nodes write.
 */
class WatchCommandTest {

    private static final String PROBLEM_LINE = "^\\S+:\\d+: \\S+: .+";
    /** Bound of every wait for output while following. */
    private static final long WAIT_S = 20;

    @TempDir
    Path run;

    // ----- fixtures -----

    private static Time at(long wallMs) {
        return new Time(wallMs, wallMs * 40 % 10_000_000);
    }

    private static FailoverEvent down(long wallMs, String server) {
        return new ServerDown(at(wallMs), Where.server("site-a", "pool-a", server), "terminated");
    }

    private static FailoverEvent up(long wallMs, String pool, String server) {
        return new ServerUp(at(wallMs), Where.server(pool.equals("pool-a") ? "site-a" : "site-b", pool, server));
    }

    private static FailoverEvent moved(long wallMs, int group, String from, String to) {
        return new PrimaryMoved(at(wallMs), Where.groupOnServer("site-a", "pool-a", to, group), from, to, 2, "failover", 150);
    }

    private static FailoverEvent suspected(long wallMs, String server) {
        return new ServerSuspected(at(wallMs), Where.server("site-b", "pool-b", server), 2);
    }

    private static FailoverEvent admin(long wallMs) {
        return new AdminVerbStarted(at(wallMs), Where.pool("site-b", "pool-b"), "pool-failover", "pool-a -> pool-b");
    }

    private static String member(long wallMs, String observer, String type, String node) {
        return MembershipJournal.toLine(new MembershipEvent(type, wallMs, observer, "site-a", node, "site-a",
                "pekko://poolpair@127.0.0.1:25522", "Up", null));
    }

    private Path write(String node, String file, String... lines) throws IOException {
        Path dir = Files.createDirectories(run.resolve(node));
        Path f = dir.resolve(file);
        StringBuilder b = new StringBuilder();
        for (String l : lines) b.append(l).append('\n');
        Files.writeString(f, b.toString(), StandardCharsets.UTF_8);
        return f;
    }

    private Path events(String node, FailoverEvent... es) throws IOException {
        String[] lines = new String[es.length];
        for (int i = 0; i < es.length; i++) lines[i] = EventJson.toLine(es[i]);
        return write(node, Watch.EVENTS_FILE, lines);
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** What the console timeline prints for {@code e} after its wall time and level, on node {@code node}. */
    private static String expected(String node, FailoverEvent e) {
        String time = java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC)
                .format(java.time.Instant.ofEpochMilli(e.time().wallMs()));
        return String.format("%-4s %s %-5s %s", node, time, e.level(), EventBus.timelineLine(e));
    }

    private Cli.Outcome watch(String... args) {
        List<String> a = new ArrayList<>(List.of("watch", run.toString(), "--no-follow", "--utc"));
        a.addAll(List.of(args));
        return Cli.run(a.toArray(String[]::new));
    }

    private static void assertOneLineNoStackTrace(Cli.Outcome o) {
        assertThat(o.exit()).as(o.toString()).isEqualTo(2);
        assertThat(o.errLines()).as(o.toString()).hasSize(1);
        assertThat(o.out()).as(o.toString()).isEmpty();
        assertThat(o.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    /** A watch over {@link #run} printing to queues, with a clock the test may drive. */
    private static final class Captured implements Watch.Sink {
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final BlockingQueue<String> warnings = new LinkedBlockingQueue<>();

        @Override
        public void line(String line) { lines.add(line); }

        @Override
        public void warning(String warning) { warnings.add(warning); }

        String next() throws InterruptedException {
            String l = lines.poll(WAIT_S, TimeUnit.SECONDS);
            assertThat(l).as("a line within " + WAIT_S + " s").isNotNull();
            return l;
        }
    }

    private Watch.Settings settings(long mergeDelayMs) {
        return new Watch.Settings(run, false, Set.of(), Set.of(), List.of(), mergeDelayMs, false, ZoneOffset.UTC);
    }

    // ----- merging -----

    @Test
    void twoNodeFilesWrittenOutOfOrderComeOutAsOneTimelineByWallTime() throws IOException {
        FailoverEvent a1 = down(1_000, "a-fe3");
        FailoverEvent a2 = moved(1_005, 3, "a-fe3", "a-fe5");
        FailoverEvent a3 = up(900, "pool-a", "a-fe4"); // stamped before a1 but written after it
        FailoverEvent b1 = suspected(950, "b-fe2");
        FailoverEvent b2 = admin(1_003);
        events("a1", a1, a2, a3);
        events("b1", b1, b2);

        Cli.Outcome o = watch();

        assertThat(o.exit()).as(o.toString()).isZero();
        assertThat(o.err()).isEmpty();
        assertThat(o.out().lines().toList()).containsExactly(
                expected("a1", a3), expected("b1", b1), expected("a1", a1), expected("b1", b2), expected("a1", a2));
        assertThat(o.out().lines().toList().get(2))
                .isEqualTo("a1   00:00:01.000 ERROR    +40.0s  site-a   pool-a   a-fe3 is DOWN (detected by terminated)");
    }

    @Test
    void recordsOfTheSameMillisecondAreOrderedByNodeNameThenAsWritten() throws IOException {
        FailoverEvent x = down(5_000, "a-fe1");
        FailoverEvent y = down(5_000, "a-fe2");
        FailoverEvent z = down(5_000, "a-fe3");
        events("b2", z);
        events("a3", x, y);

        assertThat(watch().out().lines().toList()).containsExactly(expected("a3", x), expected("a3", y), expected("b2", z));
    }

    @Test
    void membershipLinesComeOnlyWithTheOption() throws IOException {
        events("a1", down(2_000, "a-fe3"));
        write("a1", Watch.MEMBERSHIP_FILE, member(1_000, "a1", "member-unreachable", "a3"));

        assertThat(watch().out().lines().toList()).hasSize(1);
        List<String> both = watch("--membership").out().lines().toList();
        assertThat(both).hasSize(2);
        assertThat(both.get(0)).isEqualTo("a1   00:00:01.000 WARN    cluster  site-a            a3 (site-a) is UNREACHABLE");
    }

    // ----- following -----

    @Test
    void followingPrintsLinesAppendedLaterAndNodeFoldersThatAppearLater() throws Exception {
        Path a = events("a1", down(1_000, "a-fe3"));
        Captured out = new Captured();
        Watch w = new Watch(settings(50), out);
        Thread t = new Thread(() -> w.follow(() -> true), "watch-test");
        t.start();
        try {
            assertThat(out.next()).startsWith("a1   00:00:01.000 ERROR");

            // a line written in two pieces: nothing of it before its newline, then the whole line once
            String line = EventJson.toLine(moved(1_100, 3, "a-fe3", "a-fe5"));
            append(a, line.substring(0, 40));
            append(a, line.substring(40) + "\n");
            assertThat(out.next()).contains("routing group 3 primary a-fe3 -> a-fe5");

            // a node folder made after the watch started
            events("b1", suspected(1_200, "b-fe2"));
            assertThat(out.next()).startsWith("b1   00:00:01.200 WARN").contains("b-fe2 suspected");

            // a malformed line: one warning, skipped; the next line still comes
            append(a, "{\"schema\":1,\"type\":\"server-up\",\"text\":\"x\"}\n");
            append(a, EventJson.toLine(up(1_300, "pool-a", "a-fe3")) + "\n");
            assertThat(out.next()).contains("a-fe3 is UP");
            assertThat(out.warnings.poll(WAIT_S, TimeUnit.SECONDS)).isEqualTo(a + ":3: warning: wallMs: missing; line skipped");
        } finally {
            w.stop();
            t.join(TimeUnit.SECONDS.toMillis(WAIT_S));
        }
        assertThat(t.isAlive()).isFalse();
        assertThat(out.lines).isEmpty();
        assertThat(out.warnings).isEmpty();
    }

    @Test
    void whileFollowingLinesAreHeldForTheMergeDelaySoOtherNodesCatchUp() throws IOException {
        AtomicLong nanos = new AtomicLong();
        Captured out = new Captured();
        Watch w = new Watch(settings(300), out, nanos::get);
        events("b1", down(2_000, "a-fe2"));
        Path a = events("a1");

        w.poll();
        assertThat(out.lines).as("held for the merge delay").isEmpty();

        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(200));
        append(a, EventJson.toLine(down(1_990, "a-fe1")) + "\n"); // earlier, but read later
        append(a, EventJson.toLine(down(2_010, "a-fe3")).substring(0, 30)); // half a line
        w.poll();
        assertThat(out.lines).isEmpty();

        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(100)); // b1's line is 300 ms old: it and what sorts before it
        w.poll();
        assertThat(new ArrayList<>(out.lines)).hasSize(2);
        assertThat(out.lines.poll()).contains("a-fe1 is DOWN").startsWith("a1 ");
        assertThat(out.lines.poll()).contains("a-fe2 is DOWN").startsWith("b1 ");
        assertThat(out.warnings).as("half a line is no problem").isEmpty();
    }

    // ----- filters -----

    @Test
    void filtersByNodePoolAndKind() throws IOException {
        events("a1", down(1_000, "a-fe3"), moved(1_001, 3, "a-fe3", "a-fe5"));
        events("b1", suspected(1_002, "b-fe2"), admin(1_003), up(1_004, "pool-b", "b-fe2"));
        write("b1", Watch.MEMBERSHIP_FILE, member(1_005, "b1", "member-up", "b2"));

        assertThat(watch("--node", "b1").out().lines().toList()).hasSize(3).allMatch(l -> l.startsWith("b1 "));
        assertThat(watch("--node", "a1", "--node", "b1").out().lines().toList()).hasSize(5);
        assertThat(watch("--pool", "pool-a", "--membership").out().lines().toList()).hasSize(2)
                .allMatch(l -> l.contains("pool-a"));
        assertThat(watch("--kind", "server-").out().lines().toList()).hasSize(3)
                .anyMatch(l -> l.contains("DOWN")).anyMatch(l -> l.contains("suspected")).anyMatch(l -> l.contains("UP"));
        assertThat(watch("--kind", "admin-verb,member-", "--membership").out().lines().toList()).hasSize(2)
                .anyMatch(l -> l.contains("admin: pool-failover")).anyMatch(l -> l.contains("cluster"));
    }

    // ----- de-duplication -----

    @Test
    void aRecordInSeveralNodesFilesPrintsOnceButTwoEqualRecordsOfOneNodePrintTwice() throws IOException {
        FailoverEvent shared = moved(3_000, 7, "a-fe1", "a-fe2"); // a pool supervisor that moved from a2 to a3
        FailoverEvent twice = up(3_500, "pool-a", "a-fe1");
        events("a2", down(2_000, "a-fe1"), shared);
        events("a3", shared, twice, twice);

        List<String> lines = watch().out().lines().toList();

        assertThat(lines).containsExactly(expected("a2", down(2_000, "a-fe1")), expected("a2", shared),
                expected("a3", twice), expected("a3", twice));
    }

    @Test
    void recordsWithAnIdAreTheSameRecordWhenTheirIdsAre() throws IOException {
        write("a1", Watch.EVENTS_FILE, "{\"schema\":1,\"id\":\"e-7\",\"type\":\"server-up\",\"level\":\"INFO\",\"wallMs\":1000,"
                + "\"site\":\"site-a\",\"pool\":\"pool-a\",\"text\":\"a-fe1 is UP\"}");
        write("a2", Watch.EVENTS_FILE, "{\"schema\":1,\"id\":\"e-7\",\"type\":\"server-up\",\"level\":\"INFO\",\"wallMs\":1000,"
                + "\"site\":\"site-a\",\"pool\":\"pool-a\",\"text\":\"a-fe1 is UP\",\"extra\":1}");

        assertThat(watch().out().lines().toList()).hasSize(1);
    }

    // ----- colours -----

    @Test
    void coloursBySeverityAndKindAndNoneWithNoColor() throws IOException {
        events("a1", down(1_000, "a-fe3"), moved(1_001, 3, "a-fe3", "a-fe5"), suspected(1_002, "b-fe2"), admin(1_003),
                new FailoverEvent.LoadRedistributed(at(1_004), Where.pool("site-a", "pool-a"), "servers", java.util.Map.of("a-fe1", 5), "rebalance"));
        write("a1", Watch.MEMBERSHIP_FILE, member(1_005, "a1", "member-up", "a2"));

        List<String> lines = watch("--membership", "--color").out().lines().toList();
        assertThat(lines).hasSize(6);
        assertThat(lines.get(0)).startsWith("a1   " + WatchLine.RED).endsWith(WatchLine.RESET);
        assertThat(lines.get(1)).startsWith("a1   " + WatchLine.GREEN);
        assertThat(lines.get(2)).startsWith("a1   " + WatchLine.YELLOW);
        assertThat(lines.get(3)).startsWith("a1   " + WatchLine.CYAN);
        assertThat(lines.get(4)).doesNotContain("\u001b[");
        assertThat(lines.get(5)).startsWith("a1   " + WatchLine.DIM);

        assertThat(watch("--membership", "--no-color").out()).doesNotContain("\u001b[");
        assertThat(watch("--membership").out()).as("not a terminal").doesNotContain("\u001b[");
    }

    // ----- live runs -----

    @Test
    void aRunIsLiveWhileANodeProcessOfItRuns() throws IOException {
        events("a1");
        assertThat(WatchCommand.live(run)).isFalse();
        write("a1", Watch.NODE_FILE, "{\"node\":\"a1\",\"pid\":" + ProcessHandle.current().pid() + "}");
        assertThat(WatchCommand.live(run)).isTrue();
    }

    // ----- bad input -----

    @Test
    void aMissingFolderIsOneLine() {
        Cli.Outcome o = Cli.run("watch", run.resolve("nope").toString(), "--no-follow");
        assertOneLineNoStackTrace(o);
        assertThat(o.errLines().get(0)).isEqualTo("poolpair: " + run.resolve("nope") + ": no such folder (give the folder"
                + " of a cluster run, such as runs/cluster/latest, which scripts/cluster up makes)");
    }

    @Test
    void aFolderWithoutNodeFoldersIsOneLine() throws IOException {
        Files.createDirectories(run.resolve("empty-sub"));
        Files.writeString(run.resolve(Watch.EVENTS_FILE), "");
        Cli.Outcome o = Cli.run("watch", run.toString());
        assertOneLineNoStackTrace(o);
        assertThat(o.errLines().get(0)).startsWith("poolpair: " + run + ": no node folders (no sub-folder with events.jsonl");
    }

    @Test
    void aMalformedLineIsOneLineNamingFileLineAndField() throws IOException {
        Path f = write("b1", Watch.EVENTS_FILE, EventJson.toLine(down(1_000, "a-fe1")),
                "{\"schema\":1,\"type\":\"server-up\",\"wallMs\":\"soon\",\"text\":\"x\"}");
        events("a1", down(900, "a-fe2"));

        Cli.Outcome o = watch();
        assertOneLineNoStackTrace(o);
        assertThat(o.errLines().get(0)).matches(PROBLEM_LINE).isEqualTo(f + ":2: wallMs: not a whole number: \"soon\"");

        write("b1", Watch.EVENTS_FILE, "not json at all");
        o = watch();
        assertOneLineNoStackTrace(o);
        assertThat(o.errLines().get(0)).matches(PROBLEM_LINE).startsWith(f + ":1: json: not JSON: ");

        write("b1", Watch.EVENTS_FILE, "{\"schema\":1,\"type\":\"server-up\",\"wallMs\":5,\"level\":\"LOUD\",\"text\":\"x\"}");
        assertThat(watch().errLines()).containsExactly(f + ":1: level: is 'LOUD', not INFO, WARN or ERROR");
    }

    @Test
    void badOptionsAreOneLine() throws IOException {
        events("a1", down(1_000, "a-fe1"));
        Cli.Outcome o = watch("--node", "c9");
        assertOneLineNoStackTrace(o);
        assertThat(o.errLines().get(0)).isEqualTo("poolpair: --node: no node folder 'c9' in " + run + " (nodes: a1)");

        o = watch("--kind", "sever");
        assertOneLineNoStackTrace(o);
        assertThat(o.errLines().get(0)).startsWith("poolpair: --kind: 'sever' starts no event or membership type");

        assertOneLineNoStackTrace(watch("--merge-delay", "-1"));
    }
}
