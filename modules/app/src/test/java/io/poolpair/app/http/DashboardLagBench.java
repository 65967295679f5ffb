package io.poolpair.app.http;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.Where;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A benchmark, not a test (tag {@code bench}, excluded from the build; docs/benchmarks.md#dashboard-lag): how far the
 * dashboard in a real headless Chromium stays behind the emulation while it publishes at least 1,000 events a second.
 * The default topology runs at time-scale 40 with its control plane; a chaos schedule kills a random Front End of
 * pool-a or pool-b through the control plane every {@code bench.fault-ms} and heals it half-way to the next (real
 * server-down, primary-moved, load-redistributed, server-up events), and a pacer fills up to {@code bench.rate} events
 * a second with notes (a chaos run at the time-scales the emulator allows publishes tens to a few hundred events a
 * second, not 1,000). Every {@code bench.sample-ms} it reads the page's event count (the index of the newest event the
 * page has applied, plus one). At each sample the lag is how long ago the oldest event the page had not applied yet
 * was published (its wall time), 0 when it had applied every event published by then; the sample's time is taken
 * after the read, so a lag is never under-counted. Prints one {@code bench dashboard-lag ...} line; asserts nothing.
 *
 * <pre>
 * ./mvnw -B -o verify -pl modules/app -am -Dtest=DashboardLagBench -Dsurefire.excludedGroups=soak \
 *     -Dsurefire.failIfNoSpecifiedTests=false [-Dbench.seconds=60 -Dbench.rate=1000]
 * </pre>
 */
@Tag("bench")
class DashboardLagBench {

    @Test
    void pageLagBehindTheEmulationAt1000EventsPerSecond() throws Exception {
        int seconds = Integer.getInteger("bench.seconds", 60);
        int rate = Integer.getInteger("bench.rate", 1000);
        int sampleMs = Integer.getInteger("bench.sample-ms", 200);
        int faultMs = Integer.getInteger("bench.fault-ms", 3000);
        HttpClient http = HttpClient.newHttpClient();
        List<long[]> samples = new ArrayList<>();   // {wall ms after the read, events applied}
        ScheduledExecutorService load = Executors.newScheduledThreadPool(2);
        try (LiveDeployment live = LiveDeployment.start()) {
            live.awaitHealthy();
            try (ControlPlane cp = ControlPlane.start(live.deployment(), null, ControlPlane.Settings.loopback(0),
                    new RunInfo("live", "dashboard-lag", null, "wall", LiveDeployment.TIME_SCALE))) {
                WebDriver driver = Browser.open();
                try {
                    driver.get(cp.url() + "/");
                    new WebDriverWait(driver, Duration.ofSeconds(60))
                            .until(ExpectedConditions.textToBePresentInElementLocated(By.id("conn"), "live"));
                    java.util.Random random = new java.util.Random(7);
                    long base = live.bus().size();
                    long start = System.currentTimeMillis();
                    load.scheduleAtFixedRate(() -> {
                        String server = (random.nextBoolean() ? "a-fe" : "b-fe") + (1 + random.nextInt(6));
                        post(http, cp.url() + "/api/faults", "{\"fault\":\"kill\",\"server\":\"" + server + "\"}");
                        load.schedule(() -> post(http, cp.url() + "/api/heal", "{\"server\":\"" + server + "\"}"),
                                faultMs / 2, TimeUnit.MILLISECONDS);
                    }, 0, faultMs, TimeUnit.MILLISECONDS);
                    AtomicLong notes = new AtomicLong();
                    load.scheduleAtFixedRate(() -> {
                        // every 10 ms, the notes that bring the events published since the start to `rate` a second
                        long due = (System.currentTimeMillis() - start) * rate / 1000;
                        long behind = due - (live.bus().size() - base);
                        for (long i = 0; i < behind; i++) {
                            live.bus().publish(new FailoverEvent.RunMarker(live.deployment().clock().now(),
                                    new Where(null, null, null, null), "note", "load " + notes.incrementAndGet()));
                        }
                    }, 0, 10, TimeUnit.MILLISECONDS);
                    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
                    try {
                        sampler.scheduleAtFixedRate(() -> {
                            String text = driver.findElement(By.id("event-count")).getText().replace(",", "").trim();
                            long at = System.currentTimeMillis();
                            synchronized (samples) {
                                samples.add(new long[] {at, text.isEmpty() || text.equals("–") ? 0 : Long.parseLong(text)});
                            }
                        }, sampleMs, sampleMs, TimeUnit.MILLISECONDS);
                        sampler.awaitTermination(seconds, TimeUnit.SECONDS);   // the run's length: nothing ends it earlier
                    } finally {
                        sampler.shutdownNow();
                        sampler.awaitTermination(10, TimeUnit.SECONDS);
                    }
                    load.shutdownNow();
                    load.awaitTermination(10, TimeUnit.SECONDS);
                    String resyncs = driver.findElement(By.id("conn")).getAttribute("data-resyncs");
                    List<FailoverEvent> events = live.bus().history();
                    long[] wall = events.stream().mapToLong(e -> e.time().wallMs()).toArray();
                    long faultEvents = events.stream().skip(base)
                            .filter(e -> !(e instanceof FailoverEvent.RunMarker)).count();
                    report(wall, samples, faultEvents, resyncs);
                } finally {
                    driver.quit();
                }
            }
        } finally {
            load.shutdownNow();
        }
    }

    private static void post(HttpClient http, String url, String body) {
        try {
            http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (Exception e) {
            // a refused or failed fault is part of chaos; the next one comes
        }
    }

    private static void report(long[] wall, List<long[]> samples, long faultEvents, String resyncs) {
        long first = samples.get(0)[0];
        long last = samples.get(samples.size() - 1)[0];
        long[] lags = new long[samples.size()];
        for (int i = 0; i < samples.size(); i++) {
            long at = samples.get(i)[0];
            int unseen = (int) samples.get(i)[1];
            lags[i] = unseen < wall.length && wall[unseen] <= at ? at - wall[unseen] : 0;
        }
        int inWindow = 0;
        for (long w : wall) if (w >= first && w <= last) inWindow++;
        double perSecond = inWindow * 1000.0 / Math.max(1, last - first);
        long[] sorted = lags.clone();
        Arrays.sort(sorted);
        long within1s = Arrays.stream(lags).filter(l -> l <= 1000).count();
        System.out.printf(Locale.ROOT, "bench dashboard-lag samples=%d window_s=%.1f events=%d events_per_s=%.0f emulation_events=%d"
                        + " lag_p50_ms=%d lag_p99_ms=%d lag_max_ms=%d within_1s=%d/%d resyncs=%s target_met=%s%n",
                lags.length, (last - first) / 1000.0, inWindow, perSecond, faultEvents, sorted[sorted.length / 2],
                sorted[(int) Math.max(0, Math.ceil(sorted.length * 0.99) - 1)], sorted[sorted.length - 1], within1s, lags.length,
                resyncs == null ? "0" : resyncs, sorted[sorted.length - 1] <= 1000 && perSecond >= 1000 ? "yes" : "no");
    }
}
