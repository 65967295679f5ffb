package io.poolpair.runtime.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.poolpair.model.event.EventTypes;
import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.PoolQuorumRegained;
import io.poolpair.model.event.FailoverEvent.PrimaryMoved;
import io.poolpair.model.event.FailoverEvent.PrimarySteppedDown;
import io.poolpair.model.event.FailoverEvent.RoutingGroupLost;
import io.poolpair.model.event.FailoverEvent.RunMarker;
import io.poolpair.model.event.FailoverEvent.ServerDown;
import io.poolpair.model.event.FailoverEvent.ServerUp;
import io.poolpair.model.event.Where;
import io.poolpair.model.time.Time;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The events.jsonl format (one flat JSON object per line) and the order in which the bus writes it. */
@ExtendWith(LogCapturingExtension.class)
class EventJsonTest {

    /** An independent reader, as a script reading events.jsonl would have. */
    private static final ObjectMapper READER = new ObjectMapper();

    private static final Time T = new Time(1_700_000_000_123L, 65_400L);
    private static final Where SERVER = Where.server("site-a", "pool-a", "fe1");
    private static final Where GROUP_ON_SERVER = Where.groupOnServer("site-a", "pool-a", "fe2", 7);
    private static final Where GROUP = Where.group("site-a", "pool-a", 7);
    private static final Where POOL = Where.pool("site-a", "pool-a");
    private static final Where NOWHERE = new Where(null, null, null, null);

    private static final Where EVERYWHERE = new Where("site-a", "pool-a", "fe2", 7);

    /**
     * One event of every type the model declares, built through its canonical constructor with a sample value
     * per field type, so an event type added to the model is covered here without editing this test.
     */
    private static List<FailoverEvent> everyType() {
        List<FailoverEvent> out = new ArrayList<>();
        for (Class<?> c : FailoverEvent.class.getPermittedSubclasses()) {
            RecordComponent[] rc = c.getRecordComponents();
            assertThat(rc).as("%s is a record", c.getSimpleName()).isNotNull();
            Class<?>[] types = Arrays.stream(rc).map(RecordComponent::getType).toArray(Class<?>[]::new);
            Object[] args = Arrays.stream(rc).map(EventJsonTest::sampleValue).toArray();
            try {
                out.add((FailoverEvent) c.getDeclaredConstructor(types).newInstance(args));
            } catch (ReflectiveOperationException e) {
                throw new AssertionError("cannot build a sample " + c.getSimpleName() + ": " + e, e);
            }
        }
        return out;
    }

    private static Object sampleValue(RecordComponent c) {
        return sampleOf(c.getGenericType(), c.getName(), c);
    }

    /** A sample value of a (possibly generic) field type: lists and maps get two entries of their element type. */
    private static Object sampleOf(Type type, String name, RecordComponent c) {
        if (type instanceof ParameterizedType pt && pt.getRawType() instanceof Class<?> raw) {
            Type[] args = pt.getActualTypeArguments();
            if (List.class.isAssignableFrom(raw)) {
                return List.of(sampleOf(args[0], name + "-1", c), sampleOf(args[0], name + "-2", c));
            }
            if (Map.class.isAssignableFrom(raw)) {
                Map<Object, Object> m = new LinkedHashMap<>();
                m.put(sampleOf(args[0], "fe2", c), sampleOf(args[1], name + "-fe2", c));
                m.put(sampleOf(args[0], "fe3", c), sampleOf(args[1], name + "-fe3", c));
                return m;
            }
        }
        if (type instanceof Class<?> t) {
            if (t == Time.class) return T;
            if (t == Where.class) return EVERYWHERE;
            if (t == String.class) return name + "-value";
            if (t == int.class || t == Integer.class) return 7 + name.length();
            if (t == long.class || t == Long.class) return 65_400L + name.length();
            if (t == double.class || t == Double.class) return 1.5;
            if (t == boolean.class || t == Boolean.class) return true;
            if (t.isEnum()) return t.getEnumConstants()[0];
        }
        throw new AssertionError("EventJsonTest has no sample value for " + type.getTypeName() + " " + c.getName()
                + " of " + c.getDeclaringRecord().getSimpleName() + ": add one to sampleOf");
    }

