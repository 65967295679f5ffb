package io.poolpair.app.bench;

import com.sun.management.GarbageCollectionNotificationInfo;

import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Heap use seen from inside the JVM while something runs: the heap sampled every few milliseconds, plus the
 * heap just before and just after every garbage collection (GC notifications). The peak heap used is the
 * largest of those; the peak live heap is the largest heap right after a GC (what really had to fit).
 */
final class HeapWatch implements AutoCloseable {

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final Set<String> heapPools = new HashSet<>();
    private final List<Runnable> unregister = new ArrayList<>();
    private final Thread sampler;
    private volatile boolean stop;
    private long peakUsed;
    private long peakCommitted;
    private long peakBeforeGc;
    private long peakAfterGc = -1;
    private final long gcCountAtStart;
    private final long gcTimeAtStart;

    HeapWatch() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) heapPools.add(p.getName());
        }
        gcCountAtStart = gcCount();
        gcTimeAtStart = gcTime();
        NotificationListener l = (n, handback) -> {
            if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) return;
            GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
            long before = heapSum(info.getGcInfo().getMemoryUsageBeforeGc());
            long after = heapSum(info.getGcInfo().getMemoryUsageAfterGc());
            synchronized (this) {
                peakBeforeGc = Math.max(peakBeforeGc, before);
                peakAfterGc = Math.max(peakAfterGc, after);
            }
        };
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter e) {
                e.addNotificationListener(l, null, null);
                unregister.add(() -> {
                    try {
                        e.removeNotificationListener(l);
                    } catch (Exception ignored) {
                        // gone already
                    }
                });
            }
        }
        sampler = new Thread(() -> {
            while (!stop) {
                sample();
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    private long heapSum(Map<String, MemoryUsage> byPool) {
        long sum = 0;
        for (Map.Entry<String, MemoryUsage> e : byPool.entrySet()) {
            if (heapPools.contains(e.getKey())) sum += e.getValue().getUsed();
        }
        return sum;
    }

    private void sample() {
        MemoryUsage u = memory.getHeapMemoryUsage();
        synchronized (this) {
            peakUsed = Math.max(peakUsed, u.getUsed());
            peakCommitted = Math.max(peakCommitted, u.getCommitted());
        }
    }

    private static long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) n += Math.max(0, gc.getCollectionCount());
        return n;
    }

    private static long gcTime() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) n += Math.max(0, gc.getCollectionTime());
        return n;
    }

    /** Largest heap in use seen (sampled, or just before a GC), bytes. */
    synchronized long peakUsed() { return Math.max(peakUsed, peakBeforeGc); }

    /** Largest heap in use right after a GC (the live set), bytes; -1 when no GC ran. */
    synchronized long peakLiveAfterGc() { return peakAfterGc; }

    synchronized long peakCommitted() { return peakCommitted; }

    long gcs() { return gcCount() - gcCountAtStart; }

    long gcMillis() { return gcTime() - gcTimeAtStart; }

    @Override
    public void close() {
        stop = true;
        sampler.interrupt();
        try {
            sampler.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sample();
        unregister.forEach(Runnable::run);
    }
}
