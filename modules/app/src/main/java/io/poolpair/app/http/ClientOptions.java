package io.poolpair.app.http;

import picocli.CommandLine.Option;

/** Where the control plane is and the token for changes: the options of {@code admin}, {@code fault} and {@code heal}. */
public final class ClientOptions {

    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:POOLPAIR_URL:-http://127.0.0.1:8080}",
            description = "the control plane of a running 'poolpair run --http-port N' (default: $POOLPAIR_URL, else"
                    + " ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--token", paramLabel = "T", defaultValue = "${env:POOLPAIR_TOKEN}",
            description = "bearer token, when the control plane needs one (default: $POOLPAIR_TOKEN)")
    String token;

    ControlPlaneClient client() {
        return new ControlPlaneClient(url, token);
    }
}
