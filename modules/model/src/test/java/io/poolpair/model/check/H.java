package io.poolpair.model.check;

import io.poolpair.model.history.HistoryRecord;
import io.poolpair.model.history.HistoryRecord.ClientOp;
import io.poolpair.model.history.HistoryRecord.ModelFact;
import io.poolpair.model.history.HistoryRecord.Nemesis;
import io.poolpair.model.history.HistoryRecord.Type;

import java.util.ArrayList;
import java.util.List;

/** Hand-made histories for the checker tests, written the way a run writes them. */
final class H {

    final List<HistoryRecord> records = new ArrayList<>();

    H header(long syncMs, long slackMs) {
        records.add(new HistoryRecord.Header(1, "test", 1, syncMs, slackMs, 1, "virtual", 0, 0));
        return this;
    }

    /** A user's write: invoke, then ok at {@code at} on {@code pool}, group {@code group}. */
    H write(String user, long id, String pool, int group, long at) {
        String home = user.substring(0, user.indexOf('/'));
        records.add(ClientOp.invoke(user, home, "add-contact", id, at - 10, at - 10));
        records.add(new ClientOp(Type.OK, user, home, "add-contact", id, null, pool, pool + "-fe1", group, 1, null, false,
                at - 5, at, at));
        return this;
    }

    /** A write invoked whose answer was never recorded (its client's process died). */
    H unanswered(String user, long id, long at) {
        String home = user.substring(0, user.indexOf('/'));
        records.add(ClientOp.invoke(user, home, "add-contact", id, at, at));
        return this;
    }

    H failedWrite(String user, long id, long at) {
        String home = user.substring(0, user.indexOf('/'));
        records.add(ClientOp.invoke(user, home, "add-contact", id, at - 10, at - 10));
        records.add(new ClientOp(Type.FAIL, user, home, "add-contact", id, null, null, null, -1, -1, "signed out", false,
                -1, at, at));
        return this;
    }

    H op(Type type, String user, String pool, String server, int group, long epoch, boolean refused, long at) {
        String home = user.substring(0, user.indexOf('/'));
        records.add(ClientOp.invoke(user, home, "im", -1, at - 1, at - 1));
        records.add(new ClientOp(type, user, home, "im", -1, null, pool, server, group, epoch,
                type == Type.OK ? null : "no service", refused, type == Type.OK ? at - 1 : -1, at, at));
        return this;
    }

    H read(String user, long at, long... ids) {
        String home = user.substring(0, user.indexOf('/'));
        records.add(new ClientOp(Type.OK, user, home, "read", -1, ids, home, null, -1, -1, null, false, at, at, at));
        return this;
    }

    H window(String kind, String pool, String home, int group, long from, long to) {
        records.add(new ModelFact("loss-window", pool, home, group, from, kind, to, to));
        return this;
    }

    H fact(String f, String pool, String home, long at) {
        records.add(new ModelFact(f, pool, home, -1, -1, null, at, at));
        return this;
    }

    H fault(String f, String target, long at) {
        records.add(new Nemesis(Type.INVOKE, Nemesis.Category.FAULT, f, target, null, at, at));
        records.add(new Nemesis(Type.OK, Nemesis.Category.FAULT, f, target, f + " " + target, at, at));
        return this;
    }

    H heal(String f, String target, long at) {
        records.add(new Nemesis(Type.OK, Nemesis.Category.HEAL, f, target, f + " " + target, at, at));
        return this;
    }

    H admin(String verb, String args, long at) {
        records.add(new Nemesis(Type.INVOKE, Nemesis.Category.ADMIN, verb, args, null, at, at));
        records.add(new Nemesis(Type.OK, Nemesis.Category.ADMIN, verb, args, "done", at, at));
        return this;
    }

    CheckResult check(Checker c) {
        for (HistoryRecord r : records) c.accept(r);
        return c.result();
    }
}
