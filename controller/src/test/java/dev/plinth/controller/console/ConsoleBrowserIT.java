/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plinth.controller.Layout;
import dev.plinth.controller.app.Controller;
import dev.plinth.controller.config.Listen;
import dev.plinth.controller.config.PlinthConfig;
import dev.plinth.controller.jobs.JobSettings;
import dev.plinth.controller.jobs.RecipesModuleCheck;
import dev.plinth.controller.jobs.RedfishBmcDriver;
import dev.plinth.controller.security.AdminToken;
import dev.plinth.controller.security.TokenHash;
import dev.plinth.controller.testing.Peers;
import dev.plinth.registry.Registry;
import dev.plinth.registry.api.Authorizer;
import dev.plinth.simulator.demo.DemoImages;
import dev.plinth.simulator.demo.SimulatedFleet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser: Debian's headless Chromium driven by Debian's chromedriver,
 * against a controller with a simulated fleet (simulated BMCs; the real dispatcher in-process).
 * Each test fails on any script error or Content Security Policy violation the page logged, and
 * saves a screenshot and the page's HTML under {@code <build dir>/console-screenshots/} when it
 * fails.
 */
class ConsoleBrowserIT {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static final String DEMO_RECIPE =
      """
      apiVersion: plinth.dev/v1
      kind: Recipe
      metadata:
        name: wipe
      steps:
        - name: secure-erase
          wipe:
            method: secure-erase
            disks: all
            verify: true
      final:
        action: power-off
      """;

  private static final String FAILING_RECIPE =
      """
      apiVersion: plinth.dev/v1
      kind: Recipe
      metadata:
        name: fails
      steps:
        - name: partition
          run:
            image: plinth/tools/sgdisk:1
            args: [--zap-all, /dev/sda]
            env:
              SIM_EXIT: "3"
      """;

  private static final String SLOW_RECIPE =
      """
      apiVersion: plinth.dev/v1
      kind: Recipe
      metadata:
        name: slow
      steps:
        - name: erase
          run:
            image: plinth/tools/sgdisk:1
            args: [--zap-all, /dev/sda]
            env:
              SIM_DELAY_MS: "60000"
      """;

  private static Path dir;
  private static Registry registry;
  private static Controller ctl;
  private static SimulatedFleet fleet;
  private static String admin;
  private static String viewer;

  private WebDriver browser;
  private String testName;

  // Runs before @AfterEach closes the browser (a TestWatcher would run after it).
  @RegisterExtension
  final AfterTestExecutionCallback evidence =
      context -> {
        if (context.getExecutionException().isPresent()) {
          saveEvidence();
        }
      };

  @BeforeAll
  static void fleet() throws Exception {
    Peers.need(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "Debian's chromium and chromium-driver");
    dir = Files.createTempDirectory("plinth-console-");
    Path maintenance = dir.resolve("simulated-maintenance.iso");
    SimulatedFleet.writeMaintenanceIso(maintenance);
    PlinthConfig c =
        new PlinthConfig(new Listen("127.0.0.1", 0), dir.resolve("var"))
            .withMaintenanceIso(maintenance);
    Layout layout = new Layout(c.dataDir()).create();
    AdminToken token = AdminToken.ensure(layout.adminToken(), layout.tmp());
    admin = token.token();
    String adminHash = TokenHash.of(admin);
    registry =
        Registry.builder()
            .root(layout.registry())
            .credentials(
                (user, secret) ->
                    TokenHash.matches(secret, adminHash) ? Optional.of(user) : Optional.empty())
            .authorizer(Authorizer.allowAll())
            .dataPlaneListen("127.0.0.1", 0)
            .start();
    ctl =
        Controller.start(
            c,
            new Controller.Parts(
                new RedfishBmcDriver(),
                new RecipesModuleCheck(),
                null,
                JobSettings.defaults().withDeadlines(Duration.ofMinutes(3)),
                InstantSource.system(),
                List.of(registry.routes())));
    fleet = new SimulatedFleet(4, dir.resolve("fleet"), 4);
    DemoImages.publishTools(ctl.baseUrl(), admin);
    for (int i = 0; i < 4; i++) {
      post(
          "/api/v1/machines",
          admin,
          Map.of(
              "name",
              "sim-" + i,
              "bmc",
              Map.of(
                  "url", fleet.bmcs().get(i).url().toString(),
                  "username", SimulatedFleet.USER,
                  "password", SimulatedFleet.PASSWORD)));
    }
    viewer =
        post("/api/v1/tokens", admin, Map.of("name", "watcher", "role", "viewer"))
            .path("secret")
            .asText();
  }

