package io.poolpair.runtime.journal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.poolpair.model.history.HistoryRecord;
import io.poolpair.model.history.HistoryRecord.ClientOp;
import io.poolpair.model.history.HistoryRecord.Header;
import io.poolpair.model.history.HistoryRecord.ModelFact;
import io.poolpair.model.history.HistoryRecord.Nemesis;
import io.poolpair.model.history.HistoryRecord.Type;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The JSON-lines codec of {@code history.jsonl} (docs/history.md): one object per line, written and read with
 * Jackson's streaming API so that a history of millions of lines is never held in memory.
 */
public final class HistoryJson {

    private static final JsonFactory JSON = new JsonFactory();

    private HistoryJson() {}

    /** Writes one record as one line (with its newline). */
    public static void write(Writer out, HistoryRecord r) throws IOException {
        JsonGenerator g = JSON.createGenerator(out);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.writeStartObject();
        if (r instanceof Header h) {
            g.writeStringField("type", "header");
                g.writeNumberField("format", h.format());
                g.writeStringField("scenario", h.scenario());
                g.writeNumberField("seed", h.seed());
                g.writeNumberField("syncIntervalMs", h.syncIntervalMs());
                g.writeNumberField("rpoSlackMs", h.rpoSlackMs());
                g.writeNumberField("timeScale", h.timeScale());
                g.writeStringField("clock", h.clock());
        } else if (r instanceof ClientOp o) {
                g.writeStringField("type", o.type().label());
                g.writeStringField("process", o.user());
                g.writeStringField("home", o.home());
                g.writeStringField("f", o.f());
                if (o.read() != null) {
                    g.writeFieldName("value");
                    g.writeArray(o.read(), 0, o.read().length);
                } else if (o.write() >= 0) {
                    g.writeNumberField("value", o.write());
                }
                if (o.pool() != null) g.writeStringField("pool", o.pool());
                if (o.server() != null) g.writeStringField("server", o.server());
                if (o.group() >= 0) g.writeNumberField("group", o.group());
                if (o.epoch() >= 0) g.writeNumberField("epoch", o.epoch());
                if (o.error() != null) g.writeStringField("error", o.error());
                if (o.refused()) g.writeBooleanField("refused", true);
                if (o.servedMs() >= 0) g.writeNumberField("served", o.servedMs());
        } else if (r instanceof Nemesis n) {
                g.writeStringField("type", n.type().label());
                g.writeStringField("process", "nemesis");
                g.writeStringField("category", n.category().label());
                g.writeStringField("f", n.f());
                if (n.target() != null) g.writeStringField("value", n.target());
                if (n.detail() != null) g.writeStringField("detail", n.detail());
        } else if (r instanceof ModelFact m) {
                g.writeStringField("type", "info");
                g.writeStringField("process", "model");
                g.writeStringField("f", m.f());
                if (m.pool() != null) g.writeStringField("pool", m.pool());
                if (m.home() != null) g.writeStringField("home", m.home());
                if (m.group() >= 0) g.writeNumberField("group", m.group());
                if (m.fromMs() >= 0) g.writeNumberField("fromMs", m.fromMs());
                if (m.detail() != null) g.writeStringField("detail", m.detail());
        }
        g.writeNumberField("em", r.emulatedMs());
        g.writeNumberField("wall", r.wallMs());
        g.writeEndObject();
        g.close();
        out.write('\n');
    }

