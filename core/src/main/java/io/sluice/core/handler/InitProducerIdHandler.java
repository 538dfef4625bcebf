package io.sluice.core.handler;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.core.producerid.ProducerIdManager;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.InitProducerIdRequest;
import io.sluice.protocol.message.InitProducerIdResponse;
import java.util.concurrent.CompletableFuture;

/**
 * InitProducerId for idempotent producers (no transactional id): a fresh producer id with epoch 0, whatever
 * the request's producer id and epoch. Transactions are not implemented: a request with a transactional id
 * is refused with UNSUPPORTED_VERSION and a message saying so, which Java producers report as a fatal error.
 */
public final class InitProducerIdHandler implements ApiHandler<InitProducerIdRequest, InitProducerIdResponse> {
    private final ProducerIdManager producerIds;

    public InitProducerIdHandler(ProducerIdManager producerIds) {
        this.producerIds = producerIds;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.INIT_PRODUCER_ID;
    }

    @Override
    public CompletableFuture<InitProducerIdResponse> handle(RequestContext context, InitProducerIdRequest request) {
        if (request.transactionalId() != null) {
            // Sluice has no transaction coordinator; say so instead of pretending.
            throw new ApiException(Errors.UNSUPPORTED_VERSION, "Transactions are not supported by this broker");
        }
        long id = producerIds.nextProducerId();
        return CompletableFuture.completedFuture(new InitProducerIdResponse(0, Errors.NONE.code(), id, (short) 0));
    }

    @Override
    public InitProducerIdResponse errorResponse(RequestContext context, InitProducerIdRequest request, Errors error) {
        return new InitProducerIdResponse(0, error.code(), -1L, (short) -1);
    }
}
