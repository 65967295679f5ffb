package io.poolpair.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.poolpair.app.Cli;
import io.poolpair.runtime.deploy.EmbeddedDeployment;
import io.poolpair.runtime.journal.EventBus;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real headless Chromium: a running deployment (the built-in topology, wall clock, time-scale 40)
 * with its control plane, driven from the page as a user would (buttons, confirm dialogs, the admin verb form); then a
 * finished run folder replayed step by step. Each test keeps a screenshot in {@code target/screenshots/}.
 */
@ExtendWith({Browser.Needed.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private WebDriver driver;
    private WebDriverWait wait;
    private EventBus bus;
    private LiveDeployment live;
    private EmbeddedDeployment deployment;
    private ControlPlane controlPlane;

    @BeforeAll
    void start() throws Exception {
        driver = Browser.open();
        wait = new WebDriverWait(driver, WAIT);
        live = LiveDeployment.start();
        bus = live.bus();
        deployment = live.deployment();
        CompletableFuture<Long> healthy = live.healthy();
        controlPlane = ControlPlane.start(deployment, healthy, ControlPlane.Settings.loopback(0),
                new RunInfo("live", "browser-test", null, "wall", 40));
        live.awaitHealthy();
    }

    @AfterAll
    void stop() {
        if (driver != null) driver.quit();
        if (controlPlane != null) controlPlane.close();
        if (live != null) live.close();
    }

    @Test
    @Order(1)
    void aFrontEndKilledFromThePageGoesDownAndItsRoutingGroupsArePromoted() {
        driver.get(controlPlane.url() + "/");
        waitForText(By.cssSelector("#conn"), "live");
        waitForText(By.cssSelector("[data-server='a-fe3'] .observed"), "up");
        assertThat(driver.findElement(By.cssSelector("#mode")).getText()).isEqualTo("live");
        assertThat(driver.findElements(By.cssSelector("[data-pool='pool-a'] .rg-grid span.c"))).hasSize(6 * 120);

        driver.findElement(By.cssSelector("[data-server='a-fe3'] button[data-act='kill']")).click();
        accept("Kill a-fe3?");
        waitForText(By.id("answer"), "kill a-fe3: done: kill a-fe3");

        waitForText(By.cssSelector("[data-server='a-fe3'] .observed"), "down");
        assertThat(driver.findElement(By.cssSelector("[data-server='a-fe3'] .fault")).getText()).isEqualTo("killed");
        wait.until(d -> d.findElements(By.cssSelector("#events li[data-type='primary-moved']")).stream()
                .anyMatch(li -> li.getText().contains("primary a-fe3 -> ")));
        wait.until(d -> d.findElements(By.cssSelector("#events li[data-type='server-down']")).stream()
                .anyMatch(li -> li.getText().contains("a-fe3 is DOWN")));
        // the routing-group grid: a-fe3's 60 replicas show as missing, its primaries moved to the others
        wait.until(d -> d.findElements(By.cssSelector("[data-pool='pool-a'] .rg-grid span.c.p[data-s='a-fe3']")).isEmpty()
                && d.findElements(By.cssSelector("[data-pool='pool-a'] .rg-grid span.c.p")).size() == 120);
        assertThat(driver.findElements(By.cssSelector("[data-pool='pool-a'] .rg-grid span.c.m[data-s='a-fe3']"))).hasSize(60);
        Browser.screenshot(driver, "dashboard-kill-front-end");
    }

    @Test
    @Order(2)
    void aSiteLostAndFailedOverFromThePageMovesItsUsersThroughResiliencyToTheBackupPool() {
        driver.get(controlPlane.url() + "/");
        waitForText(By.cssSelector("#conn"), "live");
        waitForText(By.cssSelector("[data-users='pool-a'] .n-normal"), "normal 18,000");

        driver.findElement(By.cssSelector("[data-site='site-a'] button[data-act='kill-site']")).click();
        accept("Kill site site-a");
        waitForText(By.id("answer"), "site site-a lost: pool-a, edge-a, dir-a");
        waitForText(By.cssSelector("[data-pool='pool-a'] .state"), "quorum-lost");
        // after the Registrar's failure detection (120 s emulated) the users reach pool-b in Resiliency mode
        waitForText(By.cssSelector("[data-users='pool-a'] .n-resiliency"), "Resiliency 18,000");
        waitForText(By.cssSelector("[data-users='pool-a'] .served-by"), "served by pool-b");

        runVerb("failover-pool", "pool-a", "disaster");
        waitForText(By.id("answer"), "refused: pool pool-a hosts the active Central Management Store: fail the CMS over first");
        assertThat(driver.findElement(By.id("answer")).getAttribute("class")).isEqualTo("refused");

        runVerb("failover-cms", null, "force");
        waitForText(By.id("answer"), "done: CMS failover to pool-b started");
        waitForText(By.id("cms"), "pool-b (site-b)");

        runVerb("failover-pool", "pool-a", "disaster");
        waitForText(By.id("answer"), "admin failover-pool pool pool-a, disaster: done");
        waitForText(By.cssSelector("[data-pair='pool-a|pool-b'] tr[data-side='pool-a'] .pool-state"), "FailedOver");
        waitForText(By.cssSelector("[data-users='pool-a'] .n-normal"), "normal 18,000");
        assertThat(driver.findElement(By.cssSelector("[data-users='pool-a'] .served-by")).getText()).isEqualTo("served by pool-b");
        assertThat(driver.findElement(By.cssSelector("[data-users='pool-a'] .n-resiliency")).getText()).isEqualTo("Resiliency 0");
        // the users chart drew the three modes in turn: normal, signed out, Resiliency, normal again
        List<String> fills = driver.findElements(By.cssSelector("[data-users='pool-a'] svg rect[fill^='#']")).stream()
                .map(r -> r.getAttribute("fill")).distinct().toList();
        assertThat(fills).contains("#2e8540", "#e0a800", "#c62828");
        assertThat(driver.findElements(By.cssSelector("#timeline .admin-mark"))).isNotEmpty();
        assertThat(driver.findElements(By.cssSelector("#timeline .fault-window"))).isNotEmpty();
        Browser.screenshot(driver, "dashboard-pool-failover");
    }

    @Test
    @Order(3)
    void theListKeepsUpWithAFloodOfEventsAndTheFilterFindsOne() {
        driver.get(controlPlane.url() + "/");
        waitForText(By.cssSelector("#conn"), "live");
        long t0 = System.nanoTime();
        for (int i = 0; i < 20_000; i++) {
            bus.publish(new io.poolpair.model.event.FailoverEvent.RunMarker(deployment.clock().now(),
                    new io.poolpair.model.event.Where(null, null, null, null), "note", "flood " + i));
        }
        long publishedNs = System.nanoTime() - t0;
        int published = bus.size();
        wait.withMessage(() -> "the page counts " + textOf(By.id("event-count")) + " events of " + published)
                .until(d -> Integer.parseInt(textOf(By.id("event-count")).replace(",", "")) >= published);
        // a figure for docs/benchmarks.md, not an assertion
        System.out.printf("dashboard flood: 20000 events published in %d ms; the page showed them all %d ms after the first;"
                + " resyncs %s%n", publishedNs / 1_000_000, (System.nanoTime() - t0) / 1_000_000,
                driver.findElement(By.id("conn")).getAttribute("data-resyncs"));
        assertThat(driver.findElements(By.cssSelector("#events li"))).hasSizeLessThanOrEqualTo(200);
        driver.findElement(By.id("filter")).sendKeys("flood 19999");
        wait.until(d -> {
            List<WebElement> rows = d.findElements(By.cssSelector("#events li"));
            return rows.size() == 1 && rows.get(0).getText().contains("note: flood 19999");
        });
        assertThat(driver.findElements(By.cssSelector("#timeline rect")).size()).as("marks are merged per pixel column")
                .isLessThan(3000);
    }

    @Test
    @Order(4)
    void aFinishedRunIsReplayedStepByStepThenPlayedToItsEnd(@TempDir Path dir) throws Exception {
        Cli.Outcome run = Cli.run("run", "--virtual-clock", "--out", dir.toString());
        assertThat(run.exit()).as(run.toString()).isEqualTo(0);
        Path folder = Files.readSymbolicLink(dir.resolve("latest"));
        folder = dir.resolve(folder);
        List<String> lines = Files.readAllLines(folder.resolve("events.jsonl"));
        ObjectMapper json = new ObjectMapper();

        try (ReplayServer replay = ReplayServer.start(folder, "127.0.0.1", 0, ConfigFactory.load())) {
            driver.get(replay.url() + "/");
            waitForText(By.cssSelector("#mode"), "replay");
            waitForText(By.id("position"), "event 0 of " + lines.size() + " · next: ");
            assertThat(driver.findElement(By.id("actions")).isDisplayed()).isFalse();
            assertThat(driver.findElement(By.cssSelector("[data-server='a-fe1'] button[data-act='kill']")).isEnabled()).isFalse();
            assertThat(driver.findElement(By.cssSelector("[data-server='a-fe1'] .observed")).getText()).isEqualTo("starting");

            for (int i = 1; i <= 3; i++) {
                driver.findElement(By.id("step")).click();
                waitForText(By.id("position"), "event " + i + " of " + lines.size());
                JsonNode e = json.readTree(lines.get(i - 1));
                WebElement top = driver.findElement(By.cssSelector("#events li"));
                assertThat(top.getAttribute("data-id")).isEqualTo(String.valueOf(i - 1));
                assertThat(top.getAttribute("data-type")).isEqualTo(e.path("type").asText());
                assertThat(top.getText()).contains(e.path("text").asText());
            }
            JsonNode first = json.readTree(lines.get(0));
            assertThat(first.path("type").asText()).isEqualTo("server-up");
            waitForText(By.cssSelector("[data-server='" + first.path("server").asText() + "'] .observed"), "starting");

            new Select(driver.findElement(By.id("speed"))).selectByValue("4000");
            driver.findElement(By.id("play")).click();
            waitForText(By.id("position"), "event " + lines.size() + " of " + lines.size() + " · end of the run");
            // the run ends with pool-a failed back home and every server up again
            waitForText(By.cssSelector("[data-pool='pool-a'] .pool-state"), "FailedBack");
            waitForText(By.cssSelector("[data-users='pool-a'] .n-normal"), "normal 18,000");
            waitForText(By.cssSelector("[data-server='a-fe3'] .observed"), "up");
            assertThat(driver.findElement(By.id("cms")).getText()).isEqualTo("pool-b (site-b)");
            assertThat(driver.findElement(By.id("event-count")).getText()).isEqualTo(String.format(java.util.Locale.US, "%,d", lines.size()));
            Browser.screenshot(driver, "dashboard-replay");
        }
    }

    @Test
    @Order(5)
    void withATokenThePageAsksForItOnceAndSaysWhenItIsWrong() {
        String token = "page-token";
        try (ControlPlane guarded = ControlPlane.start(deployment, null, new ControlPlane.Settings("127.0.0.1", 0, token))) {
            driver.get(guarded.url() + "/");
            waitForText(By.cssSelector("#conn"), "live");
            driver.findElement(By.id("heal-all")).click();
            accept("Heal everything");
            Alert ask = wait.until(ExpectedConditions.alertIsPresent());
            assertThat(ask.getText()).contains("needs a token");
            ask.sendKeys("guess");
            ask.accept();
            waitForText(By.id("answer"), "heal everything (every server fault and site link): wrong token");
            assertThat(driver.findElement(By.id("answer")).getAttribute("class")).isEqualTo("error");

            driver.findElement(By.id("heal-all")).click();
            accept("Heal everything");
            ask = wait.until(ExpectedConditions.alertIsPresent());
            ask.sendKeys(token);
            ask.accept();
            waitForText(By.id("answer"), "heal everything (every server fault and site link): done: ");

            // once given, the token is kept: the next change asks only for the confirmation
            runVerb("quorum-loss-recovery", "pool-b", null);
            waitForText(By.id("answer"), "admin quorum-loss-recovery pool pool-b: done: no routing group was in quorum loss");
        }
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private void runVerb(String verb, String pool, String option) {
        new Select(driver.findElement(By.id("verb"))).selectByValue(verb);
        if (pool != null) new Select(driver.findElement(By.id("verb-pool"))).selectByValue(pool);
        if (option != null) {
            WebElement box = driver.findElement(By.id("opt-" + option));
            if (!box.isSelected()) box.click();
        }
        driver.findElement(By.id("run-verb")).click();
        accept("Admin " + verb);
    }

    /** Waits for the page's confirm dialog, checks it asks about {@code question}, and accepts it. */
    private void accept(String question) {
        Alert alert = wait.until(ExpectedConditions.alertIsPresent());
        assertThat(alert.getText()).startsWith(question);
        alert.accept();
    }

    private void waitForText(By where, String text) {
        wait.withMessage(() -> "waiting for '" + text + "' in " + where + "; it says '" + textOf(where) + "'")
                .until(ExpectedConditions.textToBePresentInElementLocated(where, text));
    }

    private String textOf(By where) {
        List<WebElement> found = driver.findElements(where);
        return found.isEmpty() ? "(no such element)" : found.get(0).getText();
    }
}
