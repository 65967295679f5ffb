package io.poolpair.app.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.poolpair.runtime.deploy.EmbeddedDeployment;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.stream.javadsl.Source;

/** The dashboard's reads over a running deployment: its topology, its run, its event bus. */
final class LiveReads implements Dashboard.Reads {

    private final EmbeddedDeployment deployment;
    private final RunInfo run;
    private final boolean tokenRequired;
    private final ObjectNode topology;

    LiveReads(EmbeddedDeployment deployment, RunInfo run, boolean tokenRequired) {
        this.deployment = deployment;
        this.run = run;
        this.tokenRequired = tokenRequired;
        this.topology = TopologyJson.of(deployment.topology(), deployment.settings());
    }

    @Override
    public ObjectNode topology() { return topology; }

    @Override
    public ObjectNode run() {
        return run.toJson(deployment.clock().now().emulatedMs(), deployment.bus().size(), tokenRequired);
    }

    @Override
    public Source<ServerSentEvent, NotUsed> events(int from) {
        return EventStream.live(deployment.bus(), from);
    }
}
