package io.poolpair.app.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.poolpair.model.event.EventTypes;
import io.poolpair.model.scenario.AdminVerb;
import io.poolpair.model.settings.EmulatorSettings;

import java.nio.file.Path;

/**
 * What {@code GET /api/run} says about the run a dashboard shows, beside what changes (emulated time, events so far).
 *
 * @param mode      {@code live} (a running deployment) or {@code replay} (a finished run folder)
 * @param scenario  the scenario's name, or null when unknown
 * @param runFolder the run folder, or null when the run has none
 * @param clock     {@code wall} or {@code virtual}
 * @param timeScale emulated seconds per wall second
 */
public record RunInfo(String mode, String scenario, String runFolder, String clock, double timeScale) {

    /** A live run of {@code scenario} writing into {@code folder} (either may be null). */
    public static RunInfo live(String scenario, Path folder, EmulatorSettings settings) {
        return new RunInfo("live", scenario, folder == null ? null : folder.toString(), settings.virtualClock() ? "virtual" : "wall",
                settings.timeScale());
    }

    /**
     * The answer: these fields, the emulated time, the number of events so far, whether changes need a token, every event
     * type and every admin verb with its arguments (so the page needs no list of its own).
     */
    ObjectNode toJson(long emulatedMs, long events, boolean tokenRequired) {
        ObjectNode o = StatusJson.JSON.createObjectNode();
        o.put("mode", mode);
        o.put("scenario", scenario);
        o.put("runFolder", runFolder);
        o.put("clock", clock);
        o.put("timeScale", timeScale);
        o.put("emulatedMs", emulatedMs);
        o.put("events", events);
        o.put("tokenRequired", tokenRequired);
        ArrayNode types = o.putArray("eventTypes");
        EventTypes.ALL.forEach(types::add);
        ArrayNode verbs = o.putArray("adminVerbs");
        for (AdminVerb v : AdminVerb.values()) {
            ObjectNode vo = verbs.addObject();
            vo.put("verb", v.label());
            vo.put("target", v.target());
            ArrayNode required = vo.putArray("required");
            v.required().forEach(required::add);
            ArrayNode options = vo.putArray("options");
            v.options().forEach(options::add);
            vo.put("cmdlet", v.cmdlet());
            vo.put("summary", v.summary());
        }
        return o;
    }
}
