package io.sluice.core.log.bench;

import io.sluice.common.ThreadScheduler;
import io.sluice.common.Time;
import io.sluice.core.log.AppendOrigin;
import io.sluice.core.log.FetchDataInfo;
import io.sluice.core.log.LogConfig;
import io.sluice.core.log.LogDirFailureHandler;
import io.sluice.core.log.PartitionLog;
import io.sluice.record.MemoryRecords;
import io.sluice.record.RecordBatchBuilder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Append and read throughput of one partition log, run by hand (not a test, not run by CI):
 * <pre>
 * mvn -q -B -pl core test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test
 * java -cp core/target/test-classes:core/target/classes:$(cat core/cp.txt) \
 *     io.sluice.core.log.bench.LogAppendBenchmark [dir] [totalMiB] [recordsPerBatch,...]
 * dd if=/dev/zero of=[dir]/ddtest bs=1M count=1024 conv=fdatasync; rm [dir]/ddtest
 * </pre>
 * For 1 KiB and 16 KiB uncompressed batches (1 and 16 records of about 1000 random bytes) it appends
 * {@code totalMiB} (default 1024) as leader with the default topic config (1 GiB segments, no fsync per append),
 * then reports:
 * <ul>
 *   <li>append MB/s: until the last append returned (page cache), and the appending thread's CPU time per batch
 *       (what one core could sustain, independent of other load on the machine);</li>
 *   <li>append+fsync MB/s: including the final flush, i.e. until the bytes are on disk (compare with
 *       {@code dd if=/dev/zero of=<dir>/ddtest bs=1M count=1024 conv=fdatasync} on the same disk);</li>
 *   <li>read MB/s: sequential 1 MiB reads from offset 0 to the end, copied into a direct buffer (the path of a TLS
 *       send), and with {@code transferTo} into {@code /dev/null} (the zero-copy path).</li>
 * </ul>
 * MB = 10^6 bytes, as dd reports.
 */
