package io.poolpair.app.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.poolpair.cluster.ClusterDeployment;
import io.poolpair.cluster.DeploymentEvents;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.stream.javadsl.Source;

import java.util.function.Consumer;

/**
 * The dashboard's reads on a cluster node: the deployment's topology, the run, and the events of every node as this
 * node receives them ({@link DeploymentEvents}, docs/dashboard.md#cluster-mode).
 */
final class NodeReads implements Dashboard.Reads {

    private final ClusterDeployment deployment;
    private final RunInfo run;
    private final boolean tokenRequired;
    private final ObjectNode topology;
    private final EventStream.Log<DeploymentEvents.Entry> log;

    NodeReads(ClusterDeployment deployment, RunInfo run, boolean tokenRequired) {
        this.deployment = deployment;
        this.run = run;
        this.tokenRequired = tokenRequired;
        this.topology = TopologyJson.of(deployment.topology(), deployment.settings());
        this.log = log(deployment.events());
    }

    @Override
    public ObjectNode topology() { return topology; }

    /** The run as in single-JVM mode, plus the node that answers ({@code node}, {@code site}) and what it cannot do. */
    @Override
    public ObjectNode run() {
        ObjectNode o = run.toJson(deployment.clock().now().emulatedMs(), deployment.events().size(), tokenRequired);
        o.put("node", deployment.self().name());
        o.put("site", deployment.self().site());
        o.put("siteFaults", true);
        return o;
    }

    @Override
    public Source<ServerSentEvent, NotUsed> events(int from) {
        return EventStream.live(log, from, EventStream.LIVE_BUFFER);
    }

    static EventStream.Log<DeploymentEvents.Entry> log(DeploymentEvents events) {
        return new EventStream.Log<>() {
            @Override
            public EventStream.Catchup<DeploymentEvents.Entry> subscribeFrom(long from, Consumer<DeploymentEvents.Entry> listener) {
                DeploymentEvents.Catchup c = events.subscribeFrom(from, listener);
                return new EventStream.Catchup<>(c.past(), c.subscription());
            }

            @Override
            @SuppressWarnings("unchecked")
            public void unsubscribe(Object subscription) {
                events.unsubscribe((Consumer<DeploymentEvents.Entry>) subscription);
            }

            @Override
            public long index(DeploymentEvents.Entry e) { return e.index(); }

            @Override
            public ServerSentEvent message(DeploymentEvents.Entry e) {
                return ServerSentEvent.create(e.line().json(), e.line().type(), Long.toString(e.index()));
            }
        };
    }
}