    public static String toLine(HistoryRecord r) {
        StringWriter w = new StringWriter();
        try {
            write(w, r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString().stripTrailing();
    }

    /** A record from one line; {@link IllegalArgumentException} naming the field when the line is not one. */
    public static HistoryRecord parse(String line) {
        try (JsonParser p = JSON.createParser(line)) {
            return read(p);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON object: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static HistoryRecord read(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) throw new IllegalArgumentException("not a JSON object");
        return readObject(p);
    }

    /** The record whose START_OBJECT the parser has just read. */
    private static HistoryRecord readObject(JsonParser p) throws IOException {
        String type = null, process = null, home = null, f = null, pool = null, server = null, error = null, category = null;
        String detail = null, valueText = null, scenario = null, clock = null;
        long value = -1, served = -1, em = 0, wall = 0, epoch = -1, fromMs = -1, seed = 0, sync = -1, slack = 0;
        long[] read = null;
        int group = -1, format = 0;
        double timeScale = 1;
        boolean refused = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "type" -> type = p.getText();
                case "process" -> process = p.getText();
                case "home" -> home = p.getText();
                case "f" -> f = p.getText();
                case "pool" -> pool = p.getText();
                case "server" -> server = p.getText();
                case "error" -> error = p.getText();
                case "category" -> category = p.getText();
                case "detail" -> detail = p.getText();
                case "scenario" -> scenario = p.getText();
                case "clock" -> clock = p.getText();
                case "value" -> {
                    if (t == JsonToken.START_ARRAY) {
                        long[] buf = new long[16];
                        int n = 0;
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            if (n == buf.length) buf = Arrays.copyOf(buf, n * 2);
                            buf[n++] = p.getLongValue();
                        }
                        read = Arrays.copyOf(buf, n);
                    } else if (t == JsonToken.VALUE_NUMBER_INT) {
                        value = p.getLongValue();
                    } else {
                        valueText = p.getText();
                    }
                }
                case "group" -> group = p.getIntValue();
                case "epoch" -> epoch = p.getLongValue();
                case "fromMs" -> fromMs = p.getLongValue();
                case "refused" -> refused = p.getBooleanValue();
                case "served" -> served = p.getLongValue();
                case "em" -> em = p.getLongValue();
                case "wall" -> wall = p.getLongValue();
                case "format" -> format = p.getIntValue();
                case "seed" -> seed = p.getLongValue();
                case "syncIntervalMs" -> sync = p.getLongValue();
                case "rpoSlackMs" -> slack = p.getLongValue();
                case "timeScale" -> timeScale = p.getDoubleValue();
                default -> p.skipChildren();
            }
        }
        if (type == null) throw new IllegalArgumentException("type: missing");
        if (type.equals("header")) return new Header(format, scenario, seed, sync, slack, timeScale, clock, em, wall);
        if (process == null) throw new IllegalArgumentException("process: missing");
        if (f == null) throw new IllegalArgumentException("f: missing");
        Type ty;
        try {
            ty = Type.of(type);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("type: '" + type + "' is not one of header, invoke, ok, fail, info");
        }
        return switch (process) {
            case "model" -> new ModelFact(f, pool, home, group, fromMs, detail, em, wall);
            case "nemesis" -> {
                if (category == null) throw new IllegalArgumentException("category: missing");
                HistoryRecord.Nemesis.Category c;
                try {
                    c = HistoryRecord.Nemesis.Category.of(category);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("category: '" + category + "' is not one of fault, heal, admin");
                }
                yield new Nemesis(ty, c, f, valueText, detail, em, wall);
            }
            default -> new ClientOp(ty, process, home, f, value, read, pool, server, group, epoch, error, refused, served, em, wall);
        };
    }

    /**
     * Reads a history file lazily, one record at a time, with one streaming parser over the whole file (no line
     * is held as a string). A bad record stops the iteration with an {@link IllegalArgumentException} naming
     * the file, the line and the field.
     */
    public static Reader open(Path file) throws IOException {
        return new Reader(file, JSON.createParser(new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)));
    }

    /** An iterator over a history file; close it when done. */
    public static final class Reader implements Iterator<HistoryRecord>, AutoCloseable {
        private final Path file;
        private final JsonParser in;
        private HistoryRecord next;
        private boolean done;

        Reader(Path file, JsonParser in) {
            this.file = file;
            this.in = in;
        }

        @Override
        public boolean hasNext() {
            if (next != null) return true;
            if (done) return false;
            int line = in.currentLocation().getLineNr();
            try {
                JsonToken t = in.nextToken();
                if (t == null) {
                    done = true;
                    return false;
                }
                line = in.currentLocation().getLineNr();
                if (t != JsonToken.START_OBJECT) throw new IllegalArgumentException("not a JSON object");
                next = readObject(in);
                return true;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException(file + ":" + e.getLocation().getLineNr() + ": not JSON: " + e.getOriginalMessage());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ":" + line + ": " + e.getMessage());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public HistoryRecord next() {
            if (!hasNext()) throw new NoSuchElementException();
            HistoryRecord r = next;
            next = null;
            return r;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
