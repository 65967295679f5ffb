package io.poolpair.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.poolpair.app.Cli;
import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.RunMarker;
import io.poolpair.model.event.Where;
import io.poolpair.runtime.deploy.EmbeddedDeployment;
import io.poolpair.runtime.journal.EventBus;
import io.poolpair.runtime.journal.EventJson;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.SinkQueueWithCancel;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/events} as a client reads it with java.net.http: every event in order with its index, resumed after
 * {@code Last-Event-ID}; a client that falls behind is told to resync instead of holding up the publisher; and the same
 * stream over a finished run folder ({@code poolpair replay}).
 */
@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventStreamTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long WAIT_S = 30;

    private EventBus bus;
    private LiveDeployment live;
    private EmbeddedDeployment deployment;
    private ControlPlane controlPlane;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One Server-Sent Event as the wire carries it. */
    record Message(String id, String event, String data) {}

    @BeforeAll
    void start() throws Exception {
        live = LiveDeployment.start();
        bus = live.bus();
        deployment = live.deployment();
        CompletableFuture<Long> healthy = live.healthy();
        controlPlane = ControlPlane.start(deployment, healthy, ControlPlane.Settings.loopback(0));
        live.awaitHealthy();
    }

    @AfterAll
    void stop() {
        if (controlPlane != null) controlPlane.close();
        if (live != null) live.close();
    }

    @Test
    void aSubscriberGetsEveryEventInOrderPastThenLiveAndResumesAfterLastEventId() throws Exception {
        List<Message> got = new ArrayList<>();
        try (Subscription sub = subscribe("/api/events?from=0", null)) {
            assertThat(sub.contentType()).startsWith("text/event-stream");
            for (int i = 0; i < 300; i++) bus.publish(marker("sse-test " + i));
            got.addAll(sub.until(m -> m.data().contains("\"detail\":\"sse-test 299\"")));
        }
        List<FailoverEvent> history = bus.history();
        for (int i = 0; i < got.size(); i++) {
            Message m = got.get(i);
            assertThat(m.id()).as("message %d", i).isEqualTo(String.valueOf(i));
            assertThat(m.event()).isEqualTo(history.get(i).type());
            assertThat(m.data()).isEqualTo(EventJson.toLine(history.get(i)));
        }
        int resumeAfter = indexOf(got, "sse-test 149");
        assertThat(resumeAfter).isPositive();

        // a browser reconnecting sends the last id it saw, with the URL it first used: Last-Event-ID wins over from
        try (Subscription sub = subscribe("/api/events?from=0", String.valueOf(resumeAfter))) {
            List<Message> resumed = sub.until(m -> m.data().contains("\"detail\":\"sse-test 299\""));
            assertThat(resumed.get(0).id()).isEqualTo(String.valueOf(resumeAfter + 1));
            assertThat(resumed.get(0).data()).contains("sse-test 150");
            assertThat(resumed.stream().filter(m -> m.data().contains("\"detail\":\"sse-test "))).hasSize(150);
            for (int i = 0; i < resumed.size(); i++) {
                assertThat(resumed.get(i).id()).isEqualTo(String.valueOf(resumeAfter + 1 + i));
                assertThat(resumed.get(i).data()).isEqualTo(EventJson.toLine(history.get(resumeAfter + 1 + i)));
            }
        }

        // from an index not published yet: nothing until it comes, then from there on
        int next = bus.size() + 2;
        try (Subscription sub = subscribe("/api/events?from=" + next, null)) {
            for (int i = 0; i < 5; i++) bus.publish(marker("later " + i));
            List<Message> later = sub.until(m -> m.data().contains("\"detail\":\"later 4\""));
            assertThat(later).extracting(Message::id).first().isEqualTo(String.valueOf(next));
            assertThat(later.get(0).data()).isEqualTo(EventJson.toLine(bus.history().get(next)));
        }
    }

    @Test
    void aBadIndexIs400WithOneLine() throws Exception {
        for (String query : List.of("?from=-1", "?from=abc", "?from=99999999999")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(controlPlane.url() + "/api/events" + query)).GET()
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(query).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).path("error").asText()).startsWith("from: must be an event index");
            assertThat(r.body().strip().lines().count()).isEqualTo(1);
        }
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(controlPlane.url() + "/api/events"))
                .header("Last-Event-ID", "x").GET().timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("error").asText()).startsWith("Last-Event-ID: must be an event index");
    }

    @Test
    void aClientThatFallsBehindIsToldToResyncAndNeverHoldsUpThePublisher() throws Exception {
        Materializer mat = Materializer.matFromSystem(deployment.system());
        int from = bus.size();
        SinkQueueWithCancel<ServerSentEvent> client = EventStream.live(bus, from, 16).runWith(Sink.queue(), mat);
        // nobody reads: the publisher goes on regardless
        for (int i = 0; i < 500; i++) bus.publish(marker("flood " + i));
        List<ServerSentEvent> got = new ArrayList<>();
        for (Optional<ServerSentEvent> e; (e = client.pull().toCompletableFuture().get(WAIT_S, TimeUnit.SECONDS)).isPresent(); ) {
            got.add(e.get());
        }
        assertThat(got).isNotEmpty();
        ServerSentEvent last = got.get(got.size() - 1);
        assertThat(last.getEventType()).contains("resync");
        JsonNode why = JSON.readTree(last.getData());
        assertThat(why.path("reason").asText()).contains("reload the state");
        assertThat(why.path("at").asInt()).isGreaterThanOrEqualTo(from + 16);
        List<ServerSentEvent> events = got.subList(0, got.size() - 1);
        for (int i = 0; i < events.size(); i++) assertThat(events.get(i).getId()).contains(String.valueOf(from + i));
        assertThat(events.size()).isLessThan(500);
        bus.publish(marker("after the resync"));
    }

    @Test
    void aFinishedRunFolderIsStreamedFromItsFileAndEndsWithTheCount(@TempDir Path dir) throws Exception {
        List<FailoverEvent> history = bus.history().subList(0, 20);
        StringBuilder lines = new StringBuilder();
        for (FailoverEvent e : history) lines.append(EventJson.toLine(e)).append('\n');
        Files.writeString(dir.resolve("events.jsonl"), lines.toString());
        TopologyJson.write(dir, TopologyJson.of(deployment.topology(), deployment.settings()));
        try (ReplayServer replay = ReplayServer.start(dir, "127.0.0.1", 0, ConfigFactory.load())) {
            Subscription sub = new Subscription(replay.url(), "/api/events?from=5", null);
            List<Message> got = sub.until(m -> "end".equals(m.event()));
            sub.close();
            assertThat(got).hasSize(16);
            for (int i = 0; i < 15; i++) {
                assertThat(got.get(i).id()).isEqualTo(String.valueOf(5 + i));
                assertThat(got.get(i).event()).isEqualTo(history.get(5 + i).type());
                assertThat(got.get(i).data()).isEqualTo(EventJson.toLine(history.get(5 + i)));
            }
            assertThat(JSON.readTree(got.get(15).data()).path("events").asInt()).isEqualTo(20);

            JsonNode run = JSON.readTree(get(replay.url() + "/api/run").body());
            assertThat(run.path("mode").asText()).isEqualTo("replay");
            assertThat(run.path("events").asInt()).isEqualTo(20);
            JsonNode topo = JSON.readTree(get(replay.url() + "/api/topology").body());
            assertThat(topo.path("pools").get(0).path("placement")).hasSize(120);
            HttpResponse<String> page = get(replay.url() + "/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<title>Poolpair dashboard</title>");

            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(replay.url() + "/api/faults"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"fault\":\"kill\",\"server\":\"a-fe1\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(JSON.readTree(post.body()).path("error").asText()).contains("a finished run cannot be changed");
        }
    }

    @Test
    void replayOfAFolderThatIsNoRunIsOneLineAndExit2(@TempDir Path dir) throws IOException {
        Cli.Outcome missing = Cli.run("replay", dir.resolve("nowhere").toString());
        assertThat(missing.exit()).as(missing.toString()).isEqualTo(2);
        assertThat(missing.errLines()).singleElement().asString().contains("no such folder");

        Files.writeString(dir.resolve("events.jsonl"), "");
        Cli.Outcome noTopology = Cli.run("replay", dir.toString());
        assertThat(noTopology.exit()).as(noTopology.toString()).isEqualTo(2);
        assertThat(noTopology.errLines()).singleElement().asString().contains("no topology.json");
        for (Cli.Outcome o : List.of(missing, noTopology)) assertThat(o.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private static RunMarker marker(String detail) {
        return new RunMarker(io.poolpair.model.time.Time.ofEmulated(0), new Where(null, null, null, null), "note", detail);
    }

    private static int indexOf(List<Message> got, String detail) {
        for (Message m : got) if (m.data().contains("\"detail\":\"" + detail + "\"")) return Integer.parseInt(m.id());
        return -1;
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private Subscription subscribe(String path, String lastEventId) throws Exception {
        return new Subscription(controlPlane.url(), path, lastEventId);
    }

    /** An open event stream, its lines parsed into messages on a thread of its own. */
    private final class Subscription implements AutoCloseable {
        private final HttpResponse<Stream<String>> response;
        private final LinkedBlockingQueue<Optional<Message>> messages = new LinkedBlockingQueue<>();
        private final Thread reader;

        Subscription(String base, String path, String lastEventId) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
            if (lastEventId != null) b.header("Last-Event-ID", lastEventId);
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofLines());
            assertThat(response.statusCode()).isEqualTo(200);
            reader = new Thread(this::read, "sse-reader");
            reader.setDaemon(true);
            reader.start();
        }

        String contentType() { return response.headers().firstValue("Content-Type").orElse(""); }

        private void read() {
            String id = null;
            String event = null;
            StringBuilder data = null;
            try {
                Iterator<String> it = response.body().iterator();
                while (it.hasNext()) {
                    String line = it.next();
                    if (line.isEmpty()) {
                        if (data != null) messages.add(Optional.of(new Message(id, event, data.toString())));
                        id = null;
                        event = null;
                        data = null;
                    } else if (!line.startsWith(":")) {
                        int colon = line.indexOf(':');
                        String field = colon < 0 ? line : line.substring(0, colon);
                        String value = colon < 0 ? "" : line.substring(colon + 1);
                        if (value.startsWith(" ")) value = value.substring(1);
                        switch (field) {
                            case "id" -> id = value;
                            case "event" -> event = value;
                            case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                            default -> { }
                        }
                    }
                }
            } catch (RuntimeException e) {
                // the stream was closed
            } finally {
                messages.add(Optional.empty());
            }
        }

        /** Messages up to and including the first that matches; fails when the stream ends or stalls first. */
        List<Message> until(java.util.function.Predicate<Message> last) throws InterruptedException {
            List<Message> got = new ArrayList<>();
            while (true) {
                Optional<Message> m = messages.poll(WAIT_S, TimeUnit.SECONDS);
                assertThat(m).as("a message within %d s after %d messages", WAIT_S, got.size()).isNotNull();
                assertThat(m).as("the stream ended after %d messages", got.size()).isPresent();
                got.add(m.get());
                if (last.test(m.get())) return got;
            }
        }

        @Override
        public void close() {
            response.body().close();
        }
    }
}
