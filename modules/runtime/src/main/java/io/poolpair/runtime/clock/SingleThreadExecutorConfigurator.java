package io.poolpair.runtime.clock;

import com.typesafe.config.Config;
import org.apache.pekko.dispatch.DispatcherPrerequisites;
import org.apache.pekko.dispatch.ExecutorServiceConfigurator;
import org.apache.pekko.dispatch.ExecutorServiceFactory;

import java.util.concurrent.ThreadFactory;

/**
 * {@code executor = "io.poolpair.runtime.clock.SingleThreadExecutorConfigurator"} in a dispatcher's settings:
 * the dispatcher runs on the {@link SingleThreadExecutor} of the system's {@link VirtualScheduler}, so that the
 * clock can tell when every actor is idle. Only valid with that scheduler.
 */
public final class SingleThreadExecutorConfigurator extends ExecutorServiceConfigurator {

    private final DispatcherPrerequisites prerequisites;

    /** The constructor Pekko calls for a dispatcher's {@code executor}. */
    public SingleThreadExecutorConfigurator(Config config, DispatcherPrerequisites prerequisites) {
        super(config, prerequisites);
        this.prerequisites = prerequisites;
    }

    @Override
    public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory threadFactory) {
        if (!(prerequisites.scheduler() instanceof VirtualScheduler scheduler)) {
            throw new IllegalStateException("dispatcher " + id + " runs on the virtual clock's single thread, which needs"
                    + " pekko.scheduler.implementation = " + VirtualScheduler.class.getName());
        }
        return scheduler::executor;
    }
}
