package io.poolpair.runtime.deploy;

import io.poolpair.model.settings.EmulatorSettings;
import io.poolpair.model.topology.PoolSpec;
import io.poolpair.model.topology.Role;
import io.poolpair.model.topology.Topology;
import io.poolpair.runtime.EmulationClock;
import io.poolpair.runtime.journal.EventBus;
import io.poolpair.runtime.pool.FrontEndPoolSupervisor;
import io.poolpair.runtime.pool.PoolProtocol;
import io.poolpair.runtime.pool.SpreadPoolSupervisor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.util.LinkedHashMap;
import java.util.Map;

/** The root actor of an embedded deployment: one supervisor per pool of the topology. */
public final class DeploymentGuardian {

    private DeploymentGuardian() {}

    public sealed interface Command {}

    /** Asks for the pool supervisors, by pool name. */
    public record GetPools(ActorRef<Map<String, ActorRef<PoolProtocol.Command>>> replyTo) implements Command {}

    public static Behavior<Command> create(Topology topology, EmulatorSettings settings, EmulationClock clock, EventBus bus) {
        return Behaviors.setup(ctx -> {
            Map<String, ActorRef<PoolProtocol.Command>> pools = new LinkedHashMap<>();
            for (PoolSpec p : topology.pools()) {
                Behavior<PoolProtocol.Command> b = p.role() == Role.FRONT_END
                        ? FrontEndPoolSupervisor.create(p, topology.version(), settings, clock, bus)
                        : SpreadPoolSupervisor.create(p, topology.version(), settings, clock, bus);
                pools.put(p.name(), ctx.spawn(b, "pool-" + p.name()));
            }
            Map<String, ActorRef<PoolProtocol.Command>> view = Map.copyOf(pools);
            return Behaviors.receive(Command.class)
                    .onMessage(GetPools.class, g -> {
                        g.replyTo().tell(view);
                        return Behaviors.same();
                    })
                    .build();
        });
    }
}
