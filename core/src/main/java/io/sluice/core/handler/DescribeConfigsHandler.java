package io.sluice.core.handler;

import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.core.metadata.DescribedConfig;
import io.sluice.core.metadata.TopicAdmin;
import io.sluice.protocol.ApiKey;
import io.sluice.protocol.message.DescribeConfigsRequest;
import io.sluice.protocol.message.DescribeConfigsResponse;
import io.sluice.protocol.message.DescribeConfigsResponse.Result.Config;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeConfigs (versions 1-4).
 *
 * <ul>
 *   <li>TOPIC: every topic config key with its effective value and source (TOPIC_CONFIG for the topic's
 *       overrides, STATIC_BROKER_CONFIG when {@code server.properties} sets the broker key that supplies the
 *       default, DEFAULT_CONFIG otherwise), read from ZooKeeper. Unknown topic: UNKNOWN_TOPIC_OR_PARTITION; illegal
 *       name: INVALID_TOPIC_EXCEPTION.</li>
 *   <li>BROKER: this broker's id gives its static configuration (all read-only); the empty name (cluster-wide
 *       dynamic defaults) gives nothing, as there are none; any other id is INVALID_REQUEST, as in Kafka (clients
 *       send broker resources to that broker).</li>
 *   <li>Other resource types: INVALID_REQUEST.</li>
 * </ul>
 * {@code configuration_keys} (non-null) keeps only those keys. Synonyms (v1+) only when asked for, config types
 * in v3+, documentation only when asked for.
 */
public final class DescribeConfigsHandler implements ApiHandler<DescribeConfigsRequest, DescribeConfigsResponse> {
    private final TopicAdmin admin;

    public DescribeConfigsHandler(TopicAdmin admin) {
        this.admin = Objects.requireNonNull(admin, "admin");
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DESCRIBE_CONFIGS;
    }

    @Override
    public CompletableFuture<DescribeConfigsResponse> handle(RequestContext context, DescribeConfigsRequest request) {
        short version = context.apiVersion();
        boolean documentation = version >= 3 && request.includeDocumentation();
        List<DescribeConfigsResponse.Result> results = new ArrayList<>(request.resources().size());
        for (DescribeConfigsRequest.Resource resource : request.resources()) {
            List<DescribedConfig> described;
            try {
                described = describe(resource);
            } catch (RuntimeException e) {
                results.add(failed(resource, ApiError.from(e, "DescribeConfigs of "
                    + ResourceTypes.name(resource.resourceType()) + " '" + resource.resourceName() + "'")));
                continue;
            }
            Set<String> keys = resource.configurationKeys() == null ? null : new HashSet<>(resource.configurationKeys());
            List<Config> configs = new ArrayList<>(described.size());
            for (DescribedConfig c : described) {
                if (keys == null || keys.contains(c.name())) {
                    configs.add(config(c, request.includeSynonyms(), documentation));
                }
            }
            results.add(new DescribeConfigsResponse.Result(Errors.NONE.code(), null, resource.resourceType(),
                resource.resourceName(), configs));
        }
        return CompletableFuture.completedFuture(new DescribeConfigsResponse(0, results));
    }

    private List<DescribedConfig> describe(DescribeConfigsRequest.Resource resource) {
        String name = resource.resourceName();
        return switch (resource.resourceType()) {
            case ResourceTypes.TOPIC -> admin.describeTopicConfigs(name);
            case ResourceTypes.BROKER -> {
                if (name.isEmpty()) {
                    yield List.of();      // cluster-wide dynamic defaults: Sluice has none
                }
                int brokerId = admin.config().brokerId();
                if (!name.equals(Integer.toString(brokerId))) {
                    throw new ApiException(Errors.INVALID_REQUEST, "Unexpected broker id, expected " + brokerId
                        + " or empty string, but received '" + name + "'. Send broker resources to that broker.");
                }
                yield admin.describeBrokerConfigs();
            }
            default -> throw new ApiException(Errors.INVALID_REQUEST, "Describing configs of resource type "
                + ResourceTypes.name(resource.resourceType()) + " is not supported.");
        };
    }

    private static Config config(DescribedConfig c, boolean synonyms, boolean documentation) {
        List<Config.Synonym> out = new ArrayList<>();
        if (synonyms) {
            for (DescribedConfig.Synonym s : c.synonyms()) {
                out.add(new Config.Synonym(s.name(), s.value(), s.source().id));
            }
        }
        return new Config(c.name(), c.value(), c.readOnly(), c.source().id, c.sensitive(), out,
            c.type().describeConfigsId, documentation ? c.documentation() : null);
    }

    private static DescribeConfigsResponse.Result failed(DescribeConfigsRequest.Resource resource, ApiError error) {
        return new DescribeConfigsResponse.Result(error.code(), error.message(), resource.resourceType(),
            resource.resourceName(), List.of());
    }

    @Override
    public DescribeConfigsResponse errorResponse(RequestContext context, DescribeConfigsRequest request, Errors error) {
        List<DescribeConfigsResponse.Result> results = new ArrayList<>();
        for (DescribeConfigsRequest.Resource resource : request.resources()) {
            results.add(failed(resource, ApiError.of(error)));
        }
        return new DescribeConfigsResponse(0, results);
    }
}
