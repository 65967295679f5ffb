package io.poolpair.app.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A benchmark, not a test (tag {@code bench}, excluded from the build; docs/benchmarks.md#dashboard-lag): how far the
 * dashboard in a real headless Chromium is behind the emulation while a chaos run publishes events. It starts
 * {@code poolpair chaos} (the packaged jar) with a control plane, opens the page, and every {@code bench.sample-ms}
 * reads the page's event count (the index of the newest event it has applied, plus one). Afterwards, from the run's
 * {@code events.jsonl}: at each sample, the lag is how long ago the oldest event the page had not applied yet was
 * published (its {@code wallMs}), 0 when it had applied every event published by then. The sample's time is taken
 * after the read, so a lag is never under-counted. Prints {@code bench dashboard-lag ...} lines; asserts nothing.
 *
 * <pre>
 * ./mvnw -B -o verify -pl modules/app -Dtest=DashboardLagBench -Dsurefire.excludedGroups=soak \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dbench.time-scale=1000 -Dbench.seconds=60
 * </pre>
 */
@Tag("bench")
class DashboardLagBench {

    private static final Pattern DASHBOARD = Pattern.compile("dashboard: (http://\\S+)");
    private static final Pattern FOLDER = Pattern.compile("^run folder: (\\S+)");

    @Test
    void pageLagBehindAChaosRun() throws Exception {
        String timeScale = System.getProperty("bench.time-scale", "1000");
        int seconds = Integer.getInteger("bench.seconds", 60);
        int sampleMs = Integer.getInteger("bench.sample-ms", 200);
        Path jar = Path.of(System.getProperty("bench.jar", "target/poolpair.jar"));
        Path out = Path.of("target", "bench-runs");
        Files.createDirectories(out);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-jar", jar.toString(), "chaos", "--seed",
                System.getProperty("bench.seed", "7"), "--time-scale", timeScale, "--duration", System.getProperty("bench.duration", "8h"),
                "--http-port", "0", "--out", out.toString());
        Process chaos = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        CompletableFuture<String> url = new CompletableFuture<>();
        CompletableFuture<Path> folder = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(chaos.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    Matcher m = DASHBOARD.matcher(line);
                    if (m.find()) url.complete(m.group(1));
                    Matcher f = FOLDER.matcher(line);
                    if (f.find()) folder.complete(Path.of(f.group(1)));
                }
            } catch (java.io.IOException e) {
                // the run ended
            }
        }, "chaos-output");
        reader.setDaemon(true);
        reader.start();
        WebDriver driver = null;
        List<long[]> samples = new ArrayList<>();   // {wall ms after the read, events applied}
        try {
            String page = url.get(60, TimeUnit.SECONDS);
            Path events = folder.get(60, TimeUnit.SECONDS).resolve("events.jsonl");
            driver = Browser.open();
            driver.get(page);
            new WebDriverWait(driver, Duration.ofSeconds(60)).until(ExpectedConditions.textToBePresentInElementLocated(By.id("conn"), "live"));
            long end = System.currentTimeMillis() + seconds * 1000L;
            long next = System.currentTimeMillis();
            while (System.currentTimeMillis() < end) {
                String text = driver.findElement(By.id("event-count")).getText().replace(",", "").trim();
                long at = System.currentTimeMillis();
                samples.add(new long[] {at, text.isEmpty() || text.equals("–") ? 0 : Long.parseLong(text)});
                next += sampleMs;
                long wait = next - System.currentTimeMillis();
                if (wait > 0) Thread.sleep(wait);   // a sampling period, not a wait for a condition
            }
            String resyncs = driver.findElement(By.id("conn")).getAttribute("data-resyncs");
            chaos.destroy();
            chaos.waitFor(30, TimeUnit.SECONDS);
            report(events, samples, resyncs, timeScale);
        } finally {
            if (driver != null) driver.quit();
            if (chaos.isAlive()) chaos.destroyForcibly();
        }
    }

    private static void report(Path eventsFile, List<long[]> samples, String resyncs, String timeScale) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(eventsFile);
        long[] wall = new long[lines.size()];
        for (int i = 0; i < wall.length; i++) wall[i] = json.readTree(lines.get(i)).path("wallMs").asLong();
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
        double rate = inWindow * 1000.0 / Math.max(1, last - first);
        // the busiest second of the window
        int busiest = 0;
        for (int i = 0, j = 0; i < wall.length; i++) {
            if (wall[i] < first || wall[i] > last) continue;
            while (wall[j] < wall[i] - 1000) j++;
            busiest = Math.max(busiest, i - j + 1);
        }
        long[] sorted = lags.clone();
        Arrays.sort(sorted);
        long within1s = Arrays.stream(lags).filter(l -> l <= 1000).count();
        System.out.printf(Locale.ROOT, "bench dashboard-lag time_scale=%s samples=%d window_s=%.1f events=%d events_per_s=%.0f"
                        + " busiest_second=%d lag_p50_ms=%d lag_p99_ms=%d lag_max_ms=%d within_1s=%d/%d resyncs=%s target_met=%s%n",
                timeScale, lags.length, (last - first) / 1000.0, inWindow, rate, busiest, sorted[sorted.length / 2],
                sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)], sorted[sorted.length - 1],
                within1s, lags.length, resyncs == null ? "0" : resyncs, sorted[sorted.length - 1] <= 1000 && rate >= 1000 ? "yes" : "no");
    }
}
