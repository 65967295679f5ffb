package io.poolpair.runtime.scenario;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.RunMarker;
import io.poolpair.model.event.Where;
import io.poolpair.model.scenario.Scenario;
import io.poolpair.model.scenario.Step;
import io.poolpair.runtime.deploy.EmbeddedDeployment;
import io.poolpair.runtime.pool.PoolProtocol.Reply;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Runs a scenario's steps, in order, against an embedded deployment. Waits are emulated time; an await
 * looks at every event since the previous step began, so an event that came quickly is not missed.
 */
public final class ScenarioRunner {

    /** What happened at one step. {@code ok} is false for a refused verb or an await that timed out. */
    public record StepResult(int index, String step, boolean ok, String message, long emulatedMs) {}

    private final EmbeddedDeployment deployment;
    private final Consumer<String> progress;

    public ScenarioRunner(EmbeddedDeployment deployment, Consumer<String> progress) {
        this.deployment = deployment;
        this.progress = progress;
    }

    public List<StepResult> run(Scenario scenario) throws InterruptedException {
        List<StepResult> results = new ArrayList<>();
        int mark = deployment.bus().size();
        boolean previousWasAction = false;
        for (int i = 0; i < scenario.steps().size(); i++) {
            Step step = scenario.steps().get(i);
            String label = describe(step);
            long at = deployment.clock().now().emulatedMs();
            // An await looks at every event since the group of actions before it began: "heal a; heal b;
            // await X" sees what heal a caused, and "kill; await A; await B" sees both answers to the kill.
            boolean action = !(step instanceof Step.Note) && !(step instanceof Step.Wait) && !(step instanceof Step.Await)
                    && !(step instanceof Step.Query) && !(step instanceof Step.ExpectEvent) && !(step instanceof Step.ExpectFigure);
            if (action && !previousWasAction) mark = deployment.bus().size();
            if (!(step instanceof Step.Note)) previousWasAction = action;
            StepResult r;
            if (step instanceof Step.Note n) {
                deployment.bus().publish(new RunMarker(deployment.clock().now(), new Where(null, null, null, null), "note", n.text()));
                r = new StepResult(i, label, true, n.text(), at);
            } else if (step instanceof Step.Wait w) {
                waitWithProgress(at, at + w.emulatedMs());
                r = new StepResult(i, label, true, "waited", at);
            } else if (step instanceof Step.Fault f) {
                Reply rep = f.pool() ? deployment.injectPool(f.target(), f.kind()) : deployment.inject(f.target(), f.kind());
                r = new StepResult(i, label, rep.ok(), rep.message(), at);
            } else if (step instanceof Step.Heal h) {
                Reply rep = h.pool() ? deployment.healPool(h.target()) : deployment.heal(h.target());
                r = new StepResult(i, label, rep.ok(), rep.message(), at);
            } else if (step instanceof Step.HealAll) {
                Reply rep = deployment.healAll();
                r = new StepResult(i, label, rep.ok(), rep.message(), at);
            } else if (step instanceof Step.Query q) {
                List<String> lines = query(q);
                for (String line : lines) progress.accept("  " + line);
                r = new StepResult(i, label, true, lines.size() + " lines", at);
            } else if (step instanceof Step.FileServerFault ff) {
                Reply rep = deployment.fileServerFault(ff.pool(), ff.server(), ff.fail());
                r = new StepResult(i, label, rep.ok(), rep.message(), at);
            } else if (step instanceof Step.SiteFault sf) {
                Reply rep = deployment.siteFault(sf.site(), sf.kill());
                r = new StepResult(i, label, rep.ok(), rep.message(), at);
            } else if (step instanceof Step.BackEndFault bf) {
                Reply rep = deployment.backEndFault(bf.pool(), bf.component(), bf.fail());
                r = new StepResult(i, label, rep.ok(), rep.message(), at);
            } else if (step instanceof Step.Admin a) {
                Reply rep = deployment.admin(a.verb(), a.args());
                boolean ok = a.expectRefused() ? !rep.ok() : rep.ok();
                r = new StepResult(i, label, ok, (a.expectRefused() ? (rep.ok() ? "expected a refusal, but: " : "refused as expected: ")
                        : "") + rep.message(), at);
            } else if (step instanceof Step.Await w) {
                r = await(i, label, w, mark, at);
            } else if (step instanceof Step.ExpectEvent x) {
                r = expect(i, label, x, mark, at);
            } else if (step instanceof Step.ExpectFigure) {
                r = new StepResult(i, label, true, FIGURE_DEFERRED, at);
            } else if (step instanceof Step.SiteLinkFault l) {
                Reply rep = deployment.siteLink(l.siteA(), l.siteB(), l.link());
                r = new StepResult(i, label, rep.ok(), rep.message(), at);
            } else {
                throw new IllegalStateException("unknown step " + step);
            }
            results.add(r);
            if (!(step instanceof Step.Note) && !(step instanceof Step.Wait) && !(step instanceof Step.Query)
                    && !(step instanceof Step.ExpectFigure)) {
                progress.accept(String.format("step %d/%d %s: %s%s", i + 1, scenario.steps().size(), label,
                        r.ok() ? "" : "FAILED: ", r.message()));
            }
        }
        return results;
    }