  @AfterAll
  static void stop() throws Exception {
    if (fleet != null) {
      fleet.close();
    }
    if (ctl != null) {
      ctl.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  @BeforeEach
  void open(TestInfo info) {
    testName = info.getTestMethod().map(java.lang.reflect.Method::getName).orElse("test");
    ChromeOptions o = new ChromeOptions();
    o.setBinary(CHROMIUM.toFile());
    // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
    o.addArguments(
        "--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000", "--lang=en");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    o.setCapability("goog:loggingPrefs", logs);
    // Debian's chromedriver, named so: Selenium Manager would otherwise try to download one.
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    browser = new ChromeDriver(o);
  }

  @AfterEach
  void close() {
    if (browser != null) {
      try {
        List<String> problems =
            browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                // A 4xx the page handles (a refused token, a viewer's 403) is logged by Chromium.
                .filter(m -> !m.contains("the server responded with a status of"))
                .toList();
        assertThat(problems).as("script errors or CSP violations in the page").isEmpty();
      } finally {
        browser.quit();
      }
    }
  }

  @Test
  void operatorWatchesAJobSucceedLiveAndReadsAFailedStepsLog() {
    signIn(admin);
    // The fleet.
    await(ExpectedConditions.presenceOfElementLocated(By.id("machines")));
    assertThat(browser.findElement(By.id("machines")).getText()).contains("sim-0", "sim-1");
    assertThat(browser.findElement(By.id("who")).getText()).contains("admin");

    // A broken recipe: the error is shown as the operator types, at its line and column.
    browser.findElement(By.linkText("Submit")).click();
    WebElement recipe = await(ExpectedConditions.elementToBeClickable(By.id("s-recipe")));
    recipe.sendKeys(DEMO_RECIPE.replace("    disks: all", "    disks: all\n      colour: blue"));
    WebElement error =
        await(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#s-errors li")));
    assertThat(error.getDomAttribute("data-line")).isNotBlank().isNotEqualTo("0");
    assertThat(error.getText()).startsWith("line ").contains("column ").contains("colour");

    // Fixed and submitted: the job page follows it live to Succeeded, without a reload.
    recipe.clear();
    recipe.sendKeys(DEMO_RECIPE);
    await(ExpectedConditions.textToBe(By.id("s-verdict"), "The recipe is valid."));
    browser.findElement(By.id("s-machine")).sendKeys("sim-0");
    browser.findElement(By.cssSelector("#submit-form button[type=submit]")).click();
    await(ExpectedConditions.presenceOfElementLocated(By.id("job-state")));
    Object marker =
        ((org.openqa.selenium.JavascriptExecutor) browser)
            .executeScript("return window.__plinthPage = Math.random()");
    awaitLong(
        ExpectedConditions.presenceOfElementLocated(
            By.cssSelector("#job-state [data-state=Succeeded]")));
    assertThat(
            ((org.openqa.selenium.JavascriptExecutor) browser)
                .executeScript("return window.__plinthPage"))
        .as("the page was updated in place, not reloaded")
        .isEqualTo(marker);
    assertThat(browser.findElement(By.cssSelector("#steps [data-step=secure-erase]")).getText())
        .contains("succeeded");

    // A failing job: its step's log is one click away.
    String failed = submit("sim-1", FAILING_RECIPE);
    browser.get(ctl.baseUrl() + "/#/jobs/" + failed);
    awaitLong(
        ExpectedConditions.presenceOfElementLocated(
            By.cssSelector("#job-state [data-state=Failed]")));
    WebElement step =
        await(
            ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#steps [data-step=partition]")));
    assertThat(step.getText()).contains("failed");
    step.findElement(By.tagName("button")).click();
    WebElement log = await(ExpectedConditions.presenceOfElementLocated(By.id("log-text")));
    assertThat(log.getText()).contains("[simulated sgdisk] --zap-all /dev/sda");
  }

  @Test
  void aViewerSeesEverythingButCannotCancelOrSubmit() throws Exception {
    String running = submit("sim-2", SLOW_RECIPE);
    signIn(viewer);
    await(ExpectedConditions.presenceOfElementLocated(By.id("machines")));
    assertThat(browser.findElement(By.id("who")).getText()).contains("viewer");
    assertThat(browser.findElement(By.cssSelector("#nav a[href='#/submit']")).isDisplayed())
        .isFalse();
    browser.get(ctl.baseUrl() + "/#/jobs/" + running);
    await(ExpectedConditions.presenceOfElementLocated(By.id("job-state")));
    assertThat(browser.findElements(By.id("cancel"))).isEmpty();
    assertThat(browser.findElements(By.cssSelector("#power button"))).isEmpty();
    // The page only hides what the API refuses anyway.
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(ctl.baseUrl() + "/api/v1/jobs/" + running + "/cancel"))
                .header("Authorization", "Bearer " + viewer)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(403);
    // An operator sees the button on the same job and cancels it from the page.
    browser.findElement(By.id("signout")).click();
    signIn(admin);
    browser.get(ctl.baseUrl() + "/#/jobs/" + running);
    await(ExpectedConditions.elementToBeClickable(By.id("cancel"))).click();
    browser.switchTo().alert().accept();
    awaitLong(
        ExpectedConditions.presenceOfElementLocated(
            By.cssSelector("#job-state [data-state=Canceled]")));
  }

  @Test
  void aWrongTokenIsRefusedAndTheRegistryIsBrowsable() {
    browser.get(ctl.baseUrl() + "/");
    await(ExpectedConditions.elementToBeClickable(By.id("token"))).sendKeys("not-a-token");
    browser.findElement(By.id("signin")).click();
    await(ExpectedConditions.textToBe(By.id("signin-error"), "That token was not accepted."));
    assertThat(browser.getCurrentUrl()).doesNotContain("not-a-token");
    // The refused token is selected: typing the right one replaces it.
    browser.findElement(By.id("token")).sendKeys(admin);
    browser.findElement(By.id("signin")).click();
    await(ExpectedConditions.presenceOfElementLocated(By.id("machines")));
    assertThat(browser.getCurrentUrl()).doesNotContain(admin);
    browser.findElement(By.linkText("Registry")).click();
    await(ExpectedConditions.presenceOfElementLocated(By.id("repositories")));
    browser.findElement(By.linkText("plinth/tools/sgdisk")).click();
    WebElement tags = await(ExpectedConditions.presenceOfElementLocated(By.id("tags")));
    assertThat(tags.getText()).contains("sha256:");
    // Keyboard: the skip link is the first stop and leads to the content.
    browser.switchTo().activeElement().sendKeys(org.openqa.selenium.Keys.TAB);
    assertThat(browser.findElement(By.cssSelector("main h1")).getText()).isNotBlank();
  }

  @Test
  void anOperatorReadsTheInventoryAndPutsAMachineIntoMaintenance() throws Exception {
    signIn(admin);
    await(ExpectedConditions.presenceOfElementLocated(By.id("fleet-counts")));
    browser.get(ctl.baseUrl() + "/#/machines/sim-3");
    WebElement disks = await(ExpectedConditions.presenceOfElementLocated(By.id("disks")));
    assertThat(disks.getText()).contains("SATA Bay 1", " TB");
    assertThat(browser.findElement(By.id("machine-state")).getText()).contains("available");
    browser.findElement(By.xpath("//button[text()='Enter maintenance']")).click();
    await(
        ExpectedConditions.presenceOfElementLocated(
            By.cssSelector("#machine-state [data-state=maintenance]")));
    // A machine in maintenance takes no jobs: the API says why.
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(ctl.baseUrl() + "/api/v1/jobs"))
                .header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        JSON.writeValueAsString(
                            Map.of("machine", "sim-3", "recipeText", DEMO_RECIPE))))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
    assertThat(r.body()).contains("maintenance");
    // The fleet's filter finds it.
    browser.get(ctl.baseUrl() + "/#/machines?state=maintenance");
    WebElement table = await(ExpectedConditions.presenceOfElementLocated(By.id("machines")));
    assertThat(table.getText()).contains("sim-3").doesNotContain("sim-0");
  }

