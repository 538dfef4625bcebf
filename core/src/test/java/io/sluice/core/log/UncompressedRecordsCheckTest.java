package io.sluice.core.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.record.Header;
import io.sluice.record.MemoryRecords;
import io.sluice.record.RecordBatch;
import io.sluice.record.RecordBatchBuilder;
import io.sluice.record.RecordFormatException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** The allocation-free framing check accepts and rejects exactly what the record iterator does. */
class UncompressedRecordsCheckTest {

    @Test
    void agreesWithTheRecordIteratorOnRandomlyDamagedBatches() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        LogConfig config = LogConfig.defaults();
        int rejected = 0;
        for (int round = 0; round < 3000; round++) {
            RecordBatchBuilder builder = new RecordBatchBuilder();
            int count = 1 + random.nextInt(5);
            for (int r = 0; r < count; r++) {
                byte[] key = random.nextInt(3) == 0 ? null : new byte[random.nextInt(10)];
                byte[] value = random.nextInt(4) == 0 ? null : new byte[random.nextInt(40)];
                List<Header> headers = random.nextBoolean() ? List.of()
                    : List.of(Header.of("h" + r, random.nextBoolean() ? null : new byte[random.nextInt(5)]));
                builder.append(LogTestSupport.T0 + random.nextInt(1000), key, value, headers);
            }
            MemoryRecords records = builder.build();
            ByteBuffer bytes = ByteBuffer.allocate(records.sizeInBytes());
            records.writeTo(bytes);
            bytes.flip();
            int damages = round % 4 == 0 ? 0 : 1 + random.nextInt(3);
            for (int d = 0; d < damages; d++) {
                int at = RecordBatch.HEADER_SIZE + random.nextInt(bytes.limit() - RecordBatch.HEADER_SIZE);
                bytes.put(at, (byte) random.nextInt(256));
            }
            if (random.nextInt(10) == 0) {
                bytes.putInt(57, count + random.nextInt(3) - 1); // recordsCount
            }
            CRC32C crc = new CRC32C();
            crc.update(bytes.duplicate().position(21));
            bytes.putInt(17, (int) crc.getValue());
            RecordBatch batch = RecordBatch.wrap(bytes);
            boolean iteratorAccepts;
            try {
                batch.records();
                iteratorAccepts = true;
            } catch (RecordFormatException e) {
                iteratorAccepts = false;
            }
            boolean checkAccepts;
            try {
                UncompressedRecordsCheck.check(batch, false, false, false, 0, config);
                checkAccepts = true;
            } catch (ApiException e) {
                assertEquals(Errors.INVALID_RECORD, e.error());
                checkAccepts = false;
            }
            assertEquals(iteratorAccepts, checkAccepts, "seed " + seed + ", round " + round);
            if (!checkAccepts) {
                rejected++;
            }
        }
        assertEquals(true, rejected > 100, "enough damaged batches were rejected: " + rejected);
    }
}