    /** Wall time between two progress lines during a long wait. */
    private static final long PROGRESS_EVERY_WALL_MS = 10_000;

    /**
     * Waits until emulated {@code untilMs}; on the wall clock, a long wait says every 10 s (wall) how far it got, so
     * a long run is never silent (the virtual clock gets there at once).
     */
    private void waitWithProgress(long fromMs, long untilMs) throws InterruptedException {
        var clock = deployment.clock();
        long chunk = clock.isVirtual() ? untilMs - fromMs : Math.max(1, Math.round(PROGRESS_EVERY_WALL_MS * clock.timeScale()));
        long next = fromMs;
        while (next < untilMs) {
            next = Math.min(untilMs, next + chunk);
            clock.awaitEmulated(next);
            if (next < untilMs) {
                progress.accept("  ... " + io.poolpair.runtime.journal.EventBus.emulated(next) + " emulated, waiting until "
                        + io.poolpair.runtime.journal.EventBus.emulated(untilMs));
            }
        }
    }

    /** The runner's result for an end-of-run figure expectation: it does not check it (see {@link #checkFigures}). */
    public static final String FIGURE_DEFERRED = "end-of-run figure expectation: not checked by the runner (see checkFigures)";

    /**
     * The scenario's end-of-run figure expectations ({@code { expect = lost-writes, equals = 0 }}) checked against
     * the figures the run's checkers measured, as step results: same index and label as the step, {@code ok} when the
     * expectation holds, the message saying the figure and what was expected ({@code lost-writes = 3, expected 0}).
     * {@link #run} gives each of these steps a placeholder result ({@link #FIGURE_DEFERRED}); the caller replaces
     * it with this one, so an unmet figure expectation fails the run like any failed step.
     */
    public static List<StepResult> checkFigures(Scenario scenario, io.poolpair.model.check.Figures figures, long emulatedMs) {
        List<StepResult> out = new ArrayList<>();
        for (io.poolpair.model.check.FigureExpectations.Result f : io.poolpair.model.check.FigureExpectations.evaluate(scenario, figures)) {
            out.add(new StepResult(f.step(), describe(f.expectation()), f.ok(), f.message(), emulatedMs));
        }
        return out;
    }

    /**
     * {@code expect}: an await whose event is a prediction; {@code expect-none}: the same match must not be seen
     * from {@code mark} until its {@code within} has passed (it fails as soon as one is seen).
     */
    private StepResult expect(int i, String label, Step.ExpectEvent x, int mark, long at) throws InterruptedException {
        StepResult seen = await(i, label, x.asAwait(), mark, at);
        String what = x.eventType() + (x.pool() != null ? " pool=" + x.pool() : "") + (x.server() != null ? " server=" + x.server() : "")
                + (x.text() != null ? " text=\"" + x.text() + "\"" : "");
        String window = x.withinMs() / 1000.0 + " s emulated";
        if (!x.none()) {
            return seen.ok() ? new StepResult(i, label, true, "as expected: " + seen.message(), at)
                    : new StepResult(i, label, false, "expected " + what + " within " + window + ": none seen", at);
        }
        return seen.ok() ? new StepResult(i, label, false, "expected no " + what + " within " + window + ", but " + seen.message(), at)
                : new StepResult(i, label, true, "as expected: no " + what + " within " + window, at);
    }

    /** Satisfied by a matching event published since {@code mark} (the start of the last group of actions). */
    private StepResult await(int i, String label, Step.Await w, int mark, long at) throws InterruptedException {
        Predicate<FailoverEvent> match = e -> e.type().equals(w.eventType())
                && (w.pool() == null || w.pool().equals(e.where().pool()))
                && (w.server() == null || w.server().equals(e.where().server()))
                && (w.text() == null || e.describe().contains(w.text()));
        CompletableFuture<FailoverEvent> seen = new CompletableFuture<>();
        Consumer<FailoverEvent> listener = e -> {
            if (match.test(e)) seen.complete(e);
        };
        deployment.bus().subscribe(listener);
        try {
            List<FailoverEvent> past = deployment.bus().historyFrom(mark);
            for (FailoverEvent e : past) {
                if (match.test(e)) {
                    seen.complete(e);
                    break;
                }
            }
            // within is emulated: the wall clock waits within / time-scale; the virtual clock moves time until the
            // event or the bound, so no wall timeout decides the verdict
            FailoverEvent e = deployment.clock().await(seen, w.withinMs());
            return new StepResult(i, label, true, "saw " + e.type() + " at "
                    + io.poolpair.runtime.journal.EventBus.emulated(e.time().emulatedMs()), at);
        } catch (TimeoutException ex) {
            return new StepResult(i, label, false, "no " + w.eventType() + " within " + w.withinMs() / 1000.0
                    + " s emulated", at);
        } catch (ExecutionException ex) {
            return new StepResult(i, label, false, ex.getMessage(), at);
        } finally {
            deployment.bus().unsubscribe(listener);
        }
    }