  @Test
  void aOneTimeLinkSignsInOnceAndLeavesNoCodeInTheAddressBar() throws Exception {
    String path =
        post("/api/v1/sign-in-links", admin, Map.of("role", "viewer")).path("path").asText();
    browser.get(ctl.baseUrl() + path);
    await(ExpectedConditions.presenceOfElementLocated(By.id("machines")));
    assertThat(browser.findElement(By.id("who")).getText()).contains("viewer");
    assertThat(browser.getCurrentUrl()).doesNotContain("sign-in").endsWith("#/machines");
    // The fleet page follows the fleet by itself.
    assertThat(browser.findElement(By.cssSelector("#machines caption")).getText())
        .contains("updated live");
    // Used once: a second browser tab gets the sign-in form and the reason.
    ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("window.open('about:blank')");
    browser
        .switchTo()
        .window(browser.getWindowHandles().stream().reduce((a, b) -> b).orElseThrow());
    browser.get(ctl.baseUrl() + path);
    await(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("signin-error"), "used or expired"));
  }

  private void signIn(String secret) {
    browser.get(ctl.baseUrl() + "/");
    await(ExpectedConditions.elementToBeClickable(By.id("token"))).sendKeys(secret);
    browser.findElement(By.id("signin")).click();
  }

  private <T> T await(java.util.function.Function<? super WebDriver, T> condition) {
    return new WebDriverWait(browser, Duration.ofSeconds(15)).until(condition);
  }

  private <T> T awaitLong(java.util.function.Function<? super WebDriver, T> condition) {
    return new WebDriverWait(browser, Duration.ofSeconds(120)).until(condition);
  }

  private static String submit(String machine, String recipe) {
    try {
      return post("/api/v1/jobs", admin, Map.of("machine", machine, "recipeText", recipe))
          .path("id")
          .asText();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode post(String path, String token, Object body) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(ctl.baseUrl() + path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
    return JSON.readTree(r.body());
  }

  private void saveEvidence() {
    if (browser == null) {
      return;
    }
    try {
      // <build dir>/test-classes/ -> <build dir>/console-screenshots/
      Path out =
          Path.of(
                  ConsoleBrowserIT.class
                      .getProtectionDomain()
                      .getCodeSource()
                      .getLocation()
                      .toURI())
              .getParent()
              .resolve("console-screenshots");
      Files.createDirectories(out);
      Path png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(
          png, out.resolve(testName + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.writeString(out.resolve(testName + ".html"), browser.getPageSource());
      System.err.println("console test evidence: " + out.resolve(testName + ".png"));
    } catch (Exception e) {
      System.err.println("could not save the console test's screenshot: " + e);
    }
  }
}
