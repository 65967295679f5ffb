package io.poolpair.it;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guard of {@link DockerClusterTest}: that class carries {@code @Testcontainers(disabledWithoutDocker = true)},
 * so on a machine without Docker it is skipped. Under {@code CI=true} a skip would hide a broken engine set-up
 * (.ci/run starts one: scripts/dockerd), so this test fails there instead; elsewhere it is skipped with the reason.
 */
class DockerEngineTest {

    @Test
    void underCiADockerEngineAnswersSoTheDockerTestsRun() {
        boolean available = DockerClientFactory.instance().isDockerAvailable();
        if (!available) {
            String why = "no Docker engine answers (DOCKER_HOST=" + System.getenv("DOCKER_HOST")
                    + "), so DockerClusterTest is skipped; scripts/dockerd start, then export DOCKER_HOST as it says";
            if ("true".equals(System.getenv("CI"))) throw new AssertionError("CI=true and " + why);
            Assumptions.abort(why);
        }
        assertThat(DockerClientFactory.instance().client().versionCmd().exec().getApiVersion()).as("the engine's API version")
                .isNotBlank();
        assertThat(System.getenv("TESTCONTAINERS_RYUK_DISABLED")).as("Ryuk cannot be pulled here: the build turns it off")
                .isEqualTo("true");
    }
}
