package io.sluice.core.handler;

import io.sluice.common.Errors;
import io.sluice.core.log.AppendOrigin;
import io.sluice.core.log.TopicPartition;
import io.sluice.core.replication.ProduceResult;
import io.sluice.core.replication.ReplicaManager;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.ProduceRequest;
import io.sluice.protocol.message.ProduceResponse;
import io.sluice.record.CompressionType;
import io.sluice.record.MemoryRecords;
import io.sluice.record.RecordBatch;
import io.sluice.record.Records;
import io.sluice.record.RecordFormatException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Produce (v3-11): validates acks and each partition's records, appends through the {@link ReplicaManager},
 * and answers once the acks level is met. acks=0 gets no response at all.
 */
public final class ProduceHandler implements ApiHandler<ProduceRequest, ProduceResponse> {
    private final ReplicaManager replicaManager;

    public ProduceHandler(ReplicaManager replicaManager) {
        this.replicaManager = replicaManager;
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.PRODUCE;
    }

    @Override
    public CompletableFuture<ProduceResponse> handle(RequestContext context, ProduceRequest request) {
        short version = context.apiVersion();
        Map<TopicPartition, ProduceResult> failed = new LinkedHashMap<>();
        Map<TopicPartition, MemoryRecords> toAppend = new LinkedHashMap<>();
        boolean badAcks = request.acks() != 0 && request.acks() != 1 && request.acks() != -1;
        for (ProduceRequest.TopicData topic : request.topicData()) {
            for (ProduceRequest.TopicData.PartitionData pd : topic.partitionData()) {
                TopicPartition tp;
                try {
                    tp = new TopicPartition(topic.name(), pd.index());
                } catch (IllegalArgumentException e) {
                    continue; // answered below as UNKNOWN_TOPIC_OR_PARTITION
                }
                if (badAcks) {
                    failed.put(tp, ProduceResult.error(Errors.INVALID_REQUIRED_ACKS,
                        "acks must be -1 (all), 0 or 1, not " + request.acks(), -1, -1));
                } else if (request.transactionalId() != null) {
                    failed.put(tp, ProduceResult.error(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
                        "Transactions are not supported by this broker", -1, -1));
                } else {
                    String problem = checkRecords(pd.records(), version);
                    if (problem != null) {
                        Errors code = problem.startsWith("zstd") ? Errors.UNSUPPORTED_COMPRESSION_TYPE
                            : problem.startsWith("corrupt") ? Errors.CORRUPT_MESSAGE : Errors.INVALID_RECORD;
                        failed.put(tp, ProduceResult.error(code, problem, -1, -1));
                    } else {
                        toAppend.put(tp, (MemoryRecords) pd.records());
                    }
                }
            }
        }
        CompletableFuture<Map<TopicPartition, ProduceResult>> appended = toAppend.isEmpty()
            ? CompletableFuture.completedFuture(Map.of())
            : replicaManager.appendRecords(request.timeoutMs(), request.acks(), toAppend, AppendOrigin.CLIENT);
        return appended.thenApply(results -> {
            if (request.acks() == 0) {
                return null;
            }
            Map<TopicPartition, ProduceResult> all = new LinkedHashMap<>(failed);
            all.putAll(results);
            return response(request, all, version);
        });
    }

    /** Returns null when the records may go to the log, else why not. */
    private static String checkRecords(Records records, short version) {
        if (!(records instanceof MemoryRecords memory) || memory.sizeInBytes() == 0) {
            return "The request carries no record batch for this partition";
        }
        int batches = 0;
        try {
            for (RecordBatch batch : memory.batches()) {
                batches++;
                if (batch.compressionType() == CompressionType.ZSTD && version < 7) {
                    return "zstd-compressed batches need Produce version 7 or later (this request is version " + version + ")";
                }
            }
        } catch (RecordFormatException e) {
            return "corrupt record batch: " + e.getMessage();
        }
        if (batches != 1 || memory.sizeOfCompleteBatches() != memory.sizeInBytes()) {
            return "Produce requests must carry exactly one complete record batch per partition (found " + batches + ")";
        }
        return null;
    }

    private static ProduceResponse response(ProduceRequest request, Map<TopicPartition, ProduceResult> results, short version) {
        List<ProduceResponse.Response> topics = new ArrayList<>();
        for (ProduceRequest.TopicData topic : request.topicData()) {
            List<ProduceResponse.Response.PartitionResponse> parts = new ArrayList<>();
            for (ProduceRequest.TopicData.PartitionData pd : topic.partitionData()) {
                ProduceResult r = null;
                if (pd.index() >= 0 && !topic.name().isEmpty()) {
                    r = results.get(new TopicPartition(topic.name(), pd.index()));
                }
                if (r == null) {
                    r = ProduceResult.error(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                        "Unknown topic or partition " + topic.name() + "-" + pd.index(), -1, -1);
                }
                parts.add(partitionResponse(pd.index(), r));
            }
            topics.add(new ProduceResponse.Response(topic.name(), parts));
        }
        return new ProduceResponse(topics, 0, List.of());
    }

    private static ProduceResponse.Response.PartitionResponse partitionResponse(int index, ProduceResult r) {
        ProduceResponse.Response.PartitionResponse.CurrentLeader leader =
            new ProduceResponse.Response.PartitionResponse.CurrentLeader(-1, -1);
        if (r.error() == Errors.NOT_LEADER_OR_FOLLOWER && r.leaderId() >= 0) {
            leader = new ProduceResponse.Response.PartitionResponse.CurrentLeader(r.leaderId(), r.leaderEpoch());
        }
        return new ProduceResponse.Response.PartitionResponse(index, r.error().code(), r.baseOffset(), r.logAppendTime(),
            r.logStartOffset(), List.of(), r.error() == Errors.NONE ? null : r.errorMessage(), leader);
    }

    @Override
    public ProduceResponse errorResponse(RequestContext context, ProduceRequest request, Errors error) {
        if (request.acks() == 0) {
            return null;
        }
        Map<TopicPartition, ProduceResult> all = new LinkedHashMap<>();
        for (ProduceRequest.TopicData topic : request.topicData()) {
            for (ProduceRequest.TopicData.PartitionData pd : topic.partitionData()) {
                if (pd.index() >= 0 && !topic.name().isEmpty()) {
                    all.put(new TopicPartition(topic.name(), pd.index()), ProduceResult.error(error, error.message(), -1, -1));
                }
            }
        }
        return response(request, all, context.apiVersion());
    }
}
