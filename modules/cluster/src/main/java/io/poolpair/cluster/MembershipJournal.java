package io.poolpair.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Where a node's membership events go: its {@code cluster.jsonl}, a readable line through SLF4J (logger
 * {@code poolpair.cluster}), and any listeners. Thread-safe; every destination sees the events in the same order.
 */
public final class MembershipJournal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("poolpair.cluster");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BufferedWriter out;
    private final List<Consumer<MembershipEvent>> listeners = new CopyOnWriteArrayList<>();
    private boolean closed;

    /** @param file the {@code cluster.jsonl} to write (created or truncated), or null for none */
    public MembershipJournal(Path file) {
        try {
            this.out = file == null ? null : Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void subscribe(Consumer<MembershipEvent> listener) { listeners.add(listener); }

    public void unsubscribe(Consumer<MembershipEvent> listener) { listeners.remove(listener); }

    public synchronized void publish(MembershipEvent e) {
        if (out != null && !closed) {
            try {
                out.write(toLine(e));
                out.write('\n');
                out.flush();
            } catch (IOException ex) {
                LOG.error("cannot write cluster.jsonl: {}", ex.getMessage());
            }
        }
        if (e.warning()) LOG.warn(e.line());
        else LOG.info(e.line());
        for (Consumer<MembershipEvent> l : listeners) {
            try {
                l.accept(e);
            } catch (RuntimeException ex) {
                LOG.warn("membership listener failed: {}", ex.toString());
            }
        }
    }

    /** The JSON line of an event (docs/cluster.md#clusterjsonl); fields in a fixed order. */
    public static String toLine(MembershipEvent e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("schema", MembershipEvent.SCHEMA_VERSION);
        o.put("type", e.type());
        o.put("wallTime", Instant.ofEpochMilli(e.wallMs()).toString());
        o.put("wallMs", e.wallMs());
        o.put("observer", e.observer());
        o.put("observerSite", e.observerSite());
        o.put("node", e.node());
        o.put("site", e.site());
        o.put("address", e.address());
        o.put("status", e.status());
        o.put("detail", e.detail());
        o.put("text", e.text());
        try {
            return JSON.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // nothing more to write
            }
        }
    }
}