    private List<String> query(Step.Query q) {
        return switch (q.what()) {
            case "backup-status" -> io.poolpair.runtime.status.StatusFormat.backupStatus(deployment.pairs());
            case "pool-fabric-state" -> io.poolpair.runtime.status.StatusFormat.poolFabricState(deployment.status(q.pool()), 12);
            case "users" -> io.poolpair.runtime.status.StatusFormat.usersByMode(deployment.status(), deployment.pairs());
            default -> {
                List<String> out = new ArrayList<>();
                for (io.poolpair.runtime.status.PoolView p : deployment.status()) {
                    out.add(p.name() + " " + p.role() + " " + p.state() + (p.detail() == null ? "" : " (" + p.detail() + ")")
                            + (p.quorumRule() == null ? "" : ", quorum " + p.quorumRule()));
                    StringBuilder b = new StringBuilder("   ");
                    for (io.poolpair.runtime.status.ServerView v : p.servers()) {
                        b.append(' ').append(v.name()).append('=').append(v.observed())
                                .append(v.fault() == null ? "" : "/" + v.fault()).append(':').append(v.load());
                        if (v.load() > v.guideline()) b.append("(>").append(v.guideline()).append(')');
                    }
                    out.add(b + " " + p.unit());
                }
                yield out;
            }
        };
    }

    /** The step as a person reads it. */
    public static String describe(Step step) {
        if (step instanceof Step.Note n) return "note \"" + n.text() + "\"";
        if (step instanceof Step.Wait w) return "wait " + w.emulatedMs() / 1000.0 + "s";
        if (step instanceof Step.Fault f) return f.kind().label() + (f.pool() ? "-pool " : " ") + f.target();
        if (step instanceof Step.Heal h) return "heal" + (h.pool() ? "-pool " : " ") + h.target();
        if (step instanceof Step.HealAll) return "heal-all";
        if (step instanceof Step.Admin a) return "admin " + a.verb().label() + " " + a.args() + (a.expectRefused() ? " (expect refused)" : "");
        if (step instanceof Step.Query q) return "query " + q.what() + (q.pool() == null ? "" : " " + q.pool());
        if (step instanceof Step.FileServerFault ff) return (ff.fail() ? "fail-file-server " : "heal-file-server ") + ff.pool() + " " + ff.server();
        if (step instanceof Step.SiteFault sf) return (sf.kill() ? "kill-site " : "heal-site ") + sf.site();
        if (step instanceof Step.BackEndFault bf) return (bf.fail() ? "fail-backend " : "heal-backend ") + bf.pool() + " " + bf.component();
        if (step instanceof Step.ExpectEvent x) return (x.none() ? "expect-none " : "expect ") + x.eventType()
                + (x.pool() != null ? " pool=" + x.pool() : "") + (x.server() != null ? " server=" + x.server() : "")
                + (x.text() != null ? " text=\"" + x.text() + "\"" : "") + " within " + x.withinMs() / 1000.0 + "s";
        if (step instanceof Step.ExpectFigure x) return io.poolpair.model.check.FigureExpectations.describe(x);
        if (step instanceof Step.SiteLinkFault l) return (l.link().state() == io.poolpair.model.dr.SiteLink.State.CUT ? "cut-link "
                : l.link().state() == io.poolpair.model.dr.SiteLink.State.SLOW ? "slow-link " : "heal-link ") + l.siteA() + " <-> "
                + l.siteB() + (l.link().delayMs() > 0 ? " delay " + l.link().delayMs() / 1000.0 + "s" : "");
        if (step instanceof Step.Await w) return "await " + w.eventType() + (w.pool() != null ? " pool=" + w.pool() : "")
 + (w.server() != null ? " server=" + w.server() : "")
                + (w.text() != null ? " text=\"" + w.text() + "\"" : "") + " within " + w.withinMs() / 1000.0 + "s";
        return step.toString();
    }
}
