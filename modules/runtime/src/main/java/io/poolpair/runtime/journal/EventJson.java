package io.poolpair.runtime.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.poolpair.model.event.FailoverEvent;

import java.time.Instant;

/**
 * The JSON-lines codec of events (docs/events.md): one flat object per event with {@code schema},
 * {@code type}, {@code level}, {@code wallTime}, {@code wallMs}, {@code emulatedMs}, {@code site},
 * {@code pool}, {@code server}, {@code routingGroup}, the event's own fields, and {@code text}.
 */
public final class EventJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private EventJson() {}

    public static ObjectMapper mapper() { return MAPPER; }

    public static ObjectNode toJson(FailoverEvent e) {
        ObjectNode out = MAPPER.createObjectNode();
        out.put("schema", FailoverEvent.SCHEMA_VERSION);
        out.put("type", e.type());
        out.put("level", e.level().name());
        out.put("wallTime", Instant.ofEpochMilli(e.time().wallMs()).toString());
        out.put("wallMs", e.time().wallMs());
        out.put("emulatedMs", e.time().emulatedMs());
        putOrNull(out, "site", e.where().site());
        putOrNull(out, "pool", e.where().pool());
        putOrNull(out, "server", e.where().server());
        if (e.where().routingGroup() != null) out.put("routingGroup", e.where().routingGroup());
        else out.putNull("routingGroup");
        JsonNode body = MAPPER.valueToTree(e);
        body.fields().forEachRemaining(f -> {
            if (!f.getKey().equals("time") && !f.getKey().equals("where")) out.set(f.getKey(), f.getValue());
        });
        out.put("text", e.describe());
        return out;
    }

    public static String toLine(FailoverEvent e) {
        try {
            return MAPPER.writeValueAsString(toJson(e));
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static void putOrNull(ObjectNode n, String k, String v) {
        if (v == null) n.putNull(k);
        else n.put(k, v);
    }
}