public final class LogAppendBenchmark {
    private LogAppendBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path base = Path.of(args.length > 0 ? args[0] : "core/target/log-bench");
        long totalBytes = (args.length > 1 ? Long.parseLong(args[1]) : 1024L) * 1024 * 1024;
        System.out.printf("Log benchmark in %s, %d MiB per run, Java %s, %d CPUs, load average %.2f%n",
            base.toAbsolutePath(), totalBytes >> 20, System.getProperty("java.version"),
            Runtime.getRuntime().availableProcessors(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        String[] sizes = (args.length > 2 ? args[2] : "1,16").split(",");
        for (String recordsPerBatch : sizes) {
            run(base, Integer.parseInt(recordsPerBatch.trim()), totalBytes);
        }
    }

    private static void run(Path base, int recordsPerBatch, long totalBytes) throws IOException {
        Path dir = base.resolve("bench-" + recordsPerBatch);
        deleteRecursively(dir);
        Files.createDirectories(base);
        List<MemoryRecords> pool = batches(recordsPerBatch, 64);
        int batchBytes = pool.get(0).sizeInBytes();
        try (ThreadScheduler scheduler = new ThreadScheduler("bench-scheduler", 1)) {
            PartitionLog log = PartitionLog.open(dir, LogConfig.of(Map.of(), Map.of()), 0, 0, true,
                new PartitionLog.Environment(Time.SYSTEM, scheduler, 86_400_000L, LogDirFailureHandler.IGNORE));
            try {
                for (int i = 0; i < 2000; i++) {   // warm-up, then start afresh
                    log.appendAsLeader(pool.get(i % pool.size()), 0, AppendOrigin.CLIENT);
                }
                log.truncateFullyAndStartAt(0);
                long appended = 0;
                int batches = 0;
                ThreadMXBean threads = ManagementFactory.getThreadMXBean();
                long cpuStart = threads.getCurrentThreadCpuTime();
                long userStart = threads.getCurrentThreadUserTime();
                long start = System.nanoTime();
                while (appended < totalBytes) {
                    log.appendAsLeader(pool.get(batches % pool.size()), 0, AppendOrigin.CLIENT);
                    appended += batchBytes;
                    batches++;
                }
                long appendNs = System.nanoTime() - start;
                long appendCpuNs = threads.getCurrentThreadCpuTime() - cpuStart;
                long appendUserNs = threads.getCurrentThreadUserTime() - userStart;
                log.flush();
                long flushedNs = System.nanoTime() - start;
                System.out.printf("%2d x 1 KiB records, %6d-byte batches: %,d batches, append %7.1f MB/s (%.0f batches/s, "
                        + "%.2f us CPU each (%.2f user + %.2f kernel) = %.1f MB/s per core), append+fsync %7.1f MB/s%n",
                    recordsPerBatch, batchBytes, batches, mbPerSecond(appended, appendNs), batches / (appendNs / 1e9),
                    appendCpuNs / 1e3 / batches, appendUserNs / 1e3 / batches, (appendCpuNs - appendUserNs) / 1e3 / batches,
                    mbPerSecond(appended, appendCpuNs), mbPerSecond(appended, flushedNs));
                readBack(log, appended);
            } finally {
                log.close();
            }
        }
        deleteRecursively(dir);
    }

    private static void readBack(PartitionLog log, long expectedBytes) throws IOException {
        ByteBuffer target = ByteBuffer.allocateDirect(2 * 1024 * 1024);
        List<Long> fetchOffsets = new ArrayList<>();
        long read = 0;
        long offset = 0;
        long start = System.nanoTime();
        while (offset < log.logEndOffset()) {
            fetchOffsets.add(offset);
            FetchDataInfo data = log.read(offset, 1024 * 1024, Long.MAX_VALUE, true);
            target.clear();
            data.records().writeTo(target);
            read += data.records().sizeInBytes();
            offset = lastCompleteOffset(target.flip()) + 1;
        }
        long copyNs = System.nanoTime() - start;
        long sent = 0;
        try (FileChannel devNull = FileChannel.open(Path.of("/dev/null"), StandardOpenOption.WRITE)) {
            start = System.nanoTime();
            for (long fetchOffset : fetchOffsets) {
                FetchDataInfo data = log.read(fetchOffset, 1024 * 1024, Long.MAX_VALUE, true);
                long position = data.records().position();
                long remaining = data.records().sizeInBytes();
                while (remaining > 0) {
                    long n = data.records().channel().transferTo(position, remaining, devNull);
                    position += n;
                    remaining -= n;
                }
                sent += data.records().sizeInBytes();
            }
        }
        long transferNs = System.nanoTime() - start;
        System.out.printf("    read back %,d MB in %d fetches: copy %8.1f MB/s, transferTo /dev/null %8.1f MB/s "
                + "(%.1f%% of the bytes sent twice: partial last batches)%n", read / 1_000_000, fetchOffsets.size(),
            mbPerSecond(read, copyNs), mbPerSecond(sent, transferNs), 100.0 * (read - expectedBytes) / expectedBytes);
    }

    /** The last offset of the last complete batch in {@code bytes}. */
    private static long lastCompleteOffset(ByteBuffer bytes) {
        long last = -1;
        int position = 0;
        while (bytes.limit() - position >= 61) {
            int size = 12 + bytes.getInt(position + 8);
            if (position + size > bytes.limit()) {
                break;
            }
            last = bytes.getLong(position) + bytes.getInt(position + 23);
            position += size;
        }
        return last;
    }

    private static List<MemoryRecords> batches(int recordsPerBatch, int count) {
        Random random = new Random(1);
        List<MemoryRecords> pool = new ArrayList<>();
        // About 1 KiB per record including its share of the 61-byte batch header and ~9 bytes of record framing.
        int valueBytes = (1024 * recordsPerBatch - 61) / recordsPerBatch - 9;
        for (int b = 0; b < count; b++) {
            RecordBatchBuilder builder = new RecordBatchBuilder();
            for (int r = 0; r < recordsPerBatch; r++) {
                byte[] value = new byte[valueBytes];
                random.nextBytes(value);
                builder.append(System.currentTimeMillis(), null, value);
            }
            pool.add(builder.build());
        }
        return pool;
    }

    private static double mbPerSecond(long bytes, long nanos) {
        return bytes / 1e6 / (nanos / 1e9);
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
