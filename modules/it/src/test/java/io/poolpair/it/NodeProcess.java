package io.poolpair.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code poolpair node} JVM started by a test: its output lines (kept, copied to a log file, and announced to the
 * cluster's monitor as they come), its HTTP port once it prints it, and signals by PID.
 */
final class NodeProcess {

    /** {@code [OBSERVER SITE] TYPE NODE (SITE) ...}: a membership line (MembershipEvent.line()). */
    static final Pattern MEMBERSHIP = Pattern.compile("\\[(\\S+) (\\S+)\\] ([a-z-]+) (\\S+)(?: \\((\\S+)\\))?(.*)$");
    private static final Pattern HTTP = Pattern.compile("^poolpair node \\S+ \\(site \\S+\\): cluster \\S+, http (http://\\S+), pid");

    /** A membership line as one node printed it. */
    record Seen(String observer, String type, String node, String site, String rest) {}

    final String name;
    final String site;
    final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Runnable changed;
    private volatile String httpUrl;

    NodeProcess(String name, String site, List<String> command, Path log, Runnable changed) throws IOException {
        this.name = name;
        this.site = site;
        this.changed = changed;
        this.process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> read(log), "output of " + name);
        reader.setDaemon(true);
        reader.start();
    }

    private void read(Path log) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                Matcher m = HTTP.matcher(line);
                if (m.find()) httpUrl = m.group(1);
                synchronized (lines) {
                    lines.add(line);
                }
                changed.run();
            }
        } catch (IOException e) {
            // the process is gone
        }
        changed.run();
    }

    long pid() { return process.pid(); }

    /** The node's HTTP address, once it has printed it. */
    Optional<String> http() { return Optional.ofNullable(httpUrl); }

    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** Every membership line this node printed, in order. */
    List<Seen> seen() {
        List<Seen> out = new ArrayList<>();
        for (String l : lines()) {
            Matcher m = MEMBERSHIP.matcher(l);
            if (m.find()) out.add(new Seen(m.group(1), m.group(3), m.group(4), m.group(5), m.group(6)));
        }
        return out;
    }

    /** The position of the first membership line of {@code type} about {@code node}, or -1. */
    int indexOf(String type, String node) {
        List<Seen> s = seen();
        for (int i = 0; i < s.size(); i++) if (s.get(i).type().equals(type) && node.equals(s.get(i).node())) return i;
        return -1;
    }

    boolean saw(String type, String node) { return indexOf(type, node) >= 0; }

    boolean printed(String text) { return lines().stream().anyMatch(l -> l.contains(text)); }

    /** Sends a signal by PID (STOP, CONT, KILL, TERM), with the shell's kill (no procps needed). */
    void signal(String signal) throws IOException, InterruptedException {
        if (!signal.matches("[A-Z]+")) throw new IllegalArgumentException("signal " + signal);
        Process kill = new ProcessBuilder("sh", "-c", "kill -" + signal + " " + pid()).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + pid() + " failed");
        }
    }

    /** Ends the process, whatever its state (a stopped JVM is continued first so that nothing is left frozen). */
    void destroy() {
        if (!process.isAlive()) return;
        try {
            signal("CONT");
        } catch (IOException | InterruptedException | IllegalStateException e) {
            // it is killed below anyway
        }
        process.destroyForcibly();
        try {
            process.waitFor(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() { return name + " (" + site + ", PID " + pid() + ")"; }
}
