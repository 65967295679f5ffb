package io.poolpair.app.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.poolpair.app.Main;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A thin client of the control plane ({@code java.net.http}) for the {@code admin}, {@code fault} and {@code heal}
 * commands. Exit codes: 0 done, 1 refused by the emulation (or a server error), 2 bad input or no control plane.
 */
final class ControlPlaneClient {

    /** The control plane could not be asked: one line for the user, exit 2. */
    static final class Unreachable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unreachable(String message) {
            super(message, null, false, false);
        }
    }

    record Answer(int status, JsonNode body, String raw) {}

    private final String url;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ControlPlaneClient(String url, String token) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.token = token == null || token.isBlank() ? null : token;
    }

    /** GETs {@code path}. */
    Answer get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), path);
    }

    /** POSTs a JSON body to {@code path}. */
    Answer post(String path, ObjectNode body) {
        String json;
        try {
            json = StatusJson.JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e.getOriginalMessage());
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return send(b, path);
    }

    /**
     * POSTs a change and prints the answer: the outcome on {@code out} (exit 0), a refusal as {@code refused: <reason>}
     * on {@code out} (exit 1), anything else as one line on {@code err} (exit 2 for bad input and a missing or wrong
     * token, 1 for a server error).
     */
    int change(String path, ObjectNode body, PrintWriter out, PrintWriter err) {
        Answer a;
        try {
            a = post(path, body);
        } catch (Unreachable e) {
            err.println("poolpair: " + e.getMessage());
            return Main.EXIT_BAD_INPUT;
        }
        return print(a, out, err);
    }

    static int print(Answer a, PrintWriter out, PrintWriter err) {
        JsonNode b = a.body();
        if (a.status() == 200 && b != null && b.path("ok").asBoolean(false)) {
            out.println(b.path("message").asText());
            return Main.EXIT_OK;
        }
        if (a.status() == 409 && b != null) {
            out.println("refused: " + b.path("message").asText());
            return Main.EXIT_FAILED;
        }
        String why = b != null && b.hasNonNull("error") ? b.get("error").asText() : Requests.oneLine(a.raw());
        err.println("poolpair: control plane answered " + a.status() + ": " + why);
        return a.status() >= 500 ? Main.EXIT_FAILED : Main.EXIT_BAD_INPUT;
    }

    private URI uri(String path) {
        try {
            URI u = new URI(url + path);
            if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
                throw new Unreachable("--url: '" + url + "' is not an http:// URL, for example http://127.0.0.1:8080");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new Unreachable("--url: '" + url + "' is not a URL: " + e.getReason());
        }
    }

    private Answer send(HttpRequest.Builder b, String path) {
        HttpResponse<String> r;
        try {
            r = http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException e) {
            throw new Unreachable("cannot reach the control plane at " + url + ": connection timed out");
        } catch (HttpTimeoutException e) {
            throw new Unreachable("the control plane at " + url + " did not answer " + path + " within 30 s");
        } catch (ConnectException e) {
            throw new Unreachable("cannot reach the control plane at " + url + ": connection refused (is 'poolpair run"
                    + " --http-port N' running there?)");
        } catch (IOException e) {
            throw new Unreachable("cannot reach the control plane at " + url + ": " + Requests.oneLine(String.valueOf(e.getMessage())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted");
        }
        JsonNode body = null;
        try {
            body = StatusJson.JSON.readTree(r.body());
        } catch (JsonProcessingException e) {
            // not JSON: shown as text
        }
        return new Answer(r.statusCode(), body, r.body());
    }
}