    /** Every type, plus events whose where and fields hold nulls or text that needs escaping. */
    private static List<FailoverEvent> samples() {
        List<FailoverEvent> out = new ArrayList<>(everyType());
        out.add(new ServerDown(T, SERVER, "heartbeat"));
        out.add(new PrimaryMoved(T, GROUP_ON_SERVER, null, "fe2", 3, "quorum-restored", 150));
        out.add(new RoutingGroupLost(T, GROUP, 150));
        out.add(new PrimarySteppedDown(T, GROUP_ON_SERVER, 2, 3, null));
        out.add(new PoolQuorumRegained(T, POOL, 5, "restart"));
        out.add(new RunMarker(T, NOWHERE, "note", "a \"quoted\" note\nwith a second line"));
        return out;
    }

    @Test
    void everyEventTypeIsKnownToScenarioAwaitsAndEveryAwaitableTypeExists() {
        List<String> types = everyType().stream().map(FailoverEvent::type).toList();
        assertThat(types).doesNotHaveDuplicates();
        assertThat(types).containsExactlyInAnyOrderElementsOf(EventTypes.ALL);
    }

    @Test
    void everyEventIsOneFlatJsonLineWithTimeWhereItsOwnFieldsAndText() throws IOException {
        for (FailoverEvent e : samples()) {
            String line = EventJson.toLine(e);
            assertThat(line).as(e.type()).doesNotContain("\n").doesNotContain("\r");
            JsonNode json = READER.readTree(line);
            assertThat(json.isObject()).isTrue();

            List<String> keys = new ArrayList<>();
            json.fieldNames().forEachRemaining(keys::add);
            assertThat(keys.get(0)).isEqualTo("schema");
            assertThat(keys.get(keys.size() - 1)).isEqualTo("text");
            assertThat(keys).as("keys of %s", e.type()).doesNotHaveDuplicates()
                    .contains("type", "level", "wallTime", "wallMs", "emulatedMs", "site", "pool", "server", "routingGroup")
                    .doesNotContain("time", "where");

            assertThat(json.get("schema").asInt()).isEqualTo(FailoverEvent.SCHEMA_VERSION);
            assertThat(json.get("type").asText()).isEqualTo(e.type());
            assertThat(json.get("level").asText()).isEqualTo(e.level().name());
            assertThat(json.get("wallMs").asLong()).isEqualTo(T.wallMs());
            assertThat(json.get("emulatedMs").asLong()).isEqualTo(T.emulatedMs());
            assertThat(json.get("wallTime").asText()).isEqualTo(Instant.ofEpochMilli(T.wallMs()).toString());
            assertText(json, "site", e.where().site());
            assertText(json, "pool", e.where().pool());
            assertText(json, "server", e.where().server());
            if (e.where().routingGroup() == null) assertThat(json.get("routingGroup").isNull()).isTrue();
            else assertThat(json.get("routingGroup").asInt()).isEqualTo(e.where().routingGroup());

            for (RecordComponent c : e.getClass().getRecordComponents()) {
                if (c.getName().equals("time") || c.getName().equals("where")) continue;
                Object value;
                try {
                    value = c.getAccessor().invoke(e);
                } catch (ReflectiveOperationException ex) {
                    throw new AssertionError(ex);
                }
                assertThat(json.has(c.getName())).as("%s has its field %s", e.type(), c.getName()).isTrue();
                // compared as JSON text: 3 written from a long and read back as an int is the same value
                assertThat(json.get(c.getName()).toString()).as("%s.%s", e.type(), c.getName())
                        .isEqualTo(READER.writeValueAsString(value));
            }
            assertThat(json.get("text").asText()).isEqualTo(e.describe());
        }
    }

