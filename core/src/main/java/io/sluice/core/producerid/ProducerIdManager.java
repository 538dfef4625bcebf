package io.sluice.core.producerid;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import java.util.function.IntFunction;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Hands out producer ids for InitProducerId. Ids come in cluster-wide blocks claimed from ZooKeeper
 * ({@code /latest_producer_id_block}) so no two brokers ever give out the same id; a new block is claimed
 * when the current one runs out. Thread-safe.
 */
public final class ProducerIdManager {
    private static final Logger log = LogManager.getLogger(ProducerIdManager.class);
    public static final int BLOCK_SIZE = 1000;

    /** A claimed range of ids, both ends inclusive. */
    public record Block(long first, long last) {
    }

    private final IntFunction<Block> claimBlock;
    private long next = 0;
    private long last = -1;

    /** @param claimBlock claims the next block of the given size (a ZooKeeper compare-and-set loop) */
    public ProducerIdManager(IntFunction<Block> claimBlock) {
        this.claimBlock = claimBlock;
    }

    public synchronized long nextProducerId() {
        if (next > last) {
            Block block;
            try {
                block = claimBlock.apply(BLOCK_SIZE);
            } catch (RuntimeException e) {
                log.warn("Could not claim a block of producer ids: {}", e.getMessage());
                throw new ApiException(Errors.COORDINATOR_NOT_AVAILABLE, "Could not allocate a producer id: " + e.getMessage(), e);
            }
            next = block.first();
            last = block.last();
        }
        return next++;
    }
}
