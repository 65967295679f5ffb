package io.poolpair.app.http;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A headless Chromium for the dashboard's tests, driven through Debian's {@code chromium} and {@code chromium-driver}
 * ({@code CHROME_BIN} and {@code CHROMEDRIVER} point elsewhere). The driver is given by path, so Selenium Manager never
 * downloads one. Without them the test is skipped with the reason, except under {@code CI=true}, where it fails: a
 * broken set-up must not pass unseen. Public: modules/it's cluster dashboard test uses it too (app's test-jar).
 */
public final class Browser {

    private Browser() {}

    /**
     * Skips a test class that needs the browser, with the reason, when the browser is missing, unless under
     * {@code CI=true} ({@link #open} then fails): {@code @ExtendWith(Browser.Needed.class)}.
     */
    public static final class Needed implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            String why = missing();
            if (why == null || onCi()) return ConditionEvaluationResult.enabled("Chromium and chromedriver are there");
            return ConditionEvaluationResult.disabled(why);
        }
    }

    /** Why the browser cannot be driven, or null when it can. */
    public static String missing() {
        Path chrome = chrome();
        Path driver = driver();
        String missing = !Files.isExecutable(chrome) ? chrome.toString() : !Files.isExecutable(driver) ? driver.toString() : null;
        return missing == null ? null : "the dashboard's browser tests need Chromium and its driver (apt-get install -y chromium"
                + " chromium-driver; or set CHROME_BIN and CHROMEDRIVER): " + missing + " is missing";
    }

    private static boolean onCi() { return "true".equalsIgnoreCase(System.getenv("CI")); }

    private static Path chrome() { return Path.of(env("CHROME_BIN", "/usr/bin/chromium")); }

    private static Path driver() { return Path.of(env("CHROMEDRIVER", "/usr/bin/chromedriver")); }

    public static WebDriver open() {
        String why = missing();
        if (why != null) {
            if (onCi()) fail(why + " (CI=true: a test that would be skipped fails)");
            Assumptions.abort(why);
        }
        Path chrome = chrome();
        Path driver = driver();
        System.setProperty("webdriver.chrome.driver", driver.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chrome.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1900");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** Keeps a screenshot of the page as {@code target/screenshots/NAME.png}; returns its path. */
    public static Path screenshot(WebDriver driver, String name) {
        try {
            Path dir = Path.of("target", "screenshots");
            Files.createDirectories(dir);
            Path png = dir.resolve(name + ".png");
            Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(shot, png, StandardCopyOption.REPLACE_EXISTING);
            return png;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String env(String name, String otherwise) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? otherwise : v;
    }
}