    @Test
    void aPrimaryMovedLineReadsAsTheDocumentedFields() throws IOException {
        PrimaryMoved e = new PrimaryMoved(T, GROUP_ON_SERVER, "fe1", "fe2", 3, "failover", 150);
        JsonNode json = READER.readTree(EventJson.toLine(e));
        assertThat(json.get("type").asText()).isEqualTo("primary-moved");
        assertThat(json.get("site").asText()).isEqualTo("site-a");
        assertThat(json.get("pool").asText()).isEqualTo("pool-a");
        assertThat(json.get("server").asText()).isEqualTo("fe2");
        assertThat(json.get("routingGroup").asInt()).isEqualTo(7);
        assertThat(json.get("fromServer").asText()).isEqualTo("fe1");
        assertThat(json.get("toServer").asText()).isEqualTo("fe2");
        assertThat(json.get("epoch").asLong()).isEqualTo(3);
        assertThat(json.get("reason").asText()).isEqualTo("failover");
        assertThat(json.get("users").asInt()).isEqualTo(150);
        assertThat(json.get("text").asText()).isEqualTo("routing group 7 primary fe1 -> fe2 (epoch 3, failover, 150 users)");
    }

    @Test
    void theBusWritesEventsJsonlInPublishOrderAndEachLineIsInTheFileOnceWritten(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("events.jsonl");
        List<FailoverEvent> samples = samples();
        try (EventBus bus = new EventBus(file, false)) {
            for (int i = 0; i < samples.size(); i++) {
                bus.publish(samples.get(i));
                // a reader tailing the file sees each event once the journal's writer has it (awaitWritten waits for
                // that; the writer flushes whenever it has caught up, and at least every 100 ms)
                bus.awaitWritten();
                assertThat(Files.readAllLines(file, StandardCharsets.UTF_8)).hasSize(i + 1);
            }
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(samples.size());
        List<String> types = new ArrayList<>();
        for (String l : lines) types.add(READER.readTree(l).get("type").asText());
        assertThat(types).containsExactlyElementsOf(samples.stream().map(FailoverEvent::type).toList());
    }

    @Test
    void aBurstFromSeveralThreadsLeavesEveryEventInTheFileOnceInTheOrderTheListenersHeard(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.jsonl");
        int threads = 8;
        int each = 2_500;
        List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> fromHistory;
        EventBus bus = new EventBus(file, true);
        // what a listener (a dashboard, the metrics, a scenario await) sees
        bus.subscribe(e -> heard.add(((RunMarker) e).detail()));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                pool.execute(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    for (int i = 0; i < each; i++) bus.publish(new RunMarker(T, NOWHERE, "m", thread + "-" + i));
                });
            }
            go.countDown();
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).as("publishers finished").isTrue();
        }
        fromHistory = bus.history().stream().map(e -> ((RunMarker) e).detail()).toList();
        // close at once, with the writer behind or not: close writes whatever is still queued
        bus.close();
        List<String> fromFile = new ArrayList<>();
        for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            fromFile.add(READER.readTree(l).get("detail").asText());
        }
        assertThat(fromFile).hasSize(threads * each).doesNotHaveDuplicates().containsExactlyElementsOf(fromHistory);
        assertThat(heard).as("listeners hear events in the journal's order").containsExactlyElementsOf(fromFile);
        // and each publisher's own events keep their order
        for (int t = 0; t < threads; t++) {
            String prefix = t + "-";
            List<String> mine = fromFile.stream().filter(d -> d.startsWith(prefix)).toList();
            assertThat(mine).containsExactlyElementsOf(expected(prefix, each));
        }
    }

    private static List<String> expected(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(prefix + i);
        return out;
    }

    @Test
    void anEventPublishedAfterCloseIsNotWrittenAndDoesNotFail(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("events.jsonl");
        EventBus bus = new EventBus(file, false);
        bus.publish(new ServerUp(T, SERVER));
        bus.close();
        bus.publish(new ServerDown(T, SERVER, "terminated"));
        assertThat(Files.readAllLines(file, StandardCharsets.UTF_8)).hasSize(1);
    }

    private static void assertText(JsonNode json, String key, String expected) {
        if (expected == null) assertThat(json.get(key).isNull()).as(key).isTrue();
        else assertThat(json.get(key).asText()).as(key).isEqualTo(expected);
    }
}
