package org.lungfl.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.lungfl.server.Uploads.PLAN;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.slf4j.LoggerFactory;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The dashboard in a real headless browser (Debian's chromium and chromium-driver, driven by
 * Selenium) against a real server on a loopback port with real uploads. Skipped, saying why,
 * only when chromium is not installed.
 */
class DashboardBrowserTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(20);
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    /** The browser itself, not Debian's /usr/bin/chromium wrapper, which exports Google API keys (more traffic to nowhere). */
    static final Path CHROMIUM = Files.isExecutable(Path.of("/usr/lib/chromium/chromium")) ? Path.of("/usr/lib/chromium/chromium")
            : Path.of("/usr/bin/chromium");
    static final Path SCREENSHOTS = Path.of("target", "dashboard");

    @TempDir static Path dir;
    static ChromeDriver browser;
    static LungflServer server;
    static String url, admin, hospitalA;
    static final String[] SITES = {"hospital-a", "hospital-b", "hospital-c", "hospital-d"};
    static final Map<String, String> tokens = new LinkedHashMap<>();
    static final Map<String, Integer> accepted = new TreeMap<>();
    /** Everything the server logs while the browser uses it: no token may be in it. */
    static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();

    @BeforeAll
    static void startServerAndBrowser() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver; .ci/run installs them)");
        LOG.start();
        rootLogger().addAppender(LOG);
        TokenStore store = new TokenStore(dir.resolve("data"));
        admin = store.add("ops", true);
        for (String site : SITES) tokens.put(site, store.add(site, false));
        hospitalA = tokens.get("hospital-a");
        server = LungflServer.start(ServerConfig.defaults(dir.resolve("data"), PLAN).withHostPort("127.0.0.1", 0).withCapacity(3));
        url = server.url();
        history();
        browser = chromium(dir.resolve("profile"));
    }

    /** Five rounds from three of four sites each, validation AUC slowly rising, one site a round behind now and then. */
    private static void history() throws Exception {
        for (int round = 0; round < 5; round++) {
            for (int k = 0; k < 3; k++) {
                int site = (round + k) % SITES.length;
                long base = k == 2 && round > 1 ? round - 1 : round;
                double auc = 0.55 + 0.035 * round + 0.02 * site - 0.01 * k;
                upload(SITES[site], "r" + round, 60 + 40 * site, base, String.format(Locale.ROOT, "{\"val_auc\":%.3f,\"train_loss\":%.3f,"
                        + "\"val_samples\":%d}", auc, 0.69 - 0.04 * round, 12 + 4 * site));
            }
        }
        assertThat(status(admin).path("global_version").asLong()).isEqualTo(5);
        // One update for the wrong plan (409) and one retry: the table's "rejected" and "duplicate".
        byte[] wrong = DashboardApiTest.SafeTensorsWithFingerprint.of("hospital-c", "x1", "0".repeat(64));
        assertThat(Uploads.post(url, "/upload", wrong, tokens.get("hospital-c")).statusCode()).isEqualTo(409);
        // A retry is the same bytes again (the same update_id with other content would be a 409 conflict).
        assertThat(Uploads.post(url, "/upload", SENT.get("hospital-b/r4"), tokens.get("hospital-b")).body()).contains("\"duplicate\":true");
    }

    /** Every body uploaded, by "site/update_id", so a retry can send exactly the same bytes. */
    private static final Map<String, byte[]> SENT = new HashMap<>();

    private static void upload(String site, String id, long samples, long base, String metrics) throws Exception {
        byte[] body = Uploads.update(site, id, samples, base, 1f, metrics);
        SENT.put(site + "/" + id, body);
        var r = Uploads.post(url, "/upload", body, tokens.get(site));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        accepted.merge(site, 1, Integer::sum);
    }

    static ChromeDriver chromium(Path profile) {
        // Selenium Manager must not look for (or download) anything: the driver and the browser are given.
        System.setProperty("webdriver.chrome.driver", DRIVER.toString());
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        // Without the background-networking flags Chromium keeps calling home on a closed network; even with them it
        // still looks up a few Google and search-engine hosts, so every name but the test server's resolves to nothing.
        o.addArguments("--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions", "--no-default-browser-check",
                "--disable-domain-reliability", "--disable-client-side-phishing-detection", "--disable-dev-shm-usage", "--lang=en-US",
                "--window-size=1440,1000", "--user-data-dir=" + profile);
        o.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort()
                .withLogFile(SCREENSHOTS.resolve("chromedriver.log").toFile()).build();
        try {
            Files.createDirectories(SCREENSHOTS);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new ChromeDriver(service, o);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) browser.quit();
        if (server != null) server.stop();
        rootLogger().detachAppender(LOG);
        if (server == null) return;
        // The tokens travelled in Authorization headers only: none reached the server's log or its audit log.
        StringBuilder logged = new StringBuilder();
        for (var e : LOG.list) logged.append(e.getFormattedMessage()).append(e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage()).append('\n');
        assertThat(LOG.list).as("the server logged while the browser used it").isNotEmpty();
        String audit = Files.readString(dir.resolve("data").resolve(AuditLog.FILE));
        for (String token : tokens.values()) assertThat(logged).doesNotContain(token);
        assertThat(logged).doesNotContain(admin);
        for (String token : tokens.values()) assertThat(audit).doesNotContain(token);
        assertThat(audit).doesNotContain(admin).contains("hospital-a");
    }

    private static ch.qos.logback.classic.Logger rootLogger() {
        return (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /** Every test starts signed out, in a fresh tab state, with an empty console. */
    @BeforeEach
    void signedOut() {
        browser.manage().window().setSize(new Dimension(1440, 1000));
        browser.get(url + "/");
        browser.executeScript("sessionStorage.clear()");
        browser.manage().logs().get(LogType.BROWSER); // drained: what follows is the page's first load as a user sees it
        browser.get(url + "/");
    }

    @Test
    void withoutATokenThePageAsksForOneAndShowsNoData() throws Exception {
        waitFor(() -> shown("login"));
        assertThat(shown("dash")).isFalse();
        String text = browser.findElement(By.tagName("body")).getText();
        assertThat(text).contains("Sign in").doesNotContain("hospital-a", "hospital-b");
        assertThat(browser.findElements(By.cssSelector("#clients-table tbody tr"))).isEmpty();
        assertThat(consoleProblems()).isEmpty();
        screenshot("signed-out.png");

        signIn("lfl_not-a-token");
        waitFor(() -> text("login-error").contains("did not accept"));
        assertThat(shown("dash")).isFalse();
        assertThat(browser.executeScript("return sessionStorage.getItem('lungfl.token')")).isNull();
    }

    @Test
    void anAdminWatchesUploadsArriveAndAggregatesANewVersion() throws Exception {
        signIn(admin);
        waitFor(() -> shown("dash") && !rows("clients-table").isEmpty());
        assertThat(text("viewer")).contains("ops", "admin");
        assertThat(browser.getCurrentUrl()).doesNotContain("lfl_");

        // Two sites send updates while the page is open: the gauge and the tables follow within seconds.
        long version = status(admin).path("global_version").asLong();
        upload("hospital-a", "live-1", 140, version, "{\"val_auc\":0.741,\"train_loss\":0.48,\"val_samples\":14}");
        upload("hospital-d", "live-1", 90, version - 1, "{\"val_auc\":0.702,\"train_loss\":0.51,\"val_samples\":22}");
        JsonNode st = status(admin);
        assertThat(st.path("queue_size").asInt()).isEqualTo(2);
        String gauge = st.path("queue_size").asInt() + " / " + st.path("capacity").asInt();
        waitFor(() -> text("queue-text").equals(gauge) && rows("queue-table").size() == 2
                && cell("clients-table", "hospital-d", "accepted").equals(Integer.toString(accepted.get("hospital-d"))));
        List<String> queued = new ArrayList<>();
        for (JsonNode q : st.path("queued_clients")) queued.add(q.path("client_id").asText());
        assertThat(rows("queue-table")).containsExactlyElementsOf(queued);
        JsonNode clients = DashboardApiTest.get(url, "/api/v1/clients", admin);
        Map<String, String> shownAccepted = new TreeMap<>(), expected = new TreeMap<>();
        for (String site : rows("clients-table")) shownAccepted.put(site, cell("clients-table", site, "accepted"));
        for (JsonNode c : clients.path("clients")) expected.put(c.path("client_id").asText(), c.path("accepted").asText());
        assertThat(shownAccepted).isEqualTo(expected);
        assertThat(expected).containsOnlyKeys(SITES);
        accepted.forEach((site, n) -> assertThat(expected.get(site)).as(site).isEqualTo(Integer.toString(n)));
        assertThat(cell("clients-table", "hospital-c", "rejected")).isEqualTo("1");
        assertThat(cell("clients-table", "hospital-b", "duplicate")).isEqualTo("1");
        assertThat(text("global-version")).isEqualTo("v" + version);
        assertThat(browser.findElements(By.cssSelector("#chart canvas"))).isNotEmpty();
        assertThat(text("events")).contains("hospital-d sent 90 samples", "upload refused, 409 plan_mismatch");
        screenshot("dashboard.png");

        browser.findElement(By.id("execute-now")).click();
        waitFor(() -> shown("confirm"));
        assertThat(text("confirm-text")).contains("2 queued updates become global version " + (version + 1));
        browser.findElement(By.id("confirm-ok")).click();
        waitFor(() -> !browser.findElements(By.cssSelector("#versions li[data-version='" + (version + 1) + "']")).isEmpty());
        assertThat(status(admin).path("global_version").asLong()).isEqualTo(version + 1);
        waitFor(() -> text("queue-text").equals("0 / 3") && text("global-version").equals("v" + (version + 1)));
        assertThat(text("toast")).contains("Aggregated 2 updates into global version " + (version + 1));
        assertThat(browser.findElement(By.cssSelector("#versions li")).getText()).contains("v" + (version + 1), "2 contributors", "230 samples");
        assertThat(consoleProblems()).isEmpty();
    }

    @Test
    void aClientTokenSeesItsOwnRowsAndNoAdminButtons() throws Exception {
        signIn(hospitalA);
        waitFor(() -> shown("dash") && rows("clients-table").size() == 1 && !text("events").isEmpty());
        assertThat(rows("clients-table")).containsExactly("hospital-a");
        assertThat(text("viewer")).contains("hospital-a", "client token");
        assertThat(browser.findElements(By.id("execute-now"))).isEmpty();
        assertThat(browser.findElements(By.id("clear-queue"))).isEmpty();
        assertThat(browser.findElements(By.cssSelector("#admin-actions button"))).isEmpty();
        assertThat(text("events")).contains("hospital-a sent").doesNotContain("hospital-b", "hospital-c", "hospital-d");
        // The version history is the coordinator's (a hospital's token gets 403): the page says so and draws no other site.
        assertThat(text("chart-empty")).contains("may not see the version history");
        assertThat(browser.findElement(By.id("chart")).getText()).doesNotContain("hospital-b");
        assertThat(consoleProblems()).isEmpty();
        screenshot("client.png");

        // The server, not the page, is the guard: the same action from this tab with its token is refused.
        Object code = browser.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "fetch('/api/v1/admin/execute', {method: 'POST', headers: {Authorization: 'Bearer ' + sessionStorage.getItem('lungfl.token')}})"
                + ".then(r => done(r.status), e => done(String(e)));");
        assertThat(code).isEqualTo(403L);
        assertThat(Uploads.post(url, "/api/v1/admin/clear", new byte[0], hospitalA).statusCode()).isEqualTo(403);
    }

    @Test
    void anOpenServerSaysSoLoudlyAndNeedsNoSignIn() throws Exception {
        try (LungflServer open = LungflServer.start(ServerConfig.defaults(dir.resolve("open-" + System.nanoTime()), PLAN)
                .withHostPort("127.0.0.1", 0).withCapacity(3).withOpen(true))) {
            browser.get(open.url() + "/");
            waitFor(() -> shown("dash") && shown("open-banner") && text("queue-text").equals("0 / 3"));
            assertThat(shown("login")).isFalse();
            assertThat(text("open-banner")).contains("Open mode", "asks for no token");
            assertThat(text("auth-pill")).contains("OPEN");
            assertThat(shown("execute-now")).isTrue();
            assertThat(consoleProblems()).isEmpty();
        }
    }

    // ---------- helpers ----------

    private static JsonNode status(String token) throws Exception {
        return JSON.readTree(Uploads.get(url, "/status", token).body());
    }

    private void signIn(String token) {
        waitFor(() -> shown("login"));
        browser.findElement(By.id("token")).sendKeys(token);
        browser.findElement(By.id("sign-in")).click();
    }

    private static boolean shown(String id) {
        List<WebElement> e = browser.findElements(By.id(id));
        return !e.isEmpty() && e.get(0).isDisplayed();
    }

    private static String text(String id) {
        return browser.findElement(By.id(id)).getText().strip();
    }

    /** The client ids of a table's rows, top to bottom. */
    private static List<String> rows(String table) {
        List<String> ids = new ArrayList<>();
        for (WebElement tr : browser.findElements(By.cssSelector("#" + table + " tbody tr"))) ids.add(tr.getAttribute("data-client"));
        return ids;
    }

    private static String cell(String table, String client, String col) {
        List<WebElement> td = browser.findElements(By.cssSelector("#" + table + " tr[data-client='" + client + "'] td[data-col='" + col + "']"));
        return td.isEmpty() ? "" : td.get(0).getText().strip();
    }

    /** Waits (bounded) for what the page shows after its next polls; a deadline, not a speed requirement. */
    private static void waitFor(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                if (condition.getAsBoolean()) return;
            } catch (org.openqa.selenium.StaleElementReferenceException redrawn) {
                // the page replaced the element between finding and reading it: look again
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the page did not get there within " + WAIT.toSeconds() + " s; it shows:\n"
                        + browser.findElement(By.tagName("body")).getText() + "\nconsole: " + consoleProblems());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Errors and warnings the page caused: script errors, CSP refusals, failed loads. */
    private static List<String> consoleProblems() {
        List<String> out = new ArrayList<>();
        for (LogEntry e : browser.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.WARNING.intValue()) out.add(e.getLevel() + " " + e.getMessage());
        }
        return out;
    }

    /** The whole page, not just the window, for docs/dashboard/ (copied there by hand when the page changes). */
    private static void screenshot(String name) throws java.io.IOException {
        for (int i = 0; i < 3; i++) { // the window's frame takes some height: grow until the page fits
            Number page = (Number) browser.executeScript("return document.documentElement.scrollHeight");
            Number view = (Number) browser.executeScript("return window.innerHeight");
            if (page.intValue() <= view.intValue()) break;
            Dimension d = browser.manage().window().getSize();
            browser.manage().window().setSize(new Dimension(d.getWidth(), Math.min(2400, d.getHeight() + page.intValue() - view.intValue())));
        }
        Files.write(SCREENSHOTS.resolve(name), browser.getScreenshotAs(OutputType.BYTES));
        browser.manage().window().setSize(new Dimension(1440, 1000));
    }
}
